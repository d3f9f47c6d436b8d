"""Making a batch of new files durable at once: one flush of their filesystem.

An import writes thousands of envelope files, and must not report success
before every one of them and their directory entries are on disk. An fsync
per file costs one journal commit and one disk-cache flush each (1 to 2 ms
on the bench machine, a third of an import). Linux's ``syncfs(2)`` writes
back and commits the whole filesystem once, and since Linux 5.8 it reports
any write-back error on that filesystem since its descriptor was opened:
what an fsync per file would have reported. The descriptor is therefore
opened *before* the files are written (:class:`DurableBatch` at the start of
an import), so no error in between can slip past.

Where ``syncfs`` is missing or too old to report errors (other systems,
Linux before 5.8), every file and then every folder is fsynced, as before.
Either way nothing is skipped: only the number of flushes changes.
"""

from __future__ import annotations

import ctypes
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from common.durable_file import fsync_dir, fsync_file

SYNCFS_ERRORS_SINCE = (5, 8)  # the first Linux whose syncfs reports write-back errors


def _kernel_version(release: str) -> tuple[int, int]:
    """(major, minor) of a release such as ``6.1.0-18-amd64``; (0, 0) if unreadable."""
    found = re.match(r"(\d+)\.(\d+)", release)
    return (int(found[1]), int(found[2])) if found else (0, 0)


def _find_syncfs() -> Callable[[int], int] | None:
    """libc's ``syncfs`` if it exists and reports errors on this kernel, else None."""
    if sys.platform != "linux" or _kernel_version(os.uname().release) < SYNCFS_ERRORS_SINCE:
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).syncfs
    except (AttributeError, OSError):
        return None
    function.argtypes = [ctypes.c_int]
    function.restype = ctypes.c_int
    return function


_SYNCFS = _find_syncfs()


class DurableBatch:
    """Open before writing a batch of files; :meth:`sync` once they are all in place.

    ``folder`` must be on the filesystem the files are written to (the
    import links them from ``staging/`` into ``envelopes/``, which a
    ``link()`` only allows within one filesystem).
    """

    def __init__(self, folder: Path, *, use_syncfs: bool = True) -> None:
        self._syncfs = _SYNCFS if use_syncfs else None
        self._fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)

    @property
    def one_flush(self) -> bool:
        """True if :meth:`sync` flushes the filesystem once instead of file by file."""
        return self._syncfs is not None

    def sync(self, files: Sequence[Path], folders: Sequence[Path]) -> None:
        """Make ``files`` (their data) and ``folders`` (their entries) durable, or raise OSError."""
        if self._syncfs is not None:
            if self._syncfs(self._fd) != 0:
                error = ctypes.get_errno()
                raise OSError(error, os.strerror(error))
            return
        for path in files:
            fsync_file(path)
        for path in folders:
            fsync_dir(path)

    def close(self) -> None:
        """Close the folder; a second call does nothing (it must never close a reused number)."""
        fd, self._fd = self._fd, -1
        if fd >= 0:
            os.close(fd)

    def __enter__(self) -> DurableBatch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
