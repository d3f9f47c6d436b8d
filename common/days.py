"""Calendar days in Jakarta time: the only time resolution the vault keeps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

try:
    from zoneinfo import ZoneInfo

    JAKARTA: dt.tzinfo = ZoneInfo("Asia/Jakarta")
except Exception:  # no tz database: WIB is UTC+7 with no daylight saving
    JAKARTA = dt.timezone(dt.timedelta(hours=7), "WIB")

Today = Callable[[], dt.date]
"""A clock that says only which day it is (injectable for tests)."""


def jakarta_today() -> dt.date:
    """Today's date in Asia/Jakarta."""
    return dt.datetime.now(JAKARTA).date()


def day_text(day: dt.date) -> str:
    """A day as stored: ``YYYY-MM-DD``."""
    return day.isoformat()
