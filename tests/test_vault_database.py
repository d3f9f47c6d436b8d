"""Connections and migrations on real SQLite files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from vault.database import connect, opened, write_transaction
from vault.schema import available_migrations, current_version, migrate, split_statements

EXPECTED = {
    "journal_mode": "wal",
    "synchronous": 2,  # FULL
    "secure_delete": 1,
    "trusted_schema": 0,
    "foreign_keys": 1,
}


def pragmas(db_path: Path) -> dict[str, object]:
    with opened(db_path) as db:
        values = {name: db.execute(f"PRAGMA {name}").fetchone()[0] for name in EXPECTED}
        values["busy_timeout"] = db.execute("PRAGMA busy_timeout").fetchone()[0]
        return values


@pytest.mark.sqlite_only
def test_every_fresh_connection_has_every_pragma(tmp_path: Path) -> None:
    path = tmp_path / "vault.sqlite3"
    for _ in range(3):  # a new file, then the same file reopened
        values = pragmas(path)
        for name, expected in EXPECTED.items():
            assert values[name] == expected, name
        assert int(values["busy_timeout"]) >= 1000  # type: ignore[call-overload]


@pytest.mark.sqlite_only
def test_pragmas_are_per_connection_not_inherited(tmp_path: Path) -> None:
    path = tmp_path / "vault.sqlite3"
    migrate_db = connect(path)
    migrate_db.close()
    # A plain sqlite3 connection does not have them (this build may default
    # secure_delete on, but not foreign keys): only ours sets them.
    plain = sqlite3.connect(path)
    assert plain.execute("PRAGMA foreign_keys").fetchone()[0] == 0
    plain.close()
    assert pragmas(path)["foreign_keys"] == 1


@pytest.mark.sqlite_only
def test_migrations_apply_in_order_and_are_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "vault.sqlite3"
    versions = [m.version for m in available_migrations()]
    assert versions == sorted(versions) and versions[0] == 1
    with opened(path) as db:
        assert migrate(db) == versions
        schema_before = db.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
        assert migrate(db) == []
        assert migrate(db) == []
        assert current_version(db) == versions[-1]
        rows = db.execute("SELECT version FROM schema_version").fetchall()
        assert [r[0] for r in rows] == versions
        assert db.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == schema_before
    with opened(path) as db:  # and from a new connection
        assert migrate(db) == []


@pytest.mark.sqlite_only
def test_a_failing_migration_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vault import schema

    good = schema.available_migrations()
    broken = [*good, schema.Migration(9999, "broken", "CREATE TABLE x (a);\nNOT SQL AT ALL;")]
    monkeypatch.setattr(schema, "available_migrations", lambda: broken)
    path = tmp_path / "vault.sqlite3"
    with opened(path) as db:
        with pytest.raises(sqlite3.OperationalError):
            migrate(db)
        assert not db["units"].exists()
        assert not db["x"].exists()


def test_write_transaction_rolls_back(tmp_path: Path) -> None:
    with opened(tmp_path / "v.sqlite3") as db:
        db.execute("CREATE TABLE t (a INTEGER)")
        with pytest.raises(RuntimeError), write_transaction(db):
            db.conn.execute("INSERT INTO t VALUES (1)")
            raise RuntimeError("boom")
        assert db.execute("SELECT count(*) FROM t").fetchone()[0] == 0
        assert not db.conn.in_transaction


@pytest.mark.sqlite_only
def test_schema_has_strict_tables_and_no_forbidden_columns(tmp_path: Path) -> None:
    forbidden = ("ip", "addr", "agent", "time", "filename", "file_name", "mime", "type", "length")
    with opened(tmp_path / "v.sqlite3") as db:
        migrate(db)
        for table in db.table_names():
            sql = db.execute("SELECT sql FROM sqlite_master WHERE name = ?", [table]).fetchone()[0]
            assert sql.rstrip().endswith("STRICT"), table
            for column in db[table].columns_dict:
                parts = column.split("_")
                assert not any(word in parts for word in forbidden), (table, column)


def test_split_statements_keeps_comments_out_of_the_way() -> None:
    sql = "-- a comment; with a semicolon\nCREATE TABLE a (x);\n\nCREATE TABLE b (y);\n-- tail\n"
    assert len(split_statements(sql)) == 2
    with pytest.raises(ValueError):
        split_statements("CREATE TABLE a (x")
