"""The engines' own ceiling: single-row commits per second, one writer, same payload.

- SQLite: a file in WAL with ``synchronous=FULL`` (as the vault), ``BEGIN
  IMMEDIATE`` + ``INSERT`` + ``COMMIT``, on the data folder's disk.
- PostgreSQL: one psycopg connection over the unix socket, ``INSERT`` of a
  ``bytea`` + ``COMMIT`` (``fsync`` on, ``synchronous_commit`` at its
  default ``on``), into a table of a fresh database dropped afterwards.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path


def raw_sqlite_commits(folder: Path, seconds: float, payload: int) -> float:
    """Single-row commits per second, WAL + synchronous=FULL, on ``folder``'s disk."""
    path = folder / "raw.sqlite3"
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB)")
    blob = os.urandom(payload)
    n = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (body) VALUES (?)", [blob])
        conn.execute("COMMIT")
        n += 1
    elapsed = time.perf_counter() - start
    conn.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return n / elapsed


def raw_postgres_commits(url: str, seconds: float, payload: int) -> float:
    """Single-row commits per second over one connection to the database at ``url``."""
    import psycopg

    blob = os.urandom(payload)
    with psycopg.connect(url) as conn:
        conn.execute("CREATE TABLE raw_commits (id BIGSERIAL PRIMARY KEY, body BYTEA)")
        conn.commit()
        n = 0
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            conn.execute("INSERT INTO raw_commits (body) VALUES (%s)", [blob])
            conn.commit()
            n += 1
        elapsed = time.perf_counter() - start
    return n / elapsed
