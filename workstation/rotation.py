"""Rotating the unit's encryption key.

A rotation adds a fresh X-Wing key to the key file (old keys stay, so old
envelopes still open; key-file-v1 keeps them oldest first) and writes a new
unit card with the new key, signed with the same Ed25519 key. The card is
registered online with ``peluit unit add CARD --rotation``; until then new
reports are still sealed to the previous key, which the workstation keeps.
An attached custodian key stays on the new card (workstation/card_issue.py).
"""

from __future__ import annotations

import datetime
from pathlib import Path

from crypto.key_file import UnitKeys
from crypto.secret import SecretStr
from crypto.unit_card import UnitCard
from crypto.xwing import XWingPrivateKey
from workstation.card_issue import card_for, write_card
from workstation.keyring import load_card, open_keys, save_keys


def rotate(folder: Path, passphrase: SecretStr, today: datetime.date | None = None) -> UnitCard:
    created = today or datetime.date.today()
    keys = open_keys(folder, passphrase)
    old_card = load_card(folder)
    seed, _ = XWingPrivateKey.generate()
    updated = UnitKeys(
        keys.unit_id,
        keys.ed25519_seed,
        [*keys.xwing_seeds, (seed, created)],
        keys.custodian_xwing_public_key,
    )
    card = card_for(updated, old_card, created)
    save_keys(folder, updated, passphrase)
    write_card(folder, card)
    return card
