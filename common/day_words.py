"""Days as people read them, in Indonesian or English (Babel's locale data).

Peluit keeps days only (ISO ``YYYY-MM-DD``), online and on the workstation.
What a person reads shows them in words: :func:`long_day` gives "Senin, 7
Desember 2026" / "Monday, 7 December 2026" (the pattern ``EEEE, d MMMM y``,
the same words the reporter pages' script gets from ``Intl.DateTimeFormat``
with ``id-ID`` / ``en-GB``; Babel's own "full" format pads the day, "07
Desember"); :func:`short_day` gives "7 Des 2026" / "7 Dec 2026" for tables
and ranges; :func:`month_words` gives "November 2026" for a month
``YYYY-MM``. Anything that is not a day is shown as it came.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from babel.dates import format_date

LOCALES: Final = {"id": "id", "en": "en_GB"}
LONG_PATTERN: Final = "EEEE, d MMMM y"
SHORT_PATTERN: Final = "d MMM y"
MONTH_PATTERN: Final = "LLLL y"


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


def month_words(value: object, lang: str) -> str:
    """``"2026-11"`` as "November 2026" in ``lang``; anything else as it came."""
    if _day(f"{value}-01") is None:
        return "" if value is None else str(value)
    return _words(f"{value}-01", lang, MONTH_PATTERN)
