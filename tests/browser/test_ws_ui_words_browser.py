"""The workstation UI in plain words, in a real browser and both engines (issue 15).

The reply form names each template and each blank in words (no "Isian what"),
the status form names its statuses by their words, and days read as people
write them ("Senin, 23 November 2026"), in Indonesian and in English.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page

from browser.test_ws_ui_browser import Workstation, expected_refusal, lock, unlock
from browser.test_ws_ui_browser import workstation as workstation  # the fixture

pytestmark = pytest.mark.browser

ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def test_the_case_page_reads_in_plain_words(page: Page, workstation: Workstation) -> None:
    ws = workstation
    unlock(page, ws)
    days = page.locator("tbody tr td").all_inner_texts()
    assert not [d for d in days if ISO_DAY.search(d)]
    assert any(re.fullmatch(r"\d{1,2} Nov 2026", d) for d in days), days

    page.goto(ws.base + f"/kasus/{ws.case_id}")
    status_line = page.locator("main p").first.inner_text()
    assert "Senin, 23 November 2026" in status_line and not ISO_DAY.search(status_line)
    reply = page.locator("section[aria-labelledby=h-reply]").inner_text()
    assert "Informasi yang diperlukan (untuk: perlu informasi tambahan)" in reply
    assert "Instansi tujuan pelimpahan (untuk: dilimpahkan)" in reply
    assert "Isian" not in reply and "need-info" not in reply
    options = page.locator("#template option").all_inner_texts()
    assert "Perlu informasi tambahan" in options and "need-info" not in options
    status = page.locator("section[aria-labelledby=h-status]").inner_text()
    assert "Hasil (hanya untuk: selesai)" in status and "untuk selesai" not in status
    strip = page.locator(".attachment").first.inner_text()
    assert "Hapus keterangan tersembunyi dalam berkas (metadata) dengan mat2" in strip

    page.goto(ws.base + f"/en/kasus/{ws.case_id}")
    status_line = page.locator("main p").first.inner_text()
    assert "Monday, 23 November 2026" in status_line
    reply = page.locator("section[aria-labelledby=h-reply]").inner_text()
    assert "What you need to know (for: more information needed)" in reply
    assert "Blank" not in reply
    status = page.locator("section[aria-labelledby=h-status]").inner_text()
    assert "Outcome (only for: concluded)" in status and "selesai" not in status
    page.get_by_role("button", name="Lock").click()
    page.wait_for_load_state()
    assert page.url == ws.base + "/en/masuk"


def test_a_refused_status_change_says_what_to_choose(page: Page, workstation: Workstation) -> None:
    ws = workstation
    unlock(page, ws)
    for new, said in (
        ("dilimpahkan", "Untuk status “Dilimpahkan”, pilih instansi tujuan pelimpahan."),
        ("selesai", "Kasus berstatus “Diterima” tidak dapat diubah menjadi “Selesai”."),
    ):
        page.goto(ws.base + f"/kasus/{ws.case_id}")
        page.select_option("#new", new)
        page.get_by_role("button", name="Antrekan perubahan status").click()
        page.wait_for_load_state()
        shown = page.locator("main").inner_text()
        assert said in shown
        assert "--target" not in shown and "cannot become" not in shown
        expected_refusal(page, 400)
    page.goto(ws.base + f"/kasus/{ws.case_id}")
    lock(page, ws)
