"""Destroyed means gone (issue 17, section 8): after ``peluit retention run``
nothing of a destroyed case is left in any file of the data folder, and the
command's ``--today`` (for drills and tests) is refused unless allowed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from test_lifecycle_fixtures import UNIT_A, Vault

from web.cli import main

D = dt.date
ALLOW = "PELUIT_ALLOW_CLOCK_OVERRIDE"


def _closed_case(vault: Vault, closed: dt.date) -> str:
    case = vault.new_case(UNIT_A, day=closed - dt.timedelta(days=20))
    vault.move(case, "tidak_dapat_ditindaklanjuti", day=closed - dt.timedelta(days=15))
    vault.move(case, "ditutup", day=closed)
    return case


def _traces(vault: Vault, case_id: str) -> dict[str, bytes]:
    """Bytes that belong to this case alone: lookup HMAC, validator hash, a
    slice of the reporter's public key and of its tip's ciphertext."""
    ((lookup, check, key),) = vault.rows(
        "SELECT lookup, validator_hash, reporter_public_key FROM cases WHERE case_id = ?", case_id
    )
    ((tip_id,),) = vault.rows(
        "SELECT item_id FROM envelopes WHERE case_id = ? AND kind = 'tip'", case_id
    )
    tip = b"".join(vault.store.stream_envelope(case_id, tip_id))
    return {
        "lookup": bytes(lookup),
        "validator_hash": bytes(check),
        "public key": bytes(key)[600:664],
        "tip ciphertext": tip[len(tip) // 2 : len(tip) // 2 + 64],
    }


def _found(root: Path, traces: dict[str, bytes]) -> list[str]:
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_file():
            content = path.read_bytes()
            found += [f"{name} in {path.name}" for name, v in traces.items() if v in content]
    return found


@pytest.mark.sqlite_only
def test_nothing_of_a_destroyed_case_survives_in_any_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    vault = Vault(tmp_path, day=D(2026, 1, 5))
    gone = _closed_case(vault, D(2026, 2, 3))
    kept = vault.new_case(UNIT_A, day=D(2026, 2, 4))
    gone_traces, kept_traces = _traces(vault, gone), _traces(vault, kept)
    assert len(_found(vault.path, gone_traces)) >= 4  # the search can find them

    monkeypatch.setenv(ALLOW, "1")
    code = main(["--data", str(vault.path), "retention", "run", "--today", "2028-02-03"])
    assert code == 0
    assert capsys.readouterr().out.splitlines()[-1] == "1 cases destroyed, 1 files wiped"

    assert _found(vault.path, gone_traces) == []  # the server is still running
    assert len(_found(vault.path, kept_traces)) >= 4  # the other case is whole
    vault.store.close()
    assert _found(vault.path, gone_traces) == []  # nor after it stopped


def test_today_is_refused_without_the_drill_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    vault = Vault(tmp_path, day=D(2026, 1, 5))
    case = _closed_case(vault, D(2026, 2, 3))
    monkeypatch.delenv(ALLOW, raising=False)
    code = main(["--data", str(vault.path), "retention", "run", "--today", "2030-01-01"])
    captured = capsys.readouterr()
    assert code != 0
    assert ALLOW in captured.err
    assert vault.rows("SELECT count(*) FROM cases WHERE case_id = ?", case) == [(1,)]


def test_today_must_be_a_day(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    vault = Vault(tmp_path, day=D(2026, 1, 5))
    case = _closed_case(vault, D(2026, 2, 3))
    monkeypatch.setenv(ALLOW, "1")
    with pytest.raises(SystemExit):
        main(["--data", str(vault.path), "retention", "run", "--today", "2030-13-01"])
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert vault.rows("SELECT count(*) FROM cases WHERE case_id = ?", case) == [(1,)]


def test_a_drill_day_moves_retention_across_days(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    vault = Vault(tmp_path, day=D(2026, 1, 5))
    case = _closed_case(vault, D(2026, 2, 3))
    monkeypatch.setenv(ALLOW, "1")
    for day, left in (("2028-02-02", 1), ("2028-02-03", 0)):  # 730 days after closing
        assert main(["--data", str(vault.path), "retention", "run", "--today", day]) == 0
        assert vault.rows("SELECT count(*) FROM cases WHERE case_id = ?", case) == [(left,)]
    capsys.readouterr()


@pytest.mark.sqlite_only
def test_a_busy_log_is_reported_and_emptied_by_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    from vault import database

    vault = Vault(tmp_path, day=D(2026, 1, 5))
    gone = _closed_case(vault, D(2026, 2, 3))
    traces = _traces(vault, gone)
    quick = tuple(
        (name, "200" if name == "busy_timeout" else value) for name, value in database.PRAGMAS
    )
    monkeypatch.setattr(database, "PRAGMAS", quick)  # a short wait for the busy reader
    monkeypatch.setenv(ALLOW, "1")
    reader = sqlite3.connect(vault.path / "vault.sqlite3")
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM cases").fetchone()  # holds a snapshot
    try:
        code = main(["--data", str(vault.path), "retention", "run", "--today", "2028-02-03"])
        captured = capsys.readouterr()
        assert code == 1
        assert "1 cases destroyed" in captured.out
        assert "error: the database log could not be emptied" in captured.err
        assert "run `peluit retention run` again" in captured.err
    finally:
        reader.rollback()
        reader.close()
    assert main(["--data", str(vault.path), "retention", "run", "--today", "2028-02-03"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "0 cases destroyed, 0 files wiped"
    assert _found(vault.path, traces) == []
