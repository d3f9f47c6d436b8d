"""PostgreSQL behind the same small connection surface the vault's SQL uses.

The vault's modules speak to a :class:`sqlite_utils.Database` and through it
to ``db.conn.execute(sql, params)`` with SQLite's ``?`` and ``:name``
placeholders, explicit ``BEGIN IMMEDIATE`` / ``COMMIT`` / ``ROLLBACK`` and
``SAVEPOINT``, and catch :class:`sqlite3.IntegrityError`. Rather than fork
every module, :class:`PgDatabase` offers that same surface on a psycopg 3
connection (autocommit, so like SQLite's ``isolation_level=None`` the
driver never opens a transaction behind our back):

- placeholders: ``?`` becomes ``%s``, ``:name`` becomes ``%(name)s``, a
  literal ``%`` becomes ``%%`` (outside quoted strings only);
- ``BEGIN IMMEDIATE`` (a write transaction) takes the vault's write lock, a
  session advisory lock, *before* ``BEGIN ISOLATION LEVEL SERIALIZABLE``, so
  the snapshot is taken once the lock is held: one writer at a time across
  every process and machine, exactly SQLite's "every writer alone". The
  lock is let go after ``COMMIT`` or ``ROLLBACK``, and by PostgreSQL itself
  when a connection dies;
- a plain ``BEGIN`` (a consistent read, vault/export_bundle.py) is
  ``REPEATABLE READ``: one snapshot for the whole transaction;
- errors come out as the :mod:`sqlite3` classes the modules already catch
  (a unique or check violation is :class:`sqlite3.IntegrityError`); a
  serialization failure or deadlock is :class:`SerializationFailure`, which
  the write paths that own their work retry (vault/database.py);
- ``bytea`` comes back as :class:`bytes`, like a SQLite blob.

SQLite-only statements (``PRAGMA``) are not translated: the few callers
that use them ask :func:`vault.database.is_postgres` first.
"""

from __future__ import annotations

import functools
import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import psycopg
from psycopg import errors as pg_errors
from psycopg.pq import TransactionStatus
from psycopg.types.string import BytesBinaryDumper
from sqlite_utils import Database

from common.sqlite_files import BUSY_TIMEOUT_MS
from vault.errors import DatabaseUnavailable

WRITE_LOCK = 0x7065_6C75_6974  # "peluit": the key of the vault's write lock
"""The advisory lock every write transaction holds (one writer at a time)."""

_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|::|\?|:[A-Za-z_]\w*|%")

Params = Sequence[Any] | Mapping[str, Any] | None


class SerializationFailure(sqlite3.OperationalError):
    """PostgreSQL gave up a transaction (serialization failure, deadlock): run it again."""


@functools.lru_cache(maxsize=1024)
def translate(sql: str) -> str:
    """SQLite placeholders to psycopg's, outside quoted strings and identifiers."""

    def swap(match: re.Match[str]) -> str:
        piece = match[0]
        if piece == "?":
            return "%s"
        if piece == "%":
            return "%%"
        if piece.startswith(":") and piece != "::":
            return f"%({piece[1:]})s"
        return piece

    return _TOKEN.sub(swap, sql)


def _first_words(sql: str) -> str:
    return " ".join(sql.split()[:2]).upper()


def sqlite_error(failed: psycopg.Error) -> sqlite3.Error:
    """The :mod:`sqlite3` class the vault's modules catch for a PostgreSQL error.

    Only the first line of PostgreSQL's message is kept, and callers raise it
    ``from None``: the psycopg error's ``DETAIL`` (``Key (case_id)=(...)
    already exists``) must not ride along as ``__cause__`` into a logged
    traceback. Its SQLSTATE stays, as ``sqlstate``.
    """
    error = _sqlite_class(failed)
    error.sqlstate = failed.sqlstate  # type: ignore[attr-defined]
    return error


def _sqlite_class(failed: psycopg.Error) -> sqlite3.Error:
    message = str(failed).splitlines()[0] if str(failed) else type(failed).__name__
    if isinstance(failed, pg_errors.SerializationFailure | pg_errors.DeadlockDetected):
        return SerializationFailure(message)
    if _connection_gone(failed):
        return DatabaseUnavailable(message)
    if isinstance(failed, psycopg.IntegrityError):
        return sqlite3.IntegrityError(message)
    if isinstance(failed, psycopg.OperationalError):
        return sqlite3.OperationalError(message)
    return sqlite3.DatabaseError(message)


