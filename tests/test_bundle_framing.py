"""The bundle framing in crypto/ (docs/spec/bundles-v1.md): vectors, round trips, hostile bytes."""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
from pathlib import Path
from typing import Any, BinaryIO

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto import bundle
from crypto.b64 import b64u_decode
from crypto.bundle import BundleReader, Entry, Kind, ReaderLimits, verify_signature
from crypto.bundle_schema import BundleError
from crypto.bundle_writer import BundleWriter
from crypto.signing import SigningKey, VerifyKey

VECTORS = Path(__file__).parent / "vectors" / "bundle"
SCENARIOS = sorted(VECTORS.glob("*.json"))


def load(path: Path) -> tuple[dict[str, Any], bytes]:
    document = json.loads(path.read_text("utf-8"))
    data = (VECTORS / document["file"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == document["sha256"]
    return document, data


def read_all(
    data: bytes, kind: Kind, limits: ReaderLimits | None = None, spill: Any = None
) -> tuple[BundleReader, list[Entry]]:
    # In-memory spill files: nothing to close (the vault's own spill files are tested online).
    reader = BundleReader(io.BytesIO(data), kind, spill or io.BytesIO, limits)
    return reader, list(reader.entries())


def test_there_are_vectors_for_both_kinds_and_every_outcome() -> None:
    expects = {json.loads(p.read_text())["expect"] for p in SCENARIOS}
    kinds = {json.loads(p.read_text())["bundle_kind"] for p in SCENARIOS}
    assert kinds == {"export", "reply"}
    assert {"ok", "truncated", "trailing_bytes", "trailer_sha256", "entry_sha256"} <= expects
    assert {"duplicate", "data_len", "json_size", "entry_type", "signature"} <= expects


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_vector(path: Path) -> None:
    document, data = load(path)
    kind = Kind(document["bundle_kind"])
    expect = document["expect"]
    try:
        reader, entries = read_all(data, kind)
        if kind is Kind.REPLY:
            key = VerifyKey.from_bytes(b64u_decode(document["ed25519_public_key"]))
            verify_signature(reader, key)
    except BundleError as error:
        assert expect == error.check, error.user_message
        assert error.user_message.startswith("bundle rejected: ")
        return
    assert expect == "ok"
    assert reader.file_sha256 == hashlib.sha256(data).hexdigest() == document["sha256"]
    assert reader.header == document["header"]
    found = [
        {
            "type": e.type,
            "meta": e.meta,
            "data_sha256": hashlib.sha256(e.data.read()).hexdigest(),
        }
        for e in entries
    ]
    assert found == document["entries"]


@pytest.mark.parametrize(
    "name", ["export-ok", "export-questionnaire-ok", "reply-ok", "reply-quarantine-ok"]
)
def test_the_writer_reproduces_the_ok_vectors_byte_for_byte(name: str) -> None:
    document, data = load(VECTORS / f"{name}.json")
    kind = Kind(document["bundle_kind"])
    _, entries = read_all(data, kind)
    out = io.BytesIO()
    writer = BundleWriter(out, kind, document["header"])
    for entry in entries:
        writer.add(entry.type, entry.meta, entry.data.open(), entry.data.size)
    key = None
    if kind is Kind.REPLY:
        seed = hashlib.sha256(b"peluit/test-vectors/bundle/unit-ed25519/0").digest()
        key = SigningKey.from_seed(seed)
    writer.finish(key)
    assert out.getvalue() == data


@pytest.mark.parametrize("name", ["export-ok", "reply-ok"])
def test_every_truncation_is_rejected(name: str) -> None:
    document, data = load(VECTORS / f"{name}.json")
    for cut in range(len(data)):
        with pytest.raises(BundleError) as caught:
            read_all(data[:cut], Kind(document["bundle_kind"]))
        assert caught.value.check in {"truncated", "magic"}, cut


@pytest.mark.parametrize("name", ["export-ok", "reply-ok"])
def test_every_flipped_byte_is_rejected(name: str) -> None:
    document, data = load(VECTORS / f"{name}.json")
    kind = Kind(document["bundle_kind"])
    key = None
    if kind is Kind.REPLY:
        key = VerifyKey.from_bytes(b64u_decode(document["ed25519_public_key"]))
    positions = sorted(set(range(0, len(data), 7)) | set(range(len(data) - 80, len(data))))
    for position in positions:
        forged = bytearray(data)
        forged[position] ^= 0x20
        with pytest.raises(BundleError):
            reader, _ = read_all(bytes(forged), kind)
            if key is not None:
                verify_signature(reader, key)
            else:
                # No signature: only the trailer's hash protects these bytes.
                raise AssertionError(f"accepted a flip at {position}")


def _header(**changes: Any) -> dict[str, Any]:
    header = {
        "format": "peluit-reply-bundle",
        "version": 1,
        "unit_id": "inspektorat-demo",
        "sequence": 1,
        "created": "2026-11-24",
    }
    return header | changes


def _envelope_like(size: int, fill: bytes = b"\x07") -> bytes:
    return b"PELUITE\x01" + bytes(16) + b"\x02" + (fill * size)[: size - 25]


def _reply(data: bytes, item: str) -> dict[str, Any]:
    return {"case_id": "a" * 32, "item_id": item, "sha256": hashlib.sha256(data).hexdigest()}


@settings(max_examples=40, deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=25, max_value=3000), max_size=6),
    statuses=st.lists(st.sampled_from(["diverifikasi", "perlu_informasi", "selesai"]), max_size=4),
    text=st.text(min_size=1, max_size=300),
)
def test_round_trip(sizes: list[int], statuses: list[str], text: str) -> None:
    key = SigningKey.generate()
    out = io.BytesIO()
    writer = BundleWriter(out, Kind.REPLY, _header())
    written = []
    for index, size in enumerate(sizes):
        data = _envelope_like(size, bytes([index + 1]))
        writer.add(0x11, _reply(data, f"{index:032x}"), io.BytesIO(data), size)
        written.append((0x11, data))
    for status in statuses:
        writer.add(
            0x12,
            {
                "case_id": "b" * 32,
                "status": status,
                "outcome": None,
                "reason": None,
                "target": None,
            },
        )
        written.append((0x12, b""))
    writer.add(0x13, {"template_id": "t", "text": text, "signature": "A" * 86})
    written.append((0x13, b""))
    digest = writer.finish(key)
    reader, entries = read_all(out.getvalue(), Kind.REPLY, ReaderLimits(spill_threshold=1000))
    assert reader.signed_digest == digest
    verify_signature(reader, key.verify_key)
    assert [(e.type, e.data.read()) for e in entries] == written
    assert [e.number for e in entries] == list(range(1, len(written) + 1))
    assert entries[-1].meta["text"] == text


