"""Reply bundles from the workstation: checked completely, applied at once (bundles-v1.md).

Order of trust:

1. the whole bundle is read into a bounded staging area (entry data in
   anonymous temporary files in the data folder; each entry's SHA-256, the
   trailer and the end of file checked by :mod:`crypto.bundle`);
2. the signature is checked with the Ed25519 key **registered** for the
   header's unit, before anything else in the bundle is believed;
3. the sequence must be exactly one more than the last applied;
4. every entry is checked against the vault: replies and status changes for
   known cases of that unit, reply envelopes of a plausible shape with new
   item ids, status transitions legal one after the other
   (:mod:`vault.lifecycle`), template signatures under the unit's key;
5. everything is applied in ONE transaction: reply ciphertext
   (:class:`vault.item_batch.ItemBatch`), envelope rows (author "unit"),
   status changes, templates, the workstation's quarantine reports
   (:mod:`vault.quarantine_notes`), the new sequence and one "import" audit
   entry.

Any defect raises :class:`crypto.bundle.BundleError` naming the failed check,
and nothing at all is stored.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sqlite_utils import Database

from common.case_status import CaseStatus
from crypto.b64 import b64u_decode
from crypto.bundle import BundleReader, Entry, ReaderLimits, verify_signature
from crypto.bundle_schema import QUARANTINE, REPLY, STATUS, TEMPLATE, BundleError, Kind
from crypto.bundle_template import verify_template
from crypto.errors import SignatureError
from crypto.signing import VerifyKey
from vault import audit_log, lifecycle, quarantine_notes
from vault.cases import insert_envelope_rows
from vault.database import lock_row, write_transaction
from vault.errors import BadInput, Conflict, NotFound, VaultError
from vault.item_batch import ItemBatch
from vault.units import Unit, get_unit

MIB = 1 << 20


@dataclass(frozen=True)
class ImportLimits:
    """A reply bundle declares no totals: the importer bounds it."""

    max_entries: int = 10_000
    max_reply_bytes: int = 64 * MIB


@dataclass(frozen=True)
class ImportSummary:
    unit_id: str
    sequence: int
    replies: int
    status_changes: int
    templates: int
    quarantined: int = 0


@dataclass
class _CaseState:
    unit_id: str
    status: CaseStatus
    paused_from: str | None


def _read(src: BinaryIO, spill_dir: Path, limits: ImportLimits) -> tuple[BundleReader, list[Entry]]:
    reader_limits = ReaderLimits(
        max_entries=limits.max_entries, max_data_total=limits.max_reply_bytes
    )

    def spill() -> BinaryIO:
        # Anonymous (unlinked at once): nothing of a rejected bundle stays on disk.
        return tempfile.TemporaryFile(dir=spill_dir)

    reader = BundleReader(src, Kind.REPLY, spill, reader_limits)
    entries: list[Entry] = []
    try:
        entries.extend(reader.entries())
    except BaseException:
        _close(entries)
        raise
    return reader, entries


def _close(entries: list[Entry]) -> None:
    for entry in entries:
        with contextlib.suppress(OSError):
            entry.data.close()


def _registered_unit(db: Database, unit_id: str) -> Unit:
    try:
        return get_unit(db, unit_id)
    except NotFound:
        raise BundleError("unit_id", f"the unit_id {unit_id!r} is not a registered unit") from None


def _check_sequence(db: Database, unit_id: str, sequence: int) -> None:
    row = db.conn.execute(
        "SELECT last_sequence FROM reply_bundle_sequence WHERE unit_id = ?", [unit_id]
    ).fetchone()
    expected = (row[0] if row else 0) + 1
    if sequence < expected:
        raise BundleError("sequence", f"sequence {sequence} was already applied (replay)")
    if sequence != expected:
        raise BundleError("sequence", f"sequence {sequence} is not the next one ({expected})")


def _case(db: Database, states: dict[str, _CaseState], entry: Entry, unit_id: str) -> _CaseState:
    case_id = entry.meta["case_id"]
    if case_id not in states:
        row = db.conn.execute(
            "SELECT unit_id, status, paused_from FROM cases WHERE case_id = ?", [case_id]
        ).fetchone()
        if row is None:
            raise BundleError("case_unknown", f"entry {entry.number} is for an unknown case")
        states[case_id] = _CaseState(row[0], CaseStatus(row[1]), row[2])
    state = states[case_id]
    if state.unit_id != unit_id:
        raise BundleError("case_unit", f"entry {entry.number} is for a case of another unit")
    return state


def _check_status(state: _CaseState, entry: Entry) -> None:
    """Check one transition against the state the entries before it left; advance it."""
    meta = entry.meta
    try:
        new = CaseStatus(meta["status"])
    except ValueError:
        raise BundleError(
            "status", f"entry {entry.number}'s status is not a lifecycle state"
        ) from None
    try:
        lifecycle.check_transition(
            state.status,
            new,
            outcome=meta["outcome"],
            reason=meta["reason"],
            target=meta["target"],
            paused_from=state.paused_from,
        )
    except (lifecycle.IllegalTransition, VaultError) as illegal:
        raise BundleError(
            "transition",
            f"entry {entry.number} is an illegal status transition: {illegal.user_message}",
        ) from None
    state.paused_from = state.status.value if new is CaseStatus.PERLU_INFORMASI else None
    state.status = new


def _check_template(unit: Unit, key: VerifyKey, entry: Entry) -> None:
    meta = entry.meta
    try:
        verify_template(
            key, unit.unit_id, meta["template_id"], meta["text"], b64u_decode(meta["signature"])
        )
    except SignatureError:
        raise BundleError(
            "template_signature", f"entry {entry.number}'s template signature does not verify"
        ) from None


def _check_entries(
    db: Database, unit: Unit, key: VerifyKey, entries: list[Entry], batch: ItemBatch
) -> None:
    states: dict[str, _CaseState] = {}
    for entry in entries:
        if entry.type == TEMPLATE:
            _check_template(unit, key, entry)
            continue
        if entry.type == QUARANTINE:
            continue  # recorded as reported, even for a case id this vault does not know
        state = _case(db, states, entry, unit.unit_id)
        if entry.type == STATUS:
            _check_status(state, entry)
            continue
        item_id = entry.meta["item_id"]
        if db.conn.execute("SELECT 1 FROM envelopes WHERE item_id = ?", [item_id]).fetchone():
            raise BundleError("item_exists", f"entry {entry.number}'s item_id already exists")
        try:
            batch.add_inline(item_id, "reply", entry.data.read())
        except VaultError:
            raise BundleError(
                "envelope_shape", f"entry {entry.number} is not a plausible reply envelope"
            ) from None


def apply_status(
    db: Database, case_id: str, meta: dict[str, Any], *, actor: str, today: dt.date
) -> None:
    """The one place a reply bundle's status change is applied (inside the caller's transaction)."""
    lifecycle.change_status(
        db,
        case_id,
        meta["status"],
        actor=actor,
        outcome=meta["outcome"],
        reason=meta["reason"],
        target=meta["target"],
        today=today,
    )


def _apply(
    db: Database,
    unit_id: str,
    sequence: int,
    entries: list[Entry],
    batch: ItemBatch,
    *,
    actor: str,
    today: dt.date,
) -> None:
    day = today.isoformat()
    with write_transaction(db):
        lock_row(db, "units", "unit_id", unit_id)  # the unit's reply-bundle sequence
        _check_sequence(db, unit_id, sequence)  # again, under the write lock
        rows = batch.rows("", "unit", day, 0)
        by_item = {row["item_id"]: row for row in rows}
        for entry in entries:
            meta = entry.meta
            if entry.type == REPLY:
                row = by_item[meta["item_id"]]
                row["case_id"] = meta["case_id"]
                row["seq"] = db.conn.execute(
                    "SELECT coalesce(max(seq), 0) + 1 FROM envelopes WHERE case_id = ?",
                    [meta["case_id"]],
                ).fetchone()[0]
                insert_envelope_rows(db, [row])
            elif entry.type == STATUS:
                apply_status(db, meta["case_id"], meta, actor=actor, today=today)
            elif entry.type == QUARANTINE:
                quarantine_notes.record(db, unit_id, sequence, meta, day)
            else:
                db.conn.execute(
                    "INSERT INTO ack_templates (unit_id, template_id, text, signature, day)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (unit_id, template_id) DO UPDATE SET"
                    " text = excluded.text, signature = excluded.signature, day = excluded.day",
                    [
                        unit_id,
                        meta["template_id"],
                        meta["text"],
                        b64u_decode(meta["signature"]),
                        day,
                    ],
                )
        batch.store(db)
        db.conn.execute(
            "INSERT INTO reply_bundle_sequence (unit_id, last_sequence, day) VALUES (?, ?, ?)"
            " ON CONFLICT (unit_id) DO UPDATE SET last_sequence = excluded.last_sequence,"
            " day = excluded.day",
            [unit_id, sequence, day],
        )
        counts = _counts(entries)
        audit_log.append(
            db,
            actor=actor,
            action="import",
            subject=unit_id,
            detail={"sequence": sequence, **counts},
            today=today,
        )


def _counts(entries: list[Entry]) -> dict[str, int]:
    return {
        "replies": sum(entry.type == REPLY for entry in entries),
        "status_changes": sum(entry.type == STATUS for entry in entries),
        "templates": sum(entry.type == TEMPLATE for entry in entries),
        "quarantined": sum(entry.type == QUARANTINE for entry in entries),
    }


def import_reply_bundle(
    db: Database,
    new_batch: Callable[[], ItemBatch],
    src: BinaryIO,
    *,
    actor: str,
    today: dt.date,
    spill_dir: Path,
    limits: ImportLimits | None = None,
) -> ImportSummary:
    """Check a reply bundle completely, then apply all of it or nothing."""
    if not isinstance(actor, str) or not 1 <= len(actor) <= 32:
        raise BadInput("An import needs an actor (a username or 'system').", field="actor")
    reader, entries = _read(src, spill_dir, limits or ImportLimits())
    try:
        unit_id = reader.header["unit_id"]
        unit = _registered_unit(db, unit_id)
        key = VerifyKey.from_bytes(unit.ed25519_public_key)
        verify_signature(reader, key)
        sequence = reader.header["sequence"]
        _check_sequence(db, unit_id, sequence)
        batch = new_batch()
        _check_entries(db, unit, key, entries, batch)
        try:
            _apply(db, unit_id, sequence, entries, batch, actor=actor, today=today)
        except (sqlite3.IntegrityError, Conflict, NotFound) as clash:
            # Only a writer racing this import can get here (everything was checked).
            raise BundleError(
                "conflict", "the vault changed during the import; try again"
            ) from clash
        except lifecycle.IllegalTransition as illegal:
            raise BundleError(
                "transition", f"illegal status transition: {illegal.user_message}"
            ) from None
    finally:
        _close(entries)
    counts = _counts(entries)
    return ImportSummary(
        unit_id,
        sequence,
        counts["replies"],
        counts["status_changes"],
        counts["templates"],
        counts["quarantined"],
    )
