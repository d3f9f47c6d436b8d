"""The unit card the key file calls for, and how to register it online.

A card must always carry what the key file holds: its newest X-Wing key and,
once a custodian is attached, the custodian's key (docs/spec/unit-card-v1.md).
Attach, rotate and restore all write their card here, so none of them can
drop the custodian key. The fingerprint covers only the unit's two keys, so
a custodian attach changes the card but not the fingerprint on the posters.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from common.durable_file import write_atomic
from crypto.key_file import UnitKeys
from crypto.unit_card import UnitCard
from workstation.keyring import card_path


def card_for(keys: UnitKeys, like: UnitCard, today: datetime.date | None = None) -> UnitCard:
    """A new card for ``keys``, named as ``like``; never dated before ``like``.

    The server refuses a card older than the one it has, so the date is the
    later of today and the previous card's date.
    """
    created = max(today or datetime.date.today(), like.created)
    return UnitCard.create(
        keys.signing_key(),
        keys.current_xwing().public_key(),
        keys.unit_id,
        like.name,
        like.jurisdiction,
        created,
        keys.custodian_xwing_public_key,
    )


def agrees(card: UnitCard, keys: UnitKeys) -> bool:
    """Whether ``card`` is the one ``keys`` call for (signer, current key, custodian key)."""
    return (
        card.unit_id == keys.unit_id
        and card.ed25519_public_key == keys.signing_key().verify_key
        and card.xwing_public_key == keys.current_xwing().public_key()
        and card.custodian_xwing_public_key == keys.custodian_xwing_public_key
    )


def write_card(folder: Path, card: UnitCard) -> Path:
    path = card_path(folder)
    write_atomic(path, [card.to_json()], replace=True, mode=0o644)
    return path


def register_lines(path: Path, fingerprint: str) -> list[str]:
    """What to tell the inspector after a new card was written (Indonesian, then English)."""
    return [
        f"kartu unit baru / new unit card: {path}",
        f"daftarkan di server / register it on the server: peluit unit add {path} --rotation",
        f"sidik jari / fingerprint: {fingerprint}",
    ]
