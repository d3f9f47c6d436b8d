"""A crash's leftover temp blob is swept at the next start once no store is open.

The sweep removes recent leftovers only when no other store holds the data
folder (vault/folder_lock.py); a store that is closed no longer holds it.
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


def test_an_open_store_keeps_recent_leftovers_for_the_grace_period(tmp_path: Path) -> None:
    data = tmp_path / "var"
    first = open_store(data)
    path = leftover(data)
    with open_store(data):
        assert path.exists()  # another store may be mid-write: not touched yet
    first.close()
    with open_store(data):
        assert not path.exists()


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
