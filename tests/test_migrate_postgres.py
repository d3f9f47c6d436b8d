"""``peluit migrate`` on PostgreSQL: the schema is the server's, its backups too.

The schema state is read from PostgreSQL (vault/upgrade.py ``schema_state``),
so ``--check``, ``peluit doctor`` and the daily jobs' refusal see an older
schema there as on SQLite; the migration itself writes no folder backup
(``peluit backup`` cannot copy that database: PostgreSQL's base backups and
WAL archive are the way back, docs/scale.md). Runs on PostgreSQL in every
run when it is installed.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from pg_server import PgServer

from vault import database
from vault.database import opened, write_transaction
from vault.schema import available_migrations, current_version, split_statements
from web.cli import main

LATEST = available_migrations("postgres")[-1].version


@pytest.fixture
def old_pg_vault(
    pg_server: PgServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """A data folder whose PostgreSQL database stopped at version 4 (an earlier release)."""
    name = f"t_old_{secrets.token_hex(6)}"
    pg_server.admin(f"CREATE DATABASE {name}")
    url = pg_server.url(name)
    monkeypatch.setenv(database.DATABASE_URL_ENV, url)
    data = tmp_path / "var"
    try:
        with opened(data / "vault.sqlite3") as db, write_transaction(db):
            db.conn.execute(
                "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL)"
            )
            for migration in available_migrations("postgres"):
                if migration.version > 4:
                    break
                for statement in split_statements(migration.sql):
                    db.conn.execute(statement)
                db.conn.execute(
                    "INSERT INTO schema_version VALUES (?, ?)", (migration.version, migration.name)
                )
        yield data
    finally:
        database.select_database(None)
        database.close_pools()
        pg_server.drop_database(url)


def version_of(data: Path) -> int:
    with opened(data / "vault.sqlite3") as db:
        return current_version(db)


def test_postgres_an_older_schema_is_seen_refused_and_migrated_without_a_folder_backup(
    old_pg_vault: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("LANG", "C.UTF-8")
    data = old_pg_vault
    assert main(["--data", str(data), "migrate", "--check"]) == 1
    assert "schema at version 4; to apply" in capsys.readouterr().out
    # a daily job (as systemd runs it) refuses to start on an older schema
    assert main(["--data", str(data), "retention", "run"]) == 1
    assert "run peluit migrate first" in capsys.readouterr().err
    assert version_of(data) == 4
    assert main(["--data", str(data), "migrate"]) == 0
    out = capsys.readouterr().out
    assert "schema migrated from version 4: applied" in out
    assert "backup written" not in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["var"]  # no var-before-v… folder
    assert version_of(data) == LATEST
    assert main(["--data", str(data), "migrate"]) == 0
    assert f"schema at version {LATEST}: nothing to do" in capsys.readouterr().out
