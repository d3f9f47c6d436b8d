"""The data folder: where the online vault keeps everything it keeps.

Layout (default ``./var``, or ``$PELUIT_DATA``, or an explicit path)::

    vault.sqlite3      the database (plus its -wal and -shm files), mode 0600:
                       every row, ciphertext included (no file per report)
    staging/           spill space for bundles being imported (anonymous files)
    pepper             32 random bytes, mode 0600, never in the database
    instance_salt      16 random bytes (docs/spec/receipt-v1.md), public

Everything is created on first start; the two secrets atomically and
without ever replacing an existing file, so two workers starting at once
agree on the same values. A ``blobs/`` folder is an earlier version's
ciphertext files: opening the store moves them into the database
(vault/blob_files.py).

The data folder should be mounted ``noatime`` (docs/operations.md);
:func:`atime_mode` tells which access-time option its mount has.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from common.durable_file import ensure_dir, write_atomic
from crypto.secret import SecretBytes
from vault.errors import VaultError
from vault.file_times import read_file

MOUNTINFO = Path("/proc/self/mountinfo")
ATIME_OPTIONS = ("noatime", "relatime", "strictatime")

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
        """An earlier version's ciphertext files (moved into the database on open)."""
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
    data = read_file(path)
    if len(data) != size:
        raise VaultError(f"The file {path.name} in the data folder is damaged.")
    return data


def atime_mode(path: Path, mountinfo: Path = MOUNTINFO) -> str:
    """The access-time option of the mount ``path`` lives on: ``"noatime"``,
    ``"relatime"``, ``"strictatime"``, or ``"unknown"`` (no mount table)."""
    found = atime_mount(path, mountinfo)
    return "unknown" if found is None else found[1]


def atime_mount(path: Path, mountinfo: Path = MOUNTINFO) -> tuple[str, str] | None:
    """The mount point ``path`` lives on and its access-time option, or ``None``
    when the mount table cannot be read or names no mount holding ``path``.

    Reads ``/proc/self/mountinfo`` and takes the mount whose mount point is
    the longest prefix of ``path`` (the last one listed wins, as mounts
    stack). A mount without ``noatime`` or ``relatime`` updates atime on
    every read (``strictatime``).
    """
    target = os.path.realpath(path)
    try:
        lines = mountinfo.read_text("utf-8", errors="replace").splitlines()
    except OSError:
        return None
    best, options = "", ""
    for line in lines:
        fields = line.split()
        if len(fields) < 6:
            continue
        point = _unescape(fields[4])
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, options = point, fields[5]
    if not best:
        return None
    flags = options.split(",")
    return best, next((name for name in ATIME_OPTIONS[:2] if name in flags), "strictatime")


def _unescape(field: str) -> str:
    """Mount points in mountinfo escape space, tab, newline and backslash in octal."""
    for code in ("040", "011", "012", "134"):
        field = field.replace("\\" + code, chr(int(code, 8)))
    return field
