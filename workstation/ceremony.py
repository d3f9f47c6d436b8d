"""The key ceremony: a unit's keys, its key file and its public card.

A workstation folder holds ``unit-key.json`` (private keys, encrypted with
the passphrase; mode 0600) and ``unit-card.json`` (public, to register
online with ``peluit unit add``).
"""

from __future__ import annotations

import datetime
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from crypto.key_file import UnitKeys, write_key_file
from crypto.secret import SecretBytes, SecretStr
from crypto.signing import SigningKey
from crypto.unit_card import UnitCard
from crypto.xwing import XWingPrivateKey
from workstation.passphrase import check_passphrase

KEY_FILE = "unit-key.json"
CARD_FILE = "unit-card.json"
DEMO_MARKER = "DEMO-PASSPHRASE.txt"
DEMO_PASSPHRASE = "demo peluit bukan untuk laporan sungguhan"  # noqa: S105 - printed on purpose


@dataclass(frozen=True)
class Ceremony:
    folder: Path
    card: UnitCard


class FolderNotEmpty(FileExistsError):
    pass


def _write_new(path: Path, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def init_unit(
    folder: Path,
    *,
    unit_id: str,
    name: str,
    jurisdiction: str,
    passphrase: str,
    demo: bool = False,
    today: datetime.date | None = None,
    kdf_ops: int | None = None,
    kdf_mem_kib: int | None = None,
) -> Ceremony:
    """Make a unit's keys in ``folder``; refuse to overwrite an existing key."""
    if not demo:
        check_passphrase(passphrase)
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / KEY_FILE).exists():
        raise FolderNotEmpty(f"{folder / KEY_FILE} exists; keys are never overwritten")
    created = today or datetime.date.today()
    ed25519_seed = SecretBytes(secrets.token_bytes(32))
    signing_key = SigningKey.from_seed(ed25519_seed)
    xwing_seed, xwing_key = XWingPrivateKey.generate()
    keys = UnitKeys(
        unit_id=unit_id,
        ed25519_seed=ed25519_seed,
        xwing_seeds=[(xwing_seed, created)],
    )
    card = UnitCard.create(
        signing_key, xwing_key.public_key(), unit_id, name, jurisdiction, created
    )
    params: dict[str, int] = {}
    if kdf_ops is not None:
        params["ops"] = kdf_ops
    if kdf_mem_kib is not None:
        params["mem_kib"] = kdf_mem_kib
    key_file = write_key_file(keys, SecretStr(passphrase), **params)
    _write_new(folder / KEY_FILE, key_file, 0o600)
    (folder / CARD_FILE).write_bytes(card.to_json())
    if demo:
        (folder / DEMO_MARKER).write_text(
            "DEMO ONLY. This workstation's passphrase is:\n"
            f"{passphrase}\n"
            "Never use a demo unit for real reports.\n",
            encoding="utf-8",
        )
    return Ceremony(folder=folder, card=card)
