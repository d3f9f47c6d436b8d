"""Helpers shared by the lifecycle, deadline, staff, audit and retention tests.

Real stores on real SQLite files with real unit cards and real envelopes
(tests/vault_fixtures.py); this module holds no tests.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from vault_fixtures import FixedDay, make_unit, open_store, submission

from vault.database import opened
from vault.lifecycle import change_status
from vault.store import SqliteVaultStore

UNIT_A = "inspektorat-a"
UNIT_B = "inspektorat-b"

# Codes that make each state's transition legal (docs/spec/lifecycle-v1.md).
CODES: dict[str, dict[str, str]] = {
    "selesai": {"outcome": "terbukti"},
    "tidak_dapat_ditindaklanjuti": {"reason": "terlalu_umum"},
    "dilimpahkan": {"target": "kpk"},
}

# A legal path from diterima to each state.
PATHS: dict[str, list[str]] = {
    "diterima": [],
    "diverifikasi": ["diverifikasi"],
    "perlu_informasi": ["perlu_informasi"],
    "dilimpahkan": ["dilimpahkan"],
    "tidak_dapat_ditindaklanjuti": ["tidak_dapat_ditindaklanjuti"],
    "ditindaklanjuti": ["diverifikasi", "ditindaklanjuti"],
    "selesai": ["diverifikasi", "ditindaklanjuti", "selesai"],
    "ditutup": ["tidak_dapat_ditindaklanjuti", "ditutup"],
}


class Vault:
    """A store with two units; cases are created on ``day`` (a movable clock)."""

    def __init__(self, tmp_path: Path, day: dt.date = dt.date(2026, 11, 23)) -> None:
        self.day = FixedDay(day)
        self.path = tmp_path / "var"
        self.store: SqliteVaultStore = open_store(self.path, day=self.day)
        self.units = {u: make_unit(u) for u in (UNIT_A, UNIT_B)}
        for keys in self.units.values():
            self.store.register_unit(keys.card)

    @contextlib.contextmanager
    def db(self) -> Iterator[Database]:
        with opened(self.store.folder.database_path) as db:
            yield db

    def new_case(self, unit: str = UNIT_A, day: dt.date | None = None) -> str:
        if day is not None:
            self.day.day = day
        created = self.store.create_case(submission(self.units[unit]).new)
        return created.case_id

    def move(
        self, case_id: str, *statuses: str, day: dt.date | None = None, actor: str = "budi"
    ) -> None:
        with self.db() as db:
            for status in statuses:
                change_status(
                    db,
                    case_id,
                    status,
                    actor=actor,
                    today=day or self.day.day,
                    **CODES.get(status, {}),
                )

    def rows(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        with self.db() as db:
            return list(db.conn.execute(sql, args).fetchall())
