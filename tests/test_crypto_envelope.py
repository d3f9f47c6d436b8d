"""Envelope round trips, tampering and constant-memory streaming (real cryptography)."""

from __future__ import annotations

import hashlib
import hmac
import io
import os
import tracemalloc

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crypto import envelope, stream
from crypto.envelope import (
    CHUNK_SIZE,
    Context,
    header_size,
    open_envelope,
    open_stream,
    seal,
    seal_stream,
    sealed_size,
)
from crypto.errors import DecryptionError, FormatError
from crypto.xwing import XWingPrivateKey

KEYS = [XWingPrivateKey.from_seed(bytes([i]) * 32) for i in range(9)]
PUBLICS = [k.public_key() for k in KEYS]
CTX = Context("inspektorat-demo", b"\x01" * 16, "tip", b"\x02" * 16)

contexts = st.builds(
    Context,
    unit_id=st.from_regex(r"[a-z0-9-]{1,64}", fullmatch=True),
    case_id=st.binary(min_size=16, max_size=16),
    kind=st.sampled_from(sorted(envelope.KINDS)),
    item_id=st.binary(min_size=16, max_size=16),
)


def test_sizes_match_spec() -> None:
    assert header_size(1) + 32 == 1234
    assert header_size(2) + 32 == 2411
    assert sealed_size(0, 1) == 1234 + 4096 + 16
    assert CHUNK_SIZE == 1 << 20


@settings(max_examples=40, deadline=None)
@given(
    message=st.binary(max_size=20_000),
    recipients=st.sets(st.integers(0, 7), min_size=1, max_size=8),
    context=contexts,
    data=st.data(),
)
def test_round_trip_any_size_any_recipients(
    message: bytes, recipients: set[int], context: Context, data: st.DataObject
) -> None:
    chosen = sorted(recipients)
    sealed = seal(message, [PUBLICS[i] for i in chosen], context)
    assert len(sealed) == sealed_size(len(message), len(chosen))
    opener = data.draw(st.sampled_from(chosen))
    assert open_envelope(sealed, [KEYS[opener]], context) == message
    outsider = next(i for i in range(9) if i not in recipients)
    with pytest.raises(DecryptionError):
        open_envelope(sealed, [KEYS[outsider]], context)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(message=st.binary(max_size=40_000))
