"""The data folder: layout, secrets, atomic creation."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from vault.data_folder import ENV_VAR, DataFolder
from vault.errors import VaultError


def test_layout_and_secrets_created_once(tmp_path: Path) -> None:
    folder = DataFolder.prepare(tmp_path / "var")
    assert folder.staging_path.is_dir()
    assert not folder.blobs_path.exists()  # ciphertext lives in the database
    pepper = folder.pepper()
    salt = folder.instance_salt()
    assert len(pepper) == 32 and len(salt) == 16
    assert stat.S_IMODE(folder.pepper_path.stat().st_mode) == 0o600
    assert "***" in repr(pepper)
    again = DataFolder.prepare(tmp_path / "var")
    assert again.pepper() == pepper and again.instance_salt() == salt
    assert not [p for p in folder.root.iterdir() if p.name.startswith(".tmp-")]


def test_location_from_argument_env_or_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "from-env"))
    assert DataFolder.locate().root == tmp_path / "from-env"
    assert DataFolder.locate(tmp_path / "explicit").root == tmp_path / "explicit"
    monkeypatch.delenv(ENV_VAR)
    monkeypatch.chdir(tmp_path)
    assert DataFolder.locate().root == tmp_path / "var"


def test_a_readable_pepper_is_refused(tmp_path: Path) -> None:
    folder = DataFolder.prepare(tmp_path)
    os.chmod(folder.pepper_path, 0o644)
    with pytest.raises(VaultError, match="0600"):
        folder.pepper()


def test_a_damaged_pepper_is_refused(tmp_path: Path) -> None:
    folder = DataFolder.prepare(tmp_path)
    folder.pepper_path.write_bytes(b"short")
    with pytest.raises(VaultError) as caught:
        folder.pepper()
    assert b"short".decode() not in caught.value.user_message


def test_existing_secret_is_never_replaced(tmp_path: Path) -> None:
    folder = DataFolder.locate(tmp_path)
    tmp_path.mkdir(exist_ok=True)
    fixed = bytes(range(32))
    folder.pepper_path.write_bytes(fixed)
    os.chmod(folder.pepper_path, 0o600)
    folder.create_missing()
    assert folder.pepper().reveal() == fixed
