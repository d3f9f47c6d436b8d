"""Schema migrations: numbered SQL files in ``vault/migrations/``.

On PostgreSQL the same numbers come from ``vault/migrations_pg/``: each file
the translation of its SQLite namesake (``BYTEA`` for ``BLOB``, a regular
expression for ``GLOB``, identity columns, triggers in PL/pgSQL), each file
run whole.

A file is named ``NNNN_short_name.sql``. :func:`migrate` applies, in order,
every file whose number is not yet in ``schema_version``, all in one
transaction, so running it twice (or from two processes at once) is harmless.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from importlib import resources

from sqlite_utils import Database

from vault.database import is_postgres, write_transaction

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def available_migrations(engine: str = "sqlite") -> list[Migration]:
    """Every migration shipped with the package for ``engine``, in version order."""
    found: list[Migration] = []
    folder = resources.files("vault").joinpath(
        "migrations_pg" if engine == "postgres" else "migrations"
    )
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError("two migrations share a version number")
    return found


def split_statements(sql: str) -> list[str]:
    """Split a script into complete statements (``executescript`` would commit)."""
    statements: list[str] = []
    buffer = ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not all(
        part.strip().startswith("--") or not part.strip() for part in buffer.splitlines()
    ):
        raise ValueError("incomplete SQL statement at the end of a migration")
    return statements


def applied_versions(db: Database) -> set[int]:
    if not db["schema_version"].exists():
        return set()
    return {row["version"] for row in db.query("SELECT version FROM schema_version")}


def migrate(db: Database) -> list[int]:
    """Apply pending migrations in one transaction; return the versions applied."""
    postgres = is_postgres()
    migrations = available_migrations("postgres") if postgres else available_migrations()
    applied_now: list[int] = []
    with write_transaction(db):
        conn = db.conn
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            " version INTEGER PRIMARY KEY,"
            " name TEXT NOT NULL"
            ")" + ("" if postgres else " STRICT")
        )
        done = {row[0] for row in conn.execute("SELECT version FROM schema_version")}
        for migration in migrations:
            if migration.version in done:
                continue
            if postgres:
                conn.execute(migration.sql)  # one file, one simple-protocol script
            for statement in () if postgres else split_statements(migration.sql):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_version (version, name) VALUES (?, ?)",
                (migration.version, migration.name),
            )
            applied_now.append(migration.version)
    return applied_now


def current_version(db: Database) -> int:
    """The highest applied version, 0 for an empty database."""
    return max(applied_versions(db), default=0)
