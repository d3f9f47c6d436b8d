"""A retired unit and the public origin's cookie, in a real browser, both engines.

1. A reporter sends a report; the unit gets a reply; then the unit is
   retired. A page that was already open is refused with the message when
   it sends; the report page now offers no form and says where to go; the
   earlier reporter still opens the case with "Cek laporan" and reads the
   reply.
2. Behind a TLS proxy (here the app itself over TLS, with
   ``PELUIT_PUBLIC_URL`` https), the console sign-in leaves a
   ``__Host-peluit-konsol`` cookie with ``Secure`` in the browser, and HSTS.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyotp
import pytest
from app_fixtures import make_env, make_unit
from deploy_fixtures import self_signed, serve_tls
from playwright.sync_api import Browser, Page
from test_bundle_online import ReplyBundle

from browser.conftest import open_page, serve_app
from browser.test_console_flow import submit_report
from receipts.derivation import derive
from receipts.receipt_code import parse
from vault import staff
from vault.database import opened
from web.app import create_app
from web.public_origin import PublicOrigin

pytestmark = pytest.mark.browser

PASSWORD = "kata sandi yang panjang"
RETIRED_410 = "status of 410"


def fill_report(page: Page, base: str, unit_id: str) -> str:
    open_page(page, base, f"/id/lapor/{unit_id}")
    page.wait_for_function("() => document.documentElement.dataset.ready === 'true'")
    page.select_option("#q-category", "penyalahgunaan-wewenang")
    page.fill("#q-what", "Pengadaan fiktif")
    page.fill("#q-who_name", "Pejabat X")
    page.fill("#q-where", "Dinas Y")
    page.fill("#q-when", "Maret 2026")
    page.click("#continue")
    page.wait_for_selector("#step-receipt", state="visible")
    page.wait_for_function("() => document.getElementById('derive-progress').value === 100")
    return page.text_content("#receipt-code") or ""


def test_retired_unit_in_the_browser(page: Page, tmp_path: Path) -> None:
    page.set_default_timeout(180_000)
    env = make_env(tmp_path)
    unit_id = env.unit.card.unit_id
    env.store.register_unit(make_unit("inspektorat-baru").card.to_json())
    with serve_app(env.app, csp=None) as base:
        code_text, reference = submit_report(page, base, unit_id, secrets.token_hex(4))
        keys = derive(parse(code_text), env.store.instance_salt())
        # the unit answers (a reply bundle from the workstation), then is retired
        with opened(env.data / "vault.sqlite3") as db:
            case_id = db.conn.execute(
                "SELECT case_id FROM cases WHERE reference = ?", [reference]
            ).fetchone()[0]
        bundle = ReplyBundle(env.unit)
        reply_text = f"Terima kasih, kami periksa. {secrets.token_hex(3)}"
        bundle.reply(case_id.hex() if isinstance(case_id, bytes) else case_id, keys, reply_text)
        env.store.import_reply_bundle(io.BytesIO(bundle.to_bytes()), actor="system")

        # a report page opened before the retirement: refused when it sends
        fill_report(page, base, unit_id)
        env.store.retire_unit(
            unit_id, forward_unit="inspektorat-baru", forward_url=None, actor="system"
        )
        page.check("#saved")
        page.click("#send")
        page.wait_for_function(
            "() => document.getElementById('send-error').textContent.includes('tidak lagi')"
        )
        assert "tidak lagi menerima laporan baru" in (page.text_content("#send-error") or "")
        assert not page.is_visible("#step-done")
        # the browser logs the 410 itself; that one error is expected
        record = page.peluit  # type: ignore[attr-defined]
        record.console_errors[:] = [e for e in record.console_errors if RETIRED_410 not in e]

        # the report page now says where to go, with no form
        open_page(page, base, f"/id/lapor/{unit_id}")
        assert "tidak lagi menerima laporan baru" in page.inner_text("#retired")
        assert page.locator("#app").count() == 0
        assert page.get_attribute("#forward-unit", "href") == "/id/lapor/inspektorat-baru"
        page.click("#forward-unit")
        page.wait_for_function("() => document.documentElement.dataset.ready === 'true'")
        assert page.locator("#app").count() == 1

        # the earlier reporter still reads the reply
        open_page(page, base, "/id/cek")
        page.wait_for_function("() => document.documentElement.dataset.ready === 'true'")
        page.fill("#code", code_text)
        page.click("#open")
        page.wait_for_selector("#case", state="visible", timeout=120_000)
        assert page.text_content("#case-ref") == reference
        texts = page.locator("#conversation li.unit-msg").all_inner_texts()
        assert any(reply_text in t for t in texts), texts


@contextmanager
def serve_app_over_tls(app: Any, tmp_path: Path) -> Iterator[str]:
    cert, key = self_signed(tmp_path)
    with serve_tls(app, cert, key, lifespan="off") as url:
        yield url


def test_console_cookie_is_host_prefixed_and_secure(browser: Browser, tmp_path: Path) -> None:
    """Signed in as an administrator, who also sees the retired unit marked on the units page."""
    env = make_env(tmp_path)
    env.store.register_unit(make_unit("inspektorat-lama").card.to_json())
    env.store.retire_unit(
        "inspektorat-lama", forward_unit=env.unit.card.unit_id, forward_url=None, actor="system"
    )
    settings = replace(
        env.app.state.settings, public_url=PublicOrigin.parse("https://wbs.example.go.id")
    )
    app = create_app(settings, store=env.store)
    with opened(env.data / "vault.sqlite3") as db:
        _, secret = staff.create_user(db, "adi", "admin", unit_ids=[], password=PASSWORD)
    with serve_app_over_tls(app, tmp_path) as base:
        context = browser.new_context(service_workers="block", ignore_https_errors=True)
        desk = context.new_page()
        problems: list[str] = []
        desk.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        desk.on("pageerror", lambda e: problems.append(str(e)))
        first = desk.goto(base + "/konsol/masuk")
        assert first is not None
        assert first.headers["strict-transport-security"] == "max-age=31536000"
        desk.fill("#username", "adi")
        desk.fill("#password", PASSWORD)
        desk.fill("#totp", pyotp.TOTP(secret.reveal()).now())
        desk.click("#sign-in")
        desk.wait_for_url(base + "/konsol/akun")
        desk.goto(base + "/konsol/unit")
        retired = desk.locator("#units tr", has_text="inspektorat-lama")
        assert "Dipensiunkan: tidak menerima laporan baru" in retired.inner_text()
        current = desk.locator("#units tr", has_text=env.unit.card.unit_id)
        assert "Dipensiunkan" not in current.inner_text()
        cookies = context.cookies()
        assert [c["name"] for c in cookies] == ["__Host-peluit-konsol"]
        cookie = cookies[0]
        assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        assert cookie["path"] == "/" and cookie["domain"] == "localhost"
        assert not [p for p in problems if "favicon" not in p], problems
        context.close()
