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
Before ``BEGIN IMMEDIATE`` a writer takes the connection's
:class:`vault.writer_lock.WriterLock` (a ``flock`` on
``<database>-writer.lock``, :func:`held_writer_lock`) and lets go of it
after ``COMMIT`` or ``ROLLBACK`` returned: writers in other processes and
threads are then woken by the kernel when it is free instead of sleeping
in SQLite's busy handler.

**PostgreSQL.** When ``PELUIT_DATABASE_URL`` names a PostgreSQL database
(``postgresql://...``; :func:`select_database` for a value from the settings
file), every connection here is a :class:`vault.pg_database.PgDatabase`
instead, and the path arguments only still name the data folder's file
(unused). Short uses borrow from one ``psycopg_pool`` pool per process;
``BEGIN IMMEDIATE`` there is the vault's write lock plus ``SERIALIZABLE``
(vault/pg_database.py), and the log checkpoints after a destruction are a
``VACUUM`` of the tables a case's rows live in (docs/scale.md, "PostgreSQL").
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from sqlite_utils import Database

from common import sqlite_files
from common.sqlite_files import BUSY_TIMEOUT_MS, PRAGMAS
from vault.errors import VaultError
from vault.file_times import mark_database_files, touch_database_files
from vault.writer_lock import WriterLock

if TYPE_CHECKING:
    from psycopg_pool import ConnectionPool

T = TypeVar("T")

DATABASE_URL_ENV = "PELUIT_DATABASE_URL"
POOL_SIZE = 40
"""Connections per process in the PostgreSQL pool (each group committer has one more):
anyio's default of 40 worker threads, so no request waits for a connection."""
POOL_WAIT_SECONDS = 5.0
"""How long a request waits for a pooled PostgreSQL connection before it answers 503
(:class:`vault.errors.DatabaseUnavailable`): with PostgreSQL down, not psycopg_pool's 30 s."""
RECONNECT_SECONDS = 10.0
"""How long the pool keeps retrying one lost connection (backing off 1, 2, 4 s) before
it gives up and lets the next request start afresh: a database back after an outage
or a failover is in use again within seconds, not after psycopg_pool's backoff of up
to 5 minutes."""
WRITE_ATTEMPTS = 5
"""How often a write whose transaction PostgreSQL gave up (serialization) is run."""
CASE_TABLES = ("pieces", "envelopes", "status_events", "exported_envelopes", "exported_cases",
               "reexport_cases", "workstation_quarantine", "cases", "upload_items",
               "upload_sessions")  # fmt: skip
"""The tables a destroyed case's rows (and a discarded upload's) leave dead tuples in."""

_selected: str | None = None
_pools: dict[tuple[str, int], ConnectionPool] = {}
_pools_lock = threading.Lock()
_dedicated: weakref.WeakSet[Database] = weakref.WeakSet()
_writer_locks: weakref.WeakKeyDictionary[Database, WriterLock] = weakref.WeakKeyDictionary()


def select_database(url: str | None) -> None:
    """Use ``url`` (``postgresql://...``; empty: SQLite in the data folder) in this process.

    ``None`` goes back to reading ``$PELUIT_DATABASE_URL`` at each connection.
    """
    global _selected
    if url and not url.startswith(("postgresql://", "postgres://")):
        raise ValueError("PELUIT_DATABASE_URL must start with postgresql://")
    _selected = url


def database_url() -> str | None:
    """The PostgreSQL database in use, or ``None`` for the embedded SQLite file."""
    url = _selected if _selected is not None else os.environ.get(DATABASE_URL_ENV, "")
    return url or None


def is_postgres() -> bool:
    return database_url() is not None


def _pool(url: str) -> ConnectionPool:
    from psycopg_pool import ConnectionPool

    from vault.pg_database import configure, connection_options

    key = (url, os.getpid())  # a forked child never uses its parent's sockets
    with _pools_lock:
        pool = _pools.get(key)
        if pool is None:
            pool = ConnectionPool(
                url,
                min_size=1,
                max_size=POOL_SIZE,
                timeout=POOL_WAIT_SECONDS,
                reconnect_timeout=RECONNECT_SECONDS,
                # A connection the server ended while it sat in the pool (a
                # restart, a failover) is replaced, not handed to a request.
                check=ConnectionPool.check_connection,
                kwargs={"autocommit": True, **connection_options(url)},
                configure=configure,
                reset=_unlock_all,
                open=True,
                name="peluit",
            )
            _pools[key] = pool
        return pool


def _unlock_all(raw: Any) -> None:
    raw.execute("SELECT pg_advisory_unlock_all()")


