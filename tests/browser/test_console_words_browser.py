"""Console screens in plain words, in a real browser and both engines (issue 15).

A refused status change says what to choose, with the codes as their words;
the navigation and the case page use no jargon; the audit log shows days in
words; the unit settings carry the new-report notice, which an administrator
turns off and on (audited) in both languages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from app_fixtures import AppClient, make_env
from playwright.sync_api import Page
from test_bundle_online import submit

from browser.conftest import serve_app
from browser.test_console_pages import account, sign_in
from vault import audit_log, notifications
from vault.database import opened

pytestmark = pytest.mark.browser

ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    env = make_env(tmp_path_factory.mktemp("console-words"))
    report = submit(env, AppClient(env.app))
    with serve_app(env.app) as base:
        yield {"env": env, "base": base, "case": report.case_id.hex()}


def enter(page: Page, scene: dict[str, Any], role: str) -> str:
    """Sign a fresh account of ``role`` in; return its name."""
    page.peluit.allowed_origins.add(scene["base"])  # type: ignore[attr-defined]
    name, totp = account(scene["env"], role)
    sign_in(page, scene["base"], name, totp)
    return name


def test_a_refused_status_change_says_what_to_choose_in_words(
    page: Page, scene: dict[str, Any]
) -> None:
    base = scene["base"]
    enter(page, scene, "inspector")
    nav = page.locator("nav").first.inner_text()
    assert "Pertukaran data" in nav and "Celah udara" not in nav
    page.goto(base + f"/konsol/kasus/{scene['case']}")
    text = page.locator("main").inner_text()
    assert "berpadding" not in text and "air-gapped" not in page.content()
    page.select_option("#new-status", "tidak_dapat_ditindaklanjuti")
    page.click("#status-form button[type=submit]")
    page.wait_for_load_state()
    shown = page.locator("main").inner_text()
    assert "Untuk status “Tidak dapat ditindaklanjuti”, pilih alasannya:" in shown
    assert "terlalu umum" in shown
    assert "needs" not in shown and "tidak_dapat_ditindaklanjuti" not in shown
    page.goto(base + f"/en/konsol/kasus/{scene['case']}")
    page.select_option("#new-status", "tidak_dapat_ditindaklanjuti")
    page.click("#status-form button[type=submit]")
    page.wait_for_load_state()
    shown = page.locator("main").inner_text()
    assert "For the status “Cannot be followed up”, choose a reason:" in shown
    assert "too vague" in shown and "terlalu_umum" not in shown
    page.peluit.console_errors.clear()  # type: ignore[attr-defined]  # the 400 page load


def test_the_audit_log_shows_days_and_actions_in_words(page: Page, scene: dict[str, Any]) -> None:
    base = scene["base"]
    enter(page, scene, "auditor")
    for prefix, chain, signed_in in (
        ("/konsol", "Log audit utuh", "masuk login"),
        ("/en/konsol", "chain is intact", "signed in login"),
    ):
        page.goto(base + prefix + "/audit")
        assert chain in page.locator("#chain").inner_text()
        actions = page.locator("#audit tbody tr td:nth-child(4)").all_inner_texts()
        assert signed_in in actions  # the code's words, the code beside them
        days = page.locator("#audit tbody tr td:nth-child(2)").all_inner_texts()
        assert days and not [d for d in days if ISO_DAY.search(d)]
        assert all(re.fullmatch(r"\d{1,2} \w{3} \d{4}", d) for d in days), days


def test_an_administrator_turns_the_new_report_notice_off_and_on(
    page: Page, scene: dict[str, Any]
) -> None:
    env, base = scene["env"], scene["base"]
    unit = env.unit.card.unit_id
    name = enter(page, scene, "admin")
    page.goto(base + f"/konsol/pengaturan/{unit}")
    notice = page.locator("#notify")
    assert "Pemberitahuan laporan baru" in notice.inner_text()
    assert "tidak pernah jamnya" in notice.inner_text()
    box = page.locator("#notify-new-reports")
    assert box.is_checked()
    box.uncheck()
    page.click("#settings-form button[type=submit]")
    page.wait_for_load_state()
    assert "Pengaturan disimpan" in page.locator("main").inner_text()
    assert not page.locator("#notify-new-reports").is_checked()
    with opened(env.data / "vault.sqlite3") as db:
        assert not notifications.notifies(db, unit)
        entries = [e for e in audit_log.entries(db) if "notify_new_reports" in e.detail]
    newest = max(entries, key=lambda e: e.seq)
    assert newest.actor == name and newest.subject == unit
    assert newest.detail == {"notify_new_reports": False, "was": True}

    page.goto(base + f"/en/konsol/pengaturan/{unit}")
    assert "New-report notice" in page.locator("#notify").inner_text()
    page.locator("#notify-new-reports").check()
    page.click("#settings-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#notify-new-reports").is_checked()
    with opened(env.data / "vault.sqlite3") as db:
        assert notifications.notifies(db, unit)


def test_a_refusal_with_the_vaults_detail_is_told_in_words_first(
    page: Page, scene: dict[str, Any]
) -> None:
    base = scene["base"]
    enter(page, scene, "admin")
    for prefix, summary, detail in (
        (
            "/konsol",
            "Permintaan ini tidak dapat diproses; tidak ada yang diubah.",
            "Rincian teknis",
        ),
        ("/en/konsol", "The request could not be processed; nothing was changed.", "Technical"),
    ):
        page.goto(base + prefix + "/akun")
        page.fill("#new-username", "pemeriksa-baru")
        page.select_option("#new-role", "auditor")
        page.check(f"input[name='unit-{scene['env'].unit.card.unit_id}']")  # only inspectors
        page.click("#create-account button[type=submit]")
        page.wait_for_load_state()
        assert page.locator("#error-message").inner_text() == summary
        assert detail in page.locator("#error-detail summary").inner_text()
        page.locator("#error-detail summary").click()
        assert "Only inspectors belong to units." in page.locator("#error-detail").inner_text()
    page.peluit.console_errors.clear()  # type: ignore[attr-defined]  # the 400 page loads
