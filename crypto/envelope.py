"""Envelope v1: seal to X-Wing recipients, open with one of their keys.

The format is specified in docs/spec/envelope-v1.md; this module follows it
step by step. Every failure to open is :class:`DecryptionError` with one
message, whatever check failed.

Streaming (:func:`seal_stream`, :func:`open_stream`) holds at most two
chunks in memory. :func:`open_stream` writes plaintext to ``dst`` chunk by
chunk before the whole envelope is checked: callers write to a temporary
file and keep it only when the call returns (the workstation does so).
"""

from __future__ import annotations

import functools
import hmac
import io
import secrets
from collections.abc import Sequence
from typing import BinaryIO, Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hpke
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from crypto import labels, stream
from crypto.context import KINDS, Context
from crypto.errors import DecryptionError
from crypto.padding import padded_size
from crypto.xwing import ENC_SIZE, KEY_ID_SIZE, XWingPrivateKey, XWingPublicKey, key_id_of

__all__ = [
    "CHUNK_SIZE",
    "KINDS",
    "MAGIC",
    "Context",
    "header_size",
    "open_envelope",
    "open_stream",
    "seal",
    "seal_stream",
    "sealed_size",
]

MAGIC: Final = b"PELUITE\x01"
NONCE_SIZE: Final = 16
FILE_KEY_SIZE: Final = 32
WRAPPED_SIZE: Final = FILE_KEY_SIZE + 16
STANZA_TYPE_XWING: Final = 0x01
STANZA_SIZE: Final = 1 + KEY_ID_SIZE + ENC_SIZE + WRAPPED_SIZE  # 1177
MAC_SIZE: Final = 32
LENGTH_SIZE: Final = 8
MAX_RECIPIENTS: Final = 8
CHUNK_SIZE = 1 << 20  # not Final: a few tests shrink it, saying why

_SUITE = hpke.Suite(hpke.KEM.MLKEM768_X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305)


def header_size(n_recipients: int) -> int:
    """Size of the header without its MAC: ``25 + 1177 n``."""
    return len(MAGIC) + NONCE_SIZE + 1 + STANZA_SIZE * n_recipients


def sealed_size(length: int, n_recipients: int) -> int:
    """Exact size of an envelope holding a ``length``-byte message."""
    padded = padded_size(LENGTH_SIZE + length)
    return header_size(n_recipients) + MAC_SIZE + stream.body_size(padded, CHUNK_SIZE)


def _hmac(key: bytes, *parts: bytes | memoryview) -> bytes:
    """HMAC-SHA256 of the concatenation of ``parts`` (the standard library's, OpenSSL's)."""
    mac = hmac.new(key, digestmod="sha256")
    for part in parts:
        mac.update(part)
    return mac.digest()


