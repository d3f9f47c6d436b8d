"""Across the air gap, end to end, in both engines: the whole product once.

browser submission (with an attachment and an identity) -> export bundle
(the online vault) -> the workstation imports and decrypts it (Desk, the
code inspectors use) -> reply and status on the workstation -> signed reply
bundle -> online import -> the reporter reads the verified reply and the new
status in the browser.

The online vault and the workstation share nothing but the two bundle files
and the unit card; the workstation's keys come from a real key ceremony.
"""

from __future__ import annotations

import contextlib
import io
import secrets
from pathlib import Path
from typing import Any

import pytest
from app_fixtures import TEST_POW_BITS
from playwright.sync_api import Page
from test_ws_support import PASSPHRASE, make_workstation

from browser.conftest import assert_engine, open_page, serve_app
from browser.test_reporter_flow import (
    EXIF_MARKER,
    fill_report,
    jpeg_with_hidden_data,
    png_with_text,
)
from crypto.secret import SecretStr
from receipts.receipt_code import parse
from vault.store import open_store
from web.app import create_app
from web.settings import Settings
from workstation.cli_commands import _print_case
from workstation.desk import Desk

pytestmark = pytest.mark.browser


def test_a_report_crosses_the_gap_and_the_answer_comes_back(
    page: Page, engine: str, tmp_path: Path
) -> None:
    page.set_default_timeout(180_000)
    marker = f"PELUIT-MARKER-{secrets.token_hex(6)}"
    workstation = tmp_path / "workstation"
    card = make_workstation(workstation)
    store = open_store(tmp_path / "var")
    store.register_unit(card.to_json())
    # Proof of work at 8 bits: the test solves it many times (see app_fixtures).
    settings = Settings(data_dir=tmp_path / "var", pow_difficulty=TEST_POW_BITS)
    app = create_app(settings, store=store)
    photo = tmp_path / "bukti.jpg"
    photo.write_bytes(jpeg_with_hidden_data())
    scan = tmp_path / "scan.png"
    scan.write_bytes(png_with_text())

    with serve_app(app) as base:
        # -- the reporter ------------------------------------------------------
        open_page(page, base, f"/id/lapor/{card.unit_id}")
        page.wait_for_function("() => document.documentElement.dataset.ready === 'true'")
        assert_engine(page, engine)
        assert page.text_content("#fingerprint") == card.fingerprint()
        fill_report(page, marker, [photo, scan])
        page.click("#continue")
        page.wait_for_selector("#step-receipt", state="visible")
        code = parse(page.text_content("#receipt-code") or "")
        page.wait_for_function("() => document.getElementById('derive-progress').value === 100")
        page.check("#saved")
        page.click("#send")
        page.wait_for_selector("#step-done", state="visible")
        reference = page.text_content("#done-ref") or ""

        # -- online: the export bundle goes onto the USB stick --------------------
        export = tmp_path / "usb" / "export.bundle"
        export.parent.mkdir()
        with export.open("wb") as out:
            summary: Any = store.export_bundle(card.unit_id, out, actor="ines")
        assert summary.cases == 1 and summary.envelopes == 4  # tip, identity, 2 photos

        # -- the workstation ---------------------------------------------------------
        with Desk.open(workstation, SecretStr(PASSPHRASE)) as desk:
            desk.import_bundle(export)
            assert [c.reference for c in desk.cases()] == [reference]
            view = desk.case(reference)
            answers = {a.field_id: a.value for a in view.reading.answers}
            assert marker in answers["what"]
            kinds = sorted(a.sniffed.kind for a in view.reading.attachments if a.sniffed)
            assert kinds == ["jpeg", "png"]
            assert view.has_identity
            identity = desk.open_identity(reference)
            assert identity[0]["name"] == f"Nama Saya {marker}"
            jpeg = next(
                a for a in view.reading.attachments if a.sniffed and a.sniffed.kind == "jpeg"
            )
            saved = desk.save_attachment(reference, str(jpeg.number), tmp_path / "saved.jpg")
            photo_bytes = saved.path.read_bytes()
            assert photo_bytes.startswith(b"\xff\xd8") and EXIF_MARKER not in photo_bytes
            reply_text = f"Mohon kirim nomor kontrak. {secrets.token_hex(4)}"
            desk.queue_reply(reference, reply_text)
            desk.queue_status(reference, "diverifikasi")
            replies = tmp_path / "usb" / "replies.bundle"
            desk.export_replies(replies)

        # -- online: the signed reply bundle is applied ----------------------------
        with replies.open("rb") as src:
            applied: Any = store.import_reply_bundle(src, actor="ines")
        assert applied.replies == 1 and applied.status_changes == 1

        # -- the reporter comes back ----------------------------------------------
        open_page(page, base, "/id/cek")
        page.wait_for_function("() => document.documentElement.dataset.ready === 'true'")
        page.fill("#code", code.digits)
        page.click("#open")
        page.wait_for_selector("#case", state="visible")
        assert page.text_content("#case-ref") == reference
        assert (page.text_content("#status") or "").startswith("Diverifikasi")
        verified = page.locator("#conversation li.unit-msg")
        assert verified.count() == 1
        assert reply_text in verified.inner_text()
        assert page.locator("#conversation li.warning").count() == 0

        # -- issue 15: every file keeps the name the reporter gave it ----------------
        # the tip's files on the reporter's page
        shown = page.locator("#conversation li").all_inner_texts()
        boxes = sorted(text.split("\n")[0] for text in shown if text.startswith("Lampiran"))
        assert boxes == ["Lampiran: bukti.jpg", "Lampiran: scan.png"]
        # a file sent with a follow-up message
        contract = tmp_path / "kontrak_027.pdf"
        contract.write_bytes(b"%PDF-1.4 kontrak " + secrets.token_bytes(64))
        page.fill("#message", "Nomor kontrak terlampir.")
        page.set_input_files("#files", [str(contract)])
        page.wait_for_function("() => document.querySelectorAll('#file-list li').length === 1")
        page.click("#send-message")
        page.wait_for_function(
            "() => [...document.querySelectorAll('#conversation li .who')]"
            ".some(w => w.textContent === 'Lampiran: kontrak_027.pdf')"
        )
        second = tmp_path / "usb" / "export-2.bundle"
        with second.open("wb") as out:
            store.export_bundle(card.unit_id, out, actor="ines")
        with Desk.open(workstation, SecretStr(PASSPHRASE)) as desk:
            desk.import_bundle(second)
            view = desk.case(reference)
            names = sorted(a.reporter_name for a in view.reading.attachments)
            assert names == ["bukti.jpg", "kontrak_027.pdf", "scan.png"]
            later = next(
                a for a in view.reading.attachments if a.reporter_name == "kontrak_027.pdf"
            )
            (tmp_path / "out").mkdir()
            saved = desk.save_attachment(
                reference, str(later.number), tmp_path / "out", use_name=True
            )
            assert saved.path.name.endswith("kontrak_027.pdf")
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                _print_case(view)
        assert "reporter says kontrak_027.pdf" in printed.getvalue()
        assert "reporter says ?" not in printed.getvalue()
