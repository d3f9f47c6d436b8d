"""Layout on a phone-sized screen (360x740), found by the screenshot run (scripts/screenshots).

- the console's case page: the re-export button, the assign/status forms and
  the standard-message card are separate boxes, not drawn edge to edge;
- the console's case list: each reference on one line, not WBS- / 2026- / 0001;
- "Cek laporan": the reference (WBS-2026-0001) stays on one line instead of
  breaking at its hyphen under the large heading.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from browser.conftest import open_page
from browser.test_console_pages import account, pages_of, scene, sign_in

pytestmark = pytest.mark.browser

__all__ = ["scene"]  # the module-scoped fixture, shared with test_console_pages

PHONE = {"width": 360, "height": 740}
GAP = """(selectors) => {
    const boxes = selectors.map((s) => document.querySelector(s).getBoundingClientRect());
    return boxes.slice(1).map((box, i) => box.top - boxes[i].bottom);
}"""


@pytest.mark.parametrize("prefix", ["/konsol", "/en/konsol"])
def test_the_case_page_boxes_do_not_touch_on_a_phone(
    page: Page, scene: dict[str, Any], prefix: str
) -> None:
    base = scene["base"]
    name, totp = account(scene["env"], "inspector")
    page.peluit.allowed_origins.add(base)  # type: ignore[attr-defined]
    page.set_viewport_size(PHONE)
    sign_in(page, base, name, totp)
    page.goto(f"{base}{prefix}/kasus/{scene['case']}")
    gaps = page.evaluate(GAP, ["#reexport", ".forms", "#quick-ack"])
    assert all(gap >= 8 for gap in gaps), gaps


def test_the_case_list_keeps_each_reference_whole_on_a_phone(
    page: Page, scene: dict[str, Any]
) -> None:
    base = scene["base"]
    name, totp = account(scene["env"], "inspector")
    page.peluit.allowed_origins.add(base)  # type: ignore[attr-defined]
    page.set_viewport_size(PHONE)
    sign_in(page, base, name, totp)
    page.goto(f"{base}/konsol/kasus")
    lines = page.eval_on_selector_all(
        "#cases tbody th a", "(links) => links.map((a) => a.getClientRects().length)"
    )
    assert lines and all(n == 1 for n in lines), lines


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_reference_stays_on_one_line_on_a_phone(
    page: Page, scene: dict[str, Any], lang: str
) -> None:
    page.set_viewport_size(PHONE)
    open_page(page, scene["base"], f"/{lang}/cek")
    # The layout only: the case section as a lookup shows it, with a reference.
    lines = page.evaluate(
        """() => {
            document.getElementById('case').hidden = false;
            const ref = document.getElementById('case-ref');
            ref.textContent = 'WBS-2026-0001';
            return ref.getClientRects().length;
        }"""
    )
    assert lines == 1


PHONE_375 = {"width": 375, "height": 740}
FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"
SEEN = """(selector) => [...document.querySelectorAll(selector)].map((el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.left >= 0 && box.right <= window.innerWidth;
})"""
ACTIONS = {
    "/akun": "#accounts form button",
    "/unit": "#units a",
    "/audit": "#audit tbody tr",
}


@pytest.mark.parametrize("role", ["inspector", "admin", "auditor"])
def test_every_console_page_fits_a_375_px_phone_with_its_actions_in_view(
    page: Page, scene: dict[str, Any], role: str
) -> None:
    """No sideways scrolling on a phone: tables become one card per row, actions stay in view."""
    base, env = scene["base"], scene["env"]
    account(env, "inspector")  # another account: the admin's table has a Disable button
    name, totp = account(env, role)
    page.peluit.allowed_origins.add(base)  # type: ignore[attr-defined]
    page.set_viewport_size(PHONE_375)
    sign_in(page, base, name, totp)
    wide = []
    for prefix in ("/konsol", "/en/konsol"):
        for path in pages_of(role, scene["case"], env.unit.card.unit_id):
            page.goto(base + prefix + path)
            if not page.evaluate(FITS):
                wide.append((prefix + path, page.evaluate("document.documentElement.scrollWidth")))
            if path in ACTIONS:
                seen = page.evaluate(SEEN, ACTIONS[path])
                assert seen and all(seen), (prefix + path, seen)
    assert wide == []
