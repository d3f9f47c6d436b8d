"""Cases: creation in one transaction, lookup by receipt, status events.

What a case row holds is exactly docs/design.md's table: the random case id, the
unit, HMAC(pepper, selector), the validator hash, the reporter's X-Wing
public key, the status and days. Nothing else arrives through this module's
functions, so nothing else can be stored.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from common.case_status import CaseStatus
from crypto.secret import SecretBytes
from receipts.derivation import lookup_hash, validator_hash, validator_matches
from vault.database import Commit, in_write_transaction, lock_row, write_transaction
from vault.errors import BadInput, Conflict, DailyCeiling, NotFound
from vault.identifiers import parse_id
from vault.item_batch import ItemBatch
from vault.unit_lifetime import refuse_retired
from vault.units import get_settings

SELECTOR_SIZE = 32
VALIDATOR_SIZE = 32
REPORTER_KEY_SIZE = 1216
REFERENCE_PREFIX = "WBS"
# Compared against when a selector is unknown, so both answers cost the same.
_DUMMY_VALIDATOR_HASH = secrets.token_bytes(32)

Secret = bytes | SecretBytes


@dataclass(frozen=True)
class NewCase:
    """Everything the browser sends to open a case (all of it opaque)."""

    case_id: str | bytes
    unit_id: str
    selector: Secret = field(repr=False)
    validator: Secret = field(repr=False)
    reporter_public_key: bytes = field(repr=False)
    tip_item_id: str | bytes
    tip: bytes = field(repr=False)
    identity_item_id: str | bytes | None = None
    identity: bytes | None = field(default=None, repr=False)
    upload_token: str | None = field(default=None, repr=False)
    attachment_item_ids: Sequence[str | bytes] = ()


@dataclass(frozen=True)
class CaseCreated:
    case_id: str
    reference: str
    submitted_day: str


@dataclass(frozen=True)
class Case:
    case_id: str
    unit_id: str
    reference: str
    status: CaseStatus
    submitted_day: str
    status_day: str
    reporter_public_key: bytes = field(repr=False)


@dataclass(frozen=True)
class StatusEvent:
    seq: int
    status: CaseStatus
    day: str


_CASE_COLUMNS = (
    "case_id, unit_id, reference, status, submitted_day, status_day, reporter_public_key"
)


def _case(row: dict[str, Any]) -> Case:
    return Case(**{**row, "status": CaseStatus(row["status"])})


def _secret(value: object, size: int, field_name: str) -> bytes:
    raw = value.reveal() if isinstance(value, SecretBytes) else value
    if not isinstance(raw, bytes) or len(raw) != size:
        raise BadInput(f"The {field_name} must be {size} bytes.", field=field_name)
    return raw


def create_case(
    db: Database,
    batch: ItemBatch,
    new: NewCase,
    *,
    pepper: SecretBytes,
    today: dt.date,
    commit: Commit | None = None,
) -> CaseCreated:
    """Create a case with its envelopes; return once it is durable.

    ``batch`` is an empty :class:`ItemBatch`; this function fills it. ``db``
    serves the checks made before anything is written; the rows are written
    by ``commit`` (a :class:`vault.group_commit.GroupCommitter`'s ``run``,
    which may share the commit with other reports), by default in a
    transaction of their own on ``db``. The ciphertext is written (or, for
    staged attachments, claimed) in the same transaction as the rows.
    """
    case_id = parse_id(new.case_id, "case_id")
    selector = _secret(new.selector, SELECTOR_SIZE, "selector")
    validator = _secret(new.validator, VALIDATOR_SIZE, "validator")
    reporter_key = _secret(new.reporter_public_key, REPORTER_KEY_SIZE, "reporter_public_key")
    settings = get_settings(db, new.unit_id)  # NotFound for an unknown unit
    lookup = lookup_hash(pepper, selector)
    # Before the upload session is looked at: the first commit used it up.
    same = _same_report(db, case_id, new.unit_id, lookup, validator)
    if same is not None:
        return same
    batch.add_inline(new.tip_item_id, "tip", new.tip)
    if (new.identity is None) != (new.identity_item_id is None):
        raise BadInput("An identity section needs both an id and an envelope.", field="identity")
    if new.identity is not None and new.identity_item_id is not None:
        batch.add_inline(new.identity_item_id, "identity", new.identity)
    if new.attachment_item_ids:
        if new.upload_token is None:
            raise BadInput("Attachments need their upload session.", field="upload_token")
        for item_id in new.attachment_item_ids:
            batch.add_staged(new.upload_token, item_id)
    refuse_retired(db, new.unit_id)
    day = today.isoformat()
    refuse_stored_items(db, batch)
    _check_ceiling(db, new.unit_id, day, settings.daily_case_ceiling)
    rows = batch.rows(case_id, "reporter", day, 1)
    check = validator_hash(validator)

    def write(tx: Database) -> CaseCreated:
        lock_row(tx, "units", "unit_id", new.unit_id)  # the unit's daily ceiling
        # Checked again under the write lock, so that two copies of one report
        # racing each other never reach the unique constraints: a violated
        # constraint is an ERROR in PostgreSQL's server log, with the
        # colliding key and a timestamp (docs/scale.md).
        same = _same_report(tx, case_id, new.unit_id, lookup, validator)
        if same is not None:
            return same
        refuse_stored_items(tx, batch)
        refuse_retired(tx, new.unit_id)
        _check_ceiling(tx, new.unit_id, day, settings.daily_case_ceiling)
        reference = _next_reference(tx, new.unit_id, today.year)
        try:
            tx.conn.execute(
                "INSERT INTO cases (case_id, unit_id, reference, lookup, validator_hash,"
                " reporter_public_key, status, submitted_day, status_day)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    case_id,
                    new.unit_id,
                    reference,
                    lookup,
                    check,
                    reporter_key,
                    CaseStatus.DITERIMA.value,
                    day,
                    day,
                ],
            )
            insert_envelope_rows(tx, rows)
            batch.store(tx)
            tx.conn.execute(
                "INSERT INTO status_events (case_id, seq, status, day) VALUES (?, 1, ?, ?)",
                [case_id, CaseStatus.DITERIMA.value, day],
            )
        except sqlite3.IntegrityError:
            raise Conflict("This report already exists.", what="case") from None
        return CaseCreated(case_id, reference, day)

    return (commit or in_write_transaction(db))(write)


def same_report(
    db: Database,
    case_id: str | bytes,
    unit_id: str,
    selector: Secret,
    validator: Secret,
    *,
    pepper: SecretBytes,
) -> CaseCreated | None:
    """The stored answer if this report (id, unit and receipt) is already in the vault.

    ``None`` when the case id is free; :class:`Conflict` when it, or the
    receipt, belongs to another report. Asked before an upload session is
    looked at: the first commit of a report used its session up.
    """
    return _same_report(
        db,
        parse_id(case_id, "case_id"),
        unit_id,
        lookup_hash(pepper, _secret(selector, SELECTOR_SIZE, "selector")),
        _secret(validator, VALIDATOR_SIZE, "validator"),
    )


def insert_envelope_rows(db: Database, rows: list[dict[str, object]]) -> None:
    for row in rows:
        db.conn.execute(
            "INSERT INTO envelopes (item_id, case_id, seq, kind, author, size, day)"
            " VALUES (:item_id, :case_id, :seq, :kind, :author, :size, :day)",
            row,
        )


def _same_report(
    db: Database, case_id: str, unit_id: str, lookup: bytes, validator: bytes
) -> CaseCreated | None:
    """This report sent again: its stored answer. Another report's id or receipt: Conflict.

    A report is "the same" when its case id, unit, lookup and validator all
    match the stored case: the selector and validator come from the receipt
    code, which only the reporter knows, so a case id alone (which a reporter
    never shows anyone) still opens nothing. This makes a retry after an
    answer that never arrived (a commit whose outcome the server could not
    know, a lost response) safe: the reporter gets the reference of the case
    that is already stored, not a 409 nor a second case.
    """
    row = db.execute(
        "SELECT unit_id, lookup, validator_hash, reference, submitted_day FROM cases"
        " WHERE case_id = ?",
        [case_id],
    ).fetchone()
    if row is None:
        if db.execute("SELECT 1 FROM cases WHERE lookup = ?", [lookup]).fetchone():
            raise Conflict("This receipt code is already in use.", what="lookup")
        return None
    stored_unit, stored_lookup, stored_check, reference, day = row
    same_lookup = hmac.compare_digest(bytes(stored_lookup), lookup)
    same_validator = validator_matches(bytes(stored_check), validator)
    if not (same_lookup and same_validator and stored_unit == unit_id):
        raise Conflict("This report already exists.", what="case_id")
    return CaseCreated(case_id, reference, day)


def refuse_stored_items(db: Database, batch: ItemBatch) -> None:
    """Refuse an item id already stored (or, for a whole envelope, already staged).

    Staged attachments have their pieces already; a whole envelope's pieces
    are written by the case's transaction, so its id must be free there too.
    """
    for item_id in batch.item_ids:
        if db.execute("SELECT 1 FROM envelopes WHERE item_id = ?", [item_id]).fetchone():
            raise Conflict("This item already exists.", what="item_id")
    for item_id in batch.inline_item_ids:
        if db.execute("SELECT 1 FROM pieces WHERE item_id = ?", [item_id]).fetchone():
            raise Conflict("This item already exists.", what="item_id")


def _check_ceiling(db: Database, unit_id: str, day: str, ceiling: int) -> None:
    count = db.execute(
        "SELECT count(*) FROM cases WHERE unit_id = ? AND submitted_day = ?", [unit_id, day]
    ).fetchone()[0]
    if count >= ceiling:
        raise DailyCeiling(limit=ceiling)


def _next_reference(db: Database, unit_id: str, year: int) -> str:
    number = db.conn.execute(
        "INSERT INTO reference_counters (unit_id, year, last_number) VALUES (?, ?, 1)"
        " ON CONFLICT (unit_id, year)"
        " DO UPDATE SET last_number = reference_counters.last_number + 1"
        " RETURNING last_number",
        [unit_id, year],
    ).fetchone()[0]
    return f"{REFERENCE_PREFIX}-{year}-{number:04d}"


def find_case(
    db: Database, pepper: SecretBytes, selector: Secret, validator: Secret
) -> Case | None:
    """The case a receipt opens, or ``None``.

    An unknown selector and a wrong validator both give ``None`` after the
    same work: one HMAC, one indexed query, one hash, one constant-time compare.
    """
    raw_selector = _secret(selector, SELECTOR_SIZE, "selector")
    raw_validator = _secret(validator, VALIDATOR_SIZE, "validator")
    row = db.execute(
        f"SELECT {_CASE_COLUMNS}, validator_hash FROM cases WHERE lookup = ?",  # noqa: S608
        [lookup_hash(pepper, raw_selector)],
    ).fetchone()
    stored = row[-1] if row is not None else _DUMMY_VALIDATOR_HASH
    matches = validator_matches(stored, raw_validator)
    if row is None or not matches:
        return None
    return _case(dict(zip(_CASE_COLUMNS.replace(" ", "").split(","), row[:-1], strict=True)))


def get_case(db: Database, case_id: str | bytes) -> Case:
    rows = list(
        db.query(
            f"SELECT {_CASE_COLUMNS} FROM cases WHERE case_id = ?",  # noqa: S608
            [parse_id(case_id, "case_id")],
        )
    )
    if not rows:
        raise NotFound("No such case.", what="case")
    return _case(rows[0])


def set_status(db: Database, case_id: str | bytes, status: CaseStatus, *, today: dt.date) -> None:
    """Change a case's status and record the change as an event (day only)."""
    case = parse_id(case_id, "case_id")
    try:
        new_status = CaseStatus(status)
    except ValueError:
        raise BadInput("Unknown status.", field="status") from None
    day = today.isoformat()
    with write_transaction(db):
        updated = db.conn.execute(
            "UPDATE cases SET status = ?, status_day = ? WHERE case_id = ?",
            [new_status.value, day, case],
        ).rowcount
        if updated != 1:
            raise NotFound("No such case.", what="case")
        db.conn.execute(
            "INSERT INTO status_events (case_id, seq, status, day) VALUES (?,"
            " (SELECT coalesce(max(seq), 0) + 1 FROM status_events WHERE case_id = ?), ?, ?)",
            [case, case, new_status.value, day],
        )


def status_events(db: Database, case_id: str | bytes) -> list[StatusEvent]:
    case = get_case(db, case_id)
    return [
        StatusEvent(row["seq"], CaseStatus(row["status"]), row["day"])
        for row in db.query(
            "SELECT seq, status, day FROM status_events WHERE case_id = ? ORDER BY seq",
            [case.case_id],
        )
    ]
