"""``peluit-ws``: the air-gapped workstation's command line.

Messages are short lowercase ``error:`` / ``hint:`` lines, as in age.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from crypto.errors import PeluitError
from workstation.ceremony import (
    CARD_FILE,
    DEMO_PASSPHRASE,
    FolderNotEmpty,
    init_unit,
)
from workstation.cli_parser import add_commands
from workstation.cli_words import _, translated
from workstation.passphrase import WeakPassphrase, check_passphrase


def _fail(message: str, hint: str | None = None) -> int:
    """``error:`` and ``hint:`` lines; the words after them in the reader's language."""
    print(f"error: {translated(message)}", file=sys.stderr)
    if hint:
        print(f"hint: {translated(hint)}", file=sys.stderr)
    return 1


def _read_new_passphrase() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    while True:
        first = getpass.getpass(_("new passphrase (five or more random words): "))
        try:
            check_passphrase(first)
        except WeakPassphrase as weak:
            print(
                "error: " + _("weak passphrase: {why}", why=translated(str(weak))), file=sys.stderr
            )
            continue
        if getpass.getpass(_("repeat it: ")) == first:
            return first
        print("error: " + _("the two passphrases differ"), file=sys.stderr)


def cmd_init(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    if args.demo:
        passphrase = DEMO_PASSPHRASE
        unit_id = args.unit_id or "demo-inspektorat"
        name = args.name or "DEMO Inspektorat Contoh (bukan untuk laporan sungguhan)"
        jurisdiction = args.jurisdiction or (
            "Unit DEMO untuk mencoba Peluit. Jangan kirim laporan sungguhan ke sini. / "
            "DEMO unit for trying Peluit out. Do not send real reports here."
        )
    else:
        if not (args.unit_id and args.name):
            return _fail("--unit-id and --name are required", "or use --demo for a demo unit")
        unit_id, name = args.unit_id, args.name
        jurisdiction = args.jurisdiction or ""
        passphrase = _read_new_passphrase()
        try:
            check_passphrase(passphrase)
        except WeakPassphrase as weak:
            return _fail(_("weak passphrase: {why}", why=translated(str(weak))))
    try:
        ceremony = init_unit(
            folder,
            unit_id=unit_id,
            name=name,
            jurisdiction=jurisdiction,
            passphrase=passphrase,
            demo=args.demo,
        )
    except FolderNotEmpty as exists:
        return _fail(str(exists), "choose an empty folder")
    except PeluitError as bad:
        return _fail(bad.user_message)
    print(_("unit card written to {path}", path=folder / CARD_FILE))
    print(
        _("register it online on the server with: peluit unit add {path}", path=folder / CARD_FILE)
    )
    print(_("fingerprint to publish: {fingerprint}", fingerprint=ceremony.card.fingerprint()))
    if args.demo:
        print(_("DEMO unit; its passphrase is in {path}", path=folder / "DEMO-PASSPHRASE.txt"))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="peluit-ws", description=_("Peluit air-gapped workstation")
    )
    sub = parser.add_subparsers(dest="command", required=True)
    init = sub.add_parser("init", help=_("create a unit's keys, key file and public card"))
    init.add_argument("folder")
    init.add_argument("--unit-id")
    init.add_argument("--name")
    init.add_argument("--jurisdiction")
    init.add_argument("--demo", action="store_true", help=_("a clearly marked demo unit"))
    init.set_defaults(func=cmd_init)
    add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        result: int = args.func(args)
    except PeluitError as bad:
        hint = getattr(bad, "hint", None)
        return _fail(bad.user_message, hint)
    except WeakPassphrase as weak:
        return _fail(_("weak passphrase: {why}", why=translated(str(weak))))
    except FolderNotEmpty as exists:
        return _fail(str(exists))
    except OSError as failed:
        why = failed.strerror or _("cannot read or write a file")
        return _fail(_("{why}: {path}", why=why, path=failed.filename))
    except KeyboardInterrupt:
        return _fail(_("interrupted; nothing more was done"))
    return result


if __name__ == "__main__":
    sys.exit(main())