_SERVER_GOING_AWAY = ("57P01", "57P02", "57P03")  # admin or crash shutdown, starting up
_LOCK_NOT_AVAILABLE = "55P03"  # lock_timeout ran out: another writer holds the lock too long
_STUCK_SESSION_ENDED = "25P03"  # idle_in_transaction_session_timeout ended this session


def _connection_gone(failed: psycopg.Error) -> bool:
    """A refused or lost connection, or a bounded wait that ran out: not the statement's fault.

    A write lock held past :data:`LOCK_WAIT_MS` (55P03) and a session ended
    for sitting in a transaction past :data:`STUCK_TRANSACTION_MS` (25P03)
    count too: the request answers 503 and may be sent again.

    psycopg reports a connection it could not open or lost without an
    SQLSTATE (an :class:`~psycopg.OperationalError`); a server ending its
    sessions sends 57P01-57P03; class 08 is a connection exception; a
    pool with no connection to give raises ``PoolTimeout``, an
    ``OperationalError`` too; using a connection already closed is an
    :class:`~psycopg.InterfaceError`.
    """
    if isinstance(failed, psycopg.InterfaceError):
        return True
    state = failed.sqlstate
    if state in (_LOCK_NOT_AVAILABLE, _STUCK_SESSION_ENDED):
        return True
    if not isinstance(failed, psycopg.OperationalError):
        return False
    return state is None or state.startswith("08") or state in _SERVER_GOING_AWAY


class PgCursor:
    """The part of :class:`sqlite3.Cursor` the vault uses, over a psycopg cursor."""

    def __init__(self, cursor: psycopg.Cursor[Any] | None) -> None:
        self._cursor = cursor

    @property
    def description(self) -> Any:
        return None if self._cursor is None else self._cursor.description

    @property
    def rowcount(self) -> int:
        return -1 if self._cursor is None else self._cursor.rowcount

    @property
    def lastrowid(self) -> None:
        return None  # PostgreSQL has none: the vault's SQL uses RETURNING

    def fetchone(self) -> Any:
        if self._cursor is None or self._cursor.description is None:
            return None
        try:
            return self._cursor.fetchone()
        except psycopg.Error as failed:
            raise sqlite_error(failed) from None

    def fetchall(self) -> list[Any]:
        if self._cursor is None or self._cursor.description is None:
            return []
        try:
            rows: list[Any] = self._cursor.fetchall()
        except psycopg.Error as failed:
            raise sqlite_error(failed) from None
        return rows

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())


class PgConnection:
    """The part of :class:`sqlite3.Connection` the vault uses, over a psycopg connection."""

    def __init__(self, raw: psycopg.Connection[Any]) -> None:
        self.raw = raw
        self._locked = False

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status in (
            TransactionStatus.INTRANS,
            TransactionStatus.INERROR,
            TransactionStatus.ACTIVE,
        )

    def _run(self, sql: str, params: Params = None) -> PgCursor:
        try:
            if params is None:
                return PgCursor(self.raw.execute(cast(Any, sql)))
            params = dict(params) if isinstance(params, Mapping) else list(params)
            return PgCursor(self.raw.execute(cast(Any, translate(sql)), params))
        except psycopg.Error as failed:
            raise sqlite_error(failed) from None

    def execute(self, sql: str, params: Params = None) -> PgCursor:
        words = _first_words(sql)
        if words.startswith("PRAGMA"):
            raise sqlite3.OperationalError(f"not on PostgreSQL: {sql.strip()[:40]}")
        if words == "BEGIN IMMEDIATE":
            return self._begin_write()
        if words.rstrip(";") == "BEGIN":
            return self._run("BEGIN ISOLATION LEVEL REPEATABLE READ")
        if words.rstrip(";") in ("COMMIT", "ROLLBACK", "END"):
            try:
                return self._run(words.rstrip(";"))
            finally:
                self._unlock()
        return self._run(sql, params)

    def executemany(self, sql: str, rows: Iterable[Params]) -> PgCursor:
        cursor = PgCursor(None)
        for params in rows:
            cursor = self.execute(sql, params)
        return cursor

    def executescript(self, sql: str) -> PgCursor:
        """Statements separated by ``;``, as one simple-protocol query (no parameters)."""
        return self._run(sql)

    def _begin_write(self) -> PgCursor:
        if not self._locked:
            self._run("SELECT pg_advisory_lock(?)", [WRITE_LOCK])
            self._locked = True
        try:
            return self._run("BEGIN ISOLATION LEVEL SERIALIZABLE")
        except BaseException:
            self._unlock()
            raise

    def _unlock(self) -> None:
        if self._locked and not self.in_transaction and not self.raw.closed:
            self._locked = False
            try:
                self.raw.execute("SELECT pg_advisory_unlock(%s)", [WRITE_LOCK])
            except psycopg.Error as failed:
                raise sqlite_error(failed) from None

    def close(self) -> None:
        self.raw.close()


