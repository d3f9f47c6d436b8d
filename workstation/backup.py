"""Backups as Shamir shares (SLIP-39), k of n (docs/spec/workstation-store-v1.md, "Backup").

The shares carry a random 32-byte *backup secret*, not the keys: a share is
then always 33 words, whatever the number of rotated keys. The keys travel
in ``unit-key.backup.json``, an ordinary key file (key-file-v1) whose
passphrase is ``b64u(HKDF-SHA256(backup_secret, info="peluit/workstation/v1/backup"))``;
since that passphrase has 256 bits, the key file's Argon2id runs with the
spec's smallest parameters (ops 1, 8 MiB). The backup file is useless
without k shares and can be copied freely next to each share; k shares are
useless without one copy of it.

Restoring combines k shares (typed or from the printed files), opens the
backup file, and writes a key file holding exactly the same keys under a
new passphrase.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

import shamir_mnemonic
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from crypto import labels
from crypto.b64 import b64u_encode
from crypto.errors import KeyFileError
from crypto.key_file import UnitKeys, read_key_file, write_key_file
from crypto.secret import SecretBytes, SecretStr
from workstation.errors import BackupError

BACKUP_FILE = "unit-key.backup.json"
SECRET_SIZE = 32
BACKUP_OPS = 1
BACKUP_MEM_KIB = 8192
MAX_SHARES = 16
_WORD_LINE = re.compile(r"^\s*\d{1,2}\.\s+([a-z]+)\s*$")


@dataclass(frozen=True)
class Backup:
    shares: list[str]  # each a mnemonic of 33 words
    threshold: int
    key_file: bytes


def _passphrase(secret: SecretBytes) -> SecretStr:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=labels.WORKSTATION_BACKUP)
    return SecretStr(b64u_encode(hkdf.derive(secret.reveal())))


def make_backup(keys: UnitKeys, shares: int, threshold: int) -> Backup:
    if not 2 <= threshold <= shares <= MAX_SHARES:
        raise BackupError(
            "use 2 <= threshold <= shares <= 16 (for example --shares 5 --threshold 3)"
        )
    secret = SecretBytes(secrets.token_bytes(SECRET_SIZE))
    groups = shamir_mnemonic.generate_mnemonics(1, [(threshold, shares)], secret.reveal())
    key_file = write_key_file(keys, _passphrase(secret), ops=BACKUP_OPS, mem_kib=BACKUP_MEM_KIB)
    return Backup(groups[0], threshold, key_file)


def share_sheet(unit_id: str, fingerprint: str, number: int, backup: Backup) -> str:
    """One share as a text page to print and hand to one person."""
    words = backup.shares[number - 1].split()
    lines = [
        f"PELUIT - cadangan kunci unit / unit key backup: {unit_id}",
        f"Bagian / share {number} dari / of {len(backup.shares)}; "
        f"perlu / needed: {backup.threshold}",
        f"Sidik jari / fingerprint: {fingerprint}",
        "",
        "RAHASIA. Simpan di tempat terkunci; jangan difoto, jangan diketik di komputer online.",
        "SECRET. Keep it locked away; never photograph it or type it on an online computer.",
        "",
    ]
    lines += [f"{index:2d}. {word}" for index, word in enumerate(words, start=1)]
    return "\n".join(lines) + "\n"


def words_from_text(text: str) -> str:
    """A share from a printed sheet (numbered lines) or typed on one line."""
    numbered = [m.group(1) for line in text.splitlines() if (m := _WORD_LINE.match(line))]
    if numbered:
        return " ".join(numbered)
    return " ".join(text.lower().split())


def recover_keys(shares: list[str], backup_key_file: bytes) -> UnitKeys:
    """Combine the shares and open the backup file; :class:`BackupError` says what is wrong."""
    try:
        secret = SecretBytes(
            shamir_mnemonic.combine_mnemonics([words_from_text(s) for s in shares])
        )
    except (shamir_mnemonic.MnemonicError, ValueError) as bad:
        raise BackupError(f"the shares do not rebuild the backup secret: {_reason(bad)}") from None
    try:
        return read_key_file(backup_key_file, _passphrase(secret))
    except KeyFileError:
        raise BackupError(
            "these shares do not open this backup file (shares from another backup?)"
        ) from None


def _reason(error: Exception) -> str:
    text = str(error).strip().rstrip(".")
    lowered = text.lower()
    if "insufficient" in lowered or "wrong number" in lowered:
        return "not enough shares (or shares from different backups)"
    return lowered or "invalid share"
