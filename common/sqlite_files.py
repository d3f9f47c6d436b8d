"""How every Peluit SQLite file is opened: the pragmas, and files for their owner only.

The online vault (vault/database.py) and the workstation
(workstation/database.py) set the same pragmas on every connection,
however short-lived:

- ``journal_mode=WAL`` and ``synchronous=FULL``: a committed transaction is
  durable when ``COMMIT`` returns;
- ``secure_delete=ON``: deleted content is overwritten with zeros;
- ``trusted_schema=OFF``: no SQL functions with side effects from the schema;
- ``foreign_keys=ON``;
- a busy timeout, so parallel workers wait instead of failing;
- ``journal_size_limit``: a log emptied by a checkpoint is cut back to at
  most 64 MiB (ciphertext pieces pass through it).

:func:`connect` opens a file with them, with the driver's own transaction
handling off (``isolation_level=None``): callers open transactions
explicitly with :func:`transaction` (``BEGIN IMMEDIATE``, so two writers
never deadlock on a lock upgrade). The database file is created mode 0600
before SQLite opens it (SQLite
creates the ``-wal`` and ``-shm`` files with the database file's mode), and
files an earlier version left 0644 are narrowed (:func:`owner_only`).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Final

BUSY_TIMEOUT_MS: Final = 10_000

PRAGMAS: tuple[tuple[str, str], ...] = (
    ("journal_mode", "WAL"),
    ("synchronous", "FULL"),
    ("secure_delete", "ON"),
    ("trusted_schema", "OFF"),
    ("foreign_keys", "ON"),
    ("busy_timeout", str(BUSY_TIMEOUT_MS)),
    ("journal_size_limit", str(64 << 20)),
)

SIDE_FILES: Final = ("-wal", "-shm", "-journal")
FILE_MODE: Final = 0o600


def database_files(path: Path) -> list[Path]:
    """The database file and its side files (whether or not they exist now)."""
    return [path, *(path.with_name(path.name + suffix) for suffix in SIDE_FILES)]


def owner_only(path: Path) -> None:
    """Create the database file 0600 if missing; narrow it and its side files to 0600."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, FILE_MODE))
    for file in database_files(path):
        with contextlib.suppress(FileNotFoundError, PermissionError):
            if file.stat().st_mode & 0o077:
                os.chmod(file, FILE_MODE)


def connect(
    path: Path,
    *,
    pragmas: Sequence[tuple[str, str]] = PRAGMAS,
    check_same_thread: bool = True,
) -> sqlite3.Connection:
    """Open ``path`` (created 0600 if missing) with every one of ``pragmas`` set."""
    owner_only(path)
    conn = sqlite3.connect(
        str(path),
        timeout=BUSY_TIMEOUT_MS / 1000,
        isolation_level=None,
        check_same_thread=check_same_thread,
    )
    try:
        for name, value in pragmas:
            conn.execute(f"PRAGMA {name}={value}")
    except BaseException:
        conn.close()
        raise
    return conn


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``; roll back on any exception, a failed commit included.

    With ``synchronous=FULL`` in WAL mode the data is on stable storage
    when the block returns.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
