"""Export bundles: new and changed cases of one unit, for the workstation (bundles-v1.md).

A case goes into an export when it has envelopes no export carried yet, or a
status event newer than the one its last export showed, or was never
exported, or an inspector asked for it again (:mod:`vault.reexport`: then
ALL its envelopes go, exported before or not). Its not-yet-exported
envelopes go with it, streamed from their pieces in the database into the
bundle, one piece at a time (each envelope is read twice: once for its
SHA-256, which the entry's meta carries before the data, then to copy it).

What was exported is recorded only after the bundle is completely written
and fsynced (and, through ``on_written``, published by the caller): an
export that fails midway changes nothing and is simply run again. The
record holds ids, counts and the day, nothing about reporters; the audit
log gets one "export" entry with the counts. Every questionnaire version the
unit published goes first, in every export (the server cannot see which
version a sealed tip names; they are small).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO, cast

from sqlite_utils import Database

from crypto.b64 import b64u_encode
from crypto.bundle_schema import CASE, ENVELOPE, EXPORT_FORMAT, QUESTIONNAIRE, VERSION, Kind
from crypto.bundle_writer import BundleWriter
from vault import audit_log, questionnaires, reexport
from vault.blob_store import PieceReader
from vault.database import lock_row, write_transaction
from vault.errors import BadInput, Conflict, VaultError
from vault.units import get_unit

HASH_BLOCK = 1 << 16


@dataclass(frozen=True)
class ExportSummary:
    unit_id: str
    export_seq: int
    since_seq: int
    day: str
    cases: int
    envelopes: int
    bytes: int


@dataclass(frozen=True)
class _Envelope:
    item_id: str
    case_id: str
    kind: str
    author: str
    size: int
    day: str


@dataclass(frozen=True)
class _Plan:
    since_seq: int
    cases: list[dict[str, Any]]
    envelopes: list[_Envelope]
    reexported: set[str]


def _plan(db: Database, unit_id: str) -> _Plan:
    """One consistent read of what is new or changed since the last export."""
    conn = db.conn
    conn.execute("BEGIN")
    try:
        since = conn.execute(
            "SELECT coalesce(max(export_seq), 0) FROM bundle_exports WHERE unit_id = ?", [unit_id]
        ).fetchone()[0]
        again = reexport.marked(db, unit_id)
        envelopes = [
            _Envelope(*row)
            for row in conn.execute(
                "SELECT e.item_id, e.case_id, e.kind, e.author, e.size, e.day"
                " FROM envelopes e JOIN cases c ON c.case_id = e.case_id"
                " WHERE c.unit_id = ?"
                " AND (e.item_id NOT IN (SELECT item_id FROM exported_envelopes)"
                " OR c.case_id IN (SELECT case_id FROM reexport_cases))"
                " ORDER BY c.submitted_day, c.reference, e.seq",
                [unit_id],
            )
        ]
        pending = {envelope.case_id for envelope in envelopes} | again
        columns = ("case_id", "reference", "status", "submitted_day", "status_day", "key", "seq")
        cases = []
        for row in conn.execute(
            "SELECT c.case_id, c.reference, c.status, c.submitted_day, c.status_day,"
            " c.reporter_public_key,"
            " (SELECT coalesce(max(s.seq), 0) FROM status_events s WHERE s.case_id = c.case_id),"
            " x.status_seq"
            " FROM cases c LEFT JOIN exported_cases x ON x.case_id = c.case_id"
            " WHERE c.unit_id = ? ORDER BY c.submitted_day, c.reference",
            [unit_id],
        ):
            case = dict(zip(columns, row[:-1], strict=True))
            exported_status = row[-1]
            if (
                case["case_id"] in pending
                or exported_status is None
                or case["seq"] > exported_status
            ):
                cases.append(case)
    finally:
        conn.execute("COMMIT")
    return _Plan(since, cases, envelopes, again)


def _sha256(db: Database, envelope: _Envelope) -> str:
    digest = hashlib.sha256()
    size = 0
    with PieceReader(db, envelope.item_id) as source:
        while block := source.read(HASH_BLOCK):
            digest.update(block)
            size += len(block)
    if size != envelope.size:
        raise VaultError("A stored envelope does not have its recorded size.")
    return digest.hexdigest()


def _write(out: BinaryIO, db: Database, unit_id: str, seq: int, day: str, plan: _Plan) -> int:
    total = sum(envelope.size for envelope in plan.envelopes)
    header = {
        "format": EXPORT_FORMAT,
        "version": VERSION,
        "unit_id": unit_id,
        "export_seq": seq,
        "created": day,
        "since_seq": plan.since_seq,
        "cases": len(plan.cases),
        "envelopes": len(plan.envelopes),
        "bytes": total,
    }
    writer = BundleWriter(out, Kind.EXPORT, header)
    for published in questionnaires.versions(db, unit_id):
        meta = {"version": published.version, "digest": published.digest}
        writer.add(QUESTIONNAIRE, meta, published.canonical)
    by_case: dict[str, list[_Envelope]] = {}
    for envelope in plan.envelopes:
        by_case.setdefault(envelope.case_id, []).append(envelope)
    for case in plan.cases:
        meta = {
            "case_id": case["case_id"],
            "reference": case["reference"],
            "status": case["status"],
            "submitted": case["submitted_day"],
            "status_day": case["status_day"],
            "reporter_public_key": b64u_encode(case["key"]),
        }
        writer.add(CASE, meta)
        for envelope in by_case.get(case["case_id"], []):
            meta = {
                "case_id": envelope.case_id,
                "item_id": envelope.item_id,
                "kind": envelope.kind,
                "author": envelope.author,
                "day": envelope.day,
                "size": envelope.size,
                "sha256": _sha256(db, envelope),
            }
            with PieceReader(db, envelope.item_id) as handle:
                writer.add(ENVELOPE, meta, cast(BinaryIO, handle), envelope.size)
    writer.finish()
    out.flush()
    with contextlib.suppress(AttributeError, OSError, ValueError):
        os.fsync(out.fileno())  # a real file must be on disk before the export is recorded
    return total


def _record(
    db: Database,
    unit_id: str,
    seq: int,
    day: str,
    plan: _Plan,
    total: int,
    actor: str,
    today: dt.date,
) -> None:
    with write_transaction(db):
        lock_row(db, "units", "unit_id", unit_id)  # the unit's export sequence
        last = db.conn.execute(
            "SELECT coalesce(max(export_seq), 0) FROM bundle_exports WHERE unit_id = ?", [unit_id]
        ).fetchone()[0]
        if last != plan.since_seq:
            raise Conflict("Another export of this unit ran at the same time; export again.")
        db.conn.execute(
            "INSERT INTO bundle_exports (unit_id, export_seq, day, cases, envelopes, bytes)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [unit_id, seq, day, len(plan.cases), len(plan.envelopes), total],
        )
        db.conn.executemany(
            "INSERT INTO exported_envelopes (item_id, unit_id, export_seq) VALUES (?, ?, ?)"
            " ON CONFLICT (item_id) DO UPDATE SET export_seq = excluded.export_seq",
            [(envelope.item_id, unit_id, seq) for envelope in plan.envelopes],
        )
        reexport.clear(db, plan.reexported)
        db.conn.executemany(
            "INSERT INTO exported_cases (case_id, unit_id, export_seq, status_seq)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (case_id) DO UPDATE SET"
            " export_seq = excluded.export_seq, status_seq = excluded.status_seq",
            [(case["case_id"], unit_id, seq, case["seq"]) for case in plan.cases],
        )
        audit_log.append(
            db,
            actor=actor,
            action="export",
            subject=unit_id,
            detail={
                "export_seq": seq,
                "cases": len(plan.cases),
                "envelopes": len(plan.envelopes),
                **({"reexported": len(plan.reexported)} if plan.reexported else {}),
            },
            today=today,
        )


def export_bundle(
    db: Database,
    unit_id: str,
    out: BinaryIO,
    *,
    actor: str,
    today: dt.date,
    on_written: Callable[[], None] | None = None,
) -> ExportSummary:
    """Write the unit's next export bundle to ``out``; record it once it is on disk.

    ``on_written`` runs after the bundle is written and fsynced and before
    the export is recorded (the CLI renames its temporary file there); if it
    raises, nothing is recorded.
    """
    if not isinstance(actor, str) or not 1 <= len(actor) <= 32:
        raise BadInput("An export needs an actor (a username or 'system').", field="actor")
    get_unit(db, unit_id)  # NotFound for an unknown unit
    day = today.isoformat()
    plan = _plan(db, unit_id)
    seq = plan.since_seq + 1
    total = _write(out, db, unit_id, seq, day, plan)
    if on_written is not None:
        on_written()
    _record(db, unit_id, seq, day, plan, total, actor, today)
    return ExportSummary(
        unit_id, seq, plan.since_seq, day, len(plan.cases), len(plan.envelopes), total
    )
