"""The questionnaire editor in a real browser, both engines: edit, preview, publish.

An administrator changes a label, removes a question, moves one, adds a
choice, sees the problems in Indonesian when a language is missing, previews
the form as the report page will show it in both languages, and publishes;
the report page then serves version 2 and its id. Plain forms, no script.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from app_fixtures import make_env
from playwright.sync_api import Page

from browser.conftest import serve_app
from browser.test_console_pages import account, sign_in
from crypto import questionnaire_doc
from vault import questionnaires
from vault.database import opened

pytestmark = pytest.mark.browser


def test_edit_preview_and_publish_a_questionnaire(page: Page, tmp_path: Path) -> None:
    page.set_default_timeout(120_000)
    env = make_env(tmp_path)
    unit = env.unit.card.unit_id
    name, totp = account(env, "admin")
    with serve_app(env.app) as base:
        page.peluit.allowed_origins.add(base)  # type: ignore[attr-defined]
        sign_in(page, base, name, totp)
        page.goto(base + "/konsol/unit")
        page.click(f'a[href="/konsol/kuesioner/{unit}"]')
        assert "kuesioner bawaan (versi 1)" in page.inner_text("#versions")
        page.fill("#q1-label_id", "Ceritakan kejadiannya")
        page.fill("#q1-label_en", "Tell what happened")
        page.check("#q2-remove")
        page.fill("#q0-order", "99")
        new = 12
        page.fill(f"#q{new}-key", "saksi")
        page.select_option(f"#q{new}-type", "select")
        page.check(f"#q{new}-required")
        page.fill(f"#q{new}-label_id", "Ada saksi?")
        page.fill(f"#q{new}-options", "ada | Ada | Yes\ntidak | Tidak ada | No")
        page.click("#preview-button")
        problems = page.inner_text("#problems")
        assert "Belum diterbitkan" in problems
        assert (
            "Pertanyaan 11: teks pertanyaan perlu ditulis dalam bahasa Indonesia dan Inggris."
            in problems
        )
        assert page.input_value("#q0-key") == "what"  # moved, in the new order
        page.fill("#q10-label_en", "Any witnesses?")
        page.click("#preview-button")
        assert page.locator("#problems").count() == 0
        preview_id = page.locator("#preview-id")
        assert preview_id.locator("label").first.inner_text() == "Ceritakan kejadiannya *"
        assert preview_id.locator("#pid-saksi option").all_inner_texts()[1:] == ["Ada", "Tidak ada"]
        assert page.locator("#preview-id #pid-who_name").count() == 0
        assert page.locator("#preview-en label").first.inner_text() == "Tell what happened *"
        page.click("#publish-button")
        page.wait_for_load_state("networkidle")
        assert "Versi 2 telah diterbitkan" in page.inner_text("main")
        assert page.inner_text("#versions tbody tr th").startswith("2")
        with opened(env.data / "vault.sqlite3") as db:
            current = questionnaires.current(db, unit)
            actions = [r[0] for r in db.execute("SELECT action FROM audit_log")]
        assert current is not None and current.version == 2
        assert current.digest == questionnaire_doc.digest(current.document)
        assert "questionnaire_published" in actions
        page.goto(f"{base}/id/lapor/{unit}")
        assert page.locator('label[for="q-what"]').inner_text() == "Ceritakan kejadiannya *"
        assert page.locator("#q-saksi").count() == 1 and page.locator("#q-who_name").count() == 0
        digest = page.get_attribute("#app", "data-questionnaire-digest")
        assert digest == current.digest
        page.goto(f"{base}/en/konsol/kuesioner/{unit}")
        assert re.search(r"Version\s+code", page.inner_text("#versions thead"))


def test_a_browser_report_on_version_2_reads_with_version_2_after_version_3(
    page: Page, tmp_path: Path
) -> None:
    """The tip the report page seals names version 2; the workstation labels it so."""
    from test_questionnaire_versions_end_to_end import UNIT, publish
    from test_ws_support import PASSPHRASE, TODAY, make_workstation

    from browser.test_console_flow import submit_report
    from crypto.secret import SecretStr
    from workstation.desk import Desk

    page.set_default_timeout(180_000)
    env = make_env(tmp_path)
    folder = tmp_path / "ws"
    folder.mkdir()
    env.store.register_unit(make_workstation(folder, unit_id=UNIT).to_json())
    second = publish(env, "Ceritakan kejadiannya (versi 2)")
    with serve_app(env.app) as base:
        _code, reference = submit_report(page, base, UNIT, "v2")
    publish(env, "Ceritakan kejadiannya (versi 3)")
    bundle = tmp_path / "1.peluit"
    with bundle.open("wb") as out:
        env.store.export_bundle(UNIT, out, actor="ines")
    with Desk.open(folder, SecretStr(PASSPHRASE), today=TODAY) as desk:
        desk.import_bundle(bundle)
        answers = {a.field_id: a for a in desk.answers(reference)}
        stored = desk.store.questionnaire(second.digest)
    assert answers["what"].label_id == "Ceritakan kejadiannya (versi 2)"
    assert answers["what"].value == "Pengadaan fiktif v2"
    assert stored is not None and stored["version"] == 2
