"""Upload sessions: ``POST /api/uploads`` and ``PUT /api/uploads/<token>/<item_id>/<index>``.

A piece is one body chunk of an attachment envelope; piece 0 also carries
the envelope's header and MAC. So piece ``i`` (``i >= 1``) must start at
``header + i * (chunk_size + 16)``, which the server checks against the
bytes already staged, without keeping any per-session state of its own.
A piece out of order is ``409``; over the size limit ``413`` (the declared
``Content-Length`` is checked before reading, the actual bytes while
reading, and the stream is cut off at the limit); a session that expired
or never existed ``404``. The staging area keeps nothing of a refused piece.

A piece (at most about 1 MiB) is read whole in the event loop, then
written to the staging file with one ``writev`` in a worker thread: two
thread hops per piece (the session check and the write), not one per
network read, and no copy of the body in Python. At most
``PIECE_BUFFERS`` pieces are held at once; others wait before their body is
read. One upload session has at most one piece in flight (a second is
``409 busy``, across every process when they share state in Redis), so one
proof of work cannot take every buffer. Small network
reads are gathered into 64 KiB blocks, so a piece sent a few bytes at a
time costs about its size, not a Python object per read. A body that sends
nothing for ``piece_idle_seconds`` or takes longer than ``piece_seconds``
is cut off (``408 timeout``) with nothing kept. A ``200`` means the piece is
committed to its upload session in the database; only the case's or the
message's ``201`` promises the reporter anything (vault/staging.py).
"""

from __future__ import annotations

import anyio
from anyio.lowlevel import RunVar
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse

from crypto import envelope, stream
from vault.errors import Conflict
from web.api.state import api_state, call, vault
from web.api.validation import (
    ID_SIZE,
    MAX_HEADER,
    PREFIX_SIZE,
    b64_text,
    check_prefix,
    exact_fields,
    read_json,
)
from web.errors import BadRequest, ClientGone, TooLarge, UploadTimeout
from web.settings import Limits

# A session lives until the end of the day after it was opened (the vault
# keeps days only); this is the shortest that can be promised.
SESSION_SECONDS = 86400
PIECE_BODY = envelope.CHUNK_SIZE + stream.TAG_SIZE
MAX_INDEX = 1 << 20
# Pieces being received are held whole in memory (about 1 MiB each) and
# written with one call in a worker thread; at most this many at once, per
# event loop (others wait before reading their body, as they would for a
# worker thread).
PIECE_BUFFERS = 32
_SLOTS: RunVar[anyio.CapacityLimiter] = RunVar("upload_piece_buffers")
# Network reads smaller than this are gathered before they are kept.
GATHER = 64 * 1024
TOKEN_LENGTH = 43


async def open_upload(request: Request) -> JSONResponse:
    body = exact_fields(await read_json(request), {"pow"})
    api_state(request).policy.spend(body["pow"], "upload")
    token = await call(vault(request).open_upload)
    return JSONResponse({"upload": token, "expires_in": SESSION_SECONDS})


def check_token(token: str) -> str:
    if len(token) != TOKEN_LENGTH or not all(c.isalnum() or c in "-_" for c in token):
        raise BadRequest("upload")
    if not token.isascii():
        raise BadRequest("upload")
    return token


def expected_offset(staged: int, index: int) -> int | None:
    """Where piece ``index`` must start given ``staged`` bytes, or None if out of order."""
    if index == 0:
        return 0 if staged == 0 else None
    for n in range(1, envelope.MAX_RECIPIENTS + 1):
        header = envelope.header_size(n) + envelope.MAC_SIZE
        if staged == header + index * PIECE_BODY:
            return staged
    return None


def _max_piece(index: int) -> int:
    return MAX_HEADER + PIECE_BODY if index == 0 else PIECE_BODY


