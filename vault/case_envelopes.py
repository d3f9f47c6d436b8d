"""Envelopes of an existing case: follow-up messages, replies, listing, reading.

Each envelope is one row (item id, kind, author, ciphertext size, day) and
its ciphertext in pieces (vault/blob_store.py), committed together. Rows
are numbered per case (``seq``) in the order they arrived.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

from sqlite_utils import Database

from common.case_status import CaseStatus
from vault.blob_store import BlobStore
from vault.cases import get_case, insert_envelope_rows, refuse_stored_items
from vault.database import Commit, in_write_transaction, lock_row
from vault.errors import BadInput, Conflict, NotFound
from vault.identifiers import parse_id
from vault.item_batch import ItemBatch
from vault.limits import Limits, check_case_day

CLOSED = frozenset({CaseStatus.DITUTUP})


@dataclass(frozen=True)
class EnvelopeInfo:
    item_id: str
    seq: int
    kind: str
    author: str
    size: int
    """Ciphertext bytes, exactly as the client padded and sealed them."""
    day: str


def append_envelopes(
    db: Database,
    batch: ItemBatch,
    case_id: str | bytes,
    *,
    author: str,
    today: dt.date,
    commit: Commit | None = None,
    limits: Limits | None = None,
) -> list[EnvelopeInfo]:
    """Add the envelopes already put in ``batch`` to a case, atomically.

    ``db`` serves the checks; ``commit`` writes the rows (see
    :func:`vault.cases.create_case`), by default in a transaction on ``db``.
    A reporter's envelopes are held to ``limits``' daily bounds per case
    (:func:`vault.limits.check_case_day`), checked inside the transaction.
    """
    case = get_case(db, case_id)
    if author not in ("reporter", "unit"):
        raise BadInput("Unknown author.", field="author")
    if author == "reporter" and case.status in CLOSED:
        raise Conflict("This report is closed.", what="case_status")
    if not batch.item_ids:
        raise BadInput("Nothing to add.", field="items")
    refuse_stored_items(db, batch)
    day = today.isoformat()

    def write(tx: Database) -> list[dict[str, object]]:
        lock_row(tx, "cases", "case_id", case.case_id)  # the case's envelope sequence
        # Again under the write lock: a message sent twice at once must not
        # reach the unique constraint (a PostgreSQL server log ERROR, with
        # the item id and a timestamp; docs/scale.md).
        refuse_stored_items(tx, batch)
        first = tx.conn.execute(
            "SELECT coalesce(max(seq), 0) + 1 FROM envelopes WHERE case_id = ?", [case.case_id]
        ).fetchone()[0]
        rows = batch.rows(case.case_id, author, day, first)
        if author == "reporter" and limits is not None:
            check_case_day(tx, case.case_id, day, rows, limits)
        try:
            insert_envelope_rows(tx, rows)
            batch.store(tx)
        except sqlite3.IntegrityError:
            raise Conflict("This item already exists.", what="item_id") from None
        return rows

    rows = (commit or in_write_transaction(db))(write)
    return [
        EnvelopeInfo(r["item_id"], r["seq"], r["kind"], r["author"], r["size"], day)  # type: ignore[arg-type]
        for r in rows
    ]


def list_envelopes(db: Database, case_id: str | bytes) -> list[EnvelopeInfo]:
    case = get_case(db, case_id)
    return [
        EnvelopeInfo(**row)
        for row in db.query(
            "SELECT item_id, seq, kind, author, size, day FROM envelopes"
            " WHERE case_id = ? ORDER BY seq",
            [case.case_id],
        )
    ]


def stream_envelope(
    db: Database, blobs: BlobStore, case_id: str | bytes, item_id: str | bytes
) -> Iterator[bytes]:
    """The ciphertext of one envelope of one case, as a stream of blocks."""
    case = parse_id(case_id, "case_id")
    item = parse_id(item_id, "item_id")
    row = db.execute(
        "SELECT 1 FROM envelopes WHERE case_id = ? AND item_id = ?", [case, item]
    ).fetchone()
    if row is None:
        raise NotFound("No such item.", what="item")
    return blobs.stream(item)
