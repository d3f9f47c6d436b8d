"""Re-export: an inspector asks for a case, or a whole unit, to cross the air gap again.

The online vault cannot open envelopes, so it cannot know whether the
workstation could: an item it exported may have been held in quarantine,
or its bundle skipped with ``--allow-gap``. Nothing exported may become
unreachable, so a case marked here goes into the unit's next export with
ALL its envelopes, exported before or not (bundles-v1.md, "Re-export"). The
workstation imports an item it already holds with the same hash as a no-op.
The mark is removed when that export is recorded. Sequence and gap rules do
not change: a re-export is simply part of the next bundle.
"""

from __future__ import annotations

from sqlite_utils import Database


def mark_case(db: Database, case_id: str, unit_id: str, day: str) -> None:
    """Mark one case (inside the caller's transaction)."""
    db.conn.execute(
        "INSERT INTO reexport_cases (case_id, unit_id, day) VALUES (?, ?, ?)"
        " ON CONFLICT (case_id) DO UPDATE SET day = excluded.day",
        [case_id, unit_id, day],
    )


def mark_unit(db: Database, unit_id: str, day: str) -> int:
    """Mark every case of the unit; return how many (inside the caller's transaction)."""
    cursor = db.conn.execute(
        "INSERT INTO reexport_cases (case_id, unit_id, day)"
        " SELECT case_id, unit_id, ? FROM cases WHERE unit_id = ?"
        " ON CONFLICT (case_id) DO UPDATE SET day = excluded.day",
        [day, unit_id],
    )
    return int(cursor.rowcount)


def pending(db: Database, case_id: str) -> bool:
    row = db.conn.execute("SELECT 1 FROM reexport_cases WHERE case_id = ?", [case_id])
    return row.fetchone() is not None


def marked(db: Database, unit_id: str) -> set[str]:
    rows = db.conn.execute("SELECT case_id FROM reexport_cases WHERE unit_id = ?", [unit_id])
    return {str(row[0]) for row in rows}


def clear(db: Database, case_ids: set[str]) -> None:
    """The export that carried these cases is recorded (inside its transaction)."""
    db.conn.executemany("DELETE FROM reexport_cases WHERE case_id = ?", [(c,) for c in case_ids])
