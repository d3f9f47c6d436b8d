"""The vault's working-day calendar: the data folder's cuti bersama file.

The calendar itself (weekends, national holidays, cuti bersama, the file
format and the counting conventions) is :mod:`common.working_days`, shared
with the workstation. The vault's copy of the file lives in the data folder
(``var/cuti_bersama.json``) and replaces the packaged one; it is parsed
once per change of its modification time.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from common.working_days import FILE_NAME, CutiBersamaError, WorkingCalendar
from vault.data_folder import DataFolder
from vault.errors import BadInput


class CalendarFileError(BadInput):
    """The data folder's cuti bersama file breaks its format (the message names the check)."""

    default_message = "The cuti bersama file is not valid."


@functools.lru_cache(maxsize=8)
def _calendar_for(path: str, mtime_ns: int) -> WorkingCalendar:
    try:
        return WorkingCalendar.from_file(Path(path)) if path else WorkingCalendar.packaged()
    except CutiBersamaError as bad:
        raise CalendarFileError(bad.user_message) from None


def calendar_for(data_dir: str | os.PathLike[str] | None = None) -> WorkingCalendar:
    """The data folder's calendar: its ``cuti_bersama.json`` if present, else the packaged one."""
    override = DataFolder.locate(data_dir).root / FILE_NAME
    try:
        return _calendar_for(str(override), override.stat().st_mtime_ns)
    except FileNotFoundError:
        return _calendar_for("", 0)
