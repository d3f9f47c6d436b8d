"""The reporter's walks of ``scripts/screenshots``: the report form in each state, the
insecure-connection notice, and the reporter coming back to read the question and answer it.

Shared helpers (``Shots``, ``World``, browser profiles) are in screenshot_tours.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page, Route
from screenshot_tours import (
    BROWSER_ARGS,
    CHROMIUM,
    RETIRED,
    UNIT,
    Shots,
    World,
    needs_case,
    new_context,
    ready,
)


def sample_file(folder: Path) -> Path:
    path = folder / "kuitansi-pengadaan.txt"
    path.write_text("Kuitansi no. 17/2026, Rp 48.500.000, tanpa barang.\n")
    return path


def fill_report(page: Page, attachment: Path) -> None:
    page.select_option("#q-category", index=1)
    page.fill("#q-what", "Pengadaan laptop fiktif senilai Rp 48,5 juta di bagian umum.")
    page.fill("#q-who_name", "Kepala Bagian Umum")
    page.fill("#q-where", "Dinas Pekerjaan Umum")
    page.fill("#q-when", "Maret 2026")
    page.set_input_files("#files", [str(attachment)])
    page.wait_for_function("() => document.querySelectorAll('#file-list li').length === 1")


def send_held(page: Page, shots: Shots, lang: str, size: str) -> None:
    """Send the report, held on its way to take the sending state ("NOT sent yet")."""

    def sending(route: Route) -> None:
        page.wait_for_selector("#step-send", state="visible")
        shots.take(page, "reporter-report-sending", lang, size)
        route.continue_()

    created = re.compile(r"/api/cases(\?|$)")  # the report itself (?lang=..), not its uploads
    page.route(created, sending)
    page.click("#send")
    page.wait_for_selector("#step-done", state="visible")
    page.unroute(created)


def reporter_tour(browser: Browser, world: World, shots: Shots) -> None:
    """Home, guide, the report form in each state, the retired unit, the empty lookup."""
    base, attachment = world.site, sample_file(world.folder)
    form = [
        f"reporter-report-{state}"
        for state in ("empty", "errors", "filled", "receipt", "sending", "sent")
    ]
    for lang in shots.langs:
        for size in shots.sizes:
            ctx = new_context(browser, size, lang)
            page = ctx.new_page()
            for path, name in (
                (f"/{lang}/", "reporter-home-default"),
                (f"/{lang}/panduan", "reporter-guide-default"),
                (f"/{lang}/lapor/{RETIRED}", "reporter-retired-default"),
                (f"/{lang}/cek", "reporter-check-empty"),
            ):
                if shots.wants(name):
                    page.goto(base + path)
                    shots.take(page, name, lang, size)
            if shots.wants_any(*form) or (lang not in world.codes and needs_case(shots)):
                page.goto(f"{base}/{lang}/lapor/{UNIT}")
                ready(page)
                shots.take(page, "reporter-report-empty", lang, size)
                page.click("#continue")
                shots.take(page, "reporter-report-errors", lang, size)
                fill_report(page, attachment)
                shots.take(page, "reporter-report-filled", lang, size)
                page.click("#continue")
                page.wait_for_selector("#step-receipt", state="visible")
                page.wait_for_function(
                    "() => document.getElementById('derive-progress').value === 100"
                )
                world.codes.setdefault(lang, page.text_content("#receipt-code") or "")
                shots.take(page, "reporter-report-receipt", lang, size)
                page.check("#saved")
                send_held(page, shots, lang, size)
                world.refs.setdefault(lang, page.text_content("#done-ref") or "")
                shots.take(page, "reporter-report-sent", lang, size)
            ctx.close()


def insecure_tour(pw: Any, world: World, shots: Shots) -> None:
    """The report page on plain http under a name that is not localhost."""
    if not shots.wants("reporter-report-insecure"):
        return
    port = world.site.rsplit(":", 1)[1]
    browser = pw.chromium.launch(
        executable_path=CHROMIUM,
        args=[*BROWSER_ARGS, "--host-resolver-rules=MAP peluit.test 127.0.0.1"],
    )
    try:
        for lang in shots.langs:
            for size in shots.sizes:
                ctx = new_context(browser, size, lang)
                page = ctx.new_page()
                page.goto(f"http://peluit.test:{port}/{lang}/lapor/{UNIT}")
                page.wait_for_selector("#insecure", state="visible")
                shots.take(page, "reporter-report-insecure", lang, size)
                ctx.close()
    finally:
        browser.close()


def look_up(browser: Browser, world: World, lang: str, size: str) -> tuple[BrowserContext, Page]:
    """The reporter opens their report with its receipt code, in a fresh profile."""
    ctx = new_context(browser, size, lang)
    page = ctx.new_page()
    page.goto(f"{world.site}/{lang}/cek")
    ready(page)
    page.fill("#code", world.codes.get(lang) or world.codes["id"])
    page.click("#open")
    page.wait_for_selector("#case", state="visible")
    return ctx, page


def status_tour(browser: Browser, world: World, shots: Shots) -> None:
    """The reporter comes back: the question in each size, answered on a phone, then shown
    answered in each size (a fresh look-up, as when the reporter comes back again)."""
    for lang in shots.langs:
        for size in shots.sizes:
            if shots.wants("reporter-status-question"):
                ctx, page = look_up(browser, world, lang, size)
                shots.take(page, "reporter-status-question", lang, size)
                ctx.close()
        if not shots.wants_any("reporter-status-answered", "console-case-answered"):
            continue
        ctx, page = look_up(browser, world, lang, "phone")
        before = page.locator("#conversation li").count()
        page.fill("#message", ANSWER[lang])
        page.click("#send-message")
        page.wait_for_function(  # sent, and the conversation shown again with it
            "(n) => document.getElementById('send-progress').value === 100"
            " && document.querySelectorAll('#conversation li').length > n",
            arg=before,
        )
        ctx.close()
        for size in shots.sizes:
            if shots.wants("reporter-status-answered"):
                ctx, page = look_up(browser, world, lang, size)
                shots.take(page, "reporter-status-answered", lang, size)
                ctx.close()


ANSWER = {"id": "Salinan kontrak saya lampirkan.", "en": "I attach a copy of the contract."}
