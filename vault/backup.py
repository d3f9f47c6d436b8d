"""Backing up a running vault, and restoring it into a fresh data folder.

A backup is a folder::

    vault.sqlite3      a consistent copy made with SQLite's online backup API,
                       ciphertext included (rows of pieces, vault/blob_store.py)
    pepper             the lookup pepper (mode 0600): without it no receipt opens
    staff_key          seals staff TOTP secrets: without it no staff member signs in
    instance_salt      the Argon2id salt browsers use
    cuti_bersama.json  the instance's holiday overrides, if it has any
    manifest.json      format version, day, counts and the SHA-256 of every file

The ciphertext lives in the database, so the online backup copies one
consistent state of everything, made while reports keep arriving. A backup
made by an earlier version also has ``blobs/<2 hex>/<item id>`` files:
:func:`restore` checks and copies them, then moves them into the restored
database (vault/blob_files.py) before checking the folder.

Everything is written under a temporary name beside ``out``, fsynced, and
renamed into place at the end, so a backup folder either is complete or does
not exist. :func:`restore` checks every hash in the manifest, copies into a
temporary folder beside the target, checks the result with
:func:`vault.consistency.check_folder`, then renames it into place; it never
writes into an existing folder that has content. The backup holds the pepper:
keep it as carefully as the server itself (encrypted disk, locked place).

On PostgreSQL :func:`backup` refuses (:class:`BackupOnPostgres`) before it
writes anything: the database is backed up with PostgreSQL's own tools
(``pg_basebackup``, WAL archiving; docs/scale.md), the data folder's
secrets beside it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from common.days import jakarta_today
from common.durable_file import DIR_MODE, FILE_MODE, fsync_dir, temp_path_in
from common.sqlite_files import owner_only
from vault.blob_files import move_blob_files
from vault.consistency import check_folder
from vault.data_folder import DataFolder
from vault.database import connect, is_postgres, opened
from vault.errors import VaultError
from vault.identifiers import parse_id
from vault.schema import migrate

FORMAT = "peluit-backup/v1"
MANIFEST = "manifest.json"
HOLIDAYS = "cuti_bersama.json"
SECRET_FILES = ("pepper", "instance_salt")
# Copied when present; a backup made before the file existed still restores.
OPTIONAL_SECRET_FILES = ("staff_key",)
_BLOCK = 1 << 20


class BackupError(VaultError):
    """A backup could not be made or restored; ``user_message`` says why."""


class BackupOnPostgres(BackupError):
    """The vault is on PostgreSQL: backing it up is PostgreSQL's business (docs/scale.md).

    Raised before anything is written: no folder, no temporary name."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    cases: int
    envelopes: int
    bytes: int


def _copy_file(src: Path, dst: Path) -> str:
    """Copy ``src`` to a new file ``dst`` (fsynced, mode 0600); return its SHA-256."""
    digest = hashlib.sha256()
    fd = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, FILE_MODE)
    with src.open("rb") as source, os.fdopen(fd, "wb") as out:
        while block := source.read(_BLOCK):
            digest.update(block)
            out.write(block)
        out.flush()
        os.fsync(out.fileno())
    return digest.hexdigest()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while block := source.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _fsync_tree(root: Path) -> None:
    for folder, _dirs, _files in os.walk(root, topdown=False):
        fsync_dir(Path(folder))


def _snapshot_database(source: Path, target: Path) -> tuple[int, list[tuple[str, int]]]:
    """Online backup of the live database; return its case count and (item, size) rows."""
    live = connect(source)
    owner_only(target)
    copy = sqlite3.connect(str(target), isolation_level=None)
    try:
        live.conn.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file in the backup
        cases = copy.execute("SELECT count(*) FROM cases").fetchone()[0]
        rows = copy.execute("SELECT item_id, size FROM envelopes ORDER BY item_id").fetchall()
    finally:
        copy.close()
        live.close()
    with target.open("rb+") as handle:
        os.fsync(handle.fileno())
    return cases, rows


def refuse_on_postgres() -> None:
    """Raise :class:`BackupOnPostgres` when the vault's database is PostgreSQL.

    ``peluit backup`` asks before it takes its job lock: on PostgreSQL that
    lock is the server's, and a job confined without network
    (deploy/systemd/peluit-backup.service) should hear the refusal, not a
    connection error."""
    if is_postgres():
        raise BackupOnPostgres(
            "The vault is on PostgreSQL: back it up with PostgreSQL's own tools"
            " (pg_basebackup, WAL archive; docs/scale.md) and keep a copy of the data"
            " folder's pepper, instance_salt and staff_key."
        )


