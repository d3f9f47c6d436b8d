"""The report page seals the identity to the custodian key the registered card carries.

Issue 17, section 8: once the card written by ``peluit-ws custodian attach``
is registered (``peluit unit add CARD --rotation``), the page must seal the
identity section so that the unit key alone does not open it and the
custodian's key does. Both engines.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from app_fixtures import make_env
from playwright.sync_api import Page

from browser.conftest import assert_engine, open_page, serve_app
from crypto.envelope import Context, open_envelope
from crypto.errors import DecryptionError
from crypto.unit_card import UnitCard
from crypto.xwing import XWingPrivateKey
from receipts.derivation import derive
from receipts.receipt_code import parse


@pytest.fixture
def env(tmp_path: Path) -> Any:
    return make_env(tmp_path)


def test_the_page_seals_the_identity_to_the_custodian(page: Page, engine: str, env: Any) -> None:
    page.set_default_timeout(180_000)
    _, custodian = XWingPrivateKey.generate()
    old = env.unit.card
    card = UnitCard.create(
        env.unit.signing, old.xwing_public_key, old.unit_id, old.name, old.jurisdiction,
        dt.date(2026, 11, 2), custodian_xwing_public_key=custodian.public_key(),
    )  # fmt: skip
    env.store.register_unit(card.to_json(), rotation=True)
    with serve_app(env.app) as base:
        open_page(page, base, f"/en/lapor/{old.unit_id}")
        page.wait_for_function("() => document.documentElement.dataset.ready === 'true'")
        assert_engine(page, engine)
        assert page.text_content("#fingerprint") == old.fingerprint()  # posters stay right
        page.select_option("#q-category", "pengadaan")
        page.fill("#q-what", "Pengadaan fiktif")
        page.fill("#q-where", "Dinas Y")
        page.fill("#q-when", "Maret 2026")
        page.click("details.identity summary")
        page.fill("#id-name", "Siti Rahayu")
        page.click("#continue")
        page.wait_for_selector("#step-receipt", state="visible")
        code = parse(page.text_content("#receipt-code") or "")
        page.wait_for_function("() => document.getElementById('derive-progress').value === 100")
        page.check("#saved")
        page.click("#send")
        page.wait_for_selector("#step-done", state="visible", timeout=60_000)

    keys = derive(code, env.store.instance_salt())
    case = env.store.find_case(keys.selector.reveal(), keys.validator.reveal())
    (info,) = [i for i in env.store.list_envelopes(case.case_id) if i.kind == "identity"]
    data = b"".join(env.store.stream_envelope(case.case_id, info.item_id))
    ctx = Context(old.unit_id, bytes.fromhex(case.case_id), "identity", bytes.fromhex(info.item_id))
    with pytest.raises(DecryptionError):
        open_envelope(data, [env.unit.xwing], ctx)  # the unit key alone
    assert b"Siti Rahayu" in open_envelope(data, [custodian], ctx)
