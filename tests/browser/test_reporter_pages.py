"""Reporter pages in a real browser, in both engines: accessibility, no
JavaScript, no secure context, nothing left behind in the browser.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from app_fixtures import UNIT_ID, make_env
from playwright.sync_api import Browser, Page, Playwright, Route

from browser.conftest import CHROMIUM, ENGINES, assert_engine, open_page, serve_app

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE = (ROOT / "node_modules" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
PAGES = ["/{lang}/", "/{lang}/panduan", f"/{{lang}}/lapor/{UNIT_ID}", "/{lang}/cek"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = make_env(tmp_path_factory.mktemp("pages"))
    with serve_app(env.app) as base:
        yield base


def serious_violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(content=AXE)
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_serious_violation(
    browser: Browser, server: str, path: str, lang: str
) -> None:
    # axe-core is injected as a script, which the page's own CSP rightly
    # forbids; only this accessibility check bypasses it.
    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(server + path.format(lang=lang))
        page.wait_for_load_state("networkidle")
        assert serious_violations(page) == []
        if "lapor" in path:
            page.wait_for_function("() => document.documentElement.dataset.ready === 'true'")
            page.click("#continue")  # the form with its error messages shown
            assert page.is_visible("#q-what-error")
            assert serious_violations(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("path", [f"/id/lapor/{UNIT_ID}", "/id/cek"])
def test_without_javascript_the_page_explains_and_can_send_nothing(
    browser: Browser, server: str, path: str
) -> None:
    context = browser.new_context(java_script_enabled=False)
    sent: list[str] = []
    try:
        page = context.new_page()
        page.on("request", lambda r: sent.append(r.method))
        page.goto(server + path)
        assert page.is_visible("noscript h2") or "JavaScript" in page.inner_text("main")
        button = "#continue" if "lapor" in path else "#open"
        assert page.is_disabled(button)
        assert page.locator("form").count() == 0
        page.keyboard.press("Enter")
        assert set(sent) == {"GET"}
    finally:
        context.close()


@pytest.mark.parametrize("engine_name", list(ENGINES))
def test_outside_a_secure_context_nothing_is_enabled(
    playwright_instance: Playwright, server: str, engine_name: str
) -> None:
    """Plain http on a non-local name: WebCrypto is missing, the page says why."""
    port = server.rsplit(":", 1)[1]
    # peluit.test resolves to this machine, but it is not "localhost", so the
    # browser treats http://peluit.test as an insecure context.
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM,
        args=[*ENGINES[engine_name], "--host-resolver-rules=MAP peluit.test 127.0.0.1"],
    )
    try:
        page = browser.new_page()
        page.goto(f"http://peluit.test:{port}/id/lapor/{UNIT_ID}")
        page.wait_for_selector("#insecure", state="visible")
        assert page.evaluate("window.isSecureContext") is False
        assert page.is_disabled("#continue")
        # Only the explanation: no form to fill in that could never be sent.
        said = {"id": "Koneksi ini tidak dapat", "en": "This connection cannot encrypt"}
        for lang, where in [(lang, where) for lang in ("id", "en")
                            for where in (f"lapor/{UNIT_ID}", "cek")]:  # fmt: skip
            path = f"/{lang}/{where}"
            page.goto(f"http://peluit.test:{port}{path}")
            page.wait_for_selector("#insecure", state="visible")
            assert said[lang] in page.inner_text("#insecure")
            fields = page.locator("main input, main textarea, main select, main button")
            shown = [i for i in range(fields.count()) if fields.nth(i).is_visible()]
            assert shown == [], path
            assert page.locator("#app").is_hidden()
    finally:
        browser.close()


def test_nothing_stays_in_the_browser(page: Page, server: str) -> None:
    open_page(page, server, f"/id/lapor/{UNIT_ID}")
    page.wait_for_function("() => document.documentElement.dataset.ready === 'true'")
    page.fill("#q-what", "sesuatu")
    open_page(page, server, "/id/cek")
    page.wait_for_function("() => document.documentElement.dataset.ready === 'true'")
    stored = page.evaluate(
        """async () => ({
            cookies: document.cookie,
            local: localStorage.length,
            session: sessionStorage.length,
            databases: (await indexedDB.databases()).length,
            caches: (await caches.keys()).length,
        })"""
    )
    assert stored == {"cookies": "", "local": 0, "session": 0, "databases": 0, "caches": 0}
    assert page.context.cookies() == []


def test_the_accessibility_check_can_fail(browser: Browser, server: str) -> None:
    """A planted unlabeled field and low-contrast text must be reported."""
    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(server + "/id/cek")
        page.evaluate(
            """() => {
                const field = document.createElement('input');
                field.type = 'text';
                document.querySelector('main').append(field);
                const faint = document.createElement('p');
                faint.textContent = 'hampir tak terbaca';
                faint.style.color = '#eeeeee';
                document.querySelector('main').append(faint);
            }"""
        )
        found = {v["id"] for v in serious_violations(page)}
        assert {"label", "color-contrast"} <= found
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_fixed_field_loses_its_error(page: Page, engine: str, server: str, lang: str) -> None:
    """ "Mohon isi bagian ini." goes away as soon as the field is filled."""
    open_page(page, server, f"/{lang}/lapor/{UNIT_ID}")
    page.wait_for_function("() => document.documentElement.dataset.ready === 'true'")
    assert_engine(page, engine)
    page.click("#continue")  # the empty form: every required field is named
    for field in ("category", "what", "where", "when"):
        assert page.is_visible(f"#q-{field}-error")
    assert page.is_visible("#form-error")

    page.fill("#q-what", "Pungutan liar di loket")
    page.select_option("#q-category", "suap")
    for field in ("what", "category"):
        assert page.is_hidden(f"#q-{field}-error")
        assert page.get_attribute(f"#q-{field}", "aria-invalid") == "false"
    assert page.is_visible("#q-where-error") and page.is_visible("#form-error")

    page.fill("#q-what", "")  # emptied again: the error comes back
    assert page.is_visible("#q-what-error")
    page.fill("#q-what", "Pungutan liar di loket")
    page.fill("#q-where", "Loket pelayanan")
    page.fill("#q-when", "Maret 2026")
    for field in ("category", "what", "where", "when"):
        assert page.is_hidden(f"#q-{field}-error")
    assert page.is_hidden("#form-error")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_try_again_shows_only_after_a_failed_send(
    page: Page, engine: str, server: str, lang: str
) -> None:
    """While the report is on its way the page offers no "Coba lagi" to press."""
    page.set_default_timeout(180_000)
    open_page(page, server, f"/{lang}/lapor/{UNIT_ID}")
    page.wait_for_function("() => document.documentElement.dataset.ready === 'true'")
    assert_engine(page, engine)
    assert page.is_hidden("#retry")
    page.select_option("#q-category", "suap")
    page.fill("#q-what", "Pungutan liar di loket")
    page.fill("#q-where", "Loket pelayanan")
    page.fill("#q-when", "Maret 2026")
    page.click("#continue")
    page.wait_for_function("() => document.getElementById('derive-progress').value === 100")
    page.check("#saved")

    held: list[Route] = []
    failing = {"on": True}

    def hold_or_fail(route: Route) -> None:
        if failing["on"]:
            route.abort()
        else:
            held.append(route)  # answered below, once the page was looked at

    page.route("**/api/cases?*", hold_or_fail)
    page.click("#send")  # the connection fails: now, and only now, "Coba lagi"
    page.wait_for_selector("#send-error:not(:empty)")
    assert page.is_visible("#retry")

    failing["on"] = False
    page.click("#retry")
    page.wait_for_function("() => document.getElementById('send-error').textContent === ''")
    while not held:
        page.wait_for_timeout(50)
    assert page.is_visible("#step-send") and page.is_visible("#not-yet")
    assert page.is_hidden("#retry")
    held[0].continue_()
    page.wait_for_selector("#step-done", state="visible")
    assert page.is_hidden("#retry")
    # The day it was received, in words ("Rabu, 2 Desember 2026"), not ISO.
    weekdays = {"id": "Senin|Selasa|Rabu|Kamis|Jumat|Sabtu|Minggu",
                "en": "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"}[lang]  # fmt: skip
    received = page.text_content("#done-day") or ""
    assert re.fullmatch(rf"({weekdays}), \d{{1,2}} \w+ \d{{4}}", received)
    # The browser logs the planted failure and the retry's "not yet received"
    # lookup (404); nothing else may be logged.
    expected = {
        "Failed to load resource: net::ERR_FAILED",
        "Failed to load resource: the server responded with a status of 404 (Not Found)",
    }
    record = page.peluit  # type: ignore[attr-defined]
    assert set(record.console_errors) <= expected
    record.console_errors.clear()


def test_a_report_stored_but_answered_503_is_found_by_try_again(
    page: Page, engine: str, server: str
) -> None:
    """The commit went through but its answer was a 503 (a connection cut during
    COMMIT on PostgreSQL: "may not have been stored"). "Coba lagi" sends the same
    report, with the same case id and receipt, and shows the stored reference:
    never a second report nor new credentials."""
    page.set_default_timeout(180_000)
    open_page(page, server, f"/id/lapor/{UNIT_ID}")
    page.wait_for_function("() => document.documentElement.dataset.ready === 'true'")
    assert_engine(page, engine)
    page.select_option("#q-category", "suap")
    page.fill("#q-what", "Pungutan liar di loket")
    page.fill("#q-where", "Loket pelayanan")
    page.fill("#q-when", "Maret 2026")
    page.click("#continue")
    page.wait_for_function("() => document.getElementById('derive-progress').value === 100")
    page.check("#saved")

    sent: list[dict[str, Any]] = []
    answers: list[dict[str, Any]] = []

    def stored_then_503(route: Route) -> None:
        body = route.request.post_data_json
        sent.append(body)
        if len(sent) > 1:
            route.continue_()
            return
        stored = route.fetch()  # the server commits the report...
        answers.append(stored.json())
        route.fulfill(  # ...but the reporter is told it may not have been
            status=503,
            headers={"Content-Type": "application/json", "Retry-After": "60"},
            body='{"error": "storage_unavailable", "message": "mungkin belum tersimpan"}',
        )

    page.route("**/api/cases?*", stored_then_503)
    page.click("#send")
    page.wait_for_selector("#send-error:not(:empty)")
    assert page.is_visible("#retry")
    assert "case_ref" in answers[0]
    page.click("#retry")
    page.wait_for_selector("#step-done", state="visible")
    assert page.text_content("#done-ref") == answers[0]["case_ref"]
    # Found by its receipt (the same credentials), or sent again: the same report.
    for again in sent[1:]:
        for field in ("case_id", "selector", "validator", "unit_id", "reporter_public_key"):
            assert again[field] == sent[0][field]
    # The browser logs the planted 503; nothing else may be logged.
    expected = {"Failed to load resource: the server responded with a status of 503"
                " (Service Unavailable)"}  # fmt: skip
    record = page.peluit  # type: ignore[attr-defined]
    assert set(record.console_errors) <= expected, record.console_errors
    record.console_errors.clear()
