"""The staff console end to end in a real browser, in both engines.

1. a reporter submits through the real report page;
2. an inspector signs in with username, password and TOTP, sees the new case
   and downloads an export bundle;
3. the test plays the workstation: reads the bundle with the bundle reader,
   opens the tip with the unit key and writes a signed reply bundle (a reply,
   status ``diverifikasi`` and a standard message);
4. the inspector imports it, then sends the standard message from the case
   page (sealed by console.js in the browser);
5. the reporter comes back with the receipt code and sees the verified reply,
   the standard message marked as such, and the new status.
"""

from __future__ import annotations

import io
import json
import secrets
from pathlib import Path
from typing import Any

import pyotp
import pytest
from app_fixtures import make_env
from playwright.sync_api import Browser, Page
from test_bundle_online import ReplyBundle

from browser.conftest import open_page, serve_app
from crypto.bundle import BundleReader, Kind
from crypto.context import Context
from crypto.envelope import open_envelope
from receipts.derivation import derive
from receipts.receipt_code import parse
from vault import staff
from vault.database import opened

pytestmark = pytest.mark.browser

PASSWORD = "kata sandi yang panjang"


@pytest.fixture
def env(tmp_path: Path) -> Any:
    return make_env(tmp_path)


def submit_report(page: Page, base: str, unit_id: str, marker: str) -> tuple[str, str]:
    open_page(page, base, f"/id/lapor/{unit_id}")
    page.wait_for_function("() => document.documentElement.dataset.ready === 'true'")
    page.select_option("#q-category", "penyalahgunaan-wewenang")
    page.fill("#q-what", f"Pengadaan fiktif {marker}")
    page.fill("#q-who_name", "Pejabat X")
    page.fill("#q-where", "Dinas Y")
    page.fill("#q-when", "Maret 2026")
    page.click("#continue")
    page.wait_for_selector("#step-receipt", state="visible")
    code = page.text_content("#receipt-code") or ""
    page.wait_for_function("() => document.getElementById('derive-progress').value === 100")
    page.check("#saved")
    page.click("#send")
    page.wait_for_selector("#step-done", state="visible", timeout=60_000)
    return code, page.text_content("#done-ref") or ""


def test_console_round_trip(page: Page, browser: Browser, env: Any, tmp_path: Path) -> None:
    page.set_default_timeout(180_000)
    marker = f"PELUIT-MARKER-{secrets.token_hex(6)}"
    unit_id = env.unit.card.unit_id
    with opened(env.data / "vault.sqlite3") as db:
        _, secret = staff.create_user(
            db, "ines", "inspector", unit_ids=[unit_id], password=PASSWORD
        )
    totp = pyotp.TOTP(secret.reveal())

    with serve_app(env.app, csp=None) as base:
        # -- 1. the report ------------------------------------------------------
        code_text, reference = submit_report(page, base, unit_id, marker)
        assert reference.startswith("WBS-")

        # -- 2. the inspector, in another browser profile -------------------------
        staff_context = browser.new_context(service_workers="block", accept_downloads=True)
        desk = staff_context.new_page()
        desk.set_default_timeout(180_000)
        problems: list[str] = []
        desk.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        desk.on("pageerror", lambda e: problems.append(str(e)))
        desk.goto(base + "/konsol/masuk")
        desk.fill("#username", "ines")
        desk.fill("#password", PASSWORD)
        desk.fill("#totp", totp.now())
        desk.click("#sign-in")
        desk.wait_for_url(base + "/konsol/kasus")
        row = desk.locator("#cases tbody tr", has_text=reference)
        assert row.count() == 1 and "Diterima" in row.inner_text()
        cookies = staff_context.cookies()
        assert [c["name"] for c in cookies] == ["peluit-konsol"]
        assert cookies[0]["httpOnly"] and cookies[0]["sameSite"] == "Strict"

        desk.goto(base + "/konsol/pertukaran")
        with desk.expect_download() as download_info:
            desk.click("#export")
        download = download_info.value
        assert download.suggested_filename == f"peluit-export-{unit_id}-1.bundle"
        exported = Path(download.path()).read_bytes()

        # -- 3. the workstation ---------------------------------------------------
        reader = BundleReader(io.BytesIO(exported), Kind.EXPORT, io.BytesIO)
        entries = list(reader.entries())
        case_entry = next(e for e in entries if e.name == "case")
        assert case_entry.meta["reference"] == reference
        case_id = case_entry.meta["case_id"]
        tip = next(e for e in entries if e.name == "envelope" and e.meta["kind"] == "tip")
        ctx = Context(unit_id, bytes.fromhex(case_id), "tip", bytes.fromhex(tip.meta["item_id"]))
        opened_tip = json.loads(open_envelope(tip.data.read(), [env.unit.xwing], ctx))
        assert marker in opened_tip["answers"]["what"]

        code = parse(code_text)
        keys = derive(code, env.store.instance_salt())
        reply_text = f"Terima kasih, laporan sedang kami periksa. {secrets.token_hex(3)}"
        template_text = "Laporan Anda sudah diterima dan sedang diverifikasi."
        bundle = ReplyBundle(env.unit)
        bundle.reply(case_id, keys, reply_text)
        bundle.status(case_id, "diverifikasi")
        bundle.template("diterima", template_text)
        reply_file = tmp_path / "balasan.bundle"
        reply_file.write_bytes(bundle.to_bytes())

        # -- 4. import, then a standard message from the case page -----------------
        desk.goto(base + "/konsol/pertukaran")
        desk.set_input_files("#bundle", str(reply_file))
        desk.click("#import")
        desk.wait_for_selector("#import-applied")
        desk.goto(base + f"/konsol/kasus/{case_id}")
        assert "Diverifikasi" in desk.inner_text("#case-status")
        desk.wait_for_function("() => document.documentElement.dataset.ackReady === 'true'")
        desk.click("#ack-send")
        desk.wait_for_function("() => document.documentElement.dataset.ackSent === 'true'")
        assert not [p for p in problems if "favicon" not in p], problems
        staff_context.close()

        # -- 5. the reporter comes back ---------------------------------------------
        open_page(page, base, "/id/cek")
        page.wait_for_function("() => document.documentElement.dataset.ready === 'true'")
        page.fill("#code", code_text)
        page.click("#open")
        page.wait_for_selector("#case", state="visible", timeout=120_000)
        assert page.text_content("#case-ref") == reference
        assert (page.text_content("#status") or "").startswith("Diverifikasi")
        verified = page.locator("#conversation li.unit-msg")
        assert verified.count() == 2
        texts = verified.all_inner_texts()
        ordinary = [t for t in texts if reply_text in t]
        assert len(ordinary) == 1 and ordinary[0].startswith("Dari inspektorat")
        standard = [t for t in texts if template_text in t]
        assert len(standard) == 1 and standard[0].startswith("Pesan baku dari inspektorat")
        assert page.locator("#conversation li.warning").count() == 0