def close_pools() -> None:
    """Close this process's PostgreSQL pools and connections (tests, a server shutting down)."""
    for db in list(_dedicated):
        with contextlib.suppress(sqlite3.Error):
            db.close()
    with _pools_lock:
        for (_url, pid), pool in list(_pools.items()):
            if pid == os.getpid():
                pool.close()
        _pools.clear()


CHECKPOINT_ATTEMPTS = 5


def connect(path: Path, *, check_same_thread: bool = True) -> Database:
    """Open the vault database at ``path`` with every pragma set.

    ``check_same_thread=False`` only for a connection whose owner makes sure
    one thread at a time uses it (vault/group_commit.py).
    """
    url = database_url()
    if url is not None:
        from vault.pg_database import PgDatabase, connect_raw

        raw = connect_raw(url)
        db = PgDatabase(raw, path)
        _dedicated.add(db)
        # Like a sqlite3 connection: closed when dropped, but never by a forked
        # child, whose goodbye on the shared socket would end the parent's session.
        weakref.finalize(db, _close_in, os.getpid(), raw)
        return db
    # PRAGMAS read here, not bound at import: a test may shorten the busy timeout.
    conn = sqlite_files.connect(path, pragmas=PRAGMAS, check_same_thread=check_same_thread)
    try:
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        if str(mode).lower() != "wal":
            raise sqlite3.OperationalError(f"journal_mode is {mode}, not wal")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # opens -wal and -shm
        mark_database_files(path)
        sqlite_db = Database(conn, execute_plugins=False)
        _writer_locks[sqlite_db] = WriterLock(path, _busy_seconds(PRAGMAS))
        return sqlite_db
    except BaseException:
        conn.close()
        raise


def _busy_seconds(pragmas: tuple[tuple[str, str], ...]) -> float:
    """The busy timeout ``pragmas`` set, in seconds: also the writer lock's budget."""
    return int(dict(pragmas).get("busy_timeout", BUSY_TIMEOUT_MS)) / 1000


@contextlib.contextmanager
def held_writer_lock(db: Database) -> Iterator[None]:
    """The writer lock of ``db`` (a connection from :func:`connect`) for a ``with`` block.

    Nothing on PostgreSQL, nor for a connection this module did not open.
    """
    lock = _writer_locks.get(db)
    if lock is None:
        yield
        return
    with lock.held():
        yield


@contextlib.contextmanager
def opened(path: Path) -> Iterator[Database]:
    """A connection for the duration of a ``with`` block."""
    url = database_url()
    if url is not None:
        yield from _borrowed(url, path)
        return
    db = connect(path)
    try:
        yield db
    finally:
        db.close()
        touch_database_files(path)


def _close_in(pid: int, raw: Any) -> None:
    if os.getpid() == pid:
        raw.close()


def _borrowed(url: str, path: Path) -> Iterator[Database]:
    from psycopg import Error

    from vault.pg_database import PgDatabase, sqlite_error

    try:
        with _pool(url).connection() as raw:
            yield PgDatabase(raw, path)
    except Error as failed:
        raise sqlite_error(failed) from None


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
        if is_postgres():  # borrowed from the pool for the outermost block
            shared: Database | None = getattr(local, "pg", None)
            if shared is not None:
                yield shared
                return
            with opened(self.path) as pg:
                local.pg = pg
                try:
                    yield pg
                finally:
                    local.pg = None
            return
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
    """:func:`common.sqlite_files.transaction` on a sqlite-utils ``Database``, inside
    its writer lock (:func:`held_writer_lock`: taken before ``BEGIN IMMEDIATE``,
    let go of after ``COMMIT`` or ``ROLLBACK`` returned)."""
    with held_writer_lock(db), sqlite_files.transaction(db.conn):
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
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                with write_transaction(db):
                    return work(db)
            except sqlite3.OperationalError as failed:
                if attempt == WRITE_ATTEMPTS or not _retryable(failed):
                    raise
        raise AssertionError("unreachable")

    return commit


def lock_row(db: Database, table: str, key: str, value: object) -> None:
    """Hold the row ``table.key = value`` until the transaction ends (a hot counter's owner).

    PostgreSQL: ``SELECT ... FOR UPDATE``, so a second writer of the same
    counter waits for the first to commit, and then (``SERIALIZABLE``) fails
    and is run again instead of counting past a limit. SQLite: nothing, a
    write transaction there already holds the whole database.
    ``table`` and ``key`` are names from the vault's code, never input.
    """
    if is_postgres():
        db.conn.execute(f"SELECT 1 FROM {table} WHERE {key} = ? FOR UPDATE", [value])  # noqa: S608