def _hkdf(ikm: bytes, salt: bytes, info: bytes) -> bytes:
    """HKDF-SHA256 (RFC 5869), 32 bytes; an empty salt is the RFC's default."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt or None, info=info).derive(ikm)


def _mac_key(file_key: bytes) -> bytes:
    return _hkdf(file_key, b"", labels.ENVELOPE_HEADER)


def _payload_key(file_key: bytes, nonce: bytes, context: bytes) -> bytes:
    return _hkdf(file_key, nonce, labels.ENVELOPE_PAYLOAD + b"\x00" + context)


@functools.lru_cache(maxsize=64)
def _key_id(public_key: bytes) -> bytes:
    """:func:`key_id_of`, remembered for the few keys a process seals to and opens with."""
    return key_id_of(public_key)


def _wrap_info(context: bytes) -> bytes:
    return labels.ENVELOPE_WRAP + b"\x00" + context


# --- sealing ---------------------------------------------------------------


@functools.lru_cache(maxsize=2)
def _zeros(size: int) -> bytes:
    """``size`` zero bytes to copy padding from and compare it with (never written)."""
    return bytes(size)


def _write_body(src: BinaryIO, length: int, dst: BinaryIO, payload_key: bytes) -> int:
    """Encrypt ``u64(length) || message || zeros`` chunk by chunk; return bytes written.

    The message is read straight into one reused plaintext buffer and each
    chunk encrypted into one reused ciphertext buffer: one copy in, one out.
    """
    total = padded_size(LENGTH_SIZE + length)
    chunk = CHUNK_SIZE
    count = max(1, -(-total // chunk))
    sealer = stream.ChunkSealer(payload_key, min(chunk, total))
    plain = memoryview(bytearray(min(chunk, total)))
    readinto = getattr(src, "readinto", None)
    message_left = length
    written = 0
    for index in range(count):
        size = min(chunk, total - index * chunk)
        start = 0
        if index == 0:
            plain[:LENGTH_SIZE] = length.to_bytes(LENGTH_SIZE, "big")
            start = LENGTH_SIZE
        take = min(size - start, message_left)
        if take and stream.fill(src.read, plain[start : start + take], readinto) != take:
            raise ValueError("the source ended before `length` bytes")
        message_left -= take
        if start + take < size:
            plain[start + take : size] = memoryview(_zeros(chunk))[: size - start - take]
        out = sealer.seal(plain[:size], index == count - 1)
        dst.write(out)
        written += len(out)
    return written


def _header(recipients: Sequence[XWingPublicKey], file_key: bytes, ctx: bytes) -> bytes:
    if not 1 <= len(recipients) <= MAX_RECIPIENTS:
        raise ValueError("an envelope has 1 to 8 recipients")
    if len({r.to_bytes() for r in recipients}) != len(recipients):
        raise ValueError("a recipient is listed twice")
    nonce = secrets.token_bytes(NONCE_SIZE)
    parts = [MAGIC, nonce, bytes([len(recipients)])]
    info = _wrap_info(ctx)
    for recipient in recipients:
        sealed = _SUITE.encrypt(file_key, recipient.hpke_key(), info=info)
        parts += [bytes([STANZA_TYPE_XWING]), _key_id(recipient.to_bytes()), sealed]
    return b"".join(parts)


def seal_stream(
    src: BinaryIO,
    length: int,
    dst: BinaryIO,
    recipients: Sequence[XWingPublicKey],
    context: Context,
) -> int:
    """Seal exactly ``length`` bytes read from ``src``; write the envelope to ``dst``.

    Returns the number of bytes written (``sealed_size(length, len(recipients))``).
    """
    if length < 0:
        raise ValueError("length must not be negative")
    ctx = context.encode()
    file_key = secrets.token_bytes(FILE_KEY_SIZE)
    header = _header(recipients, file_key, ctx)
    dst.write(header + _hmac(_mac_key(file_key), header, ctx))
    nonce = header[len(MAGIC) : len(MAGIC) + NONCE_SIZE]
    body = _write_body(src, length, dst, _payload_key(file_key, nonce, ctx))
    return len(header) + MAC_SIZE + body


def seal(message: bytes, recipients: Sequence[XWingPublicKey], context: Context) -> bytes:
    """Seal ``message`` to ``recipients`` (1 to 8), bound to ``context``."""
    out = io.BytesIO()
    seal_stream(io.BytesIO(message), len(message), out, recipients, context)
    return out.getvalue()


# --- opening ---------------------------------------------------------------


def _read_header(src: BinaryIO) -> tuple[bytes, bytes, list[bytes]]:
    """Return (header, nonce, stanzas) or raise ValueError."""
    start = stream.read_exact(src.read, len(MAGIC) + NONCE_SIZE + 1)
    if len(start) != len(MAGIC) + NONCE_SIZE + 1 or start[: len(MAGIC)] != MAGIC:
        raise ValueError("bad magic")
    n = start[-1]
    if not 1 <= n <= MAX_RECIPIENTS:
        raise ValueError("bad recipient count")
    raw = stream.read_exact(src.read, STANZA_SIZE * n)
    if len(raw) != STANZA_SIZE * n:
        raise ValueError("truncated header")
    stanzas = [raw[i : i + STANZA_SIZE] for i in range(0, len(raw), STANZA_SIZE)]
    if any(s[0] != STANZA_TYPE_XWING for s in stanzas):
        raise ValueError("unknown stanza type")
    return start + raw, start[len(MAGIC) : len(MAGIC) + NONCE_SIZE], stanzas


def _unwrap(stanzas: list[bytes], keys: Sequence[XWingPrivateKey], ctx: bytes) -> bytes:
    info = _wrap_info(ctx)
    ids = [(_key_id(key.public_key().to_bytes()), key) for key in keys]
    for stanza in stanzas:
        key_id = stanza[1 : 1 + KEY_ID_SIZE]
        for own_id, key in ids:
            if not hmac.compare_digest(own_id, key_id):
                continue
            try:
                file_key = _SUITE.decrypt(stanza[1 + KEY_ID_SIZE :], key.hpke_key(), info=info)
            except (InvalidTag, ValueError):
                continue
            if len(file_key) == FILE_KEY_SIZE:
                return file_key
    raise ValueError("no stanza opens")


def _open(src: BinaryIO, dst: BinaryIO, keys: Sequence[XWingPrivateKey], context: Context) -> int:
    ctx = context.encode()
    header, nonce, stanzas = _read_header(src)
    file_key = _unwrap(stanzas, keys, ctx)
    mac = stream.read_exact(src.read, MAC_SIZE)
    if not hmac.compare_digest(mac, _hmac(_mac_key(file_key), header, ctx)):
        raise ValueError("bad header mac")
    readinto = getattr(src, "readinto", None)
    key = _payload_key(file_key, nonce, ctx)
    chunks = stream.decrypt_chunks(key, src.read, CHUNK_SIZE, readinto)
    length = -1
    seen = 0  # padded plaintext bytes so far
    written = 0
    total = 0
    for view in chunks:
        if length < 0:
            if len(view) < LENGTH_SIZE:
                raise ValueError("short first chunk")
            length = int.from_bytes(view[:LENGTH_SIZE], "big")
            total = padded_size(LENGTH_SIZE + length)
        if seen + len(view) > total:
            raise ValueError("body longer than the padded size")
        message_end = LENGTH_SIZE + length  # in padded coordinates
        lo = max(seen, LENGTH_SIZE)
        hi = min(seen + len(view), message_end)
        if hi > lo:
            dst.write(view[lo - seen : hi - seen])
            written += hi - lo
        pad_from = max(seen, message_end) - seen
        if pad_from < len(view) and not _zeros(max(CHUNK_SIZE, len(view))).startswith(
            view[pad_from:]
        ):
            raise ValueError("non-zero padding")
        seen += len(view)
    if seen != total:
        raise ValueError("body shorter than the padded size")
    return written


def open_stream(
    src: BinaryIO, dst: BinaryIO, keys: Sequence[XWingPrivateKey], context: Context
) -> int:
    """Open the envelope read from ``src``; write the message to ``dst``.

    Returns the message length. Raises :class:`DecryptionError` on any
    failure; whatever was written to ``dst`` must then be discarded.
    """
    try:
        return _open(src, dst, keys, context)
    except (InvalidTag, ValueError, OverflowError):
        raise DecryptionError() from None


def open_envelope(envelope: bytes, keys: Sequence[XWingPrivateKey], context: Context) -> bytes:
    """Open an envelope held in memory; return the message."""
    out = io.BytesIO()
    open_stream(io.BytesIO(envelope), out, keys, context)
    return out.getvalue()
