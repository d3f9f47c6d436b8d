"""``peluit migrate``: apply a release's schema migrations, a backup first (vault/upgrade.py).

Every other command that opens the vault does the same before it starts
(:func:`upgrade_before_command`), so a new release never changes stored data
without a backup beside it, whichever command runs first.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from crypto.errors import PeluitError
from vault.upgrade import Upgrade, schema_state, upgrade
from web.cli_language import _
from web.cli_language import fail as _fail


def _report(done: Upgrade) -> None:
    if done.backup is not None:
        print(_("backup written to {path} (schema version {version})").format(
            path=done.backup, version=done.before))  # fmt: skip
    versions = ", ".join(str(v) for v in done.applied)
    print(_("schema migrated from version {version}: applied {versions}").format(
        version=done.before, versions=versions))  # fmt: skip


def cmd_migrate(args: argparse.Namespace, settings: Any) -> int:
    if args.check:
        state = schema_state(settings.data_dir)
        if state.pending:
            pending = ", ".join(str(v) for v in state.pending)
            print(_("schema at version {version}; to apply: {versions}").format(
                version=state.current, versions=pending))  # fmt: skip
            return 1
        print(_("schema at version {version}: nothing to do").format(version=state.current))
        return 0
    try:
        done = upgrade(
            settings.data_dir,
            Path(args.backup_to) if args.backup_to else None,
            settings.backup_dir,
        )
    except PeluitError as failed:
        why = _(failed.user_message).lower().rstrip(".")
        return _fail(
            _("no migration applied: {why}").format(why=why),
            _("the vault is unchanged; fix the backup's problem and run peluit migrate again"),
        )
    if not done.applied:
        print(_("schema at version {version}: nothing to do").format(version=done.before))
        return 0
    _report(done)
    return 0


def upgrade_before_command(settings: Any, refuse: bool = False) -> int:
    """Back up and migrate a vault with pending migrations; 0, or 1 when it could not.

    With ``refuse`` (``peluit serve`` and the daily jobs, run by systemd) it
    never migrates: under ``ProtectSystem=strict`` the backup beside the data
    folder cannot be written, and a service that fails to start is restarted
    again and again. They stop with one clear instruction instead.
    """
    state = schema_state(settings.data_dir)
    if not (state.pending and state.has_data):
        return 0
    if refuse:
        return _fail(
            _("the database schema is at version {version}; this release needs version"
              " {latest}: run peluit migrate first").format(
                version=state.current, latest=state.latest),
            _("systemctl stop peluit; sudo -u peluit /opt/peluit/.venv/bin/peluit migrate;"
              " systemctl start peluit (docs/admin.md, Upgrades)"),
        )  # fmt: skip
    upgrading = _("this release upgrades the schema from version {version}")
    print("peluit: " + upgrading.format(version=state.current), file=sys.stderr)
    try:
        done = upgrade(settings.data_dir, backup_dir=settings.backup_dir)
    except PeluitError as failed:
        why = _(failed.user_message).lower().rstrip(".")
        return _fail(
            _("no migration applied: {why}").format(why=why),
            _("the vault is unchanged; run peluit migrate --backup-to DIR"),
        )
    _report(done)
    return 0


def register(sub: Any) -> None:
    mig = sub.add_parser("migrate", help=_("upgrade the database schema (a backup first)"))
    mig.add_argument(
        "--backup-to",
        help=_("new folder for the backup (default in PELUIT_BACKUP_DIR, else beside the data)"),
    )
    mig.add_argument("--check", action="store_true", help=_("only say what would be applied"))
    mig.set_defaults(func=cmd_migrate, upgrade_first=False)
