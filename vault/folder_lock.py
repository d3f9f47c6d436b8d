"""Who else has this data folder open? A shared lock held by every open store.

(Since issue 17 ciphertext is rows in the database and no sweep needs this;
the lock stays so that maintenance can tell whether a server runs.) Before,
the orphan sweep had to leave recent blobs alone while another process may be
between writing a blob and committing its row, so it waits an hour before
removing them. After a crash that wait only keeps the crash's orphans on
disk (and they are removed only at a later start). When no other process
has the folder open, nothing can be in progress and the sweep may remove
every orphan at once.

Every :class:`SqliteVaultStore` holds a shared ``flock`` on
``<data>/serving.lock`` for its lifetime. At start, :meth:`FolderLock.alone`
tries to turn it into an exclusive lock without waiting: it succeeds only
if no other store (server, worker, admin command) holds the folder. The
lock goes back to shared right after. ``flock`` locks vanish with their
process, so a killed server never blocks the next start.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

LOCK_NAME = "serving.lock"


class FolderLock:
    def __init__(self, root: Path) -> None:
        self._fd = -1
        fd = os.open(root / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def alone(self) -> bool:
        """True if no other open store holds the folder (checked without waiting)."""
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fcntl.flock(self._fd, fcntl.LOCK_SH)
            return False
        fcntl.flock(self._fd, fcntl.LOCK_SH)
        return True

    def close(self) -> None:
        """Release the lock; a second call does nothing.

        The descriptor number is forgotten before it is closed: closing it
        again (from ``__del__`` after an explicit close) would close whatever
        file has since been given the same number, such as another store's
        SQLite database, which then fails with "disk I/O error".
        """
        fd, self._fd = self._fd, -1
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)

    def __del__(self) -> None:
        self.close()
