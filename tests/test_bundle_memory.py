"""A ~200 MiB envelope goes through export and reading with little Python memory.

Peak allocation is measured with tracemalloc (what Python allocates, which
is what a "read it all" bug would show), not time. The envelope is a real
one, sealed by streaming from a generated source into a file, uploaded to
the store in pieces, exported to a file and read back with the shared
reader spilling to a temporary file.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from vault_fixtures import make_unit, new_id, open_store, submission

from crypto import envelope
from crypto.bundle import BundleReader, Kind
from crypto.context import Context

MIB = 1 << 20
PLAINTEXT = 200 * MIB
PEAK_LIMIT = 8 * MIB


class _Pattern(io.RawIOBase):
    """``size`` bytes of a repeating pattern, generated as they are read."""

    def __init__(self, size: int) -> None:
        self.left = size
        self.block = (bytes(range(256)) * 4096)[:MIB]

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        count = min(len(buffer), self.left, len(self.block))
        buffer[:count] = self.block[:count]
        self.left -= count
        return count


def _blocks(handle: BinaryIO) -> Iterator[bytes]:
    while block := handle.read(MIB):
        yield block


def test_exporting_and_reading_a_200_mib_envelope_keeps_memory_small(tmp_path: Path) -> None:
    unit = make_unit()
    store = open_store(tmp_path / "var")
    store.register_unit(unit.card)
    token = store.open_upload()
    item = new_id()
    report = submission(unit, upload_token=token, attachment_ids=(item,))
    sealed = tmp_path / "attachment.envelope"
    context = Context(unit.unit_id, report.case_id, "attachment", item)
    with sealed.open("wb") as out:
        size = envelope.seal_stream(
            _Pattern(PLAINTEXT), PLAINTEXT, out, [unit.xwing.public_key()], context
        )
    with sealed.open("rb") as handle:
        store.append_upload(token, item, 0, _blocks(handle), declared_length=size)
    sealed.unlink()
    store.create_case(report.new)

    bundle = tmp_path / "export.bundle"
    tracemalloc.start()
    try:
        with bundle.open("wb") as out:
            summary = store.export_bundle(unit.unit_id, out, actor="inspektur")
        _, export_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        digest = hashlib.sha256()
        with bundle.open("rb") as src, tempfile.TemporaryFile(dir=tmp_path) as spill:
            reader = BundleReader(src, Kind.EXPORT, lambda: spill)
            sizes = {}
            for entry in reader.entries():
                sizes[entry.meta.get("kind", "case")] = entry.data.size
                if entry.meta.get("kind") == "attachment":
                    for block in _blocks(entry.data.open()):
                        digest.update(block)
        _, read_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert summary.envelopes == 2 and summary.bytes > PLAINTEXT
    assert sizes["attachment"] == size > PLAINTEXT
    expected = hashlib.sha256()
    for block in store.blobs.stream(item.hex()):
        expected.update(block)
    assert digest.digest() == expected.digest()
    assert export_peak < PEAK_LIMIT, export_peak
    assert read_peak < PEAK_LIMIT, read_peak
