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
