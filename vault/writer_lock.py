"""The SQLite vault's write lock across processes: writers are woken, not left sleeping.

Two server processes on one data folder (``peluit serve --workers 2``) take
turns at SQLite's write lock. SQLite's busy handler waits for it by
*sleeping* (1, 2, 5, 10 ... 100 ms), so the lock could sit free while both
processes slept (docs/scale.md, "Measured: ingest on both engines"). So
every write transaction of the vault on SQLite (vault/database.py's
:func:`~vault.database.write_transaction` and the group committer's batch)
first takes an exclusive ``flock`` on ``<database>-writer.lock`` next to the
database file, and lets go of it only after its ``COMMIT`` or ``ROLLBACK``
returned. A writer that finds it taken blocks in the kernel, which wakes it
the moment the holder lets go. SQLite's own lock and busy handler stay as
the second line (a checkpoint, a raw connection of a test or a tool).

- **Who excludes whom.** A ``flock`` belongs to an open file description.
  Each connection has its own descriptor (:class:`WriterLock`, opened at its
  first write), so two connections exclude each other whether they are in
  two processes or two threads of one.
- **Death.** The kernel drops the lock with the last descriptor of it, so a
  killed holder (``SIGKILL`` included) never blocks the others. A forked
  child closes its copies of the parent's descriptors at once
  (``os.register_at_fork``): a child that lives on must not keep a dead
  parent's lock held. ``O_CLOEXEC`` keeps them out of programs run by
  ``exec``.
- **A bounded wait.** The wait has the busy timeout's budget and fails the
  way SQLite does (``sqlite3.OperationalError("database is locked")``).
  ``flock`` has no timeout and a thread cannot be interrupted by a signal
  (Python handles signals in the main thread only), so a contended wait
  is a blocking ``flock`` in a helper thread of the descriptor's own
  (started at its first contended wait, kept for the next ones: a thread
  per wait cost about a quarter of the commits two contending processes
  made), and the caller waits for it at most the budget. A caller that
  gives up hands the descriptor to the helper, which closes it (letting go
  of the lock) as soon as it gets the lock, and ends; the caller opens a
  new descriptor next time. An uncontended lock costs one non-blocking
  ``flock`` and no thread.
- **Readers** take no lock (WAL: they never wait for a writer).

The file is created mode 0600, empty, and never read or written; the vault
sets its times with the database files' (vault/file_times.py). PostgreSQL
has its own write lock (vault/pg_database.py) and none of this.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Final

SUFFIX: Final = "-writer.lock"
FILE_MODE: Final = 0o600

_open_locks: weakref.WeakSet[WriterLock] = weakref.WeakSet()


def lock_file(database: Path) -> Path:
    """``<database>-writer.lock``: the file whose ``flock`` admits one writer at a time."""
    return database.with_name(database.name + SUFFIX)


class _Waiter:
    """A helper thread that blocks in ``flock(LOCK_EX)`` on one descriptor when asked,
    for a caller who may stop waiting. It lives as long as the descriptor."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.mutex = threading.Lock()
        self.asked = threading.Event()
        self.settled = threading.Event()
        self.abandoned = False
        self.stopped = False
        self.error: OSError | None = None
        threading.Thread(target=self._serve, name="peluit-writer-lock", daemon=True).start()

    def _serve(self) -> None:
        while True:
            self.asked.wait()
            self.asked.clear()
            if self.stopped:
                return
            error: OSError | None = None
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX)
            except OSError as failed:
                error = failed
            with self.mutex:
                if self.abandoned:  # the caller left: the descriptor is ours to close
                    os.close(self.fd)
                    return
                self.error = error
                self.settled.set()

    def wait(self, timeout: float) -> bool:
        """Whether the lock (or an error) came within ``timeout``; if not, or if the
        wait is interrupted, the descriptor is no longer the caller's."""
        self.error = None
        self.settled.clear()
        self.asked.set()
        try:
            if self.settled.wait(timeout):
                return True
        except BaseException:  # an interrupt in the main thread: never keep the lock
            self.abandon()
            raise
        with self.mutex:
            if self.settled.is_set():
                return True
            self.abandoned = True
            return False

    def abandon(self) -> None:
        """The caller leaves: close the descriptor now if the lock came, else once it does."""
        with self.mutex:
            if self.settled.is_set():
                os.close(self.fd)
                self.stop()
            else:
                self.abandoned = True

    def stop(self) -> None:
        """End the (idle) thread."""
        self.stopped = True
        self.asked.set()


class WriterLock:
    """One descriptor of ``<database>-writer.lock``, for one connection's write transactions.

    Used by one thread at a time (the connection's), like the connection.
    """

    def __init__(self, database: Path, timeout: float) -> None:
        self.path = lock_file(database)
        self.timeout = timeout
        self._fd = -1
        self._held = False
        self._waiter: _Waiter | None = None
        _open_locks.add(self)

    def _descriptor(self) -> int:
        if self._fd < 0:
            flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC
            self._fd = os.open(self.path, flags, FILE_MODE)
        return self._fd

    def acquire(self) -> None:
        """Take the lock, waiting at most :attr:`timeout` seconds; else "database is locked"."""
        if self._held:
            raise RuntimeError("the writer lock is already held by this connection")
        fd = self._descriptor()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiter = self._waiter
            if waiter is None:
                waiter = self._waiter = _Waiter(fd)
            try:
                came = waiter.wait(self.timeout)
            except BaseException:
                self._fd, self._waiter = -1, None  # closed by the waiter
                raise
            if not came:
                self._fd, self._waiter = -1, None  # the helper closes it once it gets the lock
                raise sqlite3.OperationalError("database is locked") from None
            if waiter.error is not None:
                raise waiter.error from None
        self._held = True

    def release(self) -> None:
        """Let go of the lock (nothing if it is not held)."""
        if self._held:
            self._held = False
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """The lock for a ``with`` block, let go of on every way out of it."""
        self.acquire()
        try:
            yield
        finally:
            self.release()

    def close(self) -> None:
        """Close the descriptor (letting go of the lock); a second call does nothing.

        The number is forgotten before it is closed, so a later close never
        closes another file given the same number (vault/folder_lock.py).
        """
        fd, self._fd, self._held = self._fd, -1, False
        waiter, self._waiter = self._waiter, None
        if waiter is not None:
            waiter.stop()
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)

    def __del__(self) -> None:
        self.close()


def _after_fork_in_child() -> None:
    """Close the descriptors inherited from the parent; closing a copy never unlocks."""
    for lock in list(_open_locks):
        lock.close()


os.register_at_fork(after_in_child=_after_fork_in_child)
