"""The argument parser of every ``peluit-ws`` subcommand except ``init``."""

from __future__ import annotations

import argparse

from workstation import cli_commands as c
from workstation import cli_tools
from workstation.cli_words import _
from workstation.lifecycle import OUTCOMES, REASONS, STATUSES, TARGETS
from workstation.templates import REPLY_TEMPLATES
from workstation.triage import RISKS, URGENCIES


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    where = argparse.ArgumentParser(add_help=False)
    where.add_argument("-C", "--dir", help=_("workstation folder (default: $PELUIT_WS_DIR or .)"))

    def command(name: str, func: object, text: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = sub.add_parser(name, help=text, parents=[where])
        parser.set_defaults(func=func)
        return parser

    p = command("import", c.cmd_import, _("import an export bundle from the online vault"))
    p.add_argument("bundle")
    p.add_argument(
        "--allow-gap",
        action="store_true",
        help=_("accept a bundle that does not follow the last one imported"),
    )
    p = command("quarantine", c.cmd_quarantine, _("entries an import held back: list, or retry"))
    p.add_argument("action", choices=["list", "retry"])
    p.add_argument(
        "ids", nargs="*", type=int, metavar="ID", help=_("retry only these (default: all)")
    )
    p.add_argument("--all", action="store_true", help=_("list released entries too"))
    command("list", c.cmd_list, _("list cases: reference, status, days, urgency"))
    p = command("show", c.cmd_show, _("show a case (identity stays closed)"))
    p.add_argument("case")
    p.add_argument("--open-identity", action="store_true", help=_("open the identity (logged)"))
    p.add_argument("--custodian", metavar="DIR2", help=_("the custodian's key folder"))
    p = command("save", c.cmd_save, _("save an attachment (never opened, never overwrites)"))
    p.add_argument("case")
    p.add_argument("item", help=_("the attachment's number in 'show', or its item id"))
    p.add_argument("--out", required=True, help=_("file to write (a folder with --use-name)"))
    p.add_argument(
        "--use-name", action="store_true", help=_("use the reporter's file name, cleaned")
    )
    p.add_argument("--strip-metadata", action="store_true", help=_("run mat2 on the saved copy"))
    p = command("triage", c.cmd_triage, _("record triage (kept on this workstation, encrypted)"))
    p.add_argument("case")
    p.add_argument("--category")
    p.add_argument("--agency")
    p.add_argument("--person-reported", dest="person_reported")
    p.add_argument("--urgency", choices=URGENCIES)
    p.add_argument("--risk", dest="retaliation_risk", choices=RISKS)
    p.add_argument("--notes")
    p = command("reply", c.cmd_reply, _("queue a signed, encrypted reply to the reporter"))
    p.add_argument("case")
    p.add_argument("--template", choices=sorted(REPLY_TEMPLATES))
    p.add_argument("--fill", action="append", default=[], metavar="BLANK=TEXT")
    p = command("status", c.cmd_status, _("queue a status change"))
    p.add_argument("case")
    p.add_argument("new", choices=STATUSES)
    p.add_argument("--outcome", choices=sorted(OUTCOMES))
    p.add_argument("--reason", choices=sorted(REASONS))
    p.add_argument("--target", choices=sorted(TARGETS))
    p = command("templates", c.cmd_templates, _("list templates, or sign the standard messages"))
    p.add_argument("action", choices=["list", "sign"])
    p = command("export-replies", c.cmd_export_replies, _("write the signed reply bundle"))
    p.add_argument("out")
    command("identity-log", c.cmd_identity_log, _("every opening of an identity section"))
    cli_tools.add_commands(sub)  # ui, forward, open-forward, report

    p = sub.add_parser("backup", help=_("back the keys up as Shamir shares (k of n)"))
    p.add_argument("folder")
    p.add_argument("--shares", type=int, default=5)
    p.add_argument("--threshold", type=int, default=3)
    p.add_argument("--out", help=_("write numbered share files and the backup file here"))
    p.set_defaults(func=c.cmd_backup)
    p = sub.add_parser("restore", help=_("rebuild the key file from k shares and the backup file"))
    p.add_argument("folder")
    p.add_argument("--backup-file", required=True)
    p.add_argument("--share-file", action="append", default=[])
    p.set_defaults(func=c.cmd_restore)
    p = sub.add_parser("rotate", help=_("add a new encryption key and write a new unit card"))
    p.add_argument("folder")
    p.set_defaults(func=c.cmd_rotate)
    p = sub.add_parser("custodian", help=_("a separate key that alone opens identities"))
    p.add_argument("action", choices=["init", "attach"])
    p.add_argument("folder")
    p.add_argument("--card", help=_("custodian-card.json (for attach)"))
    p.set_defaults(func=c.cmd_custodian)
