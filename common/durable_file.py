"""Durable file operations: atomic writes, directory fsync, overwrite-then-unlink.

Every file the vault keeps, and the workstation's key files and cards, is
written to a temporary name in the same directory, flushed with ``fsync``,
renamed into place and the directory fsynced, so a crash leaves either the
old state or the new one, never a partial file under the final name.
Deletion overwrites the content with zeros and fsyncs before unlinking (best
effort on copy-on-write or flash storage; see SECURITY.md).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

TEMP_PREFIX = ".tmp-"
_WIPE_BLOCK = 1 << 20
_ZEROS = bytes(_WIPE_BLOCK)
FILE_MODE = 0o600
DIR_MODE = 0o700


def fsync_dir(path: Path) -> None:
    """Flush a directory's entries (a rename or unlink in it) to stable storage."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_file(path: Path) -> None:
    """Flush a finished file's content (written without fsync) to stable storage.

    Read-only is enough for fsync on Linux; a symbolic link is refused.
    """
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def ensure_dir(path: Path) -> None:
    """Create ``path`` (mode 0700) and its parents if missing, fsyncing the parent."""
    if path.is_dir():
        return
    ensure_dir(path.parent)
    with contextlib.suppress(FileExistsError):
        path.mkdir(mode=DIR_MODE)
    fsync_dir(path.parent)


def temp_path_in(directory: Path) -> Path:
    """A fresh temporary file name in ``directory`` (same filesystem as the target)."""
    return directory / f"{TEMP_PREFIX}{secrets.token_hex(16)}"


def write_temp(
    directory: Path, chunks: Iterable[bytes], *, mode: int = FILE_MODE
) -> tuple[Path, int]:
    """Write ``chunks`` to a new fsynced temporary file (``mode``) in ``directory``.

    Memory stays bounded by the size of one chunk. Returns the temporary
    path and the number of bytes written. The temporary file is removed if
    anything fails (including an exception raised by ``chunks``).
    """
    temp = temp_path_in(directory)
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, mode)
    written = 0
    try:
        with os.fdopen(fd, "wb", buffering=0) as out:
            for chunk in chunks:
                view = memoryview(chunk)
                while view:
                    n = out.write(view) or 0
                    view = view[n:]
                    written += n
            os.fsync(out.fileno())
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise
    return temp, written


def publish(temp: Path, target: Path, *, replace: bool = False) -> None:
    """Move a finished temporary file to ``target`` and fsync the directory.

    With ``replace=False`` an existing ``target`` is never overwritten:
    :class:`FileExistsError` is raised and the temporary file removed.
    """
    try:
        if replace:
            os.replace(temp, target)
        else:
            os.link(temp, target)  # atomic, fails if target exists
            temp.unlink()
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise
    fsync_dir(target.parent)


def write_atomic(
    target: Path, chunks: Iterable[bytes], *, replace: bool = False, mode: int = FILE_MODE
) -> int:
    """Write ``chunks`` to ``target`` atomically; return the number of bytes written."""
    temp, written = write_temp(target.parent, chunks, mode=mode)
    publish(temp, target, replace=replace)
    return written


def overwrite_and_unlink(path: Path) -> None:
    """Overwrite a file's content with zeros, fsync, unlink it and fsync its directory."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return
    try:
        remaining = os.fstat(fd).st_size
        os.lseek(fd, 0, os.SEEK_SET)
        while remaining > 0:
            n = os.write(fd, _ZEROS[: min(remaining, _WIPE_BLOCK)])
            remaining -= n
        os.fsync(fd)
    finally:
        os.close(fd)
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    fsync_dir(path.parent)
