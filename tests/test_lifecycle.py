"""The case lifecycle, table-driven from docs/spec/lifecycle-v1.md, on real SQLite files."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest
from test_lifecycle_fixtures import CODES, PATHS, UNIT_A, Vault

from common.case_status import CaseStatus
from vault import audit_log
from vault.database import write_transaction
from vault.lifecycle import IllegalTransition, change_status, check_transition

# The spec's table, written out again here on purpose (not imported from the
# module under test). perlu_informasi's resumes are tested separately.
SPEC = {
    "diterima": {"diverifikasi", "perlu_informasi", "dilimpahkan", "tidak_dapat_ditindaklanjuti"},
    "diverifikasi": {
        "ditindaklanjuti",
        "perlu_informasi",
        "dilimpahkan",
        "tidak_dapat_ditindaklanjuti",
    },
    "perlu_informasi": {"diterima", "tidak_dapat_ditindaklanjuti"},  # paused from diterima
    "ditindaklanjuti": {"perlu_informasi", "selesai", "dilimpahkan"},
    "selesai": {"ditutup"},
    "dilimpahkan": {"ditutup"},
    "tidak_dapat_ditindaklanjuti": {"ditutup"},
    "ditutup": set(),
}
STATES = [s.value for s in CaseStatus]
PAIRS = list(itertools.product(STATES, STATES))


@pytest.mark.parametrize(("current", "new"), PAIRS)
def test_check_transition_matches_the_spec_table(current: str, new: str) -> None:
    paused_from = "diterima" if current == "perlu_informasi" else None
    if new in SPEC[current]:
        check_transition(current, new, paused_from=paused_from, **CODES.get(new, {}))
    else:
        with pytest.raises(IllegalTransition) as refused:
            check_transition(current, new, paused_from=paused_from, **CODES.get(new, {}))
        assert new in refused.value.user_message or "closed" in refused.value.user_message


@pytest.mark.parametrize(("current", "new"), PAIRS)
def test_change_status_on_a_real_case(tmp_path: Path, current: str, new: str) -> None:
    vault = Vault(tmp_path)
    case = vault.new_case()
    vault.move(case, *PATHS[current])
    before = vault.rows("SELECT status, status_day FROM cases")
    events_before = vault.rows("SELECT count(*) FROM status_events")[0][0]
    audit_before = vault.rows("SELECT count(*) FROM audit_log")[0][0]
    day = dt.date(2026, 11, 25)
    with vault.db() as db:
        if new in SPEC[current]:
            change = change_status(db, case, new, actor="siti", today=day, **CODES.get(new, {}))
            assert (change.old, change.new) == (current, new)
        else:
            with pytest.raises(IllegalTransition):
                change_status(db, case, new, actor="siti", today=day, **CODES.get(new, {}))
    if new not in SPEC[current]:
        # Refused: nothing changed, nothing logged.
        assert vault.rows("SELECT status, status_day FROM cases") == before
        assert vault.rows("SELECT count(*) FROM status_events")[0][0] == events_before
        assert vault.rows("SELECT count(*) FROM audit_log")[0][0] == audit_before
        return
    assert vault.rows("SELECT status, status_day FROM cases") == [(new, "2026-11-25")]
    event = vault.rows(
        "SELECT status, day, outcome, reason, referral_target FROM status_events"
        " ORDER BY seq DESC LIMIT 1"
    )[0]
    codes = CODES.get(new, {})
    assert event == (
        new,
        "2026-11-25",
        codes.get("outcome"),
        codes.get("reason"),
        codes.get("target"),
    )
    with vault.db() as db:
        entry = audit_log.entries(db, limit=1)[0]
    reference = vault.rows("SELECT reference FROM cases")[0][0]
    assert (entry.actor, entry.action, entry.subject) == ("siti", "status_change", reference)
    assert entry.detail["from"] == current and entry.detail["to"] == new
    assert entry.day == "2026-11-25"


@pytest.mark.parametrize("paused_from", ["diterima", "diverifikasi", "ditindaklanjuti"])
def test_a_paused_case_resumes_only_where_it_paused(tmp_path: Path, paused_from: str) -> None:
    vault = Vault(tmp_path)
    case = vault.new_case()
    vault.move(case, *PATHS[paused_from], "perlu_informasi")
    assert vault.rows("SELECT paused_from FROM cases") == [(paused_from,)]
    for other in {"diterima", "diverifikasi", "ditindaklanjuti"} - {paused_from}:
        with pytest.raises(IllegalTransition, match=f"returns to {paused_from}"):
            vault.move(case, other)
    vault.move(case, paused_from)
    assert vault.rows("SELECT status, paused_from FROM cases") == [(paused_from, None)]


def test_a_paused_case_may_give_up(tmp_path: Path) -> None:
    vault = Vault(tmp_path)
    case = vault.new_case()
    vault.move(case, "diverifikasi", "perlu_informasi", "tidak_dapat_ditindaklanjuti")
    assert vault.rows("SELECT status, reason FROM cases") == [
        ("tidak_dapat_ditindaklanjuti", "terlalu_umum")
    ]


@pytest.mark.parametrize(
    ("new", "codes", "message"),
    [
        ("selesai", {}, "selesai needs an outcome code"),
        ("selesai", {"outcome": "menang"}, "Unknown outcome code"),
        ("selesai", {"outcome": "terbukti", "reason": "duplikat"}, "reason code goes only with"),
        ("dilimpahkan", {}, "needs a referral target"),
        ("dilimpahkan", {"target": "fbi"}, "Unknown referral target"),
        ("perlu_informasi", {"outcome": "terbukti"}, "An outcome code goes only with selesai"),
    ],
)
def test_codes_are_required_checked_and_refused_elsewhere(
    tmp_path: Path, new: str, codes: dict[str, str], message: str
) -> None:
    vault = Vault(tmp_path)
    case = vault.new_case()
    vault.move(case, "diverifikasi", "ditindaklanjuti")
    with vault.db() as db, pytest.raises(IllegalTransition) as refused:
        change_status(db, case, new, actor="siti", today=vault.day.day, **codes)
    assert message in refused.value.user_message
    assert vault.rows("SELECT status FROM cases") == [("ditindaklanjuti",)]


def test_tidak_dapat_needs_a_known_reason() -> None:
    with pytest.raises(IllegalTransition, match="needs a reason code"):
        check_transition("diterima", "tidak_dapat_ditindaklanjuti")
    with pytest.raises(IllegalTransition, match="Unknown reason code"):
        check_transition("diterima", "tidak_dapat_ditindaklanjuti", reason="malas")


def test_many_changes_in_the_callers_transaction_roll_back_together(tmp_path: Path) -> None:
    vault = Vault(tmp_path)
    first, second = vault.new_case(), vault.new_case()
    with vault.db() as db, pytest.raises(IllegalTransition), write_transaction(db):
        change_status(db, first, "diverifikasi", actor="system", today=vault.day.day)
        change_status(db, second, "selesai", actor="system", today=vault.day.day)
    assert vault.rows("SELECT status FROM cases ORDER BY case_id") == [("diterima",), ("diterima",)]
    assert vault.rows("SELECT count(*) FROM audit_log") == [(0,)]
    with vault.db() as db, write_transaction(db):
        change_status(db, first, "diverifikasi", actor="system", today=vault.day.day)
        change_status(db, second, "diverifikasi", actor="system", today=vault.day.day)
    assert vault.rows("SELECT count(*) FROM audit_log") == [(2,)]


def test_unknown_case_and_unknown_status(tmp_path: Path) -> None:
    vault = Vault(tmp_path)
    case = vault.new_case(UNIT_A)
    from vault.errors import NotFound

    with vault.db() as db:
        with pytest.raises(NotFound):
            change_status(db, "ab" * 16, "diverifikasi", actor="x", today=vault.day.day)
        with pytest.raises(IllegalTransition, match="Unknown new status"):
            change_status(db, case, "dibatalkan", actor="x", today=vault.day.day)


def test_closing_records_the_closed_day(tmp_path: Path) -> None:
    vault = Vault(tmp_path)
    case = vault.new_case()
    vault.move(case, "dilimpahkan")
    vault.move(case, "ditutup", day=dt.date(2026, 12, 9))
    assert vault.rows("SELECT status, referral_target, closed_day FROM cases") == [
        ("ditutup", "kpk", "2026-12-09")
    ]
    with pytest.raises(IllegalTransition, match="closed case"):
        vault.move(case, "diterima")
