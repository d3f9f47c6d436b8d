"""``peluit backup OUT`` and ``peluit restore BACKUP DATA_DIR`` (vault/backup.py).

``backup`` may run while ``peluit serve`` keeps taking reports: it copies the
database (ciphertext included, as rows) with SQLite's online backup API.
``restore`` writes only into a new (or empty) data folder, after checking
every file's hash and the restored folder's consistency.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from crypto.errors import PeluitError
from web.settings import Settings


def _fail(message: str, hint: str | None = None) -> int:
    print(f"error: {message}", file=sys.stderr)
    if hint:
        print(f"hint: {hint}", file=sys.stderr)
    return 1


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    from vault.backup import backup

    try:
        done = backup(settings.data_dir, args.out)
    except PeluitError as failed:
        return _fail(failed.user_message.lower().rstrip("."))
    except OSError as failed:
        return _fail(f"backup failed: {failed.strerror}", "nothing was left behind; try again")
    from vault.daily_jobs import record_at
    from vault.data_folder import DataFolder
    from vault.days import jakarta_today

    record_at(DataFolder.locate(settings.data_dir).database_path, "backup", jakarta_today())
    print(f"backup written to {done.path}: {done.cases} cases, {done.envelopes} envelopes")
    print("hint: the backup holds the pepper; keep it as safe as the server", file=sys.stderr)
    return 0


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    from vault.backup import restore

    try:
        done = restore(args.backup, args.data_dir)
    except PeluitError as failed:
        return _fail(failed.user_message.lower().rstrip("."), "nothing was written")
    except OSError as failed:
        return _fail(f"restore failed: {failed.strerror}", "nothing was written")
    print(f"restored into {done.path}: {done.cases} cases, {done.envelopes} envelopes")
    return 0


def register(sub: Any) -> None:
    """Add ``backup`` and ``restore`` to ``peluit``'s sub-parsers."""
    back = sub.add_parser("backup", help="back up the vault (it may keep running)")
    back.add_argument("out", help="new folder to write (never overwritten)")
    back.set_defaults(func=cmd_backup, upgrade_first=False)
    rest = sub.add_parser("restore", help="restore a backup into a new data folder")
    rest.add_argument("backup", help="a folder written by peluit backup")
    rest.add_argument("data_dir", help="new or empty data folder")
    rest.set_defaults(func=cmd_restore, upgrade_first=False)