def _retryable(failed: BaseException) -> bool:
    """A PostgreSQL serialization failure or deadlock: the whole work may run again."""
    from vault.pg_database import SerializationFailure

    return isinstance(failed, SerializationFailure)


CONTENT_TABLES = tuple(name for name in CASE_TABLES if not name.startswith("upload_"))
"""The case tables whose dead tuples :func:`vacuum` counts (with every TOAST table):
the upload tables lose a row with every report (their staged ciphertext is in
``pieces``, counted)."""

_FINISHED = re.compile(r'finished vacuuming "[^"]*\.([^".]+)\.([^".]+)":')
_LEFT = re.compile(r"(\d+) are dead but not yet removable")
_MISSED = re.compile(r"tuples missed: (\d+) dead")


def vacuum(db: Database, tables: tuple[str, ...] = CASE_TABLES) -> int:
    """PostgreSQL: reclaim the dead tuples deleted rows left (outside a transaction).

    Return how many dead tuples VACUUM had to leave in :data:`CONTENT_TABLES`
    and their TOAST tables: those a snapshot may still see (an export reading
    in one transaction, a session idle in a transaction, a standby's
    ``hot_standby_feedback``, a replication slot), or on a page VACUUM could
    not lock. VACUUM keeps them without a word except in its ``VERBOSE``
    report (``INFO`` messages to this connection only, never the server log
    at its default ``log_min_messages``), which this reads, table by table:
    exact for this run, unlike the statistics views, which other sessions
    update later. A report that cannot be read (messages in another
    language, ``lc_messages``) counts as one tuple left: nothing is known.
    """
    if db.conn.in_transaction:
        db.conn.execute("ROLLBACK")
    raw: Any = getattr(db.conn, "raw")  # noqa: B009 (a PgConnection's psycopg connection)
    reports: list[str] = []

    def keep(diagnostic: Any) -> None:
        reports.append(str(diagnostic.message_primary or ""))

    raw.add_notice_handler(keep)
    try:
        db.conn.execute("VACUUM (VERBOSE) " + ", ".join(tables))
    finally:
        raw.remove_notice_handler(keep)
    left, seen = 0, set()
    for report in reports:
        finished = _FINISHED.search(report)
        if finished is None:
            continue
        schema, table = finished.groups()
        if table not in CONTENT_TABLES and schema != "pg_toast":
            continue
        found = _LEFT.search(report)
        if found is None:
            return 1
        seen.add(table)
        missed = _MISSED.search(report)
        left += int(found[1]) + (int(missed[1]) if missed else 0)
    if not {name for name in tables if name in CONTENT_TABLES} <= seen:
        return 1
    return left


def checkpoint_truncate(db: Database) -> None:
    """Copy every logged page into the database file and empty the log.

    After a destruction this is what makes the deleted content gone: the
    log keeps old frames (the content before ``secure_delete`` zeroed it)
    until a checkpoint resets it. ``TRUNCATE`` waits (busy timeout) for
    readers to finish; a log still busy after a few attempts is an error,
    so the caller says so instead of reporting the case gone.

    On PostgreSQL: a ``VACUUM`` of the tables a case's rows live in, so the
    deleted tuples' space is marked free for reuse (their bytes stay until a
    new row overwrites them; docs/scale.md, "PostgreSQL", says what this does
    not reach: the WAL and backups). Dead tuples VACUUM had to leave, because
    a snapshot may still see them, are an error, as a busy log is on SQLite.
    """
    if is_postgres():
        if vacuum(db) > 0:
            raise VaultError(
                "Deleted rows are still kept for a transaction that may see them;"
                " run the command again once it ended."
            )
        return
    for _ in range(CHECKPOINT_ATTEMPTS):
        busy, _log, _done = db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy == 0:
            return
    raise VaultError("The database log could not be emptied (busy); run the command again.")


def checkpoint_if_idle(db: Database) -> bool:
    """A ``TRUNCATE`` checkpoint that waits for nobody; return whether it completed.

    For content deleted in passing (an abandoned upload): emptied now if no
    reader is busy, else at the next checkpoint that completes.

    On PostgreSQL nothing here (``False``): the next ``retention run``
    vacuums the upload tables with the case tables."""
    if is_postgres():
        return False
    conn = db.conn
    conn.execute("PRAGMA busy_timeout=0")
    try:
        busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    except sqlite3.OperationalError:
        busy = 1
    finally:
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return bool(busy == 0)
