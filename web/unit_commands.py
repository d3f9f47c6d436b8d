"""``peluit unit retire | remove | replace``: units over their lifetime (vault/unit_lifetime.py).

  peluit unit retire ID (--to UNIT | --url https://…) [--actor NAME]
  peluit unit remove ID [--actor NAME]          (only a unit without cases)
  peluit unit replace ID CARD [--fingerprint FP] (after a key rotation)

``replace`` shows the current and the new card's fingerprint and goes on
only once the administrator confirms the new one: typed at the terminal,
or given with ``--fingerprint`` when there is no terminal (a script must
state what it expects). A card for another unit id is refused.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from crypto.errors import PeluitError
from crypto.unit_card import UnitCard
from vault.store import VaultStore, open_store
from web.cli_language import _
from web.cli_language import fail as _fail


def _store(settings: Any) -> VaultStore:
    """The vault's store through the factory: SQLite or PostgreSQL is one setting."""
    return open_store(settings.data_dir, sweep=False)


def _message(bad: PeluitError) -> str:
    return _(bad.user_message).lower().rstrip(".")


def cmd_unit_retire(args: argparse.Namespace, settings: Any) -> int:
    if not args.to and not args.url:
        return _fail(
            _("say where reporters should go"), _("use --to UNIT, --url https://…, or both")
        )
    try:
        with _store(settings) as store:
            unit = store.retire_unit(
                args.unit_id, forward_unit=args.to, forward_url=args.url, actor=args.actor
            )
    except PeluitError as bad:
        return _fail(_message(bad), _("nothing was changed"))
    print(_("unit {unit} retired on {day}: it takes no new reports").format(
        unit=unit.unit_id, day=unit.retired_day))  # fmt: skip
    where = _(" and ").join(x for x in (unit.forward_unit, unit.forward_url) if x)
    print(_("its page sends reporters to {where}").format(where=where))
    print(_("its reporters can still read replies and write back until retention ends"))
    return 0


def cmd_unit_remove(args: argparse.Namespace, settings: Any) -> int:
    try:
        with _store(settings) as store:
            unit = store.remove_unit(args.unit_id, actor=args.actor)
    except PeluitError as bad:
        hint = (
            "peluit unit retire ID --to UNIT | --url https://…"
            if "cases" in bad.user_message
            else None
        )
        return _fail(_message(bad), hint or _("nothing was changed"))
    print(_("unit {unit} removed: {name}").format(unit=unit.unit_id, name=unit.name))
    return 0


def _normalised(fingerprint: str) -> str:
    return "".join(fingerprint.split()).replace("-", "").replace(":", "").lower()


def _confirmed(expected: str, given: str | None) -> bool:
    if given is None:
        if not sys.stdin.isatty():
            return False
        try:
            given = input(_("type the new fingerprint to confirm: "))
        except EOFError:
            return False
    return _normalised(given) == _normalised(expected)


def cmd_unit_replace(args: argparse.Namespace, settings: Any) -> int:
    path = Path(args.card)
    try:
        data = path.read_bytes()
    except OSError as missing:
        return _fail(_("cannot read {path}: {why}").format(path=path, why=missing.strerror))
    try:
        card = UnitCard.parse(data)
    except PeluitError as bad:
        return _fail(_message(bad), _("nothing was changed"))
    if card.unit_id != args.unit_id:
        other = _("this card is for unit {card}, not {unit}")
        return _fail(other.format(card=card.unit_id, unit=args.unit_id), _("nothing was changed"))
    with _store(settings) as store:
        return _replace_card(store, args, card.fingerprint(), data)


def _replace_card(store: VaultStore, args: argparse.Namespace, new: str, data: bytes) -> int:
    try:
        current = store.get_unit(args.unit_id)
    except PeluitError as bad:
        return _fail(_message(bad), _("register a new unit with peluit unit add CARD"))
    print(_("unit {unit}: {name}").format(unit=current.unit_id, name=current.name))
    print(_("current fingerprint: {fingerprint}").format(fingerprint=current.fingerprint))
    print(_("new fingerprint:     {fingerprint}").format(fingerprint=new))
    print(_("compare the new one with the workstation (peluit-ws) and the new posters"))
    if args.fingerprint is None and not sys.stdin.isatty():
        return _fail(
            _("no terminal to confirm the new fingerprint"),
            _("add --fingerprint with the value above"),
        )
    if not _confirmed(new, args.fingerprint):
        return _fail(_("the fingerprint does not match the new card"), _("nothing was changed"))
    try:
        unit = store.register_unit(data, rotation=True)
    except PeluitError as bad:
        return _fail(_message(bad), _("nothing was changed"))
    print(_("unit {unit} card replaced: fingerprint {fingerprint}").format(
        unit=unit.unit_id, fingerprint=unit.fingerprint))  # fmt: skip
    return 0


def register(unit: Any) -> None:
    """Add the commands to ``peluit unit``'s sub-parsers."""
    retire = unit.add_parser("retire", help=_("stop new reports to a unit (its reporters stay)"))
    retire.add_argument("unit_id")
    retire.add_argument("--to", help=_("another unit here that reporters should use instead"))
    retire.add_argument("--url", help=_("an https:// address where reporters should go instead"))
    retire.add_argument("--actor", default="system", help=_("name recorded in the audit log"))
    retire.set_defaults(func=cmd_unit_retire)
    remove = unit.add_parser("remove", help=_("remove a unit that has no cases (the demo unit)"))
    remove.add_argument("unit_id")
    remove.add_argument("--actor", default="system", help=_("name recorded in the audit log"))
    remove.set_defaults(func=cmd_unit_remove)
    replace = unit.add_parser("replace", help=_("replace a unit's card after a key rotation"))
    replace.add_argument("unit_id")
    replace.add_argument("card")
    replace.add_argument(
        "--fingerprint", help=_("the new card's fingerprint (needed without a tty)")
    )
    replace.set_defaults(func=cmd_unit_replace)
