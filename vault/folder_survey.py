"""What ``peluit doctor`` reads from a data folder's database, writing nothing.

The doctor looks at a deployment without starting the store: no migration,
no sweep, no folder lock. These few reads are all it asks of the database;
a missing database reads as nothing (the schema check names it missing).
"""

from __future__ import annotations

import datetime as dt

from vault import daily_jobs, units
from vault.data_folder import DataFolder
from vault.database import opened
from vault.units import Unit


def has_database(folder: DataFolder) -> bool:
    return folder.database_path.is_file()


def registered_units(folder: DataFolder) -> list[Unit]:
    if not has_database(folder):
        return []
    with opened(folder.database_path) as db:
        return units.list_units(db)


def daily_job_days(folder: DataFolder) -> dict[str, dt.date] | None:
    """The day each daily job last completed; ``None`` if there is no database."""
    if not has_database(folder):
        return None
    with opened(folder.database_path) as db:
        return daily_jobs.last_days(db)
