"""The data folder's shared lock, and an earlier version's leftover blob files.

Until issue 17 a crash could leave a temporary blob file, swept at once
only when no other store held the folder (vault/folder_lock.py). No code
writes blob files any more, so whatever an earlier version left in
``blobs/`` is wiped at the next start, whoever else has the folder open.
"""

from __future__ import annotations

import os
from pathlib import Path

from vault.store import open_store


def leftover(data: Path) -> Path:
    fanout = data / "blobs" / "ab"
    fanout.mkdir(parents=True, exist_ok=True)
    path = fanout / ".tmp-crashed-write"
    path.write_bytes(os.urandom(64))
    return path


def test_a_closed_store_lets_the_next_start_sweep_at_once(tmp_path: Path) -> None:
    data = tmp_path / "var"
    with open_store(data):
        pass
    path = leftover(data)
    with open_store(data):
        assert not path.exists()


def test_an_earlier_versions_leftover_goes_even_with_a_store_open(tmp_path: Path) -> None:
    data = tmp_path / "var"
    first = open_store(data)
    path = leftover(data)
    with open_store(data):
        assert not path.exists()  # nothing of this version is mid-write in blobs/
    first.close()


def test_closing_twice_never_closes_a_reused_descriptor(tmp_path: Path) -> None:
    """An explicit close, then the finalizer: the second must not hit another file.

    Before the fix the finalizer closed the lock's old descriptor number again;
    by then SQLite had been given that number for another store's database,
    which failed at its next statement with "disk I/O error" (seen in CI).
    """
    import gc

    from vault.folder_lock import FolderLock

    lock = FolderLock(tmp_path)
    lock.close()
    other = tmp_path / "other"
    with other.open("wb") as reused:  # the lowest free number: the one just released
        lock.close()
        del lock
        gc.collect()
        reused.write(b"still open")
        reused.flush()
        os.fsync(reused.fileno())
    assert other.read_bytes() == b"still open"
