"""Days as people read them, in Indonesian or English (Babel's locale data).

The workstation keeps days only (ISO ``YYYY-MM-DD``). What a person reads
shows them in words: :func:`long_day` gives "Senin, 7 Desember 2026" /
"Monday, 7 December 2026" (the pattern ``EEEE, d MMMM y``; Babel's own
"full" format pads the day, "07 Desember") and :func:`short_day` gives
"7 Des 2026" / "7 Dec 2026" for tables and ranges. Anything that is not a
day is shown as it came.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from babel.dates import format_date

LOCALES: Final = {"id": "id", "en": "en_GB"}
LONG_PATTERN: Final = "EEEE, d MMMM y"
SHORT_PATTERN: Final = "d MMM y"


def _day(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _words(value: object, lang: str, pattern: str) -> str:
    day = _day(value)
    if day is None:
        return "" if value is None else str(value)
    return format_date(day, pattern, locale=LOCALES.get(lang, "id"))


def long_day(value: object, lang: str) -> str:
    """Indonesian "Senin, 7 Desember 2026" or English "Monday, 7 December 2026"."""
    return _words(value, lang, LONG_PATTERN)


def short_day(value: object, lang: str) -> str:
    """Indonesian "7 Des 2026" or English "7 Dec 2026"."""
    return _words(value, lang, SHORT_PATTERN)
