"""The day each daily job last completed (``daily_jobs``), for ``peluit doctor``.

Only the day, never a time: a job's exact run time is harmless, but the
vault keeps no exact times at all, so a doctor that needs "ran recently"
gets a day and nothing finer.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlite_utils import Database

from vault.data_folder import DataFolder
from vault.database import opened, write_transaction

JOBS = ("retention", "deadlines", "notify", "backup")


def record(db: Database, job: str, today: dt.date) -> None:
    if job not in JOBS:
        raise ValueError(f"unknown daily job {job!r}")
    with write_transaction(db):
        db.conn.execute(
            "INSERT INTO daily_jobs (job, last_day) VALUES (?, ?)"
            " ON CONFLICT (job) DO UPDATE SET last_day = excluded.last_day",
            [job, today.isoformat()],
        )


def record_in_folder(data_dir: str | Path | None, job: str, today: dt.date) -> None:
    """Record a job that runs without opening the store (``peluit backup``)."""
    with opened(DataFolder.locate(data_dir).database_path) as db:
        record(db, job, today)


def last_days(db: Database) -> dict[str, dt.date]:
    if not db["daily_jobs"].exists():
        return {}
    return {
        job: dt.date.fromisoformat(day)
        for job, day in db.conn.execute("SELECT job, last_day FROM daily_jobs")
    }
