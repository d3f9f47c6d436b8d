"""The console and the reporter's pages in plain words (issue 15, the final review):
units by name, the audit log's details in words, no preselected status, days in
words on the retired-unit page, plural forms from the catalog, no "air gap".
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from app_fixtures import AppClient, Env, make_env
from console_fixtures import Console, add_account, add_unit
from test_bundle_online import submit

from web.console.audit_words import Words, actor_words, detail_words, subject_words
from web.i18n import translations

UNIT = "inspektorat-demo"
NAME = "Inspektorat Demo"


@pytest.fixture
def env(tmp_path: Path) -> Env:
    return make_env(tmp_path)


def words(lang: str, names: dict[str, str] | None = None) -> Words:
    catalog = translations(lang)
    return Words(catalog.gettext, catalog.ngettext, lang, names or {UNIT: NAME})


@pytest.mark.parametrize(
    ("lang", "action", "detail", "shown"),
    [
        (
            "id",
            "status_change",
            {"from": "diterima", "to": "perlu_informasi", "unit": UNIT},
            "dari Diterima ke Perlu informasi dari pelapor, unit Inspektorat Demo",
        ),
        (
            "en",
            "status_change",
            {"from": "diterima", "to": "perlu_informasi", "unit": UNIT},
            "from Received to Waiting for the reporter, unit Inspektorat Demo",
        ),
        (
            "id",
            "status_change",
            {"from": "ditindaklanjuti", "to": "selesai", "unit": UNIT, "outcome": "terbukti"},
            "dari Ditindaklanjuti ke Selesai, unit Inspektorat Demo, hasil: terbukti",
        ),
        (
            "id",
            "import",
            {"quarantined": 0, "replies": 1, "sequence": 3, "status_changes": 2, "templates": 0},
            "paket balasan no. 3, 1 balasan, 2 perubahan status, 0 pesan standar, 0 dikarantina",
        ),
        (
            "en",
            "import",
            {"sequence": 3, "replies": 1, "status_changes": 2, "templates": 0, "quarantined": 0},
            "reply bundle no. 3, 1 reply, 2 status changes, 0 standard messages, 0 quarantined",
        ),
        (
            "id",
            "export",
            {"cases": 1, "envelopes": 4, "export_seq": 2},
            "paket ekspor no. 2, 1 kasus, 4 item",
        ),
        (
            "id",
            "user_created",
            {"role": "inspector", "units": UNIT},
            "peran: inspektur, unit: Inspektorat Demo",
        ),
        ("en", "user_created", {"role": "auditor", "units": ""}, "role: auditor"),
        ("id", "unit_changed", {"change": "retired"}, "dipensiunkan"),
        (
            "id",
            "unit_settings",
            {"notify_new_reports": True, "was": False},
            "pemberitahuan laporan baru aktif, sebelumnya: pemberitahuan laporan baru nonaktif",
        ),
        (
            "en",
            "settings_changed",
            {"unit": UNIT, "retention_days": 1825, "triage_days": 3},
            "unit Inspektorat Demo, retention after closing: 1825 days, Triage: 3 working days",
        ),
        ("en", "assignment", {"unit": UNIT, "assignee": None}, "unit Inspektorat Demo, to nobody"),
    ],
)
def test_audit_details_are_told_in_words(
    lang: str, action: str, detail: dict[str, object], shown: str
) -> None:
    assert detail_words(action, detail, words(lang)) == shown


def test_the_systems_entries_and_unknown_accounts_are_told_in_words() -> None:
    assert actor_words("system", words("id")) == "sistem"
    assert actor_words("system", words("en")) == "system"
    assert actor_words("ines", words("id")) == "ines"
    assert subject_words("login_failed", "unknown", words("id")) == "akun tidak dikenal"
    assert subject_words("login_failed", "ines", words("id")) == "ines"
    assert subject_words("unit_registered", UNIT, words("id")) == NAME


def test_the_audit_page_shows_a_status_change_in_words(env: Env) -> None:
    ines = add_account(env, "ines", "inspector", (UNIT,))
    auditor = add_account(env, "audi", "auditor")
    case = submit(env, AppClient(env.app)).case_id.hex()
    inspector = Console(env)
    assert inspector.login(ines).status_code == 303
    changed = inspector.post(
        f"/konsol/kasus/{case}/status",
        data={"csrf": inspector.csrf(), "status": "diverifikasi"},
    )
    assert changed.status_code == 303
    console = Console(env)
    assert console.login(auditor).status_code == 303
    page = console.get("/konsol/audit").text
    table = page[page.index('<table id="audit"') : page.index("</table>")]
    assert "dari Diterima ke Diverifikasi" in table
    assert not re.search(r"\b(from|to|unit|role|units)=", table), table
    assert ">sistem<" in table and ">system<" not in table  # the accounts made by the fixture
    english = console.get("/en/konsol/audit").text
    assert "from Received to Verified (triaged)" in english and ">system<" in english


def test_the_status_form_preselects_nothing(env: Env) -> None:
    ines = add_account(env, "ines", "inspector", (UNIT,))
    case = submit(env, AppClient(env.app)).case_id.hex()
    console = Console(env)
    assert console.login(ines).status_code == 303
    page = console.get(f"/konsol/kasus/{case}").text
    select = re.search(r'<select id="new-status" name="status" required>(.*?)</select>', page, re.S)
    assert select
    options = re.findall(r"<option[^>]*>", select.group(1))
    assert options[0] == '<option value="" selected>'
    assert all("selected" not in option for option in options[1:])
    refused = console.post(
        f"/konsol/kasus/{case}/status", data={"csrf": console.csrf(), "status": ""}
    )
    assert refused.status_code == 400


def test_units_are_shown_by_name_and_ticked_by_name_for_a_new_account(env: Env) -> None:
    add_unit(env, "inspektorat-lain")
    ines = add_account(env, "ines", "inspector", (UNIT,))
    submit(env, AppClient(env.app))
    console = Console(env)
    assert console.login(ines).status_code == 303
    for path in ("/konsol/kasus", "/konsol/dasbor", "/konsol/pertukaran"):
        page = console.get(path).text
        assert NAME in page, path
        assert f">{UNIT}<" not in page, path
    admin = Console(env)
    assert admin.login(add_account(env, "adi", "admin")).status_code == 303
    form = admin.get("/konsol/akun").text
    assert f'name="unit-{UNIT}" value="1"> {NAME}' in form
    assert "separated by commas" not in form and "dipisahkan koma" not in form
    created = admin.post(
        "/konsol/akun",
        data={"csrf": admin.csrf(), "username": "baru", "role": "inspector", f"unit-{UNIT}": "1"},
    )
    assert created.status_code == 200
    listed = admin.get("/konsol/akun").text
    row = re.search(r"<th scope=\"row\">baru</th>(.*?)</tr>", listed, re.S)
    assert row and NAME in row.group(1) and "Inspektorat" in row.group(1)
    for path in (f"/konsol/pengaturan/{UNIT}", f"/konsol/kuesioner/{UNIT}"):
        assert f"<h1>Pengaturan {NAME}" in admin.get(path).text or NAME in admin.get(path).text


def test_the_retired_unit_page_says_since_when_in_words(env: Env) -> None:
    env.store.retire_unit(UNIT, forward_unit=None, forward_url="https://example.org", actor="adi")
    day = env.store.get_unit(UNIT).retired_day
    for lang, month in (("id", "Desember"), ("en", "December")):
        page = AppClient(env.app).get(f"/{lang}/lapor/{UNIT}").text
        shown = re.search(r'<span id="retired-day">([^<]+)</span>', page)
        assert shown and day not in shown.group(1)
        assert str(dt.date.fromisoformat(day).year) in shown.group(1)
        assert re.search(r"[A-Za-z]{3,}", shown.group(1)), month  # a month's name, not digits


def test_indonesian_has_one_plural_form_and_english_two() -> None:
    indonesian, english = translations("id"), translations("en")
    for n in (0, 1, 2, 5):
        assert indonesian.ngettext("%(num)s case", "%(num)s cases", n) == "%(num)s kasus"
    assert english.ngettext("%(num)s case", "%(num)s cases", 1) == "%(num)s case"
    assert english.ngettext("%(num)s case", "%(num)s cases", 2) == "%(num)s cases"


def test_the_english_console_says_data_exchange_not_air_gap(env: Env) -> None:
    ines = add_account(env, "ines", "inspector", (UNIT,))
    console = Console(env)
    assert console.login(ines).status_code == 303
    for path in ("/en/konsol/kasus", "/en/konsol/pertukaran"):
        page = console.get(path).text
        assert "air gap" not in page.lower() and "air-gapped" not in page.lower(), path
        assert "Data exchange" in page, path
    assert "offline workstation" in console.get("/en/konsol/kasus").text


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_safety_guide_writes_steps_in_words_and_commands_in_code_blocks(
    env: Env, lang: str
) -> None:
    page = AppClient(env.app).get(f"/{lang}/panduan").text
    main = page[page.index("<main") : page.index("</main>")]
    prose = re.sub(r"<pre><code>.*?</code></pre>", "", main, flags=re.S)
    assert "--" not in prose  # no command-line flag in a sentence
    assert "submit" not in prose and "receipt-file" not in prose
    blocks = re.findall(r"<pre><code>(.*?)</code></pre>", main, re.S)
    assert any("peluit-report.pyz submit" in b and "--fingerprint" in b for b in blocks)
    assert any("peluit-report.pyz status --receipt-file" in b for b in blocks)
    assert any("certutil -hashfile" in b for b in blocks)  # the Windows check, typed too


def test_the_dashboard_explains_its_figures_in_words(env: Env) -> None:
    ines = add_account(env, "ines", "inspector", (UNIT,))
    submit(env, AppClient(env.app))
    console = Console(env)
    assert console.login(ines).status_code == 303
    for path, words in (
        ("/konsol/dasbor", ("Masih berjalan: masih terbuka", "belum ada yang selesai")),
        ("/en/konsol/dasbor", ("Still running: open", "none finished or late yet")),
    ):
        page = console.get(path).text
        assert all(w in page for w in words), path
        assert "0/0" not in page and "(0%)" not in page, path
