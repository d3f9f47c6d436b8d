"""TOTP secrets of staff accounts: sealed at rest, checked against one-time codes.

Why sealed: a TOTP secret is the second factor. A copy of the database alone
(a backup left on a share, a stolen disk image of the database volume) must
not hand it over. Each secret is sealed with ChaCha20-Poly1305 under a
32-byte key that lives in its own file of the data folder, ``staff_key``
(mode 0600, created on first start, never in the database), like the lookup
pepper. The associated data names the account (``user_id``), so a sealed
secret copied onto another account's row does not open.

Sealed form: ``0x01 (version) || nonce (12) || ciphertext || tag (16)``.

Rows written before schema version 4 hold the base32 secret in
``totp_secret``; :func:`seal_plain_secrets` seals them (the console runs it
at start) and empties the column; until then they are still read.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import stat
from pathlib import Path

import pyotp
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from sqlite_utils import Database

from common.durable_file import write_atomic
from crypto.secret import SecretBytes, SecretStr
from vault.database import write_transaction
from vault.errors import VaultError

KEY_NAME = "staff_key"
KEY_SIZE = 32
NONCE_SIZE = 12
VERSION = b"\x01"
AD_LABEL = b"peluit/staff/v1/totp-secret"
ISSUER = "Peluit"
TOTP_STEP = 30


class StaffKeyError(VaultError):
    default_message = (
        "The staff key file of the data folder is missing, damaged or readable by others."
    )


def key_path(db: Database) -> Path:
    """``staff_key`` next to the database file ``db`` is connected to (or stands in for)."""
    data_file = getattr(db, "data_file", None)  # PostgreSQL: vault/pg_database.py
    if data_file is not None:
        return Path(data_file).parent / KEY_NAME
    for _seq, name, file in db.conn.execute("PRAGMA database_list"):
        if name == "main" and file:
            return Path(file).parent / KEY_NAME
    raise StaffKeyError("Staff accounts need a vault database in a data folder, not in memory.")


def ensure_key(folder: Path) -> None:
    """Create ``folder/staff_key`` if missing (atomically; an existing one is never replaced)."""
    path = folder / KEY_NAME
    if path.exists():
        return
    with contextlib.suppress(FileExistsError):
        write_atomic(path, [secrets.token_bytes(KEY_SIZE)], replace=False)


def load_key(db: Database) -> SecretBytes:
    path = key_path(db)
    ensure_key(path.parent)
    if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise StaffKeyError("The staff key file must be readable only by its owner (mode 0600).")
    data = path.read_bytes()
    if len(data) != KEY_SIZE:
        raise StaffKeyError("The staff key file of the data folder is damaged (wrong size).")
    return SecretBytes(data)


def _ad(user_id: int) -> bytes:
    return AD_LABEL + b"\x00" + str(int(user_id)).encode("ascii")


def seal(key: SecretBytes, user_id: int, secret: SecretStr) -> bytes:
    nonce = secrets.token_bytes(NONCE_SIZE)
    sealed = ChaCha20Poly1305(key.reveal()).encrypt(
        nonce, secret.reveal().encode("ascii"), _ad(user_id)
    )
    return VERSION + nonce + sealed


def unseal(key: SecretBytes, user_id: int, sealed: bytes) -> SecretStr:
    """The base32 secret; :class:`StaffKeyError` if it does not open (wrong key or account)."""
    if len(sealed) < 1 + NONCE_SIZE + 16 or sealed[:1] != VERSION:
        raise StaffKeyError("A sealed TOTP secret has an unknown version or is truncated.")
    nonce, body = sealed[1 : 1 + NONCE_SIZE], sealed[1 + NONCE_SIZE :]
    try:
        plain = ChaCha20Poly1305(key.reveal()).decrypt(nonce, body, _ad(user_id))
    except InvalidTag:
        raise StaffKeyError(
            "A TOTP secret does not open with this data folder's staff key."
        ) from None
    return SecretStr(plain.decode("ascii"))


def store_secret(db: Database, user_id: int, secret: SecretStr) -> None:
    """Seal and write an account's secret (inside the caller's transaction)."""
    db.conn.execute(
        "UPDATE staff_users SET totp_sealed = ?, totp_secret = '' WHERE user_id = ?",
        [seal(load_key(db), user_id, secret), user_id],
    )


def secret_of(db: Database, user_id: int, plain: str, sealed: bytes | None) -> SecretStr:
    """An account's secret from its row: sealed, or (before sealing ran) the old plain column."""
    if sealed is not None:
        return unseal(load_key(db), user_id, bytes(sealed))
    return SecretStr(plain)


def seal_plain_secrets(db: Database) -> int:
    """Seal every secret still stored in plain base32 (schema < 4); return how many."""
    with write_transaction(db):
        rows = db.conn.execute(
            "SELECT user_id, totp_secret FROM staff_users"
            " WHERE totp_sealed IS NULL AND totp_secret != ''"
        ).fetchall()
        for user_id, plain in rows:
            store_secret(db, int(user_id), SecretStr(str(plain)))
    return len(rows)


def new_secret() -> SecretStr:
    return SecretStr(pyotp.random_base32())


def provisioning_uri(username: str, secret: SecretStr) -> str:
    """The ``otpauth://`` URI an authenticator app scans (show it once, as a QR code)."""
    return pyotp.TOTP(secret.reveal()).provisioning_uri(name=username, issuer_name=ISSUER)


def matching_step(secret: SecretStr, code: str, now: float) -> int | None:
    """The time step (now-1, now or now+1) whose code is ``code``, or ``None``."""
    if not isinstance(code, str) or not re.fullmatch(r"\d{6}", code):
        return None
    totp = pyotp.TOTP(secret.reveal())
    current = int(now // TOTP_STEP)
    for step in (current - 1, current, current + 1):
        if pyotp.utils.strings_equal(totp.at(step * TOTP_STEP), code):
            return step
    return None
