"""The workstation's local store (docs/spec/workstation-store-v1.md).

``<workstation>/store/`` holds ``workstation.sqlite`` (metadata only) and
``envelopes/`` (each envelope's ciphertext exactly as it arrived, under a
fresh random file name). ``staging/`` is where an import writes before it
commits; it is emptied on open. Nothing here is plaintext except public
metadata the online server also knows (references, statuses, days, kinds,
padded sizes); triage is sealed with :class:`workstation.local_key.LocalKey`.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from crypto import questionnaire_doc
from crypto.b64 import b64u_decode
from workstation.database import connect, migrate, transaction
from workstation.errors import UnknownCase, UnknownItem, WorkstationError
from workstation.held_rows import HeldRows
from workstation.outbox import Outbox

STORE_DIR = "store"
DB_FILE = "workstation.sqlite"
ENVELOPES_DIR = "envelopes"
QUARANTINE_DIR = "quarantine"
STAGING_DIR = "staging"


@dataclass(frozen=True)
class CaseRow:
    case_id: str
    reference: str
    status: str
    submitted_day: str
    status_day: str
    reporter_public_key: bytes
    triage: bytes | None


@dataclass(frozen=True)
class EnvelopeRow:
    item_id: str
    case_id: str
    seq: int
    kind: str
    author: str
    day: str
    size: int
    sha256: str
    file: str


@dataclass(frozen=True)
class NewForward:
    """A forwarding to record (workstation/forwarding.py): to whom, what, the file's hash."""

    case_id: str
    day: str
    to_unit_id: str
    to_fingerprint: str
    target: str
    fields: tuple[str, ...]
    identity: bool
    sha256: str


@dataclass(frozen=True)
class ForwardRecord:
    seq: int
    case_id: str
    day: str
    to_unit_id: str
    to_fingerprint: str
    target: str
    fields: tuple[str, ...]
    identity: bool


