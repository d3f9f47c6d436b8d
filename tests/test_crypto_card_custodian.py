"""The optional custodian key on a unit card is covered by the card's signature."""

from __future__ import annotations

import datetime
import json

import pytest

from crypto.b64 import b64u_encode
from crypto.errors import CardError
from crypto.signing import SigningKey
from crypto.unit_card import UnitCard
from crypto.xwing import XWingPrivateKey


def make_card(with_custodian: bool) -> tuple[UnitCard, XWingPrivateKey]:
    _, unit = XWingPrivateKey.generate()
    _, custodian = XWingPrivateKey.generate()
    card = UnitCard.create(
        SigningKey.generate(),
        unit.public_key(),
        "inspektorat-uji",
        "Inspektorat Uji",
        "",
        datetime.date(2026, 11, 23),
        custodian_xwing_public_key=custodian.public_key() if with_custodian else None,
    )
    return card, custodian


def test_a_card_with_a_custodian_key_round_trips() -> None:
    card, custodian = make_card(True)
    parsed = UnitCard.parse(card.to_json())
    assert parsed.custodian_xwing_public_key == custodian.public_key()
    assert parsed.fingerprint() == card.fingerprint()


def test_a_card_without_one_is_unchanged() -> None:
    card, _ = make_card(False)
    document = json.loads(card.to_json())
    assert "custodian_xwing_public_key" not in document
    assert UnitCard.parse(card.to_json()).custodian_xwing_public_key is None


@pytest.mark.parametrize("change", ["swap", "remove"])
def test_the_custodian_key_cannot_be_swapped_or_dropped(change: str) -> None:
    card, _ = make_card(True)
    document = json.loads(card.to_json())
    if change == "swap":
        _, other = XWingPrivateKey.generate()
        document["custodian_xwing_public_key"] = b64u_encode(other.public_key().to_bytes())
    else:
        del document["custodian_xwing_public_key"]
    with pytest.raises(CardError, match="signature"):
        UnitCard.parse(json.dumps(document).encode())


def test_a_custodian_key_cannot_be_added_to_a_card_without_one() -> None:
    card, custodian = make_card(False)
    document = json.loads(card.to_json())
    document["custodian_xwing_public_key"] = b64u_encode(custodian.public_key().to_bytes())
    with pytest.raises(CardError, match="signature"):
        UnitCard.parse(json.dumps(document).encode())


def test_a_lone_surrogate_is_a_card_error_not_a_crash() -> None:
    card, _ = make_card(False)
    text = card.to_json().decode().replace('"Inspektorat Uji"', '"\\ud800"')
    with pytest.raises(CardError):
        UnitCard.parse(text.encode())
