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


def _fail(message: str, hint: str | None = None) -> int:
    print(f"error: {message}", file=sys.stderr)
    if hint:
        print(f"hint: {hint}", file=sys.stderr)
    return 1


def _store(settings: Any) -> Any:
    from vault.store import SqliteVaultStore

    return SqliteVaultStore.open(settings.data_dir, sweep=False)


def _message(bad: PeluitError) -> str:
    return bad.user_message.lower().rstrip(".")


def cmd_unit_retire(args: argparse.Namespace, settings: Any) -> int:
    if not args.to and not args.url:
        return _fail("say where reporters should go", "use --to UNIT, --url https://…, or both")
    try:
        unit = _store(settings).retire_unit(
            args.unit_id, forward_unit=args.to, forward_url=args.url, actor=args.actor
        )
    except PeluitError as bad:
        return _fail(_message(bad), "nothing was changed")
    print(f"unit {unit.unit_id} retired on {unit.retired_day}: it takes no new reports")
    where = " and ".join(x for x in (unit.forward_unit, unit.forward_url) if x)
    print(f"its page sends reporters to {where}")
    print("its reporters can still read replies and write back until retention ends")
    return 0


def cmd_unit_remove(args: argparse.Namespace, settings: Any) -> int:
    try:
        unit = _store(settings).remove_unit(args.unit_id, actor=args.actor)
    except PeluitError as bad:
        hint = (
            "peluit unit retire ID --to UNIT | --url https://…"
            if "cases" in _message(bad)
            else None
        )
        return _fail(_message(bad), hint or "nothing was changed")
    print(f"unit {unit.unit_id} removed: {unit.name}")
    return 0


def _normalised(fingerprint: str) -> str:
    return "".join(fingerprint.split()).replace("-", "").replace(":", "").lower()


def _confirmed(expected: str, given: str | None) -> bool:
    if given is None:
        if not sys.stdin.isatty():
            return False
        try:
            given = input("type the new fingerprint to confirm: ")
        except EOFError:
            return False
    return _normalised(given) == _normalised(expected)


def cmd_unit_replace(args: argparse.Namespace, settings: Any) -> int:
    path = Path(args.card)
    try:
        data = path.read_bytes()
    except OSError as missing:
        return _fail(f"cannot read {path}: {missing.strerror}")
    try:
        card = UnitCard.parse(data)
    except PeluitError as bad:
        return _fail(_message(bad), "nothing was changed")
    if card.unit_id != args.unit_id:
        return _fail(
            f"this card is for unit {card.unit_id}, not {args.unit_id}", "nothing was changed"
        )
    store = _store(settings)
    try:
        current = store.get_unit(args.unit_id)
    except PeluitError as bad:
        return _fail(_message(bad), "register a new unit with peluit unit add CARD")
    new = card.fingerprint()
    print(f"unit {current.unit_id}: {current.name}")
    print(f"current fingerprint: {current.fingerprint}")
    print(f"new fingerprint:     {new}")
    print("compare the new one with the workstation (peluit-ws) and the new posters")
    if args.fingerprint is None and not sys.stdin.isatty():
        return _fail(
            "no terminal to confirm the new fingerprint", "add --fingerprint with the value above"
        )
    if not _confirmed(new, args.fingerprint):
        return _fail("the fingerprint does not match the new card", "nothing was changed")
    try:
        unit = store.register_unit(data, rotation=True)
    except PeluitError as bad:
        return _fail(_message(bad), "nothing was changed")
    print(f"unit {unit.unit_id} card replaced: fingerprint {unit.fingerprint}")
    return 0


def register(unit: Any) -> None:
    """Add the commands to ``peluit unit``'s sub-parsers."""
    retire = unit.add_parser("retire", help="stop new reports to a unit (its reporters stay)")
    retire.add_argument("unit_id")
    retire.add_argument("--to", help="another unit here that reporters should use instead")
    retire.add_argument("--url", help="an https:// address where reporters should go instead")
    retire.add_argument("--actor", default="system", help="name recorded in the audit log")
    retire.set_defaults(func=cmd_unit_retire)
    remove = unit.add_parser("remove", help="remove a unit that has no cases (the demo unit)")
    remove.add_argument("unit_id")
    remove.add_argument("--actor", default="system", help="name recorded in the audit log")
    remove.set_defaults(func=cmd_unit_remove)
    replace = unit.add_parser("replace", help="replace a unit's card after a key rotation")
    replace.add_argument("unit_id")
    replace.add_argument("card")
    replace.add_argument("--fingerprint", help="the new card's fingerprint (needed without a tty)")
    replace.set_defaults(func=cmd_unit_replace)
