"""Importing an export bundle: hostile input, applied completely or not at all.

Steps (docs/spec/workstation-store-v1.md, "Import"):

1. :class:`crypto.bundle.BundleReader` checks framing, bounds, strict JSON,
   declared totals, duplicates, every SHA-256 and the trailer; entry data is
   spilled to files in a fresh folder under ``store/staging/`` named by random
   ids (nothing from the bundle ever names a file). Its running hash, checked
   against the trailer, is also the whole file's SHA-256 recorded in
   ``imports`` (:attr:`~crypto.bundle.BundleReader.file_sha256`): every byte
   is hashed twice (its entry's hash and the running one), not three times.
2. Here: the bundle's unit must be this workstation's; its ``export_seq``
   must follow the last one imported; a case must not change its reporter
   key or reference; statuses must be lifecycle states; an item already
   stored must have the same SHA-256; and every envelope must open with this
   unit's keys under its context (the plaintext goes to a sink that keeps
   nothing) -- an identity sealed to the attached custodian key is checked by
   its stanza key id instead, since its key is not here.
3. Only when every entry passed: the new staged files are linked into
   ``store/envelopes/`` and made durable together with their directory
   entries (:class:`workstation.durable.DurableBatch`: one ``syncfs``, or an
   fsync per file and one of the folder), then all rows are written in one
   SQLite transaction (``synchronous=FULL``). If the transaction fails the
   linked files are removed again; a crash in between leaves only
   unreferenced ciphertext, removed at the next open. So when
   :meth:`BundleImport.run` returns, every file and row is on disk; if it
   raises or the process dies, the store is as it was.

Why the flush waits for the commit: an fsync per envelope as it arrived
cost a third of an import (a journal commit each) and was wasted on a
bundle rejected later.
"""

from __future__ import annotations

import contextlib
import hmac
import os
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from crypto import envelope
from crypto.b64 import b64u_decode
from crypto.bundle import BundleError, BundleReader, Kind, ReaderLimits
from crypto.bundle_schema import CASE, ENVELOPE
from crypto.context import Context
from crypto.errors import DecryptionError, FormatError
from crypto.key_file import UnitKeys
from crypto.xwing import KEY_ID_SIZE, XWingPrivateKey, XWingPublicKey
from workstation.database import transaction
from workstation.durable import DurableBatch
from workstation.errors import BundleRejected
from workstation.lifecycle import STATUSES
from workstation.store import WorkstationStore

MAX_BUNDLE_ENTRIES = 200_000
MAX_BUNDLE_DATA = 64 << 30  # 64 GiB of envelopes in one bundle
AUTHORS = {
    "tip": "reporter",
    "attachment": "reporter",
    "identity": "reporter",
    "message": "reporter",
    "reply": "unit",
    "forward": "unit",
}


@dataclass
class ImportResult:
    export_seq: int
    new_cases: list[str] = field(default_factory=list)
    updated_cases: list[str] = field(default_factory=list)
    new_envelopes: int = 0
    known_envelopes: int = 0


class _Discard:
    """A sink for checking that an envelope opens: counts bytes, keeps none."""

    def write(self, data: bytes | memoryview) -> int:
        return len(data)


@dataclass
class _Staged:
    meta: dict[str, object]
    temp: Path
    name: str


def _stanza_key_ids(handle: BinaryIO) -> set[bytes]:
    handle.seek(0)
    head = handle.read(envelope.header_size(envelope.MAX_RECIPIENTS))
    start = len(envelope.MAGIC) + envelope.NONCE_SIZE
    count = head[start] if len(head) > start else 0
    ids = set()
    for index in range(count):
        offset = start + 1 + index * envelope.STANZA_SIZE + 1
        ids.add(head[offset : offset + KEY_ID_SIZE])
    return ids


