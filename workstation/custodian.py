"""The custodian: a second key, held by another person, that alone opens identities.

``peluit-ws custodian init DIR2`` makes ``custodian-key.json`` (a key-file-v1
with its own passphrase and its own X-Wing key; unit id ``custodian``) and
``custodian-card.json`` (a self-signed card, the unit-card-v1 format, that
carries the public key). ``peluit-ws custodian attach DIR --card ...``
records that public key in the unit's key file
(``custodian_xwing_public_key``) and writes a new ``unit-card.json`` that
carries it (same keys, same fingerprint). Once that card is registered
online (``peluit unit add unit-card.json --rotation``), browsers and
``peluit-report`` seal identity sections to the custodian key, and they
open only with the custodian's key file and passphrase.
"""

from __future__ import annotations

import datetime
import secrets
from pathlib import Path
from typing import NamedTuple

from common.durable_file import write_atomic
from crypto.key_file import UnitKeys, read_key_file, write_key_file
from crypto.secret import SecretBytes, SecretStr
from crypto.signing import SigningKey
from crypto.unit_card import UnitCard
from crypto.xwing import XWingPrivateKey
from workstation.card_issue import card_for, write_card
from workstation.ceremony import FolderNotEmpty
from workstation.keyring import load_card, open_keys, read_bytes, save_keys
from workstation.passphrase import check_passphrase

CUSTODIAN_KEY_FILE = "custodian-key.json"
CUSTODIAN_CARD_FILE = "custodian-card.json"
CUSTODIAN_ID = "custodian"


def init_custodian(
    folder: Path,
    passphrase: SecretStr,
    *,
    name: str = "Kustodian identitas pelapor / Reporter identity custodian",
    today: datetime.date | None = None,
    kdf: tuple[int, int] | None = None,
    check_strength: bool = True,
) -> UnitCard:
    if check_strength:
        check_passphrase(passphrase.reveal())
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / CUSTODIAN_KEY_FILE).exists():
        raise FolderNotEmpty(f"{folder / CUSTODIAN_KEY_FILE} exists; keys are never overwritten")
    created = today or datetime.date.today()
    ed_seed = SecretBytes(secrets.token_bytes(32))
    seed, xwing = XWingPrivateKey.generate()
    keys = UnitKeys(CUSTODIAN_ID, ed_seed, [(seed, created)])
    ops, mem = kdf or (3, 262144)
    data = write_key_file(keys, passphrase, ops=ops, mem_kib=mem)
    write_atomic(folder / CUSTODIAN_KEY_FILE, [data], replace=True)
    card = UnitCard.create(
        SigningKey.from_seed(ed_seed), xwing.public_key(), CUSTODIAN_ID, name, "", created
    )
    write_atomic(folder / CUSTODIAN_CARD_FILE, [card.to_json()], replace=True, mode=0o644)
    return card


class Attached(NamedTuple):
    custodian_card: UnitCard
    unit_card: UnitCard
    unit_card_path: Path


def attach(
    folder: Path, passphrase: SecretStr, card_file: Path, today: datetime.date | None = None
) -> Attached:
    """Record the custodian's public key in the key file and write the unit card carrying it.

    The key file is rewritten first: if the card cannot be written, running
    the same attach again writes it.
    """
    card = UnitCard.parse(read_bytes(card_file, 16 * 1024, "custodian card"))
    keys = open_keys(folder, passphrase)
    old_card = load_card(folder)
    updated = UnitKeys(keys.unit_id, keys.ed25519_seed, keys.xwing_seeds, card.xwing_public_key)
    new_card = card_for(updated, old_card, today)
    save_keys(folder, updated, passphrase)
    return Attached(card, new_card, write_card(folder, new_card))


def open_custodian(folder: Path, passphrase: SecretStr) -> list[XWingPrivateKey]:
    """The custodian's private keys, for one identity opening."""
    data = read_bytes(folder / CUSTODIAN_KEY_FILE, 1 << 20, "custodian key file")
    return read_key_file(data, passphrase).xwing_keys()
