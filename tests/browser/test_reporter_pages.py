"""Reporter pages in a real browser, in both engines: accessibility, no
JavaScript, no secure context, nothing left behind in the browser.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from app_fixtures import UNIT_ID, make_env
from playwright.sync_api import Browser, Page, Playwright

from browser.conftest import CHROMIUM, ENGINES, open_page, serve_app

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
