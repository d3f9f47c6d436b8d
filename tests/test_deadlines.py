"""Working days and deadline clocks; every expected date was checked by hand on a calendar.

Holidays used below (SKB 3 Menteri; the holidays library for national days):
2025: Nyepi cuti 28 Mar (Fri), Idul Fitri 31 Mar-1 Apr, cuti 2, 3, 4, 7 Apr;
      Christmas 25 Dec (Thu), cuti 26 Dec (Fri).
2026: cuti Nyepi 18 Mar, Nyepi 19 Mar, cuti 20 Mar, Idul Fitri 21-22 Mar (a
      weekend), cuti 23-24 Mar; cuti 24 Dec (Thu), Christmas 25 Dec (Fri).
2027: New Year 1 Jan (Fri).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_lifecycle_fixtures import UNIT_A, Vault
from vault_fixtures import make_reporter, new_id, seal

from common.case_status import CaseStatus
from common.working_days import CutiBersamaError, WorkingCalendar, parse_cuti_bersama
from vault import deadlines
from vault.cases import Case, StatusEvent
from vault.deadlines import Deadline, DeadlinePolicy, current_deadline
from vault.working_days import CalendarFileError, calendar_for

D = dt.date
CAL = WorkingCalendar.packaged()


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (D(2026, 11, 23), 3, D(2026, 11, 26)),  # Mon + 3 = Thu (reporter-api-v1 example)
        (D(2026, 11, 27), 1, D(2026, 11, 30)),  # Fri + 1 = Mon (weekend)
        (D(2026, 11, 28), 1, D(2026, 11, 30)),  # Sat + 1 = Mon
        (D(2026, 11, 23), 0, D(2026, 11, 23)),
        (D(2026, 3, 17), 1, D(2026, 3, 25)),  # Nyepi + Idul Fitri 2026 + cuti bersama
        (D(2026, 3, 17), 3, D(2026, 3, 27)),
        (D(2025, 3, 27), 1, D(2025, 4, 8)),  # Idul Fitri 2025: 28 Mar .. 7 Apr off
        (D(2025, 12, 24), 1, D(2025, 12, 29)),  # Christmas + cuti 26 Dec + weekend
        (D(2025, 12, 24), 4, D(2026, 1, 2)),  # 29, 30, 31 Dec, (1 Jan off), 2 Jan
        (D(2026, 12, 23), 1, D(2026, 12, 28)),  # cuti 24 Dec, Christmas 25 Dec, weekend
        (D(2026, 12, 23), 5, D(2027, 1, 4)),  # 28-31 Dec, New Year 1 Jan 2027 (Fri), weekend
    ],
)
def test_add_working_days_known_dates(start: dt.date, n: int, due: dt.date) -> None:
    assert CAL.add_working_days(start, n) == due
    assert CAL.working_days_between(start, due) == n


def test_working_days_between_counts_after_a_up_to_b_and_is_signed() -> None:
    assert CAL.working_days_between(D(2026, 11, 23), D(2026, 11, 30)) == 5
    assert CAL.working_days_between(D(2026, 11, 30), D(2026, 11, 23)) == -5
    assert CAL.working_days_between(D(2026, 3, 17), D(2026, 3, 24)) == 0
    assert not CAL.is_working_day(D(2026, 3, 23))  # cuti bersama (a Monday)
    assert CAL.is_working_day(D(2026, 3, 25))


@settings(max_examples=200, deadline=None)
@given(st.dates(D(2025, 1, 1), D(2027, 12, 31)), st.integers(0, 80))
def test_between_inverts_add(start: dt.date, n: int) -> None:
    due = CAL.add_working_days(start, n)
    assert CAL.working_days_between(start, due) == n
    assert due == start or CAL.is_working_day(due)


def _cuti(days: dict[str, list[str]]) -> bytes:
    years = {y: {"source": "uji", "days": d} for y, d in days.items()}
    return json.dumps({"format": "peluit-cuti-bersama-v1", "years": years}).encode()


def test_the_data_folder_file_replaces_the_packaged_one(tmp_path: Path) -> None:
    assert calendar_for(tmp_path).is_working_day(D(2027, 2, 8))
    (tmp_path / "cuti_bersama.json").write_bytes(_cuti({"2027": ["2027-02-08"]}))
    local = calendar_for(tmp_path)
    assert not local.is_working_day(D(2027, 2, 8))
    assert local.is_working_day(D(2026, 3, 23))  # the file replaces, it does not merge
    assert local.missing_years([2026, 2027]) == [2026]


@pytest.mark.parametrize(
    ("data", "check"),
    [
        (b"[]", "not a JSON object"),
        (b'{"format": "x", "years": {}}', "format must be"),
        (b'{"format": "peluit-cuti-bersama-v1"}', "fields must be"),
        (_cuti({"26": []}), "is not a year"),
        (_cuti({"2026": ["2026-02-30"]}), "is not a day of 2026"),
        (_cuti({"2026": ["2027-01-04"]}), "is not a day of 2026"),
        (b'{"format": "peluit-cuti-bersama-v1", "years": {}, "years": {}}', "not a JSON object"),
    ],
)
def test_bad_cuti_bersama_files_are_refused_naming_the_check(data: bytes, check: str) -> None:
    with pytest.raises(CutiBersamaError) as refused:
        parse_cuti_bersama(data)
    assert check in refused.value.user_message


def test_a_bad_data_folder_file_is_a_vault_error_naming_the_check(tmp_path: Path) -> None:
    (tmp_path / "cuti_bersama.json").write_bytes(_cuti({"2026": ["2026-02-30"]}))
    with pytest.raises(CalendarFileError) as refused:
        calendar_for(tmp_path)
    assert "is not a day of 2026" in refused.value.user_message


def test_the_packaged_file_lists_2025_to_2027() -> None:
    assert CAL.missing_years([2025, 2026, 2027, 2028]) == [2028]
    assert not CAL.is_working_day(D(2025, 4, 7)) and not CAL.is_working_day(D(2026, 12, 24))


# --- clocks -------------------------------------------------------------------

CASE = Case(
    "ab" * 16, UNIT_A, "WBS-2026-0001", CaseStatus.DITERIMA, "2026-11-23", "2026-11-23", b""
)


def _events(*pairs: tuple[str, str]) -> list[StatusEvent]:
    return [StatusEvent(i + 1, CaseStatus(s), day) for i, (s, day) in enumerate(pairs)]


def deadline(events: list[StatusEvent], today: dt.date, **kwargs: object) -> Deadline | None:
    return current_deadline(CASE, events, DeadlinePolicy(), today, calendar=CAL, **kwargs)  # type: ignore[arg-type]


def test_triage_runs_three_working_days_from_submission() -> None:
    events = _events(("diterima", "2026-11-23"))
    assert deadline(events, D(2026, 11, 23)) == Deadline("triage", D(2026, 11, 26), 3, False)
    assert deadline(events, D(2026, 11, 26)) == Deadline("triage", D(2026, 11, 26), 0, False)
    late = deadline(events, D(2026, 11, 30))  # Thu due; Fri 27 and Mon 30 later
    assert late == Deadline("triage", D(2026, 11, 26), -2, False)
    assert deadlines.is_overdue(late)


def test_the_clock_pauses_while_waiting_for_the_reporter() -> None:
    # Mon 23 Nov submitted; Tue 24 paused (1 working day used, 2 left).
    paused = _events(("diterima", "2026-11-23"), ("perlu_informasi", "2026-11-24"))
    on_27 = deadline(paused, D(2026, 11, 27))
    # paused working days so far: 25, 26, 27 = 3; due = 23 Nov + (3 + 3) = 1 Dec
    assert on_27 == Deadline("triage", D(2026, 12, 1), 2, True)
    assert not deadlines.is_overdue(on_27)
    # Much later, still paused: still 2 left.
    assert deadline(paused, D(2027, 1, 20)).working_days_left == 2  # type: ignore[union-attr]
    # Resumed Tue 1 Dec: paused 25, 26, 27, 30 Nov, 1 Dec = 5; due = 23 Nov + 8 = 3 Dec.
    resumed = [*paused, StatusEvent(3, CaseStatus.DITERIMA, "2026-12-01")]
    assert deadline(resumed, D(2026, 12, 1)) == Deadline("triage", D(2026, 12, 3), 2, False)


def test_pause_over_idul_fitri_counts_only_working_days() -> None:
    case = Case("cd" * 16, UNIT_A, "R", CaseStatus.DITERIMA, "2026-03-16", "2026-03-16", b"")
    events = _events(
        ("diterima", "2026-03-16"),  # Mon
        ("perlu_informasi", "2026-03-17"),  # Tue: 1 used, 2 left
        ("diterima", "2026-03-26"),  # Thu: paused 25, 26 Mar = 2 working days (18-24 off)
    )
    got = current_deadline(case, events, DeadlinePolicy(), D(2026, 3, 26), calendar=CAL)
    # due = 16 Mar + (3 + 2): 17, 25, 26, 27, 30 -> Mon 30 Mar
    assert got == Deadline("triage", D(2026, 3, 30), 2, False)


def test_stages_follow_the_lifecycle() -> None:
    events = _events(("diterima", "2026-11-23"), ("diverifikasi", "2026-11-25"))
    # first_followup: Wed 25 Nov + 5 = 26, 27, 30, 1, 2 -> Wed 2 Dec
    assert deadline(events, D(2026, 11, 25)) == Deadline("first_followup", D(2026, 12, 2), 5, False)
    events.append(StatusEvent(3, CaseStatus.DITINDAKLANJUTI, "2026-12-01"))
    feedback = deadline(events, D(2026, 12, 1))
    assert feedback is not None and feedback.stage == "feedback"
    assert feedback.due == CAL.add_working_days(D(2026, 12, 1), 30)
    # A unit reply ends the feedback clock; the conclusion clock remains.
    after_reply = deadline(events, D(2026, 12, 8), unit_reply_days=["2026-12-07"])
    assert after_reply is not None and after_reply.stage == "conclusion"
    assert after_reply.due == CAL.add_working_days(D(2026, 12, 1), 60)
    # A reply before the examination began does not count as feedback.
    early = deadline(events, D(2026, 12, 8), unit_reply_days=["2026-11-30"])
    assert early is not None and early.stage == "feedback"
    events.append(StatusEvent(4, CaseStatus.SELESAI, "2026-12-10"))
    closing = deadline(events, D(2026, 12, 10), unit_reply_days=["2026-12-07"])
    # auto_close: Thu 10 Dec + 10 = 11, 14-18, 21, 22, 23, (24, 25 off), 28 -> Mon 28 Dec
    assert closing == Deadline("auto_close", D(2026, 12, 28), 10, False)
    # A reporter message after selesai is an objection: no auto close clock.
    objected = deadline(events, D(2026, 12, 11), reporter_message_days=["2026-12-11"])
    assert objected is None
    events.append(StatusEvent(5, CaseStatus.DITUTUP, "2026-12-29"))
    assert deadline(events, D(2026, 12, 30)) is None


def test_policy_is_per_unit_and_checked(tmp_path: Path) -> None:
    vault = Vault(tmp_path)
    with vault.db() as db:
        assert deadlines.get_policy(db, UNIT_A) == DeadlinePolicy()
        deadlines.set_policy(db, UNIT_A, DeadlinePolicy(triage=5))
        assert deadlines.get_policy(db, UNIT_A).triage == 5
        assert deadlines.get_policy(db, "inspektorat-b").triage == 3
        with pytest.raises(Exception, match="triage deadline must be 1 to 366"):
            deadlines.set_policy(db, UNIT_A, DeadlinePolicy(triage=0))
    case = vault.new_case()
    got = vault.store.case_deadline(case)
    assert got == Deadline("triage", D(2026, 11, 30), 5, False)  # 24-27, 30


def test_auto_close_sweep_closes_only_unobjected_cases_past_due(tmp_path: Path) -> None:
    vault = Vault(tmp_path)
    quiet, objecting, fresh = vault.new_case(), vault.new_case(), vault.new_case()
    for case in (quiet, objecting):
        vault.move(case, "diverifikasi", "ditindaklanjuti", day=D(2026, 11, 24))
        vault.move(case, "selesai", day=D(2026, 12, 10))  # auto_close due Mon 28 Dec
    vault.move(fresh, "tidak_dapat_ditindaklanjuti", day=D(2026, 12, 21))  # due later

    keys, reporter = vault.units[UNIT_A], None

    reporter = make_reporter()
    item = new_id()
    vault.day.day = D(2026, 12, 14)
    vault.store.append_reporter_message(
        objecting,
        item,
        seal(keys, reporter, bytes.fromhex(objecting), "message", item, b"keberatan"),
    )
    with vault.db() as db:
        assert deadlines.auto_close_due(db, D(2026, 12, 28), calendar=CAL) == []  # due day itself
        closed = deadlines.auto_close_due(db, D(2026, 12, 29), calendar=CAL)
    quiet_ref = vault.rows("SELECT reference FROM cases WHERE case_id = ?", quiet)[0][0]
    assert closed == [quiet_ref]
    assert vault.rows("SELECT case_id, status, closed_day FROM cases ORDER BY reference") == [
        (quiet, "ditutup", "2026-12-29"),
        (objecting, "selesai", None),
        (fresh, "tidak_dapat_ditindaklanjuti", None),
    ]
    assert vault.rows("SELECT actor, action, subject FROM audit_log ORDER BY seq DESC LIMIT 1") == [
        ("system", "status_change", quiet_ref)
    ]


def test_overdue_cases(tmp_path: Path) -> None:
    vault = Vault(tmp_path)
    late, paused, done = vault.new_case(), vault.new_case(), vault.new_case()
    vault.move(paused, "perlu_informasi", day=D(2026, 11, 24))
    vault.move(done, "diverifikasi", day=D(2026, 11, 24))
    with vault.db() as db:
        found = deadlines.overdue_cases(db, D(2026, 11, 27), calendar=CAL)
    assert [case.case_id for case, _ in found] == [late]


def test_the_reporter_api_shows_the_deadline(tmp_path: Path) -> None:
    from app_fixtures import AppClient, Submission, case_pow, lookup_body, make_env, open_upload
    from vault_fixtures import FixedDay

    env = make_env(tmp_path, today=FixedDay(D(2026, 11, 23)))
    report = Submission(env.unit)
    with AppClient(env.app) as client:
        created = client.post(
            "/api/cases", json=report.case_body(open_upload(client), pow=case_pow(client))
        )
        assert created.status_code == 201, created.text
        view = client.post(
            "/api/case", json=lookup_body(client), headers=report.authorization()
        ).json()
    assert view["deadline"] == {
        "stage": "triage",
        "due": "2026-11-26",
        "working_days_left": 3,
        "paused": False,
    }
