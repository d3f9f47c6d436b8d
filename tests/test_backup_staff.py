"""A restored vault keeps its staff able to sign in (the TOTP key goes along)."""

from __future__ import annotations

import stat
from pathlib import Path

import pyotp
import pytest

from vault import staff
from vault.backup import backup, restore
from vault.console_store import open_console_store
from vault.database import opened
from vault.store import open_store

# On PostgreSQL the vault has no SQLite file to back up, migrate from or time (docs/scale.md).
pytestmark = pytest.mark.sqlite_only

PASSWORD = "kata sandi staf yang panjang"


def test_staff_sign_in_survives_backup_and_restore(tmp_path: Path) -> None:
    data = tmp_path / "var"
    open_store(data)
    open_console_store(data)  # the console's first start makes staff_key
    with opened(data / "vault.sqlite3") as db:
        _, secret = staff.create_user(db, "audi", "auditor", password=PASSWORD)
    totp = pyotp.TOTP(secret.reveal())

    backup(data, tmp_path / "backup")
    restored = tmp_path / "restored"
    restore(tmp_path / "backup", restored)

    key = restored / "staff_key"
    assert key.read_bytes() == (data / "staff_key").read_bytes()
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    user = open_console_store(restored).authenticate("audi", PASSWORD, totp.now())
    assert user.username == "audi"
