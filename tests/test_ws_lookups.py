"""Opening one case searches indexes; it never scans a table (migration 0003).

Every statement ``Desk.case`` really runs is captured with SQLite's trace
callback (parameters expanded) and explained with ``EXPLAIN QUERY PLAN`` on
the same connection: a plan line ``SCAN cases`` / ``SCAN outbox`` means one
full pass over the table for every case shown, which made reading 10,000
cases quadratic (bench/bench_workstation.py).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from test_ws_support import PASSPHRASE, TODAY, export_bundle, make_workstation, report_case

from crypto.secret import SecretStr
from workstation.database import _statements, transaction
from workstation.desk import Desk
from workstation.store import DB_FILE, STORE_DIR, WorkstationStore


def _desk_with_cases(folder: Path, count: int = 3) -> Desk:
    card = make_workstation(folder)
    cases = [report_case(card, f"WBS-2026-{n:04d}") for n in range(1, count + 1)]
    bundle = folder / "export-0001.peluit"
    bundle.write_bytes(export_bundle(card.unit_id, cases))
    desk = Desk.open(folder, SecretStr(PASSPHRASE), today=TODAY)
    desk.import_bundle(bundle)
    return desk


def _traced(conn: sqlite3.Connection, action) -> list[str]:  # type: ignore[no-untyped-def]
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        action()
    finally:
        conn.set_trace_callback(None)
    return [s for s in statements if s.lstrip().upper().startswith("SELECT")]


def _plan(conn: sqlite3.Connection, sql: str) -> list[str]:
    return [str(row[3]) for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]


def _scans(conn: sqlite3.Connection, statements: list[str]) -> list[tuple[str, str]]:
    return [
        (sql, line)
        for sql in statements
        for line in _plan(conn, sql)
        if line.startswith("SCAN")  # a full pass over a table or a whole index
    ]


def test_opening_a_case_by_reference_or_id_searches_indexes_only(tmp_path: Path) -> None:
    desk = _desk_with_cases(tmp_path)
    try:
        ref = "WBS-2026-0002"
        desk.queue_status(ref, "diverifikasi")
        desk.queue_reply(ref, "Terima kasih, laporan Anda kami proses.")
        conn = desk.store._conn
        case_id = desk.store.case(ref).case_id
        for how in (ref, ref.lower(), case_id, case_id.upper()):
            statements = _traced(conn, lambda how=how: desk.case(how))
            assert any("FROM cases" in s for s in statements)
            assert any("FROM outbox" in s for s in statements)
            assert _scans(conn, statements) == [], how
    finally:
        desk.close()


def test_the_old_reference_query_would_scan_so_the_check_can_fail(tmp_path: Path) -> None:
    """The plan check above tells a scan from a search on this very schema."""
    desk = _desk_with_cases(tmp_path)
    try:
        old = (
            "SELECT case_id FROM cases WHERE case_id = 'wbs-2026-0001'"
            " OR upper(reference) = upper('WBS-2026-0001')"
        )
        assert _scans(desk.store._conn, [old]) != []
    finally:
        desk.close()


def test_reference_lookup_ignores_letter_case_and_finds_one_case(tmp_path: Path) -> None:
    desk = _desk_with_cases(tmp_path, count=12)
    try:
        for n in (1, 7, 12):
            ref = f"WBS-2026-{n:04d}"
            assert desk.case(ref.lower()).reference == ref
            assert desk.store.case(ref.swapcase()).reference == ref
        summaries = desk.cases()
        assert len(summaries) == 12
        assert all(s.items == 1 for s in summaries)  # counted in one query, still right
    finally:
        desk.close()


def test_a_store_from_before_migration_3_gains_the_indexes(tmp_path: Path) -> None:
    """An existing store (user_version 2) is upgraded in place; its cases are found."""
    root = tmp_path / STORE_DIR
    root.mkdir()
    conn = sqlite3.connect(root / DB_FILE, isolation_level=None)
    migrations = Path(__file__).parent.parent / "workstation" / "migrations"
    with transaction(conn):
        for name in ("0001_initial.sql", "0002_forwards.sql"):
            for statement in _statements((migrations / name).read_text(encoding="utf-8")):
                conn.execute(statement)
        conn.execute("PRAGMA user_version=2")
        conn.execute("INSERT INTO meta VALUES ('unit_id', 'inspektorat-demo')")
        conn.execute(
            "INSERT INTO cases (case_id, reference, status, submitted_day, status_day,"
            " reporter_public_key, first_export) VALUES (?, ?, ?, ?, ?, ?, ?)",
            ("ab" * 16, "WBS-2026-0042", "diterima", "2026-11-23", "2026-11-23", bytes(1216), 1),
        )
    conn.close()
    store = WorkstationStore(tmp_path, "inspektorat-demo")
    try:
        assert store._conn.execute("PRAGMA user_version").fetchone()[0] >= 3
        assert store.case("wbs-2026-0042").case_id == "ab" * 16
        indexes = {r[0] for r in store._conn.execute("SELECT name FROM sqlite_master")}
        assert {"cases_reference_key", "outbox_case"} <= indexes
    finally:
        store.close()
