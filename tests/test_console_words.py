"""Console and workstation words: refused changes and form fields in plain words,
days in words, and the per-unit new-report notice (issue 15).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from test_lifecycle_fixtures import UNIT_A, UNIT_B, Vault
from test_retention import Recorder

from common.day_words import long_day, month_words, short_day
from vault import notifications
from vault.lifecycle import IllegalTransition, check_transition
from web.console.failures import describe
from web.console.transition_words import describe_transition
from web.errors import BadRequest
from web.i18n import gettext

CODES = ("selesai", "tidak_dapat_ditindaklanjuti", "dilimpahkan", "diterima", "ditutup")


def refused(current: str, new: str, **codes: str) -> IllegalTransition:
    with pytest.raises(IllegalTransition) as caught:
        check_transition(current, new, **codes)
    return caught.value


@pytest.mark.parametrize(
    ("current", "new", "codes", "indonesian", "english"),
    [
        (
            "diverifikasi",
            "tidak_dapat_ditindaklanjuti",
            {},
            "Untuk status “Tidak dapat ditindaklanjuti”, pilih alasannya: "
            "di luar kewenangan, duplikat, kedaluwarsa, terlalu umum.",
            "For the status “Cannot be followed up”, choose a reason: "
            "outside our authority, duplicate, too old, too vague.",
        ),
        (
            "ditindaklanjuti",
            "selesai",
            {},
            "pilih hasilnya: dihentikan, sebagian terbukti, terbukti",
            "choose an outcome: stopped, partly proven, proven",
        ),
        (
            "diterima",
            "diverifikasi",
            {"outcome": "terbukti"},
            "Pilih hasilnya hanya untuk status “Selesai”",
            "Choose an outcome only for the status “Concluded”",
        ),
        (
            "diterima",
            "selesai",
            {},
            "Kasus berstatus “Diterima” tidak",
            "with the status “Received”",
        ),
        ("ditutup", "diterima", {}, "Kasus yang sudah ditutup", "A closed case cannot"),
    ],
)
def test_a_refused_status_change_is_told_in_words(
    current: str, new: str, codes: dict[str, str], indonesian: str, english: str
) -> None:
    exc = refused(current, new, **codes)
    shown_id = describe_transition(exc, lambda m: gettext("id", m))
    shown_en = describe_transition(exc, lambda m: gettext("en", m))
    assert indonesian in shown_id and english in shown_en
    for shown in (shown_id, shown_en):
        assert "needs" not in shown and "code" not in shown and "one of" not in shown
        assert not any(code in shown for code in CODES if "_" in code)  # codes as words
    assert describe(exc, "id") == (400, shown_id)


def test_a_form_problem_names_the_field_as_people_read_it() -> None:
    status, message = describe(BadRequest("daily_case_ceiling"), "id")
    assert status == 400
    assert "laporan baru yang diterima per hari" in message
    assert "daily_case_ceiling" not in message
    assert "retention after closing" in describe(BadRequest("retention_days"), "en")[1]


def test_days_in_words_in_both_languages() -> None:
    """One module for the console, the pages, the workstation UI and its reports."""
    day = dt.date(2026, 12, 7)
    assert long_day(day, "id") == "Senin, 7 Desember 2026"
    assert long_day("2026-12-07", "en") == "Monday, 7 December 2026"
    assert short_day("2026-12-07", "id") == "7 Des 2026"
    assert short_day(day, "en") == "7 Dec 2026"
    assert long_day("2026-12", "id") == "2026-12"  # not a day: shown as it came
    assert short_day(None, "id") == ""
    assert month_words("2026-11", "id") == "November 2026"
    assert month_words("2026-02", "en") == "February 2026"
    assert month_words("2026-13", "en") == "2026-13"
    assert month_words(None, "en") == ""


def test_a_unit_turned_off_gets_no_new_report_notice(tmp_path: Path) -> None:
    vault = Vault(tmp_path)
    vault.new_case(UNIT_A, day=dt.date(2026, 11, 20))
    vault.new_case(UNIT_B, day=dt.date(2026, 11, 20))
    recorder = Recorder()
    with vault.db() as db:
        assert notifications.notifies(db, UNIT_A)
        notifications.set_notifies(db, UNIT_A, False)
        notifications.set_notifies(db, UNIT_A, False)  # twice is harmless
        assert not notifications.notifies(db, UNIT_A) and notifications.notifies(db, UNIT_B)
        notifications.run_daily_hook(db, dt.date(2026, 11, 21), "notify", runner=recorder)
        notifications.set_notifies(db, UNIT_A, True)
        assert notifications.notifies(db, UNIT_A)
    assert recorder.calls == [["notify", UNIT_B, "1"]]


def test_every_reply_template_and_blank_has_words_in_both_languages() -> None:
    from workstation.templates import REPLY_TEMPLATES, blanks
    from workstation.ui.words import BLANK_NAMES, INDONESIAN, TEMPLATE_NAMES

    assert sorted(TEMPLATE_NAMES) == sorted(REPLY_TEMPLATES)
    used = {b for text in REPLY_TEMPLATES.values() for b in blanks(text)}
    assert sorted(BLANK_NAMES) == sorted(used)
    for english in (*TEMPLATE_NAMES.values(), *BLANK_NAMES.values()):
        assert INDONESIAN.get(english), english


def test_the_workstation_says_a_refused_status_change_in_both_languages() -> None:
    from workstation.ui.status_words import MESSAGES, refusal
    from workstation.ui.words import INDONESIAN

    assert all(INDONESIAN.get(message) for message in MESSAGES)
    none = {"outcome": None, "reason": None, "target": None}
    assert refusal("diterima", "dilimpahkan", none, "en") == (
        "For the status “Referred”, choose where it is referred to."
    )
    assert refusal("diterima", "selesai", none, "id") == (
        "Kasus berstatus “Diterima” tidak dapat diubah menjadi “Selesai”."
    )
    extra = {**none, "outcome": "terbukti"}
    assert refusal("diterima", "diverifikasi", extra, "id") == (
        "Kosongkan hasil, alasan, dan tujuan pelimpahan kecuali statusnya memintanya."
    )
    assert refusal("diterima", "dilimpahkan", {**none, "target": "kpk"}, "id") is None
