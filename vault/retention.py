"""Destroying a case at the end of its retention period (or on a lawful order).

The rows go first, in one transaction (``secure_delete`` zeroes the freed
database pages); then each blob is overwritten and unlinked. A crash in
between leaves blobs without rows, which the orphan sweep wipes on the next
start. Reference numbers are never reused.
"""

from __future__ import annotations

from sqlite_utils import Database

from vault.blob_store import BlobStore
from vault.database import write_transaction
from vault.errors import NotFound
from vault.identifiers import parse_id


def destroy_case(db: Database, blobs: BlobStore, case_id: str | bytes) -> int:
    """Remove a case, its events and its envelopes; return how many blobs were wiped."""
    case = parse_id(case_id, "case_id")
    with write_transaction(db):
        items = [
            row[0]
            for row in db.conn.execute("SELECT item_id FROM envelopes WHERE case_id = ?", [case])
        ]
        db.conn.execute("DELETE FROM envelopes WHERE case_id = ?", [case])
        db.conn.execute("DELETE FROM status_events WHERE case_id = ?", [case])
        if db.conn.execute("DELETE FROM cases WHERE case_id = ?", [case]).rowcount != 1:
            raise NotFound("No such case.", what="case")
    for item in items:
        blobs.delete(item)
    return len(items)
