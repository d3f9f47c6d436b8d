"""Working days in Indonesian government offices.

A working day is a Monday to Friday that is neither a national holiday (from
the ``holidays`` library, ``country_holidays("ID")``) nor a day of *cuti
bersama*, the collective leave set each year by a joint decree (SKB) of three
ministers. Cuti bersama is not in any library, so it lives in an editable
file: ``vault/cuti_bersama.json`` ships the years we could check, and an
administrator's copy in the data folder (``var/cuti_bersama.json``) replaces
it. Administrators must add each year from the SKB when it is published;
a year missing from the file simply has no cuti bersama (deadlines come out
a little early, never late), and :meth:`WorkingCalendar.missing_years` lets
the CLI say so.

File format (``peluit-cuti-bersama-v1``)::

    {"format": "peluit-cuti-bersama-v1", "note": "...",
     "years": {"2026": {"source": "SKB ...", "days": ["2026-02-16", ...]}}}

Every day must be a real ``YYYY-MM-DD`` date inside its year; anything else
is refused with the failed check named.

Counting conventions (the tests pin them):

- ``add_working_days(day, n)`` is the n-th working day after ``day``
  (``n = 0`` gives ``day`` itself);
- ``working_days_between(a, b)`` counts the working days d with a < d <= b,
  negative when ``b`` is before ``a``; so
  ``working_days_between(a, add_working_days(a, n)) == n``.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import holidays

from crypto.strict_json import load_object
from vault.data_folder import DataFolder
from vault.errors import BadInput

FORMAT = "peluit-cuti-bersama-v1"
FILE_NAME = "cuti_bersama.json"
_MAX_FILE = 64 * 1024
_MAX_STEPS = 20_000  # about 55 years of days: a bound, not a policy


class CutiBersamaError(BadInput):
    """The cuti bersama file breaks its format."""

    default_message = "The cuti bersama file is not valid."


def parse_cuti_bersama(data: bytes) -> dict[int, frozenset[dt.date]]:
    """The days per year in a cuti bersama file; :class:`CutiBersamaError` naming the check."""
    if len(data) > _MAX_FILE:
        raise CutiBersamaError("cuti bersama file: too large")
    try:
        doc = load_object(data)
    except ValueError:
        raise CutiBersamaError("cuti bersama file: not a JSON object") from None
    if set(doc) - {"format", "note", "years"} or "years" not in doc:
        raise CutiBersamaError("cuti bersama file: fields must be format, note, years")
    if doc.get("format") != FORMAT:
        raise CutiBersamaError(f"cuti bersama file: format must be {FORMAT}")
    years = doc["years"]
    if not isinstance(years, dict):
        raise CutiBersamaError("cuti bersama file: years must be an object")
    result: dict[int, frozenset[dt.date]] = {}
    for key, entry in years.items():
        if not (isinstance(key, str) and len(key) == 4 and key.isdigit()):
            raise CutiBersamaError(f"cuti bersama file: year {key!r} is not a year")
        if not isinstance(entry, dict) or set(entry) - {"source", "days"} or "days" not in entry:
            raise CutiBersamaError(f"cuti bersama file: year {key} needs days (and a source)")
        result[int(key)] = _year_days(key, entry["days"])
    return result


def _year_days(key: str, texts: object) -> frozenset[dt.date]:
    """The days listed for year ``key``; each must be a day of that year."""
    if not isinstance(texts, list):
        raise CutiBersamaError(f"cuti bersama file: days of {key} must be a list")
    days = set()
    for text in texts:
        try:
            day = dt.date.fromisoformat(text) if isinstance(text, str) and len(text) == 10 else None
        except ValueError:
            day = None
        if day is None or day.year != int(key):
            raise CutiBersamaError(f"cuti bersama file: {text!r} is not a day of {key}")
        days.add(day)
    return frozenset(days)


class WorkingCalendar:
    """Weekends, national holidays and cuti bersama; immutable once made."""

    def __init__(self, cuti_bersama: dict[int, frozenset[dt.date]]) -> None:
        self._cuti = dict(cuti_bersama)
        self._cuti_days = frozenset().union(*self._cuti.values()) if self._cuti else frozenset()
        self._holidays: holidays.HolidayBase = holidays.country_holidays("ID")

    @classmethod
    def from_file(cls, path: Path) -> WorkingCalendar:
        return cls(parse_cuti_bersama(path.read_bytes()))

    @classmethod
    def packaged(cls) -> WorkingCalendar:
        data = resources.files("vault").joinpath(FILE_NAME).read_bytes()
        return cls(parse_cuti_bersama(data))

    def missing_years(self, years: Iterable[int]) -> list[int]:
        """Years asked about that the cuti bersama file does not list."""
        return sorted(set(years) - set(self._cuti))

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in self._cuti_days and day not in self._holidays

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after ``day`` (``day`` itself for 0)."""
        if n < 0:
            raise ValueError("n must not be negative")
        current, left = day, n
        for _ in range(_MAX_STEPS):
            if left == 0:
                return current
            current += dt.timedelta(days=1)
            if self.is_working_day(current):
                left -= 1
        raise ValueError("too many working days")

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days d with a < d <= b; negative if b is before a."""
        if b < a:
            return -self.working_days_between(b, a)
        if (b - a).days > _MAX_STEPS:
            raise ValueError("range too long")
        return sum(
            1 for i in range(1, (b - a).days + 1) if self.is_working_day(a + dt.timedelta(days=i))
        )


@functools.lru_cache(maxsize=8)
def _calendar_for(path: str, mtime_ns: int) -> WorkingCalendar:
    return WorkingCalendar.from_file(Path(path)) if path else WorkingCalendar.packaged()


def calendar_for(data_dir: str | os.PathLike[str] | None = None) -> WorkingCalendar:
    """The data folder's calendar: its ``cuti_bersama.json`` if present, else the packaged one."""
    override = DataFolder.locate(data_dir).root / FILE_NAME
    try:
        return _calendar_for(str(override), override.stat().st_mtime_ns)
    except FileNotFoundError:
        return _calendar_for("", 0)


def add_working_days(day: dt.date, n: int, *, calendar: WorkingCalendar | None = None) -> dt.date:
    return (calendar or calendar_for()).add_working_days(day, n)


def working_days_between(a: dt.date, b: dt.date, *, calendar: WorkingCalendar | None = None) -> int:
    return (calendar or calendar_for()).working_days_between(a, b)
