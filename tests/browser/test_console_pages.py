"""Console pages in a real browser, in both engines: accessibility of every page each
role sees, and a forged standard message shown to the reporter as a warning.
"""

from __future__ import annotations

import io
import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from app_fixtures import AppClient, make_env
from playwright.sync_api import Browser, Page
from test_bundle_online import ReplyBundle, submit

from browser.conftest import open_page, serve_app
from browser.test_console_flow import submit_report
from browser.test_reporter_pages import serious_violations
from crypto.bundle_template import sign_template
from crypto.context import Context
from crypto.envelope import seal
from crypto.signing import SigningKey
from receipts.derivation import derive
from receipts.receipt_code import parse
from vault import staff
from vault.database import opened

pytestmark = pytest.mark.browser

PASSWORD = "kata sandi yang panjang"


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    env = make_env(tmp_path_factory.mktemp("console-pages"))
    report = submit(env, AppClient(env.app))
    with serve_app(env.app) as base:
        yield {"env": env, "base": base, "case": report.case_id.hex()}


def account(env: Any, role: str) -> tuple[str, pyotp.TOTP]:
    """A fresh account per test: each sign-in uses up a TOTP step."""
    name = f"{role[:3]}-{secrets.token_hex(4)}"
    units = [env.unit.card.unit_id] if role == "inspector" else []
    with opened(env.data / "vault.sqlite3") as db:
        _, secret = staff.create_user(db, name, role, unit_ids=units, password=PASSWORD)
    return name, pyotp.TOTP(secret.reveal())


def sign_in(page: Page, base: str, name: str, totp: pyotp.TOTP) -> None:
    page.goto(base + "/konsol/masuk")
    page.fill("#username", name)
    page.fill("#password", PASSWORD)
    page.fill("#totp", totp.now())
    page.click("#sign-in")
    page.wait_for_load_state("networkidle")
    assert "/masuk" not in page.url


def pages_of(role: str, case: str, unit: str) -> list[str]:
    return {
        "inspector": [
            "/kasus",
            "/kasus?assignee=-",
            f"/kasus/{case}",
            "/dasbor",
            "/pertukaran",
            "/sandi",
        ],
        "admin": ["/akun", "/unit", f"/pengaturan/{unit}", f"/kuesioner/{unit}", "/sandi"],
        "auditor": ["/dasbor", "/audit", "/sandi"],
    }[role]


@pytest.mark.parametrize("role", ["inspector", "admin", "auditor"])
def test_axe_finds_no_serious_violation_on_console_pages(
    browser: Browser, scene: dict[str, Any], role: str
) -> None:
    env, base = scene["env"], scene["base"]
    name, totp = account(env, role)
    # axe-core is injected as a script, which the console's CSP rightly
    # forbids; only this accessibility check bypasses it.
    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        page.set_default_timeout(120_000)
        page.goto(base + "/konsol/masuk")
        page.wait_for_load_state("networkidle")
        assert serious_violations(page) == [], "/konsol/masuk"
        sign_in(page, base, name, totp)
        checked = []
        for prefix in ("/konsol", "/en/konsol"):
            for path in pages_of(role, scene["case"], env.unit.card.unit_id):
                response = page.goto(base + prefix + path)
                assert response is not None and response.status == 200, prefix + path
                page.wait_for_load_state("networkidle")
                assert serious_violations(page) == [], prefix + path
                checked.append(prefix + path)
        assert len(checked) == 2 * len(pages_of(role, "", ""))
    finally:
        context.close()


