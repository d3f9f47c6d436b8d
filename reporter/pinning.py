"""Which unit card the reporter has confirmed, and checking every card against it.

Nothing is sealed to a card, and no reply is verified with one, unless its
fingerprint is one the reporter confirmed: given with ``--fingerprint`` (as
printed on the inspectorate's poster or its own website), read back from the
receipt file, or shown on the terminal and accepted there. Without a
terminal and without a fingerprint, nothing is sent.

A receipt file also keeps the unit's Ed25519 key: a card with a new
fingerprint signed by that same key is the unit's own rotation (only the
workstation holds the key), so later commands still accept it.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from crypto.unit_card import UnitCard
from reporter.http_client import ReporterError
from reporter.words import t

_FINGERPRINT = re.compile(r"[a-z2-7]{32}\Z")
YES = frozenset({"ya", "y", "yes"})


@dataclass(frozen=True)
class Pin:
    fingerprint: str  # 32 characters, no spaces
    signing_key: bytes | None = None

    @classmethod
    def of(cls, card: UnitCard) -> Pin:
        return cls(compact(card.fingerprint()), card.ed25519_public_key.to_bytes())

    @classmethod
    def given(cls, text: str, signing_key: bytes | None = None) -> Pin:
        value = compact(text)
        if not _FINGERPRINT.match(value):
            raise ReporterError(t("pin.bad"))
        return cls(value, signing_key)


Confirm = Callable[[UnitCard], Pin]


def compact(fingerprint: str) -> str:
    return "".join(fingerprint.split()).lower()


def visible(text: str, keep: str = "") -> str:
    """``text`` with control, format and bidi characters shown as ``?`` (it came from a server).

    ``keep`` names characters left as they are (``"\n"`` for a message's lines).
    """
    return "".join(ch if ch.isprintable() or ch in keep else "?" for ch in text)


def check(card: UnitCard, pin: Pin) -> Pin:
    """Raise unless ``card`` is the pinned one (or its rotation); return the card's pin."""
    same = hmac.compare_digest(compact(card.fingerprint()), pin.fingerprint)
    rotated = pin.signing_key is not None and hmac.compare_digest(
        card.ed25519_public_key.to_bytes(), pin.signing_key
    )
    if not (same or rotated):
        raise ReporterError(t("pin.mismatch"), hint=t("pin.mismatch.hint"))
    return Pin.of(card)


def ask_on_terminal(stdin: TextIO, err: TextIO) -> Confirm:
    """A confirmation that shows the card's fingerprint and wants a 'yes' typed on a terminal."""

    def confirm(card: UnitCard) -> Pin:
        if not stdin.isatty():
            raise ReporterError(t("pin.required"), hint=t("pin.required.hint"))
        print(t("confirm.intro"), file=err)
        print(t("confirm.unit", name=visible(card.name), unit_id=card.unit_id), file=err)
        print(t("confirm.fingerprint", fingerprint=card.fingerprint()), file=err)
        print(t("confirm.question"), end="", file=err, flush=True)
        answer = stdin.readline()
        if answer.strip().lower() not in YES:
            raise ReporterError(t("confirm.declined"))
        return Pin.of(card)

    return confirm


def resolve(card: UnitCard, pin: Pin | None, confirm: Confirm) -> Pin:
    return confirm(card) if pin is None else check(card, pin)
