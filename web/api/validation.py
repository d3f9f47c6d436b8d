"""Strict reading of what a client sends: bounded bodies, exact fields, exact sizes.

Every refusal is a :class:`web.errors.BadRequest` (naming our field, never
echoing the client's text) or :class:`web.errors.TooLarge`. Nothing here
touches storage, so a refusal stores nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from starlette.requests import Request

from common.strict_json import is_int, load_object
from crypto import envelope, stream
from crypto.b64 import b64u_decode
from crypto.errors import FormatError
from crypto.padding import MIN_PADDED
from crypto.xwing import KEY_ID_SIZE, key_id_of
from vault.envelope_shape import PREFIX_SIZE as VAULT_PREFIX_SIZE
from vault.envelope_shape import body_is_plausible
from web.errors import BadRequest, TooLarge
from web.request_body import bounded_chunks

KIB: Final = 1024
MIB: Final = 1 << 20
SMALL_BODY: Final = 64 * KIB
ID_SIZE: Final = 16
SECRET_SIZE: Final = 32
PUBLIC_KEY_SIZE: Final = 1216
# magic, nonce, n: the vault's shape check and ours read the same prefix
PREFIX_SIZE: Final = VAULT_PREFIX_SIZE
MAX_HEADER: Final = envelope.header_size(envelope.MAX_RECIPIENTS) + envelope.MAC_SIZE
MIN_ENVELOPE: Final = envelope.header_size(1) + envelope.MAC_SIZE + MIN_PADDED + stream.TAG_SIZE


async def read_body(request: Request, cap: int) -> bytes:
    """The request body, refused (413) as soon as it is known to exceed ``cap`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit() or len(declared) > 18:
            raise BadRequest("content-length")
        if int(declared) > cap:
            raise TooLarge()
    parts: list[bytes] = []
    total = 0
    async for chunk in bounded_chunks(request):  # a read deadline; a client gone is no traceback
        total += len(chunk)
        if total > cap:
            raise TooLarge()
        parts.append(chunk)
    return b"".join(parts)


async def read_json(request: Request, cap: int = SMALL_BODY) -> dict[str, Any]:
    """One JSON object, at most ``cap`` bytes, ``application/json``, no duplicate keys."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/json":
        raise BadRequest("content-type")
    data = await read_body(request, cap)
    try:
        return load_object(data)
    except (ValueError, RecursionError):
        raise BadRequest("body") from None


async def read_empty(request: Request) -> None:
    """The endpoints that take "an empty body" refuse anything else."""
    if await read_body(request, 2) not in (b"", b"{}"):
        raise BadRequest("body")


def exact_fields(
    obj: object, required: Iterable[str], optional: Iterable[str] = (), name: str = "body"
) -> dict[str, Any]:
    """``obj`` must be an object with every required field, optional ones, nothing else."""
    if not isinstance(obj, dict):
        raise BadRequest(name)
    required, optional = set(required), set(optional)
    keys = set(obj)
    missing = required - keys
    if missing:
        raise BadRequest(sorted(missing)[0])
    if keys - required - optional:
        raise BadRequest(name)  # an unknown field: never named back
    return obj


def b64_field(obj: dict[str, Any], name: str, size: int | None = None) -> bytes:
    value = obj.get(name)
    if not isinstance(value, str):
        raise BadRequest(name)
    try:
        data = b64u_decode(value)
    except FormatError:
        raise BadRequest(name) from None
    if size is not None and len(data) != size:
        raise BadRequest(name)
    return data


def b64_text(value: str, name: str, size: int) -> bytes:
    """A base64url path or header part of exactly ``size`` bytes."""
    if len(value) > 4 * size:
        raise BadRequest(name)
    try:
        data = b64u_decode(value)
    except FormatError:
        raise BadRequest(name) from None
    if len(data) != size:
        raise BadRequest(name)
    return data


def int_field(obj: dict[str, Any], name: str, low: int, high: int) -> int:
    value = obj.get(name)
    if not isinstance(value, int) or not is_int(value) or not low <= value <= high:
        raise BadRequest(name)
    return value


def str_field(obj: dict[str, Any], name: str, max_length: int) -> str:
    value = obj.get(name)
    if not isinstance(value, str) or not 1 <= len(value) <= max_length:
        raise BadRequest(name)
    return value


def list_field(obj: dict[str, Any], name: str, max_items: int) -> list[Any]:
    value = obj.get(name)
    if not isinstance(value, list):
        raise BadRequest(name)
    if len(value) > max_items:
        raise TooLarge()
    return value


# --- envelopes ---------------------------------------------------------------


def plausible_envelope_size(size: int) -> bool:
    """Whether ``size`` can be a whole envelope v1 with some recipient count."""
    for n in range(1, envelope.MAX_RECIPIENTS + 1):
        body = size - envelope.header_size(n) - envelope.MAC_SIZE
        if body > 0 and body_is_plausible(body):
            return True
    return False


def check_prefix(prefix: bytes, name: str) -> int:
    """Magic and recipient count of an envelope's first bytes; return ``n``."""
    if len(prefix) < PREFIX_SIZE or prefix[: len(envelope.MAGIC)] != envelope.MAGIC:
        raise BadRequest(name)
    n = prefix[PREFIX_SIZE - 1]
    if not 1 <= n <= envelope.MAX_RECIPIENTS:
        raise BadRequest(name)
    return n


def stanza_key_ids(data: bytes, n: int) -> set[bytes]:
    ids = set()
    for i in range(n):
        start = PREFIX_SIZE + i * envelope.STANZA_SIZE + 1
        ids.add(data[start : start + KEY_ID_SIZE])
    return ids


def envelope_field(
    obj: object, name: str, max_size: int, recipients: Iterable[bytes]
) -> tuple[bytes, bytes]:
    """``{"item_id", "envelope"}``: return ``(item_id, envelope)``.

    The envelope must look like an envelope v1 (magic, recipient count, a
    size some padded message has) and carry a stanza for every public key in
    ``recipients`` (the unit's and the reporter's): a tip sealed to anyone
    else is refused before it is stored.
    """
    fields = exact_fields(obj, {"item_id", "envelope"}, name=name)
    item_id = b64_field(fields, "item_id", ID_SIZE)
    text = fields["envelope"]
    if not isinstance(text, str):
        raise BadRequest("envelope")
    if len(text) > -(-max_size * 4 // 3):
        raise TooLarge()
    data = b64_field(fields, "envelope")
    if len(data) > max_size:
        raise TooLarge()
    n = check_prefix(data[:PREFIX_SIZE], "envelope")
    if len(data) < MIN_ENVELOPE or not body_is_plausible(
        len(data) - envelope.header_size(n) - envelope.MAC_SIZE
    ):
        raise BadRequest("envelope")
    present = stanza_key_ids(data, n)
    if any(key_id_of(key) not in present for key in recipients):
        raise BadRequest("envelope")
    return item_id, data


def attachment_list(obj: dict[str, Any], max_items: int, max_size: int) -> list[tuple[bytes, int]]:
    """``[{"item_id", "size"}]`` with distinct ids and plausible envelope sizes."""
    out: list[tuple[bytes, int]] = []
    for entry in list_field(obj, "attachments", max_items):
        fields = exact_fields(entry, {"item_id", "size"}, name="attachments")
        item_id = b64_field(fields, "item_id", ID_SIZE)
        size = int_field(fields, "size", 1, 1 << 50)
        if size > max_size:
            raise TooLarge()
        if not plausible_envelope_size(size):
            raise BadRequest("size")
        out.append((item_id, size))
    if len({item for item, _ in out}) != len(out):
        raise BadRequest("item_id")
    return out


INLINE_ENVELOPE_MAX: Final = 1 * MIB
"""Largest tip, identity or message envelope (the vault's ``envelope_max``)."""