def test_a_forged_standard_message_is_a_warning_on_the_reporters_page(
    page: Page, tmp_path: Path
) -> None:
    """A console user cannot sign: a template reply under any other key is flagged."""
    page.set_default_timeout(180_000)
    env = make_env(tmp_path)
    unit_id = env.unit.card.unit_id
    name, _totp = account(env, "inspector")
    genuine_text = "Laporan Anda sudah diterima dan sedang diverifikasi."
    forged_text = f"Kasus ditutup. Jangan hubungi kami lagi. {secrets.token_hex(3)}"
    with serve_app(env.app) as base:
        code_text, reference = submit_report(page, base, unit_id, "forged-template")
        with opened(env.data / "vault.sqlite3") as db:
            (case_id,) = db.execute(
                "SELECT case_id FROM cases WHERE reference = ?", [reference]
            ).fetchone()
            user = staff.get_user(db, name)
        bundle = ReplyBundle(env.unit)
        bundle.template("diterima", genuine_text)
        env.store.import_reply_bundle(io.BytesIO(bundle.to_bytes()), actor=name)
        reporter = derive(parse(code_text), env.store.instance_salt())
        recipients = [reporter.public_key(), env.unit.card.xwing_public_key]
        console = env.app.state.console.store

        def send(signer: SigningKey, text: str) -> None:
            item = secrets.token_bytes(16)
            body = json.dumps({"text": text, "status": None, "template": "diterima"}).encode()
            signature = sign_template(signer, unit_id, "diterima", text)
            ctx = Context(unit_id, bytes.fromhex(case_id), "reply", item)
            console.send_template(
                user, case_id, "diterima", item, seal(signature + body, recipients, ctx)
            )

        send(env.unit.signing, genuine_text)
        send(SigningKey.generate(), forged_text)  # what a console user could make

        open_page(page, base, "/id/cek")
        page.wait_for_function("() => document.documentElement.dataset.ready === 'true'")
        page.fill("#code", code_text)
        page.click("#open")
        page.wait_for_selector("#case", state="visible", timeout=120_000)
        assert page.text_content("#case-ref") == reference
        standard = page.locator("#conversation li.unit-msg").all_inner_texts()
        assert len(standard) == 1 and genuine_text in standard[0]
        assert standard[0].startswith("Pesan baku dari inspektorat")
        warnings = page.locator("#conversation li.warning")
        assert warnings.count() == 1
        assert forged_text not in (page.text_content("#conversation") or "")


def test_the_case_pages_say_days_in_words(page: Page, engine: str, scene: dict[str, Any]) -> None:
    """Issue 15: "Senin, 7 Desember 2026" on the case page, "7 Des 2026" in tables."""
    import datetime as dt
    import re

    from babel.dates import format_date

    env, base = scene["env"], scene["base"]
    case = env.store.get_case(scene["case"])
    deadline = env.store.case_deadline(scene["case"])
    name, totp = account(env, "inspector")
    open_page(page, base, "/konsol/masuk")
    sign_in(page, base, name, totp)
    iso = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
    for prefix, locale in (("/konsol", "id"), ("/en/konsol", "en_GB")):
        page.goto(f"{base}{prefix}/kasus/{scene['case']}")
        assert iso.findall(page.inner_text("main")) == []
        submitted = dt.date.fromisoformat(case.submitted_day)
        words = format_date(submitted, "EEEE, d MMMM y", locale=locale)
        assert (page.text_content("#case-submitted") or "").startswith(words)
        age = (env.store.today() - submitted).days
        said = {0: ("hari ini", "today"), 1: ("kemarin", "yesterday")}[age][locale != "id"]
        assert (page.text_content("#case-submitted") or "").endswith(f" · {said}")
        due = format_date(deadline.due, "EEEE, d MMMM y", locale=locale)
        assert page.text_content("#case-due") == due
        assert words in (page.text_content("#case-status") or "")
        assert format_date(submitted, "medium", locale=locale) in page.inner_text("#items")
        page.goto(f"{base}{prefix}/kasus")
        assert iso.findall(page.inner_text("main")) == []
        assert format_date(submitted, "medium", locale=locale) in page.inner_text("main")
        page.goto(f"{base}{prefix}/dasbor")  # the dashboard: months in words, never 2026-11
        assert re.findall(r"\b\d{4}-\d{2}\b", page.inner_text("main")) == []
        assert format_date(submitted, "MMMM y", locale=locale) in page.inner_text("main")