class WorkstationStore:
    """Metadata in SQLite, ciphertext in files. One instance per session.

    The only way to the database: nothing outside the store modules (this
    one, :mod:`workstation.outbox`, :mod:`workstation.held_rows` and
    :mod:`workstation.database`) holds the connection (tests/test_layering.py).
    Writes that must land together (an import, a quarantine retry, a reply
    bundle) call the "in the caller's transaction" methods inside
    :meth:`transaction`.
    """

    def __init__(self, folder: Path, unit_id: str) -> None:
        self.root = folder / STORE_DIR
        for path in (self.root, self.envelopes_dir, self.quarantine_dir, self.staging_dir):
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.clear_staging()
        self._conn: sqlite3.Connection = connect(self.root / DB_FILE)
        migrate(self._conn)
        self.outbox = Outbox(self._conn)
        self.held = HeldRows(self._conn)
        stored = self.meta("unit_id")
        if stored is None:
            with transaction(self._conn):
                self._conn.execute("INSERT INTO meta VALUES ('unit_id', ?)", (unit_id,))
        elif stored != unit_id:
            self._conn.close()
            raise WorkstationError(f"this store belongs to unit {stored!r}, not {unit_id!r}")
        self.unit_id = unit_id
        self._remove_orphans()

    def _remove_orphans(self) -> None:
        """Remove envelope and quarantine files no row names (left by a crash during an import)."""
        for folder, table in (
            (self.envelopes_dir, "envelopes"),
            (self.quarantine_dir, "quarantine"),
        ):
            named = {row[0] for row in self._conn.execute(f"SELECT file FROM {table}")}  # noqa: S608
            for entry in folder.iterdir():
                if entry.name not in named:
                    entry.unlink()

    @property
    def envelopes_dir(self) -> Path:
        return self.root / ENVELOPES_DIR

    @property
    def quarantine_dir(self) -> Path:
        return self.root / QUARANTINE_DIR

    @property
    def staging_dir(self) -> Path:
        return self.root / STAGING_DIR

    def close(self) -> None:
        self._conn.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT`` around the caller's writes; rolled back on error."""
        with transaction(self._conn):
            yield

    def clear_staging(self) -> None:
        """Remove whatever an interrupted import left behind."""
        for entry in self.staging_dir.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()

    # --- meta -----------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """A unit setting (``report_layout``); ``unit_id`` is fixed when the store is made."""
        if key == "unit_id":
            raise WorkstationError("the store's unit cannot be changed")
        with transaction(self._conn):
            self._conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def last_export_seq(self) -> int:
        row = self._conn.execute("SELECT max(export_seq) FROM imports").fetchone()
        return int(row[0] or 0)

    # --- cases ----------------------------------------------------------------

    def cases(self) -> list[CaseRow]:
        rows = self._conn.execute(
            "SELECT case_id, reference, status, submitted_day, status_day, reporter_public_key,"
            " triage FROM cases ORDER BY submitted_day, reference"
        ).fetchall()
        return [CaseRow(*row) for row in rows]

    def case(self, ref_or_id: str) -> CaseRow:
        """A case by its reference (``WBS-2026-0042``, any case) or its 32-hex id.

        ``reference_key`` is ``upper(reference)`` kept by SQLite (migration
        0003) with an index, so both terms of the OR are index searches.
        """
        row = self._conn.execute(
            "SELECT case_id, reference, status, submitted_day, status_day, reporter_public_key,"
            " triage FROM cases WHERE case_id = ? OR reference_key = upper(?)",
            (ref_or_id.lower(), ref_or_id),
        ).fetchone()
        if row is None:
            raise UnknownCase(f"no case {ref_or_id!r} on this workstation")
        return CaseRow(*row)

    def questionnaire(self, digest: object) -> dict[str, Any] | None:
        """The stored questionnaire version with this id (checked on import), or ``None``."""
        if not isinstance(digest, str):
            return None
        row = self._conn.execute(
            "SELECT document FROM questionnaire_versions WHERE digest = ?", (digest,)
        ).fetchone()
        return None if row is None else questionnaire_doc.load(bytes(row[0]), digest)

    def known_case(self, case_id: str) -> tuple[str, bytes] | None:
        """A stored case's reference and reporter key, or ``None`` if it is not here."""
        row = self._conn.execute(
            "SELECT reference, reporter_public_key FROM cases WHERE case_id = ?", (case_id,)
        ).fetchone()
        return None if row is None else (str(row[0]), bytes(row[1]))

    def set_triage(self, case_id: str, sealed: bytes) -> None:
        with transaction(self._conn):
            self._conn.execute("UPDATE cases SET triage = ? WHERE case_id = ?", (sealed, case_id))

    # --- envelopes ------------------------------------------------------------

    def envelopes(self, case_id: str) -> list[EnvelopeRow]:
        rows = self._conn.execute(
            "SELECT item_id, case_id, seq, kind, author, day, size, sha256, file"
            " FROM envelopes WHERE case_id = ? ORDER BY seq",
            (case_id,),
        ).fetchall()
        return [EnvelopeRow(*row) for row in rows]

    def envelope_counts(self) -> dict[str, int]:
        """Envelopes per case, in one query (a case list shows them all at once)."""
        rows = self._conn.execute("SELECT case_id, count(*) FROM envelopes GROUP BY case_id")
        return {str(case_id): int(count) for case_id, count in rows}

    def envelope(self, case_id: str, item: str) -> EnvelopeRow:
        """An envelope by item id, or by its 1-based position in the case (``3``)."""
        rows = self.envelopes(case_id)
        if item.isdigit() and 1 <= int(item) <= len(rows):
            return rows[int(item) - 1]
        for row in rows:
            if row.item_id == item.lower():
                return row
        raise UnknownItem(f"no item {item!r} in this case")

    def item_uses(self, item_id: object) -> list[tuple[str, str | None]]:
        """Where an item id is taken: (case, sha256) of an envelope, (case, None) in the outbox."""
        rows = self._conn.execute(
            "SELECT case_id, sha256 FROM envelopes WHERE item_id = ?", (item_id,)
        ).fetchall()
        stored = [(str(r[0]), r[1]) for r in rows]
        return stored + [(case_id, None) for case_id in self.outbox.cases_of_item(item_id)]

    @contextlib.contextmanager
    def ciphertext(self, row: EnvelopeRow) -> Iterator[BinaryIO]:
        """The envelope file, opened read-only without following a symlink."""
        fd = os.open(self.envelopes_dir / row.file, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as handle:
            yield handle

    # --- identity log ---------------------------------------------------------

    def log_identity_opening(self, case_id: str, item_id: str, day: str, opened_with: str) -> None:
        with transaction(self._conn):
            self._conn.execute(
                "INSERT INTO identity_log (case_id, item_id, day, opened_with) VALUES (?, ?, ?, ?)",
                (case_id, item_id, day, opened_with),
            )

    def identity_log(self) -> list[tuple[int, str, str, str, str]]:
        rows = self._conn.execute(
            "SELECT seq, case_id, item_id, day, opened_with FROM identity_log ORDER BY seq"
        ).fetchall()
        return [(r[0], r[1], r[2], r[3], r[4]) for r in rows]

    # --- forwards -------------------------------------------------------------

    def record_forward(self, record: NewForward) -> None:
        with transaction(self._conn):
            self._conn.execute(
                "INSERT INTO forwards (case_id, day, to_unit_id, to_fingerprint, target, fields,"
                " identity, sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (record.case_id, record.day, record.to_unit_id, record.to_fingerprint,
                 record.target, json.dumps(list(record.fields)), int(record.identity),
                 record.sha256),
            )  # fmt: skip

    def forwards(self, case_id: str | None = None) -> list[ForwardRecord]:
        """Forwardings recorded (of one case, or all), oldest first."""
        rows = self._conn.execute(
            "SELECT seq, case_id, day, to_unit_id, to_fingerprint, target, fields, identity"
            " FROM forwards WHERE ? IS NULL OR case_id = ? ORDER BY seq",
            (case_id, case_id),
        ).fetchall()
        return [
            ForwardRecord(r[0], r[1], r[2], r[3], r[4], r[5], tuple(json.loads(r[6])), bool(r[7]))
            for r in rows
        ]

    # --- rows written by an import or a quarantine retry (in the caller's transaction)

    def add_case(self, meta: dict[str, object], export_seq: int) -> None:
        self._conn.execute(
            "INSERT INTO cases (case_id, reference, status, submitted_day, status_day,"
            " reporter_public_key, first_export) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                meta["case_id"],
                meta["reference"],
                meta["status"],
                meta["submitted"],
                meta["status_day"],
                b64u_decode(str(meta["reporter_public_key"])),
                export_seq,
            ),
        )

    def update_case_status(self, case_id: str, status: object, status_day: object) -> None:
        """An export shows a known case's online status (and settles what was sent)."""
        self._conn.execute(
            "UPDATE cases SET status = ?, status_day = ? WHERE case_id = ?",
            (status, status_day, case_id),
        )
        self.outbox.settle(case_id)

    def add_envelope(self, meta: dict[str, object], name: str, export_seq: int) -> None:
        seq = self._conn.execute(
            "SELECT coalesce(max(seq), 0) + 1 FROM envelopes WHERE case_id = ?",
            (meta["case_id"],),
        ).fetchone()[0]
        self._conn.execute(
            "INSERT INTO envelopes (item_id, case_id, seq, kind, author, day, size, sha256,"
            " file, export_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                meta["item_id"],
                meta["case_id"],
                seq,
                meta["kind"],
                meta["author"],
                meta["day"],
                meta["size"],
                meta["sha256"],
                name,
                export_seq,
            ),
        )

    def add_questionnaire(self, digest: str, version: object, data: bytes, export_seq: int) -> None:
        """A questionnaire version an export carried (kept once, by its digest)."""
        self._conn.execute(
            "INSERT INTO questionnaire_versions VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (digest, version, data, export_seq),
        )

    def record_import(self, header: dict[str, object], digest: str, today: str) -> None:
        """The export bundle just imported: its sequence, counts and hash."""
        self._conn.execute(
            "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                header["export_seq"],
                header["since_seq"],
                header["created"],
                today,
                digest,
                header["cases"],
                header["envelopes"],
            ),
        )
