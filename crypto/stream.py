"""STREAM with AES-256-GCM: the body of an envelope (docs/spec/envelope-v1.md).

Chunk ``i`` is ``AES-256-GCM(payload_key, u88(i) || flag, chunk, aad="")``
with ``flag = 1`` on the last chunk only. Truncation, reordering, duplication
and dropped chunks fail by construction. Both directions hold at most two
chunks in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

TAG_SIZE = 16
COUNTER_SIZE = 11

Reader = Callable[[int], bytes]


def chunk_nonce(index: int, final: bool) -> bytes:
    """``u88(index) || flag``."""
    return index.to_bytes(COUNTER_SIZE, "big") + (b"\x01" if final else b"\x00")


def body_size(padded: int, chunk_size: int) -> int:
    """Ciphertext size of a body with ``padded`` plaintext bytes (``padded`` >= 1)."""
    chunks = max(1, -(-padded // chunk_size))
    return padded + TAG_SIZE * chunks


def read_exact(read: Reader, size: int) -> bytes:
    """Read up to ``size`` bytes, looping over short reads; fewer only at end of stream."""
    parts: list[bytes] = []
    remaining = size
    while remaining > 0:
        part = read(remaining)
        if not part:
            break
        parts.append(part)
        remaining -= len(part)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def encrypt_chunks(key: bytes, chunks: Iterator[bytes], write: Callable[[bytes], object]) -> int:
    """Encrypt plaintext chunks (all full but the last, which is non-empty) and write them.

    Returns the number of ciphertext bytes written.
    """
    aead = AESGCM(key)
    written = 0
    index = 0
    current = next(chunks)
    for following in chunks:
        out = aead.encrypt(chunk_nonce(index, False), current, None)
        write(out)
        written += len(out)
        index += 1
        current = following
    out = aead.encrypt(chunk_nonce(index, True), current, None)
    write(out)
    return written + len(out)


def decrypt_chunks(key: bytes, read: Reader, chunk_size: int) -> Iterator[bytes]:
    """Yield plaintext chunks in order; raise ``ValueError`` or ``InvalidTag`` on any fault.

    A chunk is the last when the stream ends right after it. A short chunk
    is only possible at the end of the stream, so "a non-final chunk that is
    not full" is caught by its tag (it was sealed with the final flag, or it
    was cut). An empty final chunk is refused unless it is the only one.
    """
    aead = AESGCM(key)
    full = chunk_size + TAG_SIZE
    index = 0
    current = read_exact(read, full)
    if len(current) < TAG_SIZE:
        raise ValueError("truncated body")
    while True:
        following = read_exact(read, full) if len(current) == full else b""
        final = not following
        if final and index > 0 and len(current) == TAG_SIZE:
            raise ValueError("empty final chunk")
        yield aead.decrypt(chunk_nonce(index, final), current, None)
        if final:
            return
        if len(following) < TAG_SIZE:
            raise ValueError("truncated chunk")
        index += 1
        current = following
