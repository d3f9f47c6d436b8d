"""What the workstation held in quarantine, as its reply bundles report it (bundles-v1.md).

The workstation lists, in its next signed reply bundle, every export-bundle
entry it could not verify: case id, item id (none for a case entry), kind,
the item's day and the failed check's code. The console shows them on the
case page and in a unit-wide list so staff see an attack happening (forged
tips, swapped reporter keys, altered attachments), and can ask for a
re-export (:mod:`vault.reexport`). Ids, kinds, days and codes only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database


@dataclass(frozen=True)
class QuarantineNote:
    case_id: str
    reference: str | None  # None: the case id names no case of this vault
    item_id: str | None
    kind: str
    day: str
    check: str
    reported_day: str


def record(db: Database, unit_id: str, sequence: int, meta: dict[str, Any], day: str) -> None:
    """One reported entry (inside the reply import's transaction)."""
    db.conn.execute(
        "INSERT INTO workstation_quarantine"
        " (unit_id, case_id, item_id, kind, day, check_code, sequence, reported_day)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            unit_id,
            meta["case_id"],
            meta["item_id"],
            meta["kind"],
            meta["day"],
            meta["check"],
            sequence,
            day,
        ],
    )


_SELECT = (
    "SELECT q.case_id, c.reference, q.item_id, q.kind, q.day, q.check_code, q.reported_day"
    " FROM workstation_quarantine q LEFT JOIN cases c ON c.case_id = q.case_id"
    " AND c.unit_id = q.unit_id"
)


def for_case(db: Database, case_id: str) -> list[QuarantineNote]:
    rows = db.conn.execute(f"{_SELECT} WHERE q.case_id = ? ORDER BY q.id", [case_id])
    return [QuarantineNote(*row) for row in rows]


def for_units(db: Database, unit_ids: Sequence[str], limit: int = 200) -> list[QuarantineNote]:
    """The most recent reports of these units, newest first."""
    if not unit_ids:
        return []
    marks = ",".join("?" * len(unit_ids))
    sql = f"{_SELECT} WHERE q.unit_id IN ({marks}) ORDER BY q.id DESC LIMIT ?"
    return [QuarantineNote(*row) for row in db.conn.execute(sql, [*unit_ids, limit])]
