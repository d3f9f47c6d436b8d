"""The audit log's hash chain: each kind of tampering is reported at the right entry,
by ``vault.audit_log.verify`` and by the real ``peluit audit verify``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from test_lifecycle_fixtures import Vault
from vault_sql import vault_sql

from vault import audit_log
from vault.database import write_transaction
from vault.errors import BadInput
from web.cli import main

DAY = dt.date(2026, 11, 23)


def _log(tmp_path: Path, n: int = 6) -> Vault:
    vault = Vault(tmp_path)
    with vault.db() as db:
        for i in range(1, n + 1):
            audit_log.append(
                db,
                actor="ani",
                action="assignment",
                subject=f"WBS-2026-{i:04d}",
                detail={"unit": "inspektorat-a", "n": i},
                today=DAY,
            )
    return vault


def _sql(vault: Vault, *statements: str) -> None:
    with vault_sql(vault.store.folder.database_path) as conn:
        for statement in statements:
            conn.execute(statement)


def _cli(vault: Vault, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    code = main(["--data", str(vault.path), "audit", "verify", *extra])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_an_intact_log_verifies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    vault = _log(tmp_path)
    with vault.db() as db:
        report = audit_log.verify(db)
    assert report.ok and report.count == 6
    code, out, _ = _cli(vault, capsys)
    assert code == 0 and out.splitlines()[0] == "ok: 6 entries"
    assert out.splitlines()[1] == f"head: 6:{report.head}"


def test_an_empty_log_verifies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    vault = Vault(tmp_path)
    assert _cli(vault, capsys)[:2] == (0, "ok: 0 entries\nhead: 0:" + "00" * 32 + "\n")


TAMPERING: dict[str, tuple[list[str], int, str]] = {
    "alter a field": (["UPDATE audit_log SET actor = 'adi' WHERE seq = 3"], 3, "was altered"),
    "alter the detail": (
        ['UPDATE audit_log SET detail = \'{"n":9,"unit":"inspektorat-a"}\' WHERE seq = 4'],
        4,
        "was altered",
    ),
    "alter the day": (["UPDATE audit_log SET day = '2026-11-24' WHERE seq = 2"], 2, "altered"),
    "delete a middle row": (["DELETE FROM audit_log WHERE seq = 3"], 3, "was removed"),
    "delete the first row": (["DELETE FROM audit_log WHERE seq = 1"], 1, "was removed"),
    "delete the last row": (["DELETE FROM audit_log WHERE seq = 6"], 6, "was removed"),
    "delete the last two rows": (["DELETE FROM audit_log WHERE seq >= 5"], 5, "was removed"),
    "swap two rows": (
        [
            "UPDATE audit_log SET seq = -2 WHERE seq = 2",
            "UPDATE audit_log SET seq = 2 WHERE seq = 4",
            "UPDATE audit_log SET seq = 4 WHERE seq = -2",
        ],
        2,
        "",
    ),
    "insert a row in the middle": (
        [
            "UPDATE audit_log SET seq = seq + 100 WHERE seq >= 4",
            "UPDATE audit_log SET seq = seq - 99 WHERE seq >= 104",
            "INSERT INTO audit_log VALUES (4, '2026-11-23', 'ani', 'assignment', 'WBS-X', '{}',"
            " (SELECT hash FROM audit_log WHERE seq = 3), '" + "ab" * 32 + "')",
        ],
        4,
        "was altered",
    ),
    "append a row behind the head": (
        [
            "INSERT INTO audit_log VALUES (7, '2026-11-23', 'ani', 'assignment', 'WBS-X', '{}',"
            " (SELECT hash FROM audit_log WHERE seq = 6), '" + "ab" * 32 + "')",
        ],
        7,
        "",
    ),
}


@pytest.mark.parametrize("kind", sorted(TAMPERING))
def test_tampering_is_reported_at_the_first_bad_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    statements, bad, words = TAMPERING[kind]
    vault = _log(tmp_path)
    _sql(vault, *statements)
    with vault.db() as db:
        report = audit_log.verify(db)
    assert not report.ok
    assert report.bad_seq == bad, report.line()
    assert words in report.problem
    code, out, err = _cli(vault, capsys)
    assert code == 1 and out == ""
    assert err.splitlines()[0] == f"error: entry #{bad} {report.problem}"


def test_a_recomputed_chain_is_caught_by_an_anchor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault = _log(tmp_path)
    with vault.db() as db:
        anchor = audit_log.verify(db)
    # Someone rewrites entry 2 and recomputes every hash after it and the head.
    with vault.db() as db:
        rows = db.conn.execute(
            "SELECT seq, day, actor, action, subject, detail FROM audit_log ORDER BY seq"
        ).fetchall()
        prev = audit_log.GENESIS
        for seq, day, actor, action, subject, detail in rows:
            actor = "adi" if seq == 2 else actor
            body = audit_log.canonical(seq, day, actor, action, subject, json.loads(detail))
            digest = audit_log.entry_hash(prev, body)
            db.conn.execute(
                "UPDATE audit_log SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                [actor, prev, digest, seq],
            )
            prev = digest
        db.conn.execute("UPDATE audit_head SET hash = ? WHERE id = 1", [prev])
        assert audit_log.verify(db).ok  # an unkeyed chain alone cannot see this
    code, _, err = _cli(vault, capsys, "--anchor", f"6:{anchor.head}")
    assert code == 1 and err.startswith("error: entry #6 differs from its anchor")


def test_entries_hold_codes_only(tmp_path: Path) -> None:
    vault = Vault(tmp_path)
    with vault.db() as db:
        with pytest.raises(BadInput):
            audit_log.append(db, actor="ani", action="read_tip", subject="x", today=DAY)
        with pytest.raises(BadInput):
            audit_log.append(
                db, actor="ani", action="export", subject="x", detail={"text": {"a": 1}}, today=DAY
            )
        with pytest.raises(BadInput):
            audit_log.append(
                db, actor="ani", action="export", subject="x", detail={"t": "x" * 65}, today=DAY
            )
        assert audit_log.verify(db).count == 0


def test_a_failed_action_leaves_no_entry(tmp_path: Path) -> None:
    vault = Vault(tmp_path)
    with vault.db() as db:
        with pytest.raises(RuntimeError), write_transaction(db):
            audit_log.append(db, actor="ani", action="export", subject="u", today=DAY)
            raise RuntimeError("the export failed")
        assert audit_log.verify(db).count == 0
        assert audit_log.entries(db) == []
