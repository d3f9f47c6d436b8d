"""Units: registration from signed cards, rotation, settings."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from vault_fixtures import make_unit, open_store

from crypto.b64 import b64u_decode, b64u_encode
from crypto.errors import CardError
from vault.errors import BadInput, Conflict, NotFound


def test_register_list_get(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    unit = make_unit()
    registered = store.register_unit(unit.card)
    assert registered.unit_id == unit.unit_id
    assert registered.xwing_public_key == unit.xwing.public_key().to_bytes()
    assert registered.ed25519_public_key == unit.signing_key.verify_key.to_bytes()
    assert len(registered.fingerprint.replace(" ", "")) == 32
    assert [u.unit_id for u in store.list_units()] == [unit.unit_id]
    assert store.get_unit(unit.unit_id) == registered
    assert store.register_unit(unit.card) == registered  # the same card again: no-op
    with pytest.raises(NotFound):
        store.get_unit("no-such-unit")


def test_bad_signature_is_refused_with_the_card_message(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    fields = json.loads(make_unit().card)
    signature = bytearray(b64u_decode(fields["signature"]))
    signature[0] ^= 1
    fields["signature"] = b64u_encode(bytes(signature))
    with pytest.raises(CardError) as caught:
        store.register_unit(json.dumps(fields).encode())
    assert "signature" in caught.value.user_message
    assert store.list_units() == []


def test_same_id_with_another_key_is_refused_even_as_rotation(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    first = make_unit()
    store.register_unit(first.card)
    impostor = make_unit(first.unit_id)
    for rotation in (False, True):
        with pytest.raises(Conflict):
            store.register_unit(impostor.card, rotation=rotation)
    assert store.get_unit(first.unit_id).xwing_public_key == first.xwing.public_key().to_bytes()


def test_rotation_with_the_same_signing_key_replaces_the_xwing_key(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    first = make_unit()
    first_fingerprint = store.register_unit(first.card).fingerprint
    rotated = make_unit(first.unit_id, signing_key=first.signing_key, created=dt.date(2026, 6, 1))
    with pytest.raises(Conflict):
        store.register_unit(rotated.card)  # not declared as a rotation
    unit = store.register_unit(rotated.card, rotation=True)
    assert unit.xwing_public_key == rotated.xwing.public_key().to_bytes()
    assert unit.fingerprint != first_fingerprint
    assert store.register_unit(rotated.card) == unit  # registering it again is a no-op
    older = make_unit(first.unit_id, signing_key=first.signing_key, created=dt.date(2025, 1, 1))
    with pytest.raises(Conflict):
        store.register_unit(older.card, rotation=True)


def test_settings_defaults_and_updates(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    unit = make_unit()
    store.register_unit(unit.card)
    settings = store.unit_settings(unit.unit_id)
    assert (settings.retention_days, settings.daily_case_ceiling, settings.questionnaire) == (
        730,
        200,
        "wbs-default",
    )
    updated = store.update_unit_settings(unit.unit_id, daily_case_ceiling=5)
    assert updated.daily_case_ceiling == 5 and updated.retention_days == 730
    assert store.unit_settings(unit.unit_id) == updated
    with pytest.raises(BadInput):
        store.update_unit_settings(unit.unit_id, retention_days=0)
    with pytest.raises(NotFound):
        store.unit_settings("nobody")