class _Table:
    def __init__(self, db: PgDatabase, name: str) -> None:
        self.db, self.name = db, name

    def exists(self) -> bool:
        row = self.db.conn.execute(
            "SELECT 1 FROM information_schema.tables"
            " WHERE table_schema = current_schema() AND table_name = ?",
            [self.name],
        ).fetchone()
        return row is not None


class PgDatabase(Database):
    """A :class:`sqlite_utils.Database` look-alike on PostgreSQL (see the module doc).

    Only what the vault uses: ``conn``, ``execute``, ``query``, ``close`` and
    ``db[name].exists()``. It subclasses ``Database`` so that the vault's
    type annotations hold; none of sqlite-utils' own table helpers work here.
    """

    def __init__(self, raw: psycopg.Connection[Any], data_file: Path | None = None) -> None:
        # No super().__init__(): it would open a SQLite connection.
        self.data_file = data_file
        """The SQLite file this connection stands in for: its folder is the data folder."""
        self.conn = cast(sqlite3.Connection, PgConnection(raw))
        self._tracer = None
        self._registered_functions = set()
        self.use_counts_table = False
        self.strict = False

    @property
    def pg(self) -> PgConnection:
        return cast(PgConnection, self.conn)

    def execute(self, sql: str, parameters: Params = None) -> Any:
        return self.pg.execute(sql, parameters)

    def query(self, sql: str, params: Params = None) -> Any:
        cursor = self.pg.execute(sql, params)
        keys = [column.name for column in cursor.description or ()]
        return (dict(zip(keys, row, strict=True)) for row in cursor.fetchall())

    def __getitem__(self, name: str) -> Any:
        return _Table(self, name)

    def close(self) -> None:
        self.pg.close()


LOCK_WAIT_MS = BUSY_TIMEOUT_MS
"""How long a statement waits for a lock (the write lock, a hot row) before it gives up
with 503 ``storage_unavailable``: SQLite's busy timeout, so one stuck writer never
stops every writer of the cluster for longer."""
STUCK_TRANSACTION_MS = 60_000
"""A session idle inside a transaction this long (its process frozen, its machine cut
off) is ended by the server, which lets go of the write lock it may hold."""
KEEPALIVES = {
    "keepalives": "1",
    "keepalives_idle": "30",
    "keepalives_interval": "10",
    "keepalives_count": "3",
    "tcp_user_timeout": "60000",
}
"""libpq's TCP keepalives (ignored on a unix socket): a server that vanished is noticed
in about a minute instead of the kernel's two hours. A URL's own values win."""


def connection_options(url: str) -> dict[str, Any]:
    """The keepalives the URL does not set itself, as ``psycopg.connect`` keywords."""
    from psycopg.conninfo import conninfo_to_dict

    given = conninfo_to_dict(url)
    return {key: value for key, value in KEEPALIVES.items() if key not in given}


def configure(raw: psycopg.Connection[Any]) -> None:
    """Every new connection: ``bytes`` as binary ``bytea`` (no hex text twice the size of a
    1 MiB piece), and the bounded waits of :data:`LOCK_WAIT_MS` and
    :data:`STUCK_TRANSACTION_MS` (session settings, so they hold in every transaction)."""
    for kind in (bytes, bytearray, memoryview):
        raw.adapters.register_dumper(kind, BytesBinaryDumper)
    raw.execute(
        "SELECT set_config('lock_timeout', %s, false),"
        " set_config('idle_in_transaction_session_timeout', %s, false)",
        [str(LOCK_WAIT_MS), str(STUCK_TRANSACTION_MS)],
    )


def connect_raw(url: str) -> psycopg.Connection[Any]:
    """A new autocommit connection (the caller opens transactions explicitly)."""
    try:
        raw = psycopg.connect(url, autocommit=True, **connection_options(url))
        configure(raw)
    except psycopg.Error as failed:
        raise sqlite_error(failed) from None
    return raw
