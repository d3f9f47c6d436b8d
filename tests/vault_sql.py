"""A test's own SQL on the vault's database, whichever engine runs it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from vault.database import is_postgres, opened, write_transaction


@contextmanager
def vault_sql(path: Path) -> Iterator[Any]:
    """A connection to the vault at ``path`` (its SQLite file, or PostgreSQL when the
    test runs there), committed when the block ends, like ``with sqlite3.connect(path)``."""
    if not is_postgres():
        conn = sqlite3.connect(path)
        try:
            with conn:
                yield conn
        finally:
            conn.close()
        return
    with opened(path) as db, write_transaction(db):
        yield db.conn


def refuse_inserts(conn: Any, table: str, message: str) -> None:
    """A trigger that refuses every insert into ``table`` (a full or broken table, on purpose)."""
    if not is_postgres():
        conn.execute(
            f"CREATE TRIGGER refuse BEFORE INSERT ON {table}"
            f" BEGIN SELECT RAISE(ABORT, '{message}'); END"
        )
        return
    conn.execute(
        "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        f" RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation';"
        " END; $$"
    )
    conn.execute(
        f"CREATE TRIGGER refuse BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION refuse()"
    )


def tables_with_column(conn: Any, column: str) -> list[str]:
    """Every table of the vault that has ``column``."""
    if is_postgres():
        rows = conn.execute(
            "SELECT table_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND column_name = ?",
            [column],
        )
        return sorted(r[0] for r in rows)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    return [t for t in tables if column in [c[1] for c in conn.execute(f"PRAGMA table_info({t})")]]