class BundleImport:
    def __init__(
        self,
        store: WorkstationStore,
        keys: UnitKeys,
        xwing: list[XWingPrivateKey] | None = None,
        *,
        allow_gap: bool = False,
    ) -> None:
        """``xwing``: the unit's X-Wing keys if the caller already expanded them."""
        self.store = store
        self.keys = keys
        self.xwing = keys.xwing_keys() if xwing is None else xwing
        self.allow_gap = allow_gap

    def run(self, bundle: Path, today: str) -> ImportResult:
        staging = self.store.staging_dir / secrets.token_hex(16)
        staging.mkdir(mode=0o700)
        try:
            with bundle.open("rb") as src, DurableBatch(self.store.root) as durable:
                return self._run(src, staging, durable, today)
        except BundleError as bad:
            raise BundleRejected(
                bad.check, bad.user_message.removeprefix("bundle rejected: ")
            ) from None
        except OSError as failed:
            raise BundleRejected("read", f"cannot read the bundle: {failed.strerror}") from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _spill(self, staging: Path) -> BinaryIO:
        return (staging / secrets.token_hex(16)).open("x+b")

    def _run(self, src: BinaryIO, staging: Path, durable: DurableBatch, today: str) -> ImportResult:
        limits = ReaderLimits(MAX_BUNDLE_ENTRIES, MAX_BUNDLE_DATA, spill_threshold=0)
        spill = lambda: self._spill(staging)  # noqa: E731
        reader = BundleReader(src, Kind.EXPORT, spill, limits)
        header = reader.header
        self._check_header(header)
        cases: dict[str, dict[str, object]] = {}
        staged: list[_Staged] = []
        known = 0
        for entry in reader.entries():
            try:
                if entry.type == CASE:
                    self._check_case(entry.number, entry.meta)
                    cases[str(entry.meta["case_id"])] = entry.meta
                elif entry.type == ENVELOPE:
                    handle = entry.data.open()
                    if self._check_envelope(entry.number, entry.meta, handle, cases):
                        temp = Path(str(handle.name))
                        staged.append(_Staged(entry.meta, temp, secrets.token_hex(16)))
                    else:
                        known += 1
            finally:
                entry.data.close()
        return self._commit(header, reader.file_sha256, cases, staged, known, durable, today)

    # --- checks -----------------------------------------------------------

    def _check_header(self, header: dict[str, object]) -> None:
        if header["unit_id"] != self.store.unit_id:
            raise BundleRejected(
                "unit",
                f"the bundle is for unit {header['unit_id']!r}, this workstation "
                f"holds unit {self.store.unit_id!r}",
            )
        last = self.store.last_export_seq()
        export_seq, since = int(header["export_seq"]), int(header["since_seq"])  # type: ignore[call-overload]
        if export_seq <= last:
            raise BundleRejected(
                "export_seq", f"export {export_seq} is not newer than the last import ({last})"
            )
        if since != last and not self.allow_gap:
            raise BundleRejected(
                "export_seq",
                f"this export follows export {since}, but the last one imported here is {last}: "
                "import the missing bundle first",
            )

    def _check_case(self, number: int, meta: dict[str, object]) -> None:
        if meta["status"] not in STATUSES:
            raise BundleRejected("status", f"entry {number} has an unknown status")
        try:
            XWingPublicKey.from_bytes(b64u_decode(str(meta["reporter_public_key"])))
        except FormatError:
            raise BundleRejected(
                "reporter_key", f"entry {number}'s reporter key is not an X-Wing key"
            ) from None
        row = self.store.conn.execute(
            "SELECT reference, reporter_public_key FROM cases WHERE case_id = ?",
            (meta["case_id"],),
        ).fetchone()
        if row is not None and (
            row[0] != meta["reference"] or row[1] != b64u_decode(str(meta["reporter_public_key"]))
        ):
            raise BundleRejected(
                "case_changed", f"entry {number} changes a known case's reference or reporter key"
            )

    def _check_envelope(
        self,
        number: int,
        meta: dict[str, object],
        handle: BinaryIO,
        cases: dict[str, dict[str, object]],
    ) -> bool:
        """True if the envelope is new and valid; False if it is already stored.

        ``handle`` is the staged file the reader just wrote and hashed, at its
        start: it is opened from there, not from its name again.
        """
        kind = str(meta["kind"])
        if AUTHORS[kind] != meta["author"]:
            raise BundleRejected(
                "author", f"entry {number}: a {kind} is not written by {meta['author']}"
            )
        case_id = str(meta["case_id"])
        existing = self.store.conn.execute(
            "SELECT case_id, sha256 FROM envelopes WHERE item_id = ?"
            " UNION ALL SELECT case_id, NULL FROM outbox WHERE item_id = ?",
            (meta["item_id"], meta["item_id"]),
        ).fetchall()
        for row_case, row_sha in existing:
            if row_case != case_id or (row_sha is not None and row_sha != meta["sha256"]):
                raise BundleRejected(
                    "item_conflict", f"entry {number} reuses a stored item id with other content"
                )
        if any(row_sha is not None for _, row_sha in existing):
            return False
        context = Context(
            self.store.unit_id, bytes.fromhex(case_id), kind, bytes.fromhex(str(meta["item_id"]))
        )
        try:
            envelope.open_stream(handle, _Discard(), self.xwing, context)  # type: ignore[arg-type]
        except DecryptionError:
            if not self._sealed_to_custodian(kind, handle):
                raise BundleRejected(
                    "envelope",
                    f"entry {number} does not open with this unit's keys "
                    "(another unit's envelope, or altered)",
                ) from None
        return True

    def _sealed_to_custodian(self, kind: str, handle: BinaryIO) -> bool:
        custodian = self.keys.custodian_xwing_public_key
        if kind != "identity" or custodian is None:
            return False
        return any(hmac.compare_digest(i, custodian.key_id()) for i in _stanza_key_ids(handle))

    # --- commit -----------------------------------------------------------

    def _commit(
        self,
        header: dict[str, object],
        digest: str,
        cases: dict[str, dict[str, object]],
        staged: list[_Staged],
        known: int,
        durable: DurableBatch,
        today: str,
    ) -> ImportResult:
        export_seq = int(header["export_seq"])  # type: ignore[call-overload]
        result = ImportResult(export_seq, known_envelopes=known, new_envelopes=len(staged))
        target_dir = self.store.envelopes_dir
        placed: list[Path] = []
        conn = self.store.conn
        try:
            for item in staged:
                target = target_dir / item.name
                os.link(item.temp, target)  # fails if the name exists
                placed.append(target)
            durable.sync(placed, [target_dir])
            with transaction(conn):
                self._write_rows(header, digest, cases, staged, result, today)
        except BaseException:
            for path in placed:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
            raise
        return result

    def _write_rows(
        self,
        header: dict[str, object],
        digest: str,
        cases: dict[str, dict[str, object]],
        staged: list[_Staged],
        result: ImportResult,
        today: str,
    ) -> None:
        conn = self.store.conn
        export_seq = result.export_seq
        for case_id, meta in cases.items():
            known = conn.execute("SELECT 1 FROM cases WHERE case_id = ?", (case_id,)).fetchone()
            if known:
                conn.execute(
                    "UPDATE cases SET status = ?, status_day = ? WHERE case_id = ?",
                    (meta["status"], meta["status_day"], case_id),
                )
                conn.execute(
                    "UPDATE outbox SET settled = 1 WHERE case_id = ? AND type = 'status'"
                    " AND bundle_seq IS NOT NULL",
                    (case_id,),
                )
                result.updated_cases.append(str(meta["reference"]))
            else:
                conn.execute(
                    "INSERT INTO cases (case_id, reference, status, submitted_day, status_day,"
                    " reporter_public_key, first_export) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        case_id,
                        meta["reference"],
                        meta["status"],
                        meta["submitted"],
                        meta["status_day"],
                        b64u_decode(str(meta["reporter_public_key"])),
                        export_seq,
                    ),
                )
                result.new_cases.append(str(meta["reference"]))
        for item in staged:
            meta = item.meta
            seq = conn.execute(
                "SELECT coalesce(max(seq), 0) + 1 FROM envelopes WHERE case_id = ?",
                (meta["case_id"],),
            ).fetchone()[0]
            conn.execute(
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
                    item.name,
                    export_seq,
                ),
            )
        conn.execute(
            "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                export_seq,
                header["since_seq"],
                header["created"],
                today,
                digest,
                header["cases"],
                header["envelopes"],
            ),
        )
