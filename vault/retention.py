"""Destroying a case at the end of its retention period (or on a lawful order).

A case's rows and its ciphertext pieces are deleted in one transaction
(``secure_delete`` zeroes the deleted content and the freed pages). The
write-ahead log still holds the frames written before, the deleted
content among them, until it is checkpointed: so every destruction ends
with a ``TRUNCATE`` checkpoint (vault/database.py
:func:`~vault.database.checkpoint_truncate`), which copies the zeroed pages
into the database file and empties the log. After it nothing of the case is
left in any file of the data folder (tests/test_retention_gone.py).
Reference numbers are never reused.

Retention is per unit (``unit_settings.retention_days``, default 730 days)
and counts calendar days from the day the case became ``ditutup``. The
sweep writes one audit entry per destroyed case, in the same transaction as
the deletion: actor ``system``, action ``retention_destroyed``, subject the
case's staff reference, detail the unit id and the closing day. The
reference is kept on purpose: it is staff data (it was never shown to
anyone but the reporter and staff, carries no content and no reporter data),
and without it an auditor could not match a destruction to the case file
the inspectors kept offline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlite_utils import Database

from vault import audit_log
from vault.database import checkpoint_truncate, write_transaction
from vault.errors import NotFound, VaultError
from vault.identifiers import parse_id


def _delete_rows(db: Database, case: str) -> list[str]:
    """Delete a case's rows and ciphertext (caller holds the transaction); return its item ids."""
    items = [
        row[0] for row in db.conn.execute("SELECT item_id FROM envelopes WHERE case_id = ?", [case])
    ]
    db.conn.execute(
        "DELETE FROM pieces WHERE item_id IN (SELECT item_id FROM envelopes WHERE case_id = ?)",
        [case],
    )
    db.conn.execute("DELETE FROM envelopes WHERE case_id = ?", [case])
    db.conn.execute("DELETE FROM status_events WHERE case_id = ?", [case])
    if db.conn.execute("DELETE FROM cases WHERE case_id = ?", [case]).rowcount != 1:
        raise NotFound("No such case.", what="case")
    return items


def destroy_case(db: Database, case_id: str | bytes) -> int:
    """Remove a case, its events and its envelopes; return how many envelopes."""
    case = parse_id(case_id, "case_id")
    with write_transaction(db):
        items = _delete_rows(db, case)
    checkpoint_truncate(db)
    return len(items)


@dataclass(frozen=True)
class ExpiredCase:
    case_id: str
    unit_id: str
    reference: str
    closed_day: str


@dataclass(frozen=True)
class RetentionReport:
    destroyed: list[ExpiredCase]
    blobs_wiped: int
    log_emptied: bool = True
    """False if the closing checkpoint found the log busy (SQLite: the destroyed
    cases' old frames may still be in it until a later checkpoint), or if
    PostgreSQL's VACUUM had to leave dead tuples a snapshot may still see
    (their rows stay in the tables until a later run's VACUUM)."""


def expired_cases(db: Database, today: dt.date) -> list[ExpiredCase]:
    """Closed cases whose unit's retention period has run out by ``today``."""
    found = []
    for case_id, unit_id, reference, closed, days in db.conn.execute(
        "SELECT c.case_id, c.unit_id, c.reference, coalesce(c.closed_day, c.status_day),"
        " s.retention_days FROM cases c JOIN unit_settings s ON s.unit_id = c.unit_id"
        " WHERE c.status = 'ditutup' ORDER BY c.unit_id, c.reference"
    ):
        if dt.date.fromisoformat(closed) + dt.timedelta(days=days) <= today:
            found.append(ExpiredCase(case_id, unit_id, reference, closed))
    return found


def retention_sweep_db(db: Database, today: dt.date) -> RetentionReport:
    """Destroy every expired case, one transaction (rows + audit entry) each."""
    destroyed, wiped = [], 0
    for case in expired_cases(db, today):
        with write_transaction(db):
            still = db.conn.execute(
                "SELECT 1 FROM cases WHERE case_id = ? AND status = 'ditutup'", [case.case_id]
            ).fetchone()
            if still is None:  # another sweep got there first
                continue
            items = _delete_rows(db, case.case_id)
            audit_log.append(
                db,
                actor=audit_log.SYSTEM,
                action="retention_destroyed",
                subject=case.reference,
                detail={"unit": case.unit_id, "closed": case.closed_day},
                today=today,
            )
        destroyed.append(case)
        wiped += len(items)
    # Always, even with nothing destroyed today: a run that found the log
    # busy is finished by the next one.
    try:
        checkpoint_truncate(db)
    except VaultError:
        return RetentionReport(destroyed, wiped, log_emptied=False)
    return RetentionReport(destroyed, wiped)
