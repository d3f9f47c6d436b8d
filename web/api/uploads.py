"""Upload sessions: ``POST /api/uploads`` and ``PUT /api/uploads/<token>/<item_id>/<index>``.

A piece is one body chunk of an attachment envelope; piece 0 also carries
the envelope's header and MAC. So piece ``i`` (``i >= 1``) must start at
``header + i * (chunk_size + 16)``, which the server checks against the
bytes already staged, without keeping any per-session state of its own.
A piece out of order is ``409``; over the size limit ``413`` (the declared
``Content-Length`` is checked before reading, the actual bytes while
reading, and the stream is cut off at the limit); a session that expired
or never existed ``404``. The staging area keeps nothing of a refused piece.

The body is never held whole: it goes from ``request.stream()`` to the
staging file piece of a piece, through a worker thread. A body that sends
nothing for ``piece_idle_seconds`` or takes longer than ``piece_seconds`` is
cut off (``408 timeout``) with nothing kept, so trickling clients cannot hold
the worker threads.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio
import anyio.from_thread
import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse

from crypto import envelope, stream
from crypto.b64 import b64u_decode
from crypto.errors import FormatError
from vault.errors import Conflict
from web.api.state import api_state, call, vault
from web.api.validation import (
    ID_SIZE,
    MAX_HEADER,
    PREFIX_SIZE,
    b64_field,
    b64_text,
    check_prefix,
    exact_fields,
    read_json,
)
from web.errors import BadRequest, PowRequired, TooLarge, UploadTimeout
from web.settings import Limits

# A session lives until the end of the day after it was opened (the vault
# keeps days only); this is the shortest that can be promised.
SESSION_SECONDS = 86400
PIECE_BODY = envelope.CHUNK_SIZE + stream.TAG_SIZE
MAX_INDEX = 1 << 20
# Body chunks are gathered in the event loop up to this many bytes before
# the worker thread writes them: one thread hop and one write per batch
# instead of per network read (often 64 KiB).
BATCH_BYTES = 1 << 20
TOKEN_LENGTH = 43


def verify_pow(request: Request, value: object) -> None:
    fields = exact_fields(value, {"challenge", "nonce"}, name="pow")
    try:
        challenge = (
            b64u_decode(fields["challenge"]) if isinstance(fields["challenge"], str) else b""
        )
        nonce = b64_field(fields, "nonce")
    except (FormatError, BadRequest):
        raise PowRequired() from None
    api_state(request).pow.verify(challenge, nonce)


async def open_upload(request: Request) -> JSONResponse:
    body = exact_fields(await read_json(request), {"pow"})
    verify_pow(request, body["pow"])
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

    body = request.stream()
    received = await anyio.to_thread.run_sync(
        _append_in_thread, store, token, item_id, offset, body, cap, index, declared, limits
    )
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


async def _next_within(body: AsyncIterator[bytes], seconds: float) -> bytes:
    """The body's next chunk, or :class:`UploadTimeout` if it does not come in time."""
    if seconds <= 0:
        raise UploadTimeout()
    try:
        with anyio.fail_after(seconds):
            return await body.__anext__()
    except TimeoutError:
        raise UploadTimeout() from None


async def _next_batch(
    body: AsyncIterator[bytes], idle: float, deadline: float, want: int
) -> tuple[bytes, bool]:
    """Body chunks joined up to ``want`` bytes (plus at most one chunk); and
    whether the body ended. Every chunk must come within ``idle`` seconds and
    before ``deadline`` (monotonic), else :class:`UploadTimeout`."""
    parts: list[bytes] = []
    size = 0
    while size < want:
        try:
            chunk = await _next_within(body, min(idle, deadline - time.monotonic()))
        except StopAsyncIteration:
            return b"".join(parts), True
        parts.append(chunk)
        size += len(chunk)
    return b"".join(parts), False


def _append_in_thread(
    store: Any,
    token: str,
    item_id: bytes,
    offset: int,
    body: AsyncIterator[bytes],
    cap: int,
    index: int,
    declared: int | None,
    limits: Limits,
) -> int:
    """Runs in a worker thread: pull the body from the event loop, bounded in size and
    time (``limits.piece_idle_seconds``, ``limits.piece_seconds``), into staging."""

    def pieces() -> Iterator[bytes]:
        total = 0
        prefix = b""
        # A trickling client must not hold a worker thread for ever.
        deadline = time.monotonic() + limits.piece_seconds
        ended = False
        while not ended:
            want = min(BATCH_BYTES, cap + 1 - total)  # never gather far past the cap
            chunk, ended = anyio.from_thread.run(
                _next_batch, body, limits.piece_idle_seconds, deadline, want
            )
            total += len(chunk)
            if total > cap or (declared is not None and total > declared):
                raise TooLarge()
            if index == 0 and len(prefix) < PREFIX_SIZE:
                prefix += chunk[: PREFIX_SIZE - len(prefix)]
                if len(prefix) == PREFIX_SIZE:
                    check_prefix(prefix, "envelope")
            if chunk:
                yield chunk
        if total == 0:
            raise BadRequest("body")  # an empty piece would leave an empty file behind
        if index == 0 and len(prefix) < PREFIX_SIZE:
            raise BadRequest("envelope")
        if declared is not None and total != declared:
            raise BadRequest("content-length")

    result: int = store.append_upload(token, item_id, offset, pieces(), declared_length=declared)
    return result
