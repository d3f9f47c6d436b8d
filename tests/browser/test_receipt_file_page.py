"""The report page's receipt file is the one ``peluit-report`` reads (issue 17, section 3).

The page's Download button gives the receipt code, the server, the address to
come back to, the unit and its fingerprint (docs/spec/receipt-v1.md, "Receipt
file"); the receipt step shows the address and the fingerprint too, so a
printed page carries them. The downloaded file is then handed to the
command-line client: ``peluit-report status --receipt-file`` reads the case
the page sent, checked against the fingerprint the page showed. Both engines.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from app_fixtures import make_env
from playwright.sync_api import Page

from browser.conftest import assert_engine, open_page, serve_app
from receipts.receipt_code import parse
from reporter.receipt_file import parse_text

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def env(tmp_path: Path) -> Any:
    return make_env(tmp_path)


def test_the_downloaded_receipt_opens_the_case_with_peluit_report(
    page: Page, engine: str, env: Any, tmp_path: Path
) -> None:
    page.set_default_timeout(180_000)
    card = env.unit.card
    with serve_app(env.app) as base:
        open_page(page, base, f"/id/lapor/{card.unit_id}")
        page.wait_for_function("() => document.documentElement.dataset.ready === 'true'")
        assert_engine(page, engine)
        page.select_option("#q-category", "pengadaan")
        page.fill("#q-what", "Pengadaan fiktif PLANTED-PAGE-RECEIPT")
        page.fill("#q-where", "Dinas Y")
        page.fill("#q-when", "Maret 2026")
        page.click("#continue")
        page.wait_for_selector("#step-receipt", state="visible")
        code = parse(page.text_content("#receipt-code") or "")
        assert page.text_content("#receipt-fingerprint") == card.fingerprint()
        assert page.text_content("#receipt-address") == f"{base}/id/cek"
        with page.expect_download() as download:
            page.click("#download-code")
        saved = tmp_path / "tanda-terima.txt"
        download.value.save_as(saved)
        receipt = parse_text(saved.read_text("utf-8"))
        assert receipt.code == code
        assert (receipt.server, receipt.address) == (base, f"{base}/id/cek")
        assert (receipt.unit_id, receipt.fingerprint) == (card.unit_id, card.fingerprint())
        assert receipt.signing_key == card.ed25519_public_key.to_bytes()

        page.wait_for_function("() => document.getElementById('derive-progress').value === 100")
        page.check("#saved")
        page.click("#send")
        page.wait_for_selector("#step-done", state="visible", timeout=60_000)

        status = subprocess.run(
            [sys.executable, "-m", "reporter.cli", "status", "--receipt-file", str(saved)],
            capture_output=True, text=True, cwd=ROOT, timeout=300, check=False,
            stdin=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
    assert status.returncode == 0, status.stderr
    assert "PLANTED-PAGE-RECEIPT" in status.stdout
    assert f"unit fingerprint: {card.fingerprint()}" in status.stdout


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("id", "di posternya atau di situs resminya sendiri, jangan di server ini"),
        ("en", "on its poster or its own official website, never on this server"),
    ],
)
def test_the_guide_tells_cli_users_where_the_fingerprint_comes_from(
    page: Page, engine: str, env: Any, lang: str, words: str
) -> None:
    with serve_app(env.app) as base:
        open_page(page, base, f"/{lang}/panduan")
        assert_engine(page, engine)
        text = page.text_content("main") or page.text_content("body") or ""
    assert words in text and "--fingerprint" in text and "--receipt-file" in text
