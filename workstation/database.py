"""The workstation's SQLite connection: the same pragmas as the vault's, on every connection.

The pragmas and the 0600 database file are :mod:`common.sqlite_files`,
shared with the vault (``journal_mode=WAL``, ``synchronous=FULL``,
``secure_delete=ON``, ``trusted_schema=OFF``, ``foreign_keys=ON``, a busy
timeout); the connection runs with ``isolation_level=None`` so that
transactions are explicit (:func:`common.sqlite_files.transaction`).
"""

from __future__ import annotations

import sqlite3
from importlib import resources
from pathlib import Path

from common import sqlite_files
from common.sqlite_files import transaction as transaction  # the workstation's name for it


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite_files.connect(path)
    conn.row_factory = sqlite3.Row
    return conn


def _migrations() -> list[tuple[int, str]]:
    folder = resources.files("workstation") / "migrations"
    found = []
    for entry in folder.iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), entry.read_text(encoding="utf-8")))
    return sorted(found)


def migrate(conn: sqlite3.Connection) -> int:
    """Apply every numbered migration above ``user_version``, each in its own transaction."""
    current = int(conn.execute("PRAGMA user_version").fetchone()[0])
    for number, sql in _migrations():
        if number <= current:
            continue
        with transaction(conn):
            for statement in _statements(sql):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version={number:d}")
        current = number
    return current


def _statements(sql: str) -> list[str]:
    """Split a migration into statements (triggers keep their inner semicolons)."""
    statements, buffer = [], ""
    for line in sql.splitlines(keepends=True):
        if line.strip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
