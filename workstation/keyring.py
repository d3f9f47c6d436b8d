"""The unit's key file on the workstation: open it, rewrite it safely.

A workstation folder holds ``unit-key.json`` (mode 0600) and
``unit-card.json``. Private keys are decrypted only into memory for a
session (:class:`crypto.key_file.UnitKeys`, seeds as ``SecretBytes``).
A rewrite (rotation, custodian attach, restore) keeps the file's Argon2id
parameters and goes through :func:`common.durable_file.write_atomic` (a
fsynced temporary file renamed over the old one, then the folder fsynced),
so a crash leaves the old key file or the new one, never half of one.
"""

from __future__ import annotations

import json
from pathlib import Path

from common.durable_file import write_atomic
from crypto.errors import KeyFileError
from crypto.key_file import DEFAULT_MEM_KIB, DEFAULT_OPS, UnitKeys, read_key_file, write_key_file
from crypto.secret import SecretStr
from crypto.unit_card import UnitCard
from workstation.ceremony import CARD_FILE, KEY_FILE
from workstation.errors import NotInitialised

MAX_KEY_FILE = 1 << 20


def key_path(folder: Path) -> Path:
    return folder / KEY_FILE


def card_path(folder: Path) -> Path:
    return folder / CARD_FILE


def read_bytes(path: Path, limit: int, what: str) -> bytes:
    """Read a small file, refusing one larger than ``limit`` before reading it."""
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise NotInitialised(f"{what} not found: {path}") from None
    except OSError:
        raise NotInitialised(f"cannot read {what}: {path}") from None
    if len(data) > limit:
        raise KeyFileError(f"{what} is larger than {limit} bytes")
    return data


def open_keys(folder: Path, passphrase: SecretStr) -> UnitKeys:
    """Decrypt the folder's key file; ``WrongPassphrase`` says so clearly."""
    return read_key_file(read_bytes(key_path(folder), MAX_KEY_FILE, "key file"), passphrase)


def kdf_params(folder: Path) -> tuple[int, int]:
    """The Argon2id parameters of the existing key file (kept on rewrite)."""
    try:
        kdf = json.loads(read_bytes(key_path(folder), MAX_KEY_FILE, "key file"))["kdf"]
        return int(kdf["ops"]), int(kdf["mem_kib"])
    except (ValueError, KeyError, TypeError):
        return DEFAULT_OPS, DEFAULT_MEM_KIB


def save_keys(
    folder: Path,
    keys: UnitKeys,
    passphrase: SecretStr,
    params: tuple[int, int] | None = None,
) -> None:
    """Encrypt ``keys`` under ``passphrase`` and replace the folder's key file."""
    ops, mem_kib = params or kdf_params(folder)
    data = write_key_file(keys, passphrase, ops=ops, mem_kib=mem_kib)
    write_atomic(key_path(folder), [data], replace=True)


def load_card(folder: Path) -> UnitCard:
    return UnitCard.parse(read_bytes(card_path(folder), 16 * 1024, "unit card"))