@pytest.mark.parametrize("block", [None, 4096, 4099])
def test_large_data_is_spilled_to_the_callers_files(
    block: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if block is not None:  # many blocks per entry, the last one short
        monkeypatch.setattr(bundle, "SPILL_BLOCK", block)
    made: list[BinaryIO] = []

    def spill() -> BinaryIO:
        handle = tempfile.TemporaryFile()  # noqa: SIM115 (closed below)
        made.append(handle)
        return handle

    out = io.BytesIO()
    writer = BundleWriter(out, Kind.REPLY, _header())
    small, large = _envelope_like(100), _envelope_like(200_000)
    writer.add(0x11, _reply(small, "1" * 32), small)
    writer.add(0x11, _reply(large, "2" * 32), large)
    writer.finish(SigningKey.generate())
    _, entries = read_all(out.getvalue(), Kind.REPLY, ReaderLimits(spill_threshold=1 << 16), spill)
    assert len(made) == 1 and entries[1].data.open() is made[0]
    assert entries[1].data.read() == large and entries[0].data.read() == small
    for entry in entries:
        entry.data.close()
    assert made[0].closed
    spoiled = bytearray(out.getvalue())
    spoiled[spoiled.index(large) + len(large) - 1] ^= 1  # the spilled entry's last byte
    with pytest.raises(BundleError) as caught:
        read_all(bytes(spoiled), Kind.REPLY, ReaderLimits(spill_threshold=1 << 16), spill)
    assert caught.value.check == "entry_sha256" and "entry 2" in caught.value.user_message


def test_reader_limits_apply_before_data_is_read() -> None:
    out = io.BytesIO()
    writer = BundleWriter(out, Kind.REPLY, _header())
    for index in range(3):
        data = _envelope_like(1000)
        writer.add(0x11, _reply(data, f"{index:032x}"), data)
    writer.finish(SigningKey.generate())
    with pytest.raises(BundleError) as caught:
        read_all(out.getvalue(), Kind.REPLY, ReaderLimits(max_data_total=2500))
    assert caught.value.check == "limit_data" and "entry 3" in caught.value.user_message
    with pytest.raises(BundleError) as caught:
        read_all(out.getvalue(), Kind.REPLY, ReaderLimits(max_entries=2))
    assert caught.value.check == "limit_entries"


def test_the_writer_refuses_misuse() -> None:
    with pytest.raises(ValueError, match="64 KiB"):
        BundleWriter(io.BytesIO(), Kind.REPLY, {"x": "y" * 70_000})
    writer = BundleWriter(io.BytesIO(), Kind.REPLY, _header())
    with pytest.raises(ValueError, match="signed"):
        writer.finish()
    with pytest.raises(ValueError, match="ended before"):
        writer.add(0x11, {}, io.BytesIO(b"short"), 10)
    export = BundleWriter(io.BytesIO(), Kind.EXPORT, {})
    with pytest.raises(ValueError, match="signed"):
        export.finish(SigningKey.generate())
    export.finish()
    with pytest.raises(ValueError, match="finished"):
        export.add(0x01, {})


def test_a_signature_needs_a_bundle_read_to_its_end() -> None:
    out = io.BytesIO()
    BundleWriter(out, Kind.REPLY, _header()).finish(SigningKey.generate())
    reader = BundleReader(io.BytesIO(out.getvalue()), Kind.REPLY, io.BytesIO)
    with pytest.raises(BundleError) as caught:
        verify_signature(reader, SigningKey.generate().verify_key)
    assert caught.value.check == "signature" and "read to its end" in caught.value.user_message


def test_the_file_hash_needs_a_bundle_read_to_its_end() -> None:
    """``file_sha256`` is the running hash: only the whole file's once every byte was read."""
    out = io.BytesIO()
    writer = BundleWriter(out, Kind.REPLY, _header())
    data = _envelope_like(1000)
    writer.add(0x11, _reply(data, "1" * 32), data)
    writer.finish(SigningKey.generate())
    reader = BundleReader(io.BytesIO(out.getvalue()), Kind.REPLY, io.BytesIO)
    entries = reader.entries()
    next(entries)
    with pytest.raises(BundleError) as caught:
        _ = reader.file_sha256
    assert caught.value.check == "incomplete"
    assert list(entries) == []
    assert reader.file_sha256 == hashlib.sha256(out.getvalue()).hexdigest()
    trailing = BundleReader(io.BytesIO(out.getvalue() + b"x"), Kind.REPLY, io.BytesIO)
    with pytest.raises(BundleError, match="after the end"):
        list(trailing.entries())
    with pytest.raises(BundleError):
        _ = trailing.file_sha256
