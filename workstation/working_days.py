"""Working days for the workstation's reports: a deliberate copy of vault/working_days.py.

``workstation/`` may import only ``crypto/`` and ``receipts/``
(tests/test_layering.py), and the calendar is not cryptography, so the few
lines that count working days are repeated here: Monday to Friday, minus the
national holidays of the ``holidays`` library and the *cuti bersama* days of
``workstation/cuti_bersama.json`` (a copy of the vault's file; the
administrator's copy beside the key file, ``<workstation>/cuti_bersama.json``,
replaces it). tests/test_ws_reports.py checks that the copy of the file is
identical and that both calendars give the same answers day by day.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path

import holidays

from crypto.strict_json import load_object
from workstation.errors import Refused

FORMAT = "peluit-cuti-bersama-v1"
FILE_NAME = "cuti_bersama.json"
_MAX_FILE = 64 * 1024
_MAX_DAYS = 20_000


def parse_cuti_bersama(data: bytes) -> frozenset[dt.date]:
    """Every cuti bersama day in the file; :class:`Refused` naming the failed check."""
    if len(data) > _MAX_FILE:
        raise Refused("cuti bersama file: too large")
    try:
        doc = load_object(data)
    except ValueError:
        raise Refused("cuti bersama file: not a JSON object") from None
    if doc.get("format") != FORMAT or not isinstance(doc.get("years"), dict):
        raise Refused(f"cuti bersama file: format must be {FORMAT} with years")
    days: set[dt.date] = set()
    for year, entry in doc["years"].items():
        listed = entry.get("days") if isinstance(entry, dict) else None
        if not (isinstance(year, str) and year.isdigit() and isinstance(listed, list)):
            raise Refused(f"cuti bersama file: year {year!r} needs a list of days")
        for text in listed:
            try:
                day = dt.date.fromisoformat(text) if isinstance(text, str) else None
            except ValueError:
                day = None
            if day is None or day.year != int(year):
                raise Refused(f"cuti bersama file: {text!r} is not a day of {year}")
            days.add(day)
    return frozenset(days)


class WorkingCalendar:
    def __init__(self, cuti_bersama: frozenset[dt.date]) -> None:
        self._cuti = cuti_bersama
        self._holidays: holidays.HolidayBase = holidays.country_holidays("ID")

    @classmethod
    def for_folder(cls, folder: Path | None = None) -> WorkingCalendar:
        override = folder / FILE_NAME if folder is not None else None
        if override is not None and override.is_file():
            return cls(parse_cuti_bersama(override.read_bytes()))
        data = resources.files("workstation").joinpath(FILE_NAME).read_bytes()
        return cls(parse_cuti_bersama(data))

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in self._cuti and day not in self._holidays

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days d with a < d <= b; negative if b is before a (as the vault counts)."""
        if b < a:
            return -self.working_days_between(b, a)
        if (b - a).days > _MAX_DAYS:
            raise Refused("a range of days too long to count")
        return sum(
            1 for i in range(1, (b - a).days + 1) if self.is_working_day(a + dt.timedelta(days=i))
        )