async def put_piece(request: Request) -> JSONResponse:
    token = check_token(request.path_params["token"])
    item_id = b64_text(request.path_params["item_id"], "item_id", ID_SIZE)
    raw_index = request.path_params["index"]
    if not raw_index.isascii() or not raw_index.isdigit() or len(raw_index) > 7:
        raise BadRequest("index")
    index = int(raw_index)
    if index >= MAX_INDEX or (raw_index != "0" and raw_index.startswith("0")):
        raise BadRequest("index")
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/octet-stream":
        raise BadRequest("content-type")
    cap = _max_piece(index)
    declared = _declared_length(request, cap)

    store = vault(request)
    limits = api_state(request).limits
    sizes: dict[str, int] = await call(store.upload_sizes, token)  # 404 for no session
    staged = sizes.get(item_id.hex(), 0)
    if item_id.hex() not in sizes and len(sizes) >= limits.attachments:
        raise TooLarge()
    offset = expected_offset(staged, index)
    if offset is None:
        raise Conflict("This piece is out of order.", what="offset")

    in_flight = api_state(request).in_flight  # per event loop, or shared (Redis)
    if not in_flight.claim(token):
        raise Conflict("Another piece of this upload is still being received.", what="busy")
    try:
        async with _buffer_slots():
            data = await _read_piece(request, cap, index, declared, limits)
            received = await call(
                store.append_upload, token, item_id, offset, data, declared_length=declared
            )
    finally:
        in_flight.release(token)
    return JSONResponse({"received": received})


def _declared_length(request: Request, cap: int) -> int | None:
    declared = request.headers.get("content-length")
    if declared is None:
        return None
    if not declared.isascii() or not declared.isdigit() or len(declared) > 18:
        raise BadRequest("content-length")
    if int(declared) > cap:
        raise TooLarge()
    return int(declared)


def _buffer_slots() -> anyio.CapacityLimiter:
    """How many pieces may be held in memory at once (per event loop)."""
    try:
        return _SLOTS.get()
    except LookupError:
        slots = anyio.CapacityLimiter(PIECE_BUFFERS)
        _SLOTS.set(slots)
        return slots


class _Gathered:
    """A piece's chunks in memory: those of at least ``GATHER`` bytes as received,
    smaller ones gathered into blocks of about that size (they come after
    everything in ``parts``)."""

    def __init__(self, cap: int, declared: int | None) -> None:
        self.cap = cap
        self.declared = declared
        self.parts: list[bytes] = []
        self.small = bytearray()
        self.total = 0

    def add(self, chunk: bytes) -> None:
        """Keep ``chunk``; :class:`TooLarge` first if it takes the piece past its bounds."""
        self.total += len(chunk)
        if self.total > self.cap or (self.declared is not None and self.total > self.declared):
            raise TooLarge()
        if len(chunk) >= GATHER and not self.small:
            self.parts.append(chunk)
        else:
            self.small += chunk
            if len(self.small) >= GATHER:
                self.parts.append(bytes(self.small))
                self.small.clear()

    def head(self) -> bytes:
        """The first ``PREFIX_SIZE`` bytes (or all there is)."""
        first = self.parts[0] if self.parts else b""
        head = first if len(first) >= PREFIX_SIZE else b"".join([*self.parts, self.small])
        return head[:PREFIX_SIZE]

    def finished(self, checked: bool) -> list[bytes]:
        """The chunks of a piece read to its end, or the reason it is refused."""
        if self.small:
            self.parts.append(bytes(self.small))
        if self.total == 0:
            raise BadRequest("body")  # an empty piece would leave an empty file behind
        if not checked:
            raise BadRequest("envelope")
        if self.declared is not None and self.total != self.declared:
            raise BadRequest("content-length")
        return self.parts


async def _read_piece(
    request: Request, cap: int, index: int, declared: int | None, limits: Limits
) -> list[bytes]:
    """The piece's body chunks, read in the event loop, bounded in size (``cap``,
    ``declared``) and time (``limits.piece_idle_seconds`` between chunks,
    ``limits.piece_seconds`` in all); nothing is written to disk here. The
    chunks of at least ``GATHER`` bytes are kept as the server received them
    (no copy), smaller ones are gathered into blocks of about that size (a
    client sending a byte at a time must not cost a Python object per byte);
    staging writes them with one ``writev``."""
    idle = limits.piece_idle_seconds
    now = anyio.current_time()
    deadline = now + limits.piece_seconds
    got = _Gathered(cap, declared)
    checked = index != 0
    try:
        with anyio.CancelScope(deadline=min(deadline, now + idle)) as scope:
            async for chunk in request.stream():
                if not chunk:
                    continue
                got.add(chunk)
                if not checked and got.total >= PREFIX_SIZE:
                    check_prefix(got.head(), "envelope")
                    checked = True
                # A trickling client must not hold a buffer for ever.
                scope.deadline = min(deadline, anyio.current_time() + idle)
    except ClientDisconnect:
        raise ClientGone() from None  # nobody to answer; no traceback in the log
    if scope.cancelled_caught:
        raise UploadTimeout()
    return got.finished(checked)
