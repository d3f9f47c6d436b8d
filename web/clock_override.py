"""``--today`` for commands that act on the calendar (drills and tests only).

``peluit retention run --today YYYY-MM-DD`` runs retention as if it were that
day, so a drill (or a test) can check across days what retention will
destroy without a clock library and without waiting. A wrong day destroys
cases too early, so the option is refused unless the environment says this
is a drill: ``PELUIT_ALLOW_CLOCK_OVERRIDE=1``. A production unit file never
sets it (docs/operations.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os

ALLOW_ENV = "PELUIT_ALLOW_CLOCK_OVERRIDE"


class ClockOverrideRefused(Exception):
    """``--today`` given where the environment does not allow it."""


def day_argument(text: str) -> dt.date:
    """An ``argparse`` type: a calendar day written ``YYYY-MM-DD``."""
    try:
        if len(text) != 10:
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("a day is written YYYY-MM-DD") from None


def chosen_today(override: dt.date | None, real: dt.date) -> dt.date:
    """``override`` if given and allowed, else the real day."""
    if override is None:
        return real
    if os.environ.get(ALLOW_ENV) != "1":
        raise ClockOverrideRefused(
            f"--today is for drills and tests; set {ALLOW_ENV}=1 to use it (never in production)"
        )
    return override
