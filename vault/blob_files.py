"""Moving an earlier version's ciphertext files into the database.

Before issue 17 every envelope was a file ``blobs/<2 hex>/<item id>`` and
every upload session a ``staging/<name>.session`` file with a folder of
``.part`` files. Those files kept the moment of each report in their change
and birth times. Opening the store now moves them (:func:`move_blob_files`):

- each blob whose envelope row exists becomes that envelope's pieces, in a
  transaction of its own that first checks the pieces are not there yet
  (two workers starting at once move each file once); once committed, the
  file is overwritten with zeros and removed;
- a blob without a row (an orphan of a crash) and every staged upload (no
  ``201`` was ever given for one: the browser sends it again) is
  overwritten and removed;
- the emptied fan-out folders and ``blobs/`` itself are removed.

A file whose size differs from its row is moved all the same and left for
``vault.consistency.check_folder`` to report.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from common.durable_file import fsync_dir, overwrite_and_unlink
from vault.blob_store import PIECE_SIZE, write_pieces
from vault.database import opened, write_transaction
from vault.file_times import open_for_reading

_BLOB_NAME = re.compile(r"[0-9a-f]{32}\Z")
_FANOUT_NAME = re.compile(r"[0-9a-f]{2}\Z")
_SESSION_NAME = re.compile(r"[0-9a-f]{32}\.session\Z")


@dataclass(frozen=True)
class MoveReport:
    moved: int
    orphans_wiped: int
    staged_wiped: int


def _read_pieces(path: Path) -> list[bytes]:
    fd = open_for_reading(path)
    try:
        pieces: list[bytes] = []
        while True:
            piece = b""
            while len(piece) < PIECE_SIZE:
                block = os.read(fd, PIECE_SIZE - len(piece))
                if not block:
                    break
                piece += block
            if not piece:
                return pieces
            pieces.append(piece)
    finally:
        os.close(fd)


def _move_one(database: Path, path: Path) -> bool:
    """Move one blob into rows; return False if it has no envelope row."""
    item = path.name
    with opened(database) as db, write_transaction(db):
        if db.conn.execute("SELECT 1 FROM envelopes WHERE item_id = ?", [item]).fetchone() is None:
            return False
        if db.conn.execute("SELECT 1 FROM pieces WHERE item_id = ?", [item]).fetchone() is None:
            write_pieces(db, item, 0, _read_pieces(path))
    return True


def move_blob_files(root: Path, database: Path) -> MoveReport:
    """Move ``root/blobs`` into the database at ``database``; wipe old staging files."""
    moved = orphans = 0
    blobs = root / "blobs"
    if blobs.is_dir():
        for fanout in sorted(blobs.iterdir()):
            if not fanout.is_dir() or not _FANOUT_NAME.match(fanout.name):
                continue
            for entry in sorted(fanout.iterdir()):
                if entry.is_file() and not entry.is_symlink() and _BLOB_NAME.match(entry.name):
                    if _move_one(database, entry):
                        moved += 1
                    else:
                        orphans += 1
                if entry.is_file() and not entry.is_symlink():
                    overwrite_and_unlink(entry)  # moved, an orphan, or a crash's temp file
        _remove_tree(blobs)
    return MoveReport(moved, orphans, _wipe_old_staging(root / "staging"))


def _wipe_old_staging(staging: Path) -> int:
    """Upload sessions of the file layout: ``<name>.session`` and ``<name>/*.part``."""
    if not staging.is_dir():
        return 0
    wiped = 0
    for entry in list(staging.iterdir()):
        if _SESSION_NAME.match(entry.name) and entry.is_file():
            entry.unlink(missing_ok=True)
            wiped += 1
        elif _BLOB_NAME.match(entry.name) and entry.is_dir() and not entry.is_symlink():
            for part in entry.iterdir():
                if part.is_file() and not part.is_symlink():
                    overwrite_and_unlink(part)
            _remove_tree(entry)
    if wiped:
        fsync_dir(staging)
    return wiped


def _remove_tree(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    with contextlib.suppress(FileNotFoundError):
        fsync_dir(folder.parent)