def backup(data_dir: Path, out: Path) -> BackupSummary:
    """Back up the (possibly running) vault at ``data_dir`` into the new folder ``out``."""
    folder = DataFolder(Path(data_dir).absolute())
    out = Path(out).absolute()
    refuse_on_postgres()
    if not folder.database_path.is_file():
        raise BackupError(f"There is no vault in {folder.root}.")
    if folder.blobs_path.exists():
        raise BackupError(
            "This vault still has an earlier version's blobs/ folder; start the vault"
            " (or run any peluit command on it) once to move them, then back up."
        )
    if out.exists():
        raise BackupError(f"{out} already exists; a backup never overwrites.")
    if not out.parent.is_dir():
        raise BackupError(f"The folder {out.parent} does not exist.")
    temp = temp_path_in(out.parent)
    temp.mkdir(mode=DIR_MODE)
    try:
        files: dict[str, str] = {}
        cases, rows = _snapshot_database(folder.database_path, temp / "vault.sqlite3")
        files["vault.sqlite3"] = _sha256(temp / "vault.sqlite3")
        total = sum(size for _item, size in rows)
        for name in (*SECRET_FILES, *OPTIONAL_SECRET_FILES, HOLIDAYS):
            if (folder.root / name).is_file():
                files[name] = _copy_file(folder.root / name, temp / name)
        manifest = {
            "format": FORMAT,
            "day": jakarta_today().isoformat(),
            "cases": cases,
            "envelopes": len(rows),
            "files": files,
        }
        (temp / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
        with (temp / MANIFEST).open("rb+") as handle:
            os.fsync(handle.fileno())
        _fsync_tree(temp)
        os.rename(temp, out)
        fsync_dir(out.parent)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return BackupSummary(out, cases, len(rows), total)


def read_manifest(backup_dir: Path) -> dict[str, object]:
    """The manifest, checked for shape (names only from our own layout)."""
    try:
        manifest = json.loads((Path(backup_dir) / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        raise BackupError(f"{backup_dir} is not a Peluit backup (no readable manifest).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("The backup's format is unknown.")
    files = manifest.get("files")
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        raise BackupError("The backup's manifest is damaged.")
    for name in files:
        _check_name(name)
    for needed in ("vault.sqlite3", *SECRET_FILES):
        if needed not in files:
            raise BackupError(f"The backup has no {needed}.")
    return manifest


def _check_name(name: object) -> None:
    """Only our own layout: fixed names and blobs/<2 hex>/<32 hex>; never a path of its own."""
    if name in ("vault.sqlite3", *SECRET_FILES, *OPTIONAL_SECRET_FILES, HOLIDAYS):
        return
    parts = name.split("/") if isinstance(name, str) else []
    try:
        ok = len(parts) == 3 and parts[0] == "blobs" and parse_id(parts[2], "item_id") == parts[2]
    except VaultError:
        ok = False
    if not ok or parts[1] != parts[2][:2]:
        raise BackupError("The backup's manifest names a file outside its layout.")


def _files(manifest: dict[str, object]) -> Iterator[tuple[str, str]]:
    files = manifest["files"]
    if not isinstance(files, dict):
        raise BackupError("The backup's manifest is damaged.")
    yield from sorted(files.items())


def restore(backup_dir: Path, data_dir: Path) -> BackupSummary:
    """Restore ``backup_dir`` into ``data_dir``, which must not exist or be empty."""
    source = Path(backup_dir).absolute()
    target = Path(data_dir).absolute()
    manifest = read_manifest(source)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"{target} is not empty; restore only into a new folder.")
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = temp_path_in(target.parent)
    temp.mkdir(mode=DIR_MODE)
    try:
        for name, expected in _files(manifest):
            src = source / name
            if not src.is_file():
                raise BackupError(f"The backup is incomplete: {name} is missing.")
            dst = temp / name
            dst.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
            if _copy_file(src, dst) != expected:
                raise BackupError(f"The backup is damaged: {name} does not match its hash.")
        (temp / "staging").mkdir(mode=DIR_MODE, exist_ok=True)
        with opened(temp / "vault.sqlite3") as db:
            migrate(db)  # a backup made by an earlier version
        move_blob_files(temp, temp / "vault.sqlite3")
        _fsync_tree(temp)
        check = check_folder(temp)
        if not check.ok:
            raise BackupError("The restored folder is not consistent: " + "; ".join(check.problems))
        with contextlib.suppress(FileNotFoundError):
            target.rmdir()  # an empty folder we may replace
        os.rename(temp, target)
        fsync_dir(target.parent)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return BackupSummary(target, check.cases, check.envelopes, check.bytes)
