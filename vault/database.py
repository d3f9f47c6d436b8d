"""SQLite connections through sqlite-utils, with Peluit's pragmas on every one.

Every connection, however short-lived, gets the pragmas of
:mod:`common.sqlite_files` (WAL, ``synchronous=FULL``, ``secure_delete``,
``trusted_schema=OFF``, foreign keys, a busy timeout, a journal size
limit), the same as the workstation's; this module checks that WAL took.

The database file is created mode 0600 (its ``-wal`` and ``-shm`` files
inherit the mode) and every descriptor SQLite opens on these files gets
``O_NOATIME``; after each use the files' times are set to show only the
most recent activity (vault/file_times.py).

The connection runs with ``isolation_level=None``: the driver never opens a
transaction behind our back; :func:`write_transaction` opens them explicitly
with ``BEGIN IMMEDIATE`` so two writers never deadlock on a lock upgrade.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol, TypeVar

from sqlite_utils import Database

from common import sqlite_files
from common.sqlite_files import BUSY_TIMEOUT_MS, PRAGMAS
from vault.errors import VaultError
from vault.file_times import mark_database_files, touch_database_files

T = TypeVar("T")

CHECKPOINT_ATTEMPTS = 5


def connect(path: Path, *, check_same_thread: bool = True) -> Database:
    """Open the vault database at ``path`` with every pragma set.

    ``check_same_thread=False`` only for a connection whose owner makes sure
    one thread at a time uses it (vault/group_commit.py).
    """
    # PRAGMAS read here, not bound at import: a test may shorten the busy timeout.
    conn = sqlite_files.connect(path, pragmas=PRAGMAS, check_same_thread=check_same_thread)
    try:
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        if str(mode).lower() != "wal":
            raise sqlite3.OperationalError(f"journal_mode is {mode}, not wal")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # opens -wal and -shm
        mark_database_files(path)
        return Database(conn, execute_plugins=False)
    except BaseException:
        conn.close()
        raise


@contextlib.contextmanager
def opened(path: Path) -> Iterator[Database]:
    """A connection for the duration of a ``with`` block."""
    db = connect(path)
    try:
        yield db
    finally:
        db.close()
        touch_database_files(path)


class ThreadConnections:
    """One open connection per thread (and process) to one database file.

    Opening a connection and setting every pragma costs more than the
    indexed query most requests make, so a long-lived store keeps one per
    worker thread instead of one per call. A new connection still gets
    every pragma (:func:`connect`); a connection is never shared between
    threads (``check_same_thread``) nor inherited across ``fork``; one that
    failed with a database error is closed and replaced on the next use.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()

    @contextlib.contextmanager
    def opened(self) -> Iterator[Database]:
        """This thread's connection for a ``with`` block (nested blocks share it)."""
        local = self._local
        db: Database | None = getattr(local, "db", None)
        if db is None or local.pid != os.getpid():
            db = connect(self.path)
            local.db, local.pid, local.depth = db, os.getpid(), 0
        if local.depth == 0 and db.conn.in_transaction:
            db.conn.execute("ROLLBACK")  # never inherit a half-done transaction
        local.depth += 1
        try:
            yield db
        except sqlite3.Error:
            if local.depth == 1:
                local.db = None
                db.close()
            raise
        finally:
            local.depth -= 1
            if local.depth == 0:
                touch_database_files(self.path)


@contextlib.contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """:func:`common.sqlite_files.transaction` on a sqlite-utils ``Database``."""
    with sqlite_files.transaction(db.conn):
        yield db


class Commit(Protocol):
    """Runs write work in a durable transaction and returns its result once committed.

    :func:`in_write_transaction` on one connection, or a
    :class:`vault.group_commit.GroupCommitter`'s ``run`` (shared commits).
    """

    def __call__(self, work: Callable[[Database], T], /) -> T: ...


def in_write_transaction(db: Database) -> Commit:
    """A :class:`Commit` that runs each piece of work in its own :func:`write_transaction`."""

    def commit(work: Callable[[Database], T], /) -> T:
        with write_transaction(db):
            return work(db)

    return commit


def checkpoint_truncate(db: Database) -> None:
    """Copy every logged page into the database file and empty the log.

    After a destruction this is what makes the deleted content gone: the
    log keeps old frames (the content before ``secure_delete`` zeroed it)
    until a checkpoint resets it. ``TRUNCATE`` waits (busy timeout) for
    readers to finish; a log still busy after a few attempts is an error,
    so the caller says so instead of reporting the case gone.
    """
    for _ in range(CHECKPOINT_ATTEMPTS):
        busy, _log, _done = db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy == 0:
            return
    raise VaultError("The database log could not be emptied (busy); run the command again.")


def checkpoint_if_idle(db: Database) -> bool:
    """A ``TRUNCATE`` checkpoint that waits for nobody; return whether it completed.

    For content deleted in passing (an abandoned upload): emptied now if no
    reader is busy, else at the next checkpoint that completes."""
    conn = db.conn
    conn.execute("PRAGMA busy_timeout=0")
    try:
        busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    except sqlite3.OperationalError:
        busy = 1
    finally:
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return bool(busy == 0)
