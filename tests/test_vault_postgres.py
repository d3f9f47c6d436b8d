"""What only PostgreSQL has: its migrations, its write lock, its VACUUM after a destruction.

These run on a real PostgreSQL 15 whichever backend the rest of the suite
uses (skipped when it is not installed); the same suite runs whole on it
with ``PELUIT_TEST_BACKEND=postgres``.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from vault_fixtures import make_unit, open_store, submission

from common.case_status import CaseStatus
from vault import database
from vault.pg_database import WRITE_LOCK, translate
from vault.schema import available_migrations

FORBIDDEN_COLUMNS = ("ip", "address", "user_agent", "time", "timestamp", "created_at", "filename")


@pytest.fixture
def on_postgres(pg_url: str) -> Iterator[str]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(database.DATABASE_URL_ENV, pg_url)
        yield pg_url


def test_placeholders_are_translated_outside_quotes_only() -> None:
    assert translate("SELECT ? , :name, '?', ':x', \"a?\", x::text") == (
        "SELECT %s , %(name)s, '?', ':x', \"a?\", x::text"
    )
    assert translate("SELECT 'it''s ?' LIKE 'a%' , ?") == "SELECT 'it''s ?' LIKE 'a%' , %s"
    assert translate("SELECT a % b") == "SELECT a %% b"


def test_the_same_migrations_on_both_engines(on_postgres: str, tmp_path: Path) -> None:
    sqlite = [(m.version, m.name) for m in available_migrations()]
    postgres = [(m.version, m.name) for m in available_migrations("postgres")]
    assert postgres == sqlite
    with database.opened(tmp_path / "vault.sqlite3") as db:
        applied = [tuple(r) for r in db.execute("SELECT version, name FROM schema_version")]
        columns = [
            r[0]
            for r in db.execute(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_schema = current_schema()"
            )
        ]
    assert sorted(applied) == sqlite
    assert not [c for c in columns if any(part in c.split("_") for part in FORBIDDEN_COLUMNS)]


def test_checks_and_triggers_hold_on_postgres(on_postgres: str, tmp_path: Path) -> None:
    with database.opened(tmp_path / "vault.sqlite3") as db:
        with pytest.raises(sqlite3.IntegrityError), database.write_transaction(db):
            db.execute(
                "INSERT INTO units (unit_id, name, jurisdiction, card_created, card,"
                " ed25519_public_key, xwing_public_key, fingerprint, registered_day, card_day)"
                " VALUES ('Bad Id!', 'n', 'j', 'd', ?, ?, ?, 'f', 'd', 'd')",
                [b"c", bytes(32), bytes(1216)],
            )
        assert not db.conn.in_transaction
        assert db.execute("SELECT count(*) FROM units").fetchone()[0] == 0


def test_a_postgres_error_carries_no_detail_into_a_traceback(
    on_postgres: str, tmp_path: Path
) -> None:
    """A colliding key's value is in psycopg's DETAIL line: never in what the vault raises."""
    with database.opened(tmp_path / "vault.sqlite3") as db:
        row = "INSERT INTO schema_version (version, name) VALUES (?, 'secret-value-7')"
        db.execute(row, [9999])
        with pytest.raises(sqlite3.IntegrityError) as raised:
            db.execute(row, [9999])
    error = raised.value
    assert error.__cause__ is None and error.__suppress_context__
    assert "9999" not in str(error) and "DETAIL" not in str(error)
    assert getattr(error, "sqlstate", None) == "23505"  # unique_violation, for the staff


def test_a_writer_waits_for_the_write_lock_held_elsewhere(on_postgres: str, tmp_path: Path) -> None:
    import psycopg

    holder = psycopg.connect(on_postgres, autocommit=True)
    holder.execute("SELECT pg_advisory_lock(%s)", [WRITE_LOCK])
    done = threading.Event()

    def write() -> None:
        with database.opened(tmp_path / "vault.sqlite3") as db, database.write_transaction(db):
            db.execute("INSERT INTO upload_sessions (upload, day) VALUES ('x', '2026-11-23')")
        done.set()

    thread = threading.Thread(target=write)
    thread.start()
    assert not done.wait(0.5)  # alone: it waits for the other writer
    holder.execute("SELECT pg_advisory_unlock(%s)", [WRITE_LOCK])
    assert done.wait(10)
    thread.join()
    holder.close()


def test_destroying_a_case_vacuums_its_tables(on_postgres: str, tmp_path: Path) -> None:
    store = open_store(tmp_path)
    unit = make_unit()
    store.register_unit(unit.card)
    sub = submission(unit)
    store.create_case(sub.new)
    store.set_status(sub.case_id, CaseStatus.DITUTUP)
    with database.opened(store.folder.database_path) as db:
        before = _vacuums(db)
    assert store.destroy_case(sub.case_id) == 1
    with database.opened(store.folder.database_path) as db:
        after = _vacuums(db)
        left = db.execute("SELECT count(*) FROM pieces").fetchone()[0]
    assert left == 0
    for table in ("pieces", "envelopes", "cases", "status_events"):
        assert after[table] == before[table] + 1, table
    store.close()


def _vacuums(db: object) -> dict[str, int]:
    rows = db.execute(  # type: ignore[attr-defined]
        "SELECT relname, vacuum_count FROM pg_stat_user_tables"
    ).fetchall()
    return {name: int(count) for name, count in rows}
