"""Ciphertext blobs: atomic writes, streaming, wiping, sweeping."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from vault.blob_store import BlobStore
from vault.durable_file import TEMP_PREFIX
from vault.errors import BadInput, Conflict, LimitExceeded, NotFound

ITEM = "0123456789abcdef0123456789abcdef"
REPO = Path(__file__).resolve().parent.parent


def test_put_and_stream_round_trip(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    data = os.urandom(300_000)
    assert store.put(ITEM, [data[:100], data[100:]], max_bytes=len(data)) == len(data)
    assert store.path_for(ITEM) == tmp_path / "01" / ITEM
    blocks = list(store.stream(ITEM, block=65536))
    assert max(len(b) for b in blocks) <= 65536
    assert b"".join(blocks) == data
    assert store.size(ITEM) == len(data)
    assert list(store.item_ids()) == [ITEM]
    assert not [p for p in (tmp_path / "01").iterdir() if p.name.startswith(TEMP_PREFIX)]


def test_existing_id_is_refused_and_kept(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    store.put(ITEM, [b"first"], max_bytes=100)
    with pytest.raises(Conflict):
        store.put(ITEM, [b"second"], max_bytes=100)
    assert b"".join(store.stream(ITEM)) == b"first"


def test_over_limit_stream_leaves_nothing(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    with pytest.raises(LimitExceeded):
        store.put(ITEM, [b"x" * 60, b"x" * 60], max_bytes=100)
    assert not store.exists(ITEM)
    assert list((tmp_path / "01").iterdir()) == []


def test_names_are_only_ids(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    for bad in ("../../etc/passwd", "report.pdf", ITEM.upper() + "00", ""):
        with pytest.raises(BadInput):
            store.path_for(bad)
    with pytest.raises(NotFound):
        store.open(ITEM)
    with pytest.raises(NotFound):
        store.stream(ITEM)


CHILD = """
import sys, time
from pathlib import Path
from vault.blob_store import BlobStore
def slow():
    yield b"A" * 100_000
    sys.stdout.write("written\\n"); sys.stdout.flush()
    time.sleep(60)
    yield b"B"
BlobStore(Path(sys.argv[1])).put(sys.argv[2], slow(), max_bytes=10**9)
"""


def test_killed_writer_leaves_no_visible_blob(tmp_path: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tmp_path), ITEM],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "written"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=10)
        if child.stdout is not None:
            child.stdout.close()
    store = BlobStore(tmp_path)
    assert not store.exists(ITEM)
    assert list(store.item_ids()) == []
    temps = [p for p in (tmp_path / "01").iterdir() if p.name.startswith(TEMP_PREFIX)]
    assert len(temps) == 1  # the partial write is only ever a temp file
    # a recent temp file is left alone (it may belong to a live writer) ...
    assert store.sweep(lambda ids: set(), grace_seconds=3600).temp_files_removed == 0
    # ... a stale one is removed
    assert (
        store.sweep(lambda ids: set(), grace_seconds=0, now=time.time() + 1).temp_files_removed == 1
    )
    assert list((tmp_path / "01").iterdir()) == []


def test_delete_overwrites_before_unlinking(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    data = os.urandom(3 * 1024 * 1024 + 17)
    store.put(ITEM, [data], max_bytes=len(data))
    witness = tmp_path / "witness"
    os.link(store.path_for(ITEM), witness)  # a second name for the same inode
    with store.open(ITEM) as handle:
        store.delete(ITEM)
        assert not store.exists(ITEM)
        handle.seek(0)
        seen_through_fd = handle.read()
    assert seen_through_fd == bytes(len(data))
    assert witness.read_bytes() == bytes(len(data))


def test_sweep_removes_orphans_but_not_known_or_recent(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    orphan, known, recent = "aa" + "0" * 30, "bb" + "0" * 30, "cc" + "0" * 30
    for item in (orphan, known, recent):
        store.put(item, [b"ciphertext"], max_bytes=100)
    store.settle(orphan)
    store.settle(known)  # epoch mtime: old
    witness = tmp_path / "witness"
    os.link(store.path_for(orphan), witness)
    result = store.sweep(lambda ids: {known} & set(ids), grace_seconds=600)
    assert result.orphans_removed == 1
    assert not store.exists(orphan) and store.exists(known) and store.exists(recent)
    assert witness.read_bytes() == bytes(len(b"ciphertext"))  # wiped, not just unlinked


def test_settle_forgets_the_write_time(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    store.put(ITEM, [b"x"], max_bytes=1)
    store.settle(ITEM)
    stat = store.path_for(ITEM).stat()
    assert stat.st_mtime == 0 and stat.st_atime == 0
    assert store.path_for(ITEM).parent.stat().st_mtime == 0
