"""The data folder: where the online vault keeps everything it keeps.

Layout (default ``./var``, or ``$PELUIT_DATA``, or an explicit path)::

    vault.sqlite3      the database (plus its -wal and -shm files)
    blobs/             ciphertext files, named by item id, fanned out
    staging/           upload sessions in progress
    pepper             32 random bytes, mode 0600, never in the database
    instance_salt      16 random bytes (docs/spec/receipt-v1.md), public

Everything is created on first start; the two secrets atomically and
without ever replacing an existing file, so two workers starting at once
agree on the same values.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from crypto.secret import SecretBytes
from vault.durable_file import ensure_dir, write_atomic
from vault.errors import VaultError

ENV_VAR = "PELUIT_DATA"
DEFAULT_PATH = Path("var")
PEPPER_SIZE = 32
INSTANCE_SALT_SIZE = 16


@dataclass(frozen=True)
class DataFolder:
    root: Path

    @classmethod
    def locate(cls, path: str | os.PathLike[str] | None = None) -> DataFolder:
        """The folder named by ``path``, else ``$PELUIT_DATA``, else ``./var``."""
        chosen = path if path is not None else os.environ.get(ENV_VAR) or DEFAULT_PATH
        return cls(Path(chosen).absolute())

    @classmethod
    def prepare(cls, path: str | os.PathLike[str] | None = None) -> DataFolder:
        """Locate the folder and create whatever is missing."""
        folder = cls.locate(path)
        folder.create_missing()
        return folder

    @property
    def database_path(self) -> Path:
        return self.root / "vault.sqlite3"

    @property
    def blobs_path(self) -> Path:
        return self.root / "blobs"

    @property
    def staging_path(self) -> Path:
        return self.root / "staging"

    @property
    def pepper_path(self) -> Path:
        return self.root / "pepper"

    @property
    def instance_salt_path(self) -> Path:
        return self.root / "instance_salt"

    def create_missing(self) -> None:
        ensure_dir(self.root)
        ensure_dir(self.blobs_path)
        ensure_dir(self.staging_path)
        _create_random_file(self.pepper_path, PEPPER_SIZE)
        _create_random_file(self.instance_salt_path, INSTANCE_SALT_SIZE)

    def pepper(self) -> SecretBytes:
        """The lookup pepper; refused if other users could read it."""
        mode = self.pepper_path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise VaultError("The pepper file must be readable only by its owner (mode 0600).")
        return SecretBytes(_read_exact_size(self.pepper_path, PEPPER_SIZE))

    def instance_salt(self) -> bytes:
        """The per-instance Argon2id salt (public: browsers receive it)."""
        return _read_exact_size(self.instance_salt_path, INSTANCE_SALT_SIZE)


def _create_random_file(path: Path, size: int) -> None:
    if path.exists():
        return
    # If another process made it first, theirs is the one.
    with contextlib.suppress(FileExistsError):
        write_atomic(path, [secrets.token_bytes(size)], replace=False)


def _read_exact_size(path: Path, size: int) -> bytes:
    data = path.read_bytes()
    if len(data) != size:
        raise VaultError(f"The file {path.name} in the data folder is damaged.")
    return data
