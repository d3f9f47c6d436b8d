"""workstation/durable.py: a batch of files made durable together, errors never ignored.

Whether data survives a power cut cannot be shown from a test; what can:
which way a batch is flushed on this system, that both ways run on real
files, and that a failing flush raises instead of letting the import commit.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import pytest

from workstation.durable import DurableBatch, _kernel_version


@pytest.mark.parametrize(
    ("release", "version"),
    [
        ("6.18.44-fc-v595", (6, 18)),
        ("5.8.0", (5, 8)),
        ("5.4.0-150-generic", (5, 4)),
        ("4.19", (4, 19)),
        ("5.10rc1", (5, 10)),
        ("garbage", (0, 0)),
        ("", (0, 0)),
    ],
)
def test_kernel_release_parsing(release: str, version: tuple[int, int]) -> None:
    assert _kernel_version(release) == version


def _files(folder: Path, count: int) -> list[Path]:
    paths = []
    for _ in range(count):
        path = folder / secrets.token_hex(16)
        path.write_bytes(secrets.token_bytes(4096))
        paths.append(path)
    return paths


def test_one_flush_exactly_where_syncfs_reports_errors(tmp_path: Path) -> None:
    expected = sys.platform == "linux" and _kernel_version(os.uname().release) >= (5, 8)
    with DurableBatch(tmp_path) as batch:
        assert batch.one_flush is expected
    with DurableBatch(tmp_path, use_syncfs=False) as batch:
        assert batch.one_flush is False


@pytest.mark.parametrize("use_syncfs", [True, False])
def test_both_ways_sync_real_files_and_folders(tmp_path: Path, use_syncfs: bool) -> None:
    with DurableBatch(tmp_path, use_syncfs=use_syncfs) as batch:
        files = _files(tmp_path, 20)
        batch.sync(files, [tmp_path])
    assert all(p.stat().st_size == 4096 for p in files)


@pytest.mark.parametrize("use_syncfs", [True, False])
def test_a_failing_flush_raises(tmp_path: Path, use_syncfs: bool) -> None:
    batch = DurableBatch(tmp_path, use_syncfs=use_syncfs)
    files = _files(tmp_path, 3)
    if batch.one_flush:
        batch.close()  # syncfs on a closed descriptor fails with EBADF
    else:
        batch.close()
        files[1].unlink()  # fsync of a file that is gone fails with ENOENT
    with pytest.raises(OSError):
        batch.sync(files, [tmp_path])
