"""Reads that leave no access time, and database files for their owner only.

A read sets a file's access time (atime) unless the file was opened with
``O_NOATIME`` or the file system is mounted ``noatime``; with the usual
``relatime`` the first read after a write does. So a receipt lookup would
stamp the database's write-ahead log with the moment of the lookup
(issue 17, section 4). Three layers keep it from doing so:

1. **The mount.** Deployments mount the data folder ``noatime``
   (docs/operations.md); :func:`vault.data_folder.atime_mode` tells which
   option the data folder's mount has, for ``peluit doctor``.
2. **O_NOATIME.** The vault opens its own files with it
   (:func:`open_for_reading`). SQLite opens the database, its log and its
   shared-memory file itself, so :func:`mark_database_files` adds the flag
   to those descriptors (``fcntl(F_SETFL)``) right after a connection
   opened them. Only the files' owner may set it; elsewhere it is skipped.
3. **A parked access time.** Under ``relatime`` a file whose access
   time lies after its modification and change times, and less than a day
   in the past, is never stamped again. :func:`park_access_times` sets the
   database files' atime to :data:`PARKED_ATIME` (2100-01-01, the same for
   every vault) when the store opens, so even the few reads made before
   layer 2 applies (a new connection's first page) leave nothing.

Writes (and a reader's marks in the shared-memory file) change the
database files' modification and change times, and not always at the last
operation: a page of the memory-mapped ``-shm`` file stamps its mtime only
when it is first written after the kernel wrote it back. So after every
use of the database the store sets all three files' modification time to
*now* and their access time back to :data:`PARKED_ATIME`, and the writer
lock's file's with them (:func:`touch_database_files`): whatever the file
system shows is then the most recent activity of the whole vault, never an
earlier one.

Database files are created mode 0600 before SQLite opens them (SQLite
creates the ``-wal`` and ``-shm`` files with the database file's mode), and
files left 0644 by an earlier version are narrowed
(:func:`common.sqlite_files.owner_only`).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from pathlib import Path

from common.sqlite_files import database_files
from vault.writer_lock import lock_file

O_NOATIME: int = getattr(os, "O_NOATIME", 0)
PARKED_ATIME = 4_102_444_800  # 2100-01-01T00:00:00Z
PARKED_NS = PARKED_ATIME * 1_000_000_000


def open_for_reading(path: Path) -> int:
    """``os.open`` for reading with ``O_NOATIME`` where the caller may use it."""
    flags = os.O_RDONLY | os.O_CLOEXEC
    if O_NOATIME:
        with contextlib.suppress(PermissionError):  # EPERM: not the file's owner
            return os.open(path, flags | O_NOATIME)
    return os.open(path, flags)


def read_file(path: Path) -> bytes:
    """A small file's content, read without touching its access time."""
    fd = open_for_reading(path)
    try:
        parts = []
        while block := os.read(fd, 1 << 16):
            parts.append(block)
        return b"".join(parts)
    finally:
        os.close(fd)


def mark_database_files(path: Path) -> None:
    """Add ``O_NOATIME`` to this process's descriptors open on the database files.

    Reads ``/proc/self/fd``; a descriptor closed (and its number reused)
    meanwhile is checked again by name just before its flags are changed.
    """
    if not O_NOATIME:
        return
    names = {os.fspath(file) for file in database_files(Path(os.path.realpath(path)))}
    try:
        fds = os.listdir("/proc/self/fd")
    except OSError:
        return
    for entry in fds:
        link = f"/proc/self/fd/{entry}"
        with contextlib.suppress(OSError, ValueError):
            if os.readlink(link) not in names:
                continue
            fd = int(entry)
            flags = fcntl.fcntl(fd, fcntl.F_GETFL)
            if flags & O_NOATIME or os.readlink(link) not in names:
                continue
            fcntl.fcntl(fd, fcntl.F_SETFL, flags | O_NOATIME)


def park_access_times(path: Path) -> None:
    """Set the database files' access time to :data:`PARKED_ATIME`, keeping their mtime."""
    for file in database_files(path):
        with contextlib.suppress(FileNotFoundError, PermissionError):
            modified = file.stat().st_mtime_ns
            os.utime(file, ns=(PARKED_NS, modified))


def touch_database_files(path: Path) -> None:
    """After a use of the database: mtime (and so ctime) now, atime parked.

    The writer lock's file (vault/writer_lock.py) too: nothing changes its
    times, so it would otherwise keep the moment it was created."""
    now = time.time_ns()
    for file in (*database_files(path)[:3], lock_file(path)):
        with contextlib.suppress(FileNotFoundError, PermissionError):
            os.utime(file, ns=(PARKED_NS, now))
