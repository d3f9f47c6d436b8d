"""Retention: exactly the expired closed cases are destroyed, with one audit entry each;
and the daily new-report hook."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from test_lifecycle_fixtures import UNIT_A, UNIT_B, Vault

from vault import audit_log, notifications
from vault.database import is_postgres
from web.cli import main

D = dt.date


def _closed_case(vault: Vault, unit: str, closed: dt.date) -> str:
    case = vault.new_case(unit, day=closed - dt.timedelta(days=20))
    vault.move(case, "tidak_dapat_ditindaklanjuti", day=closed - dt.timedelta(days=15))
    vault.move(case, "ditutup", day=closed)
    return case


def _blobs(vault: Vault) -> list[str]:
    """Items whose ciphertext is stored (rows of pieces)."""
    return vault.store.blobs.item_ids()


def test_sweep_destroys_exactly_the_expired_cases(tmp_path: Path) -> None:
    vault = Vault(tmp_path, day=D(2024, 1, 2))
    today = D(2026, 11, 23)
    vault.store.update_unit_settings(UNIT_B, retention_days=365)
    expired_a = _closed_case(vault, UNIT_A, today - dt.timedelta(days=730))  # exactly due
    kept_a = _closed_case(vault, UNIT_A, today - dt.timedelta(days=729))
    expired_b = _closed_case(vault, UNIT_B, today - dt.timedelta(days=365))
    kept_b = _closed_case(vault, UNIT_B, today - dt.timedelta(days=364))
    still_open = vault.new_case(UNIT_A, day=D(2024, 1, 2))  # old but never closed
    blobs_before = _blobs(vault)
    assert len(blobs_before) == 5

    report = vault.store.retention_sweep(today)

    assert sorted(c.case_id for c in report.destroyed) == sorted([expired_a, expired_b])
    assert report.blobs_wiped == 2
    left = {r[0] for r in vault.rows("SELECT case_id FROM cases")}
    assert left == {kept_a, kept_b, still_open}
    for table in ("envelopes", "status_events"):
        ids = {r[0] for r in vault.rows(f"SELECT case_id FROM {table}")}  # noqa: S608
        assert ids == left
    assert len(_blobs(vault)) == 3
    entries = vault.rows(
        "SELECT actor, subject, detail FROM audit_log WHERE action = 'retention_destroyed'"
    )
    references = {c.reference for c in report.destroyed}
    assert {e[1] for e in entries} == references and len(entries) == 2
    assert all(e[0] == "system" and '"unit":' in e[2] for e in entries)
    with vault.db() as db:
        assert audit_log.verify(db).ok
    # Running again destroys nothing more.
    assert vault.store.retention_sweep(today).destroyed == []


def test_peluit_retention_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    vault = Vault(tmp_path, day=D(2020, 1, 2))
    old = _closed_case(vault, UNIT_A, D(2020, 2, 3))  # far past 730 days on any real today
    code = main(["--data", str(vault.path), "retention", "run"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[-1] == "1 cases destroyed, 1 files wiped"
    assert vault.rows("SELECT count(*) FROM cases WHERE case_id = ?", old) == [(0,)]


class Recorder:
    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, argv: Sequence[str]) -> int:
        self.calls.append(list(argv))
        return 0


def test_daily_hook_runs_once_per_finished_day_and_unit(tmp_path: Path) -> None:
    vault = Vault(tmp_path)
    for unit, day in [
        (UNIT_A, D(2026, 11, 20)),
        (UNIT_A, D(2026, 11, 20)),
        (UNIT_B, D(2026, 11, 21)),
        (UNIT_A, D(2026, 11, 23)),  # today: not finished yet
    ]:
        vault.new_case(unit, day=day)
    recorder = Recorder()
    with vault.db() as db:
        assert notifications.new_case_counts(db, D(2026, 11, 20)) == {UNIT_A: 2}
        sent = notifications.run_daily_hook(db, D(2026, 11, 23), "notify --x", runner=recorder)
        again = notifications.run_daily_hook(db, D(2026, 11, 23), "notify --x", runner=recorder)
        later = notifications.run_daily_hook(db, D(2026, 11, 24), "notify --x", runner=recorder)
        assert notifications.run_daily_hook(db, D(2026, 11, 25), "", runner=recorder) == []
    assert recorder.calls == [
        ["notify", "--x", UNIT_A, "2"],
        ["notify", "--x", UNIT_B, "1"],
        ["notify", "--x", UNIT_A, "1"],
    ]
    assert [n.day for n in sent] == ["2026-11-20", "2026-11-21"] and again == []
    assert [n.day for n in later] == ["2026-11-23"]


def test_the_hook_gets_only_unit_and_count(tmp_path: Path) -> None:
    vault = Vault(tmp_path)
    vault.new_case(UNIT_A, day=D(2026, 11, 22))
    out = tmp_path / "hook.txt"
    script = tmp_path / "hook.py"
    script.write_text(
        "import os, sys\n"
        f"open({str(out)!r}, 'w').write(repr(sys.argv[1:]) + repr(sorted(os.environ)))\n"
    )
    with vault.db() as db:
        sent = notifications.run_daily_hook(db, D(2026, 11, 23), f"{sys.executable} {script}")
    assert [n.exit_code for n in sent] == [0]
    args, env = out.read_text().split("]", 1)
    assert args == f"['{UNIT_A}', '1'"
    assert env == "['LANG', 'PATH']"  # nothing else of the server's environment


def test_a_snapshot_that_still_sees_the_case_keeps_retention_from_saying_emptied(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """PostgreSQL's VACUUM keeps every dead tuple a snapshot may still see (an export
    reading in one transaction, a session idle in a transaction, a standby's feedback)
    and says so only in its VERBOSE output. Retention reads what VACUUM left
    (``n_dead_tup``) and says not emptied; the next run, once the reader ended,
    says emptied. (On SQLite a reader keeps the log busy, with the same answer after
    50 s of busy timeouts: tests/test_retention_gone.py checks it with a short one.)"""
    if not is_postgres():
        pytest.skip("PostgreSQL's VACUUM; SQLite's busy log: tests/test_retention_gone.py")
    vault = Vault(tmp_path, day=D(2020, 1, 2))
    _closed_case(vault, UNIT_A, D(2020, 2, 3))
    with vault.db() as reader:
        reader.conn.execute("BEGIN")  # PostgreSQL: REPEATABLE READ, one snapshot
        assert reader.execute("SELECT count(*) FROM cases").fetchone()[0] == 1
        assert reader.execute("SELECT count(*) FROM pieces").fetchone()[0] == 1
        code = main(["--data", str(vault.path), "retention", "run"])
        captured = capsys.readouterr()
        assert captured.out.splitlines()[-1] == "1 cases destroyed, 1 files wiped"
        assert code == 1, captured
        assert "VACUUM had to leave deleted rows" in captured.err
        assert "run `peluit retention run` again once it ended" in captured.err
        reader.conn.execute("ROLLBACK")
    code = main(["--data", str(vault.path), "retention", "run"])
    captured = capsys.readouterr()
    assert code == 0, captured
    assert captured.out.splitlines()[-1] == "0 cases destroyed, 0 files wiped"