def test_round_trip_across_small_chunks(message: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    """Shrinks CHUNK_SIZE to 4 KiB so that many chunk boundaries fall inside a small
    message (the real 1 MiB chunk would need megabytes per example); real-size
    boundaries are covered by the test below and by the vectors."""
    monkeypatch.setattr(envelope, "CHUNK_SIZE", 4096)
    sealed = seal(message, [PUBLICS[0]], CTX)
    assert len(sealed) == sealed_size(len(message), 1)
    assert open_envelope(sealed, [KEYS[0]], CTX) == message


@pytest.mark.parametrize(
    "size", [CHUNK_SIZE - 8, CHUNK_SIZE - 7, 2 * CHUNK_SIZE - 8, 3 * CHUNK_SIZE]
)
def test_round_trip_real_chunk_boundaries(size: int) -> None:
    message = os.urandom(size)
    sealed = seal(message, [PUBLICS[0], PUBLICS[1]], CTX)
    assert len(sealed) == sealed_size(size, 2)
    assert open_envelope(sealed, [KEYS[1]], CTX) == message


def test_flipping_any_byte_is_rejected() -> None:
    sealed = seal(b"a short tip", [PUBLICS[0]], CTX)
    for offset in range(len(sealed)):
        for bit in (0x01, 0x80):
            tampered = bytearray(sealed)
            tampered[offset] ^= bit
            with pytest.raises(DecryptionError):
                open_envelope(bytes(tampered), [KEYS[0]], CTX)


@settings(max_examples=30, deadline=None)
@given(cut=st.integers(min_value=0, max_value=1234 + 4096 + 16 - 1), extra=st.binary(min_size=1))
def test_truncation_and_trailing_data_rejected(cut: int, extra: bytes) -> None:
    sealed = seal(b"x", [PUBLICS[0]], CTX)
    with pytest.raises(DecryptionError):
        open_envelope(sealed[:cut], [KEYS[0]], CTX)
    with pytest.raises(DecryptionError):
        open_envelope(sealed + extra, [KEYS[0]], CTX)


def test_every_context_field_matters() -> None:
    sealed = seal(b"tip", [PUBLICS[0]], CTX)
    others = [
        Context("inspektorat-demo2", CTX.case_id, CTX.kind, CTX.item_id),
        Context(CTX.unit_id, b"\x03" * 16, CTX.kind, CTX.item_id),
        Context(CTX.unit_id, CTX.case_id, "message", CTX.item_id),
        Context(CTX.unit_id, CTX.case_id, CTX.kind, b"\x03" * 16),
    ]
    for other in others:
        with pytest.raises(DecryptionError) as info:
            open_envelope(sealed, [KEYS[0]], other)
        assert info.value.user_message == DecryptionError().user_message
        assert info.value.__cause__ is None


@pytest.mark.parametrize(
    ("unit_id", "case_id", "kind", "item_id"),
    [
        ("", b"\0" * 16, "tip", b"\0" * 16),
        ("A", b"\0" * 16, "tip", b"\0" * 16),
        ("a" * 65, b"\0" * 16, "tip", b"\0" * 16),
        ("a", b"\0" * 15, "tip", b"\0" * 16),
        ("a", b"\0" * 16, "bogus", b"\0" * 16),
        ("a", b"\0" * 16, "tip", b"\0" * 17),
    ],
)
def test_context_validation(unit_id: str, case_id: bytes, kind: str, item_id: bytes) -> None:
    with pytest.raises(FormatError):
        Context(unit_id, case_id, kind, item_id)


def test_seal_refuses_bad_recipient_lists() -> None:
    with pytest.raises(ValueError, match="1 to 8"):
        seal(b"", [], CTX)
    with pytest.raises(ValueError, match="1 to 8"):
        seal(b"", PUBLICS[:9], CTX)
    with pytest.raises(ValueError, match="twice"):
        seal(b"", [PUBLICS[0], PUBLICS[0]], CTX)


def test_rotated_keys_any_order() -> None:
    sealed = seal(b"old tip", [PUBLICS[3]], CTX)
    assert open_envelope(sealed, [KEYS[5], KEYS[3], KEYS[4]], CTX) == b"old tip"


class PatternSource(io.RawIOBase):
    """A readable stream of ``length`` pattern bytes that holds none of them."""

    def __init__(self, length: int) -> None:
        self.remaining = length

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        n = min(len(buffer), self.remaining)
        buffer[:n] = b"\xab" * n
        self.remaining -= n
        return n


class HashSink(io.RawIOBase):
    """A writable stream that keeps only a running hash and a count."""

    def __init__(self) -> None:
        self.hash = hashlib.sha256()
        self.count = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.hash.update(data)
        self.count += len(data)
        return len(data)


def test_streaming_uses_constant_memory(tmp_path: os.PathLike[str]) -> None:
    """A 64 MiB stream is sealed and opened with a peak of a few chunks of memory."""
    size = 64 * 1024 * 1024
    path = os.path.join(tmp_path, "sealed.bin")
    tracemalloc.start()
    try:
        with open(path, "wb") as dst:
            written = seal_stream(PatternSource(size), size, dst, [PUBLICS[0]], CTX)
        _, seal_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        sink = HashSink()
        with open(path, "rb") as src:
            opened = open_stream(src, sink, [KEYS[0]], CTX)
        _, open_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert written == sealed_size(size, 1) == os.path.getsize(path)
    assert opened == size == sink.count
    assert sink.hash.digest() == hashlib.sha256(b"\xab" * size).digest()
    limit = 6 * CHUNK_SIZE  # about two chunks in flight, plus ciphertext copies
    assert seal_peak < limit, seal_peak
    assert open_peak < limit, open_peak


@pytest.mark.parametrize("key_size", [0, 1, 16, 32, 63, 64, 65, 100])
def test_hmac_and_hkdf_match_the_libraries(key_size: int) -> None:
    """The envelope's HMAC over several parts and its HKDF with an empty salt give
    exactly the standard results."""
    key = os.urandom(key_size)
    message = os.urandom(1300)
    expected = hmac.digest(key, message, "sha256")
    assert envelope._hmac(key, message) == expected
    assert envelope._hmac(key, message[:7], memoryview(message)[7:1000], message[1000:]) == (
        expected
    )
    assert envelope._hmac(key) == hmac.digest(key, b"", "sha256")
    ikm, info = os.urandom(32), os.urandom(key_size)
    for salt in (None, b"", os.urandom(16), key):
        library = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(ikm)
        assert envelope._hkdf(ikm, salt or b"", info) == library


class ShortReads:
    """A source with only ``read`` (no ``readinto``), handing out at most 777 bytes a call."""

    def __init__(self, data: bytes) -> None:
        self._data = memoryview(data)

    def read(self, size: int = -1) -> bytes:
        take = min(777, len(self._data) if size < 0 else size)
        part, self._data = self._data[:take].tobytes(), self._data[take:]
        return part


@pytest.mark.parametrize("chunk", [4096, CHUNK_SIZE])
@pytest.mark.parametrize("probe", [17, 1000, 4111, 4112, 4113, 4383, 4384, 4385, 8208, 1 << 16])
def test_opening_around_the_first_read(
    chunk: int, probe: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A body is first read ``stream.PROBE`` bytes at a time (a tip needs no chunk-sized
    buffers); every split of a body across that first read opens, or fails, the same.
    Bodies here: 4112 bytes (one chunk), 4384 (one chunk, or two of 4 KiB), more."""
    monkeypatch.setattr(envelope, "CHUNK_SIZE", chunk)
    monkeypatch.setattr(stream, "PROBE", probe)
    for size in (0, 4088, 4089, 8184, 10_000, 20_000):
        message = os.urandom(size)
        sealed = seal(message, [PUBLICS[0]], CTX)
        for source in (io.BytesIO, ShortReads):
            out = io.BytesIO()
            assert open_stream(source(sealed), out, [KEYS[0]], CTX) == size  # type: ignore[arg-type]
            assert out.getvalue() == message
            for bad in (sealed[:-1], sealed[:-4112], sealed + b"\0", sealed[:-16] + bytes(16)):
                with pytest.raises(DecryptionError):
                    open_stream(source(bad), io.BytesIO(), [KEYS[0]], CTX)  # type: ignore[arg-type]


def test_non_zero_padding_is_rejected_in_every_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Padding is checked against zeros wherever it falls: right after the message, at
    either end of a chunk that is all padding, in the last byte. (With 4 KiB chunks a
    256 KiB message pads by 8 KiB, across two chunks; with 1 MiB chunks that happens
    from 64 MiB.)"""
    chunk = 4096
    monkeypatch.setattr(envelope, "CHUNK_SIZE", chunk)
    length = (256 << 10) + 1 - 8
    total = envelope.padded_size(8 + length)
    assert total == (256 << 10) + 8192 and total % chunk == 0
    file_key = os.urandom(32)
    ctx = CTX.encode()
    header = envelope._header([PUBLICS[0]], file_key, ctx)
    head = header + envelope._hmac(envelope._mac_key(file_key), header, ctx)
    key = envelope._payload_key(file_key, header[8:24], ctx)

    def sealed(padded: bytes) -> bytes:
        sealer = stream.ChunkSealer(key, chunk)
        body = [
            bytes(sealer.seal(memoryview(padded)[at : at + chunk], at + chunk >= total))
            for at in range(0, total, chunk)
        ]
        return head + b"".join(body)

    message = os.urandom(length)
    good = length.to_bytes(8, "big") + message + bytes(total - 8 - length)
    assert open_envelope(sealed(good), [KEYS[0]], CTX) == message
    for offset in (8 + length, total - chunk - 1, total - chunk, total - 1):
        bad = bytearray(good)
        bad[offset] = 0x80
        with pytest.raises(DecryptionError):
            open_envelope(sealed(bytes(bad)), [KEYS[0]], CTX)
