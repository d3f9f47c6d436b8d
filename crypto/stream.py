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
PROBE = 1 << 16
"""Bytes read before the chunk buffers are allocated (see :func:`decrypt_chunks`)."""

Reader = Callable[[int], bytes]
Filler = Callable[[memoryview], "int | None"]


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


def fill(read: Reader, buffer: memoryview, readinto: Filler | None = None) -> int:
    """Fill ``buffer`` from ``readinto`` or ``read``; the count is short only at end of stream."""
    filled = 0
    if readinto is not None:
        while filled < len(buffer):
            count = readinto(buffer[filled:])
            if not count:
                break
            filled += count
        return filled
    while filled < len(buffer):
        part = read(len(buffer) - filled)
        if not part:
            break
        buffer[filled : filled + len(part)] = part
        filled += len(part)
    return filled


class ChunkSealer:
    """Encrypts chunk after chunk into one reused buffer (no allocation per chunk)."""

    def __init__(self, key: bytes, largest_chunk: int) -> None:
        self._aead = AESGCM(key)
        self._out = memoryview(bytearray(largest_chunk + TAG_SIZE))
        self._index = 0

    def seal(self, plaintext: memoryview, final: bool) -> memoryview:
        """The ciphertext of the next chunk; valid until the next call."""
        out = self._out[: len(plaintext) + TAG_SIZE]
        self._aead.encrypt_into(chunk_nonce(self._index, final), plaintext, None, out)
        self._index += 1
        return out


def decrypt_chunks(
    key: bytes, read: Reader, chunk_size: int, readinto: Filler | None = None
) -> Iterator[memoryview]:
    """Yield plaintext chunks in order; raise ``ValueError`` or ``InvalidTag`` on any fault.

    Each yielded view is valid until the next one is requested. A chunk is
    the last when the stream ends right after it. A short chunk is only
    possible at the end of the stream, so "a non-final chunk that is not
    full" is caught by its tag (it was sealed with the final flag, or it was
    cut). An empty final chunk is refused unless it is the only one.

    ``readinto`` (the source's, if it has one) fills the chunk buffers
    without a bytes object per read. A body shorter than ``PROBE`` bytes (a
    tip, a message) is read whole and no chunk-sized buffer is allocated.
    """
    aead = AESGCM(key)
    full = chunk_size + TAG_SIZE
    probe = min(full, PROBE)
    first = read_exact(read, probe)
    if len(first) < TAG_SIZE:
        raise ValueError("truncated body")
    if len(first) < probe:  # a single short chunk: no buffers to set up
        yield memoryview(aead.decrypt(chunk_nonce(0, True), first, None))
        return
    current = memoryview(bytearray(full))
    current[:probe] = first
    size = probe + fill(read, current[probe:], readinto)
    following = memoryview(bytearray(full if size == full else 0))
    plain = memoryview(bytearray(size - TAG_SIZE))
    index = 0
    while True:
        next_size = fill(read, following, readinto) if size == full else 0
        final = next_size == 0
        if final and index > 0 and size == TAG_SIZE:
            raise ValueError("empty final chunk")
        out = plain[: size - TAG_SIZE]
        aead.decrypt_into(chunk_nonce(index, final), current[:size], None, out)
        yield out
        if final:
            return
        if next_size < TAG_SIZE:
            raise ValueError("truncated chunk")
        index += 1
        current, following, size = following, current, next_size
