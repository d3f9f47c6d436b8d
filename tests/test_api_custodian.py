"""A unit whose card names a custodian: identities are sealed to the custodian.

Only the custodian's key opens the identity section; the server refuses an
identity sealed to the unit key instead, and the unit key cannot open it.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from app_fixtures import (
    TEST_POW_BITS,
    AppClient,
    Submission,
    Workstation,
    case_pow,
    open_upload,
)

from crypto.b64 import b64u_encode
from crypto.envelope import Context, open_envelope, seal
from crypto.errors import DecryptionError
from crypto.signing import SigningKey
from crypto.unit_card import UnitCard
from crypto.xwing import XWingPrivateKey
from vault.store import open_store
from web.app import create_app
from web.settings import Settings


@pytest.fixture
def custodian_env(tmp_path: Path):  # type: ignore[no-untyped-def]
    _, unit_key = XWingPrivateKey.generate()
    _, custodian = XWingPrivateKey.generate()
    signing = SigningKey.generate()
    card = UnitCard.create(
        signing, unit_key.public_key(), "inspektorat-demo", "Inspektorat Demo", "Uji",
        dt.date(2026, 11, 1), custodian_xwing_public_key=custodian.public_key(),
    )  # fmt: skip
    store = open_store(tmp_path / "var")
    store.register_unit(card.to_json())
    app = create_app(Settings(data_dir=tmp_path / "var", pow_difficulty=TEST_POW_BITS), store=store)
    return app, store, Workstation(unit_key, signing, card), custodian


def identity_for(sub: Submission, key: XWingPrivateKey) -> dict[str, str]:
    item_id = os.urandom(16)
    data = seal(
        b'{"name": "Saksi"}',
        [key.public_key(), sub.reporter.public_key()],
        sub.context("identity", item_id),
    )
    return {"item_id": b64u_encode(item_id), "envelope": b64u_encode(data)}


def test_identity_sealed_to_the_custodian_is_accepted_and_only_it_opens(custodian_env) -> None:  # type: ignore[no-untyped-def]
    app, store, unit, custodian = custodian_env
    client = AppClient(app)
    sub = Submission(unit)
    body = sub.case_body(open_upload(client), pow=case_pow(client))
    body["identity"] = identity_for(sub, custodian)
    response = client.post("/api/cases", json=body)
    assert response.status_code == 201, response.text
    case_hex = sub.case_id.hex()
    item = next(i for i in store.list_envelopes(case_hex) if i.kind == "identity")
    data = b"".join(store.stream_envelope(case_hex, item.item_id))
    ctx = Context(unit.card.unit_id, sub.case_id, "identity", bytes.fromhex(item.item_id))
    assert open_envelope(data, [custodian], ctx) == b'{"name": "Saksi"}'
    with pytest.raises(DecryptionError):
        open_envelope(data, [unit.xwing], ctx)


def test_identity_sealed_to_the_unit_key_is_refused(custodian_env) -> None:  # type: ignore[no-untyped-def]
    app, store, unit, _custodian = custodian_env
    client = AppClient(app)
    sub = Submission(unit)
    body = sub.case_body(open_upload(client), pow=case_pow(client))
    body["identity"] = identity_for(sub, unit.xwing)
    response = client.post("/api/cases", json=body)
    assert response.status_code == 400
    assert response.json()["error"] == "bad_request"
    assert store.find_case(sub.selector, sub.validator) is None
