"""``peluit backup OUT`` and ``peluit restore BACKUP DATA_DIR`` (vault/backup.py).

``backup`` may run while ``peluit serve`` keeps taking reports: it copies the
database (ciphertext included, as rows) with SQLite's online backup API.
``restore`` writes only into a new (or empty) data folder, after checking
every file's hash and the restored folder's consistency. On PostgreSQL
``backup`` refuses with exit status 1 and writes nothing: PostgreSQL's own
tools back that database up (docs/scale.md).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from crypto.errors import PeluitError
from web.cli_language import _
from web.cli_language import fail as _fail
from web.settings import Settings


def _refused_on_postgres() -> int:
    return _fail(
        _("the vault is on PostgreSQL: peluit backup does not copy it; nothing was written"),
        _("back the database up with PostgreSQL's own tools (pg_basebackup and WAL"
          " archiving, docs/scale.md) and keep a copy of the data folder's pepper,"
          " instance_salt and staff_key"),
    )  # fmt: skip


def cmd_backup_once(args: argparse.Namespace, settings: Settings) -> int:
    """``peluit backup``: refused on PostgreSQL before anything, else one copy at a time."""
    from vault.backup import BackupOnPostgres, refuse_on_postgres
    from web.admin_commands import once

    try:
        refuse_on_postgres()
    except BackupOnPostgres:
        return _refused_on_postgres()
    return once("backup", cmd_backup)(args, settings)


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    from vault.backup import BackupOnPostgres, backup

    try:
        done = backup(settings.data_dir, args.out)
    except BackupOnPostgres:
        return _refused_on_postgres()
    except PeluitError as failed:
        return _fail(_(failed.user_message).lower().rstrip("."))
    except OSError as failed:
        return _fail(_("backup failed: {why}").format(why=failed.strerror),
                     _("nothing was left behind; try again"))  # fmt: skip
    from common.days import jakarta_today
    from vault.daily_jobs import record_in_folder

    record_in_folder(settings.data_dir, "backup", jakarta_today())
    print(_("backup written to {path}: {cases} cases, {envelopes} envelopes").format(
        path=done.path, cases=done.cases, envelopes=done.envelopes))  # fmt: skip
    print("hint: " + _("the backup holds the pepper; keep it as safe as the server"),
          file=sys.stderr)  # fmt: skip
    return 0


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    from vault.backup import restore

    try:
        done = restore(args.backup, args.data_dir)
    except PeluitError as failed:
        return _fail(_(failed.user_message).lower().rstrip("."), _("nothing was written"))
    except OSError as failed:
        return _fail(_("restore failed: {why}").format(why=failed.strerror),
                     _("nothing was written"))  # fmt: skip
    print(_("restored into {path}: {cases} cases, {envelopes} envelopes").format(
        path=done.path, cases=done.cases, envelopes=done.envelopes))  # fmt: skip
    return 0


def register(sub: Any) -> None:
    """Add ``backup`` and ``restore`` to ``peluit``'s sub-parsers."""
    back = sub.add_parser("backup", help=_("back up the vault (it may keep running)"))
    back.add_argument("out", help=_("new folder to write (never overwritten)"))
    back.set_defaults(func=cmd_backup_once, upgrade_first=False)
    rest = sub.add_parser("restore", help=_("restore a backup into a new data folder"))
    rest.add_argument("backup", help=_("a folder written by peluit backup"))
    rest.add_argument("data_dir", help=_("new or empty data folder"))
    rest.set_defaults(func=cmd_restore, upgrade_first=False)
