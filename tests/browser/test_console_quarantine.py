"""Quarantine reports and re-export in the console, in a real browser (both engines).

A case is submitted, exported, and the workstation's signed reply bundle
reports two items it held in quarantine. The inspector uploads it on the
air-gap page, sees the unit-wide list, opens the case page, sees the
held items (kind, day, failed check) and asks for the case to be exported
again; then asks for the whole unit. The next export carries the case whole.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pyotp
import pytest
from app_fixtures import AppClient, make_env
from playwright.sync_api import Page
from test_bundle_online import ReplyBundle, read_export, submit

from browser.conftest import open_page, serve_app
from crypto.bundle_schema import QUARANTINE
from vault import staff
from vault.database import opened

pytestmark = pytest.mark.browser

PASSWORD = "kata sandi yang panjang"


@pytest.fixture
def env(tmp_path: Path) -> Any:
    return make_env(tmp_path)


def held(case_id: str, item_id: str | None, kind: str, check: str) -> tuple[int, dict, bytes]:  # type: ignore[type-arg]
    meta = {"case_id": case_id, "item_id": item_id, "kind": kind, "day": "2026-11-23"}
    return (QUARANTINE, {**meta, "check": check}, b"")


def test_quarantine_reports_and_reexport_in_the_browser(
    page: Page, env: Any, tmp_path: Path
) -> None:
    page.set_default_timeout(60_000)
    unit_id = env.unit.card.unit_id
    with opened(env.data / "vault.sqlite3") as db:
        _, secret = staff.create_user(
            db, "ines", "inspector", unit_ids=[unit_id], password=PASSWORD
        )
    report = submit(env, AppClient(env.app))
    case_id = report.case_id.hex()
    env.store.export_bundle(unit_id, io.BytesIO(), actor="ines")
    bundle = ReplyBundle(env.unit)
    bundle.entries.append(held(case_id, "cd" * 16, "message", "envelope"))
    bundle.entries.append(held(case_id, "ef" * 16, "attachment", "envelope"))
    reply_file = tmp_path / "balasan.bundle"
    reply_file.write_bytes(bundle.to_bytes())
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))

    with serve_app(env.app, csp=None) as base:
        open_page(page, base, "/konsol/masuk")
        page.fill("#username", "ines")
        page.fill("#password", PASSWORD)
        page.fill("#totp", pyotp.TOTP(secret.reveal()).now())
        page.click("#sign-in")
        page.wait_for_url(base + "/konsol/kasus")

        page.goto(base + "/konsol/pertukaran")
        assert page.locator("#quarantine-unit-none").is_visible()
        page.set_input_files("#bundle", str(reply_file))
        page.click("#import")
        page.wait_for_selector("#import-applied")
        assert "Laporan karantina: 2" in page.inner_text("#import-applied")
        rows = page.locator("#quarantine-unit tbody tr")
        assert rows.count() == 2
        assert "lampiran" in rows.nth(0).inner_text().lower()  # newest first
        assert "envelope" in rows.nth(1).inner_text()

        page.goto(base + f"/konsol/kasus/{case_id}")
        assert "Dikarantina di workstation" in page.inner_text("#quarantine-heading")
        table = page.inner_text("#quarantine")
        assert "23 Nov 2026" in table and "pesan" in table.lower() and "dipalsukan" in table
        assert page.locator("#reexport-pending").count() == 0
        page.click("#reexport")
        page.wait_for_selector("#reexport-pending")
        assert page.url == base + f"/konsol/kasus/{case_id}?done=reexport"

        page.goto(base + "/en/konsol/pertukaran")
        assert "Quarantined on the workstation" in page.inner_text("#quarantine-unit-heading")
        page.select_option("#reexport-unit-id", unit_id)
        page.click("#reexport-unit-submit")
        page.wait_for_selector("#reexport-unit")
        assert f"1 case of {env.unit.card.name} will" in page.inner_text("#reexport-unit")
    assert not [p for p in problems if "favicon" not in p], problems
    out = io.BytesIO()
    env.store.export_bundle(unit_id, out, actor="ines")
    _, entries = read_export(out.getvalue())
    assert [e.meta["case_id"] for e in entries if e.name == "case"] == [case_id]
    assert {e.meta["kind"] for e in entries if e.name == "envelope"} == {"tip"}
