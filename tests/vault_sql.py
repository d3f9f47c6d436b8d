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
