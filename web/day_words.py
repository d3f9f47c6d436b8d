"""Days as people read them, in the page's language (Babel's locale data).

The server keeps days only (ISO ``YYYY-MM-DD``). Pages show them in words:
``long_day`` gives "Senin, 7 Desember 2026" / "Monday, 7 December 2026"
(the pattern ``EEEE, d MMMM y``, the same words the reporter pages' script
gets from ``Intl.DateTimeFormat`` with ``id-ID`` / ``en-GB``; Babel's own
"full" format pads the day, "07 Desember"); ``short_day`` gives "7 Des
2026" / "7 Dec 2026" for tables; ``month_words`` gives "November 2026"
for a month ``YYYY-MM``. Anything that is not a day is shown as it
came.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from babel.dates import format_date

LOCALES = {"id": "id", "en": "en_GB"}
LONG_PATTERN = "EEEE, d MMMM y"


def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def long_day(value: Any, lang: str) -> str:
    day = _day(value)
    if day is None:
        return "" if value is None else str(value)
    return format_date(day, LONG_PATTERN, locale=LOCALES.get(lang, "id"))


def short_day(value: Any, lang: str) -> str:
    day = _day(value)
    if day is None:
        return "" if value is None else str(value)
    return format_date(day, "medium", locale=LOCALES.get(lang, "id"))


def month_words(value: Any, lang: str) -> str:
    """``"2026-11"`` as "November 2026" in ``lang``; anything else as it came."""
    day = _day(f"{value}-01")
    if day is None:
        return "" if value is None else str(value)
    return format_date(day, "LLLL y", locale=LOCALES.get(lang, "id"))
