"""What ``peluit doctor`` reads from a data folder's database, writing nothing.

The doctor looks at a deployment without starting the store: no migration,
no sweep, no folder lock. These few reads are all it asks of the database;
a missing database reads as nothing (the schema check names it missing).

The database is the data folder's SQLite file, or PostgreSQL when
``PELUIT_DATABASE_URL`` names one: there "missing" means the server does
not answer (:func:`database_problem` says why), and the data folder only
holds the secrets.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from vault import daily_jobs, units
from vault.consistency import FolderCheck, check_database
from vault.data_folder import DataFolder
from vault.database import connect, is_postgres, opened
from vault.units import Unit


def on_postgres() -> bool:
    """Whether the vault's rows live in PostgreSQL (else the data folder's SQLite file)."""
    return is_postgres()


def database_problem(folder: DataFolder) -> str | None:
    """``None`` when the database is there and answers; else why not, in one line.

    On PostgreSQL a connection of its own (no pool: an unreachable server is
    named at once instead of after the pool's wait)."""
    if not is_postgres():
        return None if folder.database_path.is_file() else "no database file"
    try:
        db = connect(folder.database_path)
    except sqlite3.Error as failed:
        return (str(failed).splitlines() or [type(failed).__name__])[0]
    db.close()
    return None


def has_database(folder: DataFolder) -> bool:
    return database_problem(folder) is None


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


QUIET_SETTINGS = (
    "log_statement", "log_min_duration_statement", "track_commit_timestamp",
    "log_error_verbosity", "log_min_error_statement", "log_transaction_sample_rate",
    "log_min_duration_sample", "log_parameter_max_length_on_error",
    "shared_preload_libraries", "session_preload_libraries", "local_preload_libraries",
)  # fmt: skip
"""PostgreSQL settings that decide whether its own logs and rows carry exact times,
statements, their parameters or an error's colliding key (docs/scale.md, "What
PostgreSQL learns about reporters")."""


def postgres_settings(folder: DataFolder) -> dict[str, str]:
    """The values of :data:`QUIET_SETTINGS` on the server (empty on SQLite)."""
    if not is_postgres() or not has_database(folder):
        return {}
    with opened(folder.database_path) as db:
        rows = db.conn.execute(
            "SELECT name, setting FROM pg_settings WHERE name = ANY(?)", [list(QUIET_SETTINGS)]
        ).fetchall()
    return {str(name): str(value) for name, value in rows}


def database_consistency(folder: DataFolder) -> FolderCheck:
    """The database's own checks (vault/consistency.py); ask on a current schema only.

    It reads every row, ciphertext included: it takes as long as a restore's check."""
    return check_database(folder)
