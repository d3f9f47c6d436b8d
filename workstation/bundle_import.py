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
import os
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from crypto import questionnaire_doc
from crypto.b64 import b64u_decode
from crypto.bundle import BundleError, BundleReader, Kind, ReaderLimits
from crypto.bundle_schema import CASE, ENVELOPE, QUESTIONNAIRE
from crypto.key_file import UnitKeys
from crypto.questionnaire_doc import QuestionnaireError
from crypto.xwing import XWingPrivateKey
from workstation.durable import DurableBatch
from workstation.entry_checks import EntryChecks, Failure
from workstation.errors import BundleRejected
from workstation.held_rows import Quarantined
from workstation.store import WorkstationStore

MAX_BUNDLE_ENTRIES = 200_000
MAX_BUNDLE_DATA = 64 << 30  # 64 GiB of envelopes in one bundle


@dataclass
class ImportResult:
    export_seq: int
    new_cases: list[str] = field(default_factory=list)
    updated_cases: list[str] = field(default_factory=list)
    new_envelopes: int = 0
    known_envelopes: int = 0
    quarantined: list[Quarantined] = field(default_factory=list)
    released: int = 0


@dataclass
class _Case:
    meta: dict[str, object]
    known: bool
    key: bytes
    failure: Failure | None


@dataclass
class _Staged:
    meta: dict[str, object]
    temp: Path
    name: str
    failure: Failure | None = None


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
        self.checks = EntryChecks(store, keys, self.xwing)
        self._forms: dict[str, tuple[int, bytes]] = {}

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
        cases: dict[str, _Case] = {}
        staged: list[_Staged] = []
        forms: dict[str, tuple[int, bytes]] = {}
        known = 0
        for entry in reader.entries():
            try:
                if entry.type == QUESTIONNAIRE:
                    forms[str(entry.meta["digest"])] = _questionnaire(entry.meta, entry.data.open())
                elif entry.type == CASE:
                    cases[str(entry.meta["case_id"])] = self._case(entry.meta)
                elif entry.type == ENVELOPE:
                    handle = entry.data.open()
                    case = cases[str(entry.meta["case_id"])]
                    item = _Staged(entry.meta, Path(str(handle.name)), secrets.token_hex(16))
                    verdict = self._check_envelope(item, handle, case)
                    if verdict == "known":
                        known += 1
                    else:
                        staged.append(item)
            finally:
                entry.data.close()
        held = self._resolve(cases, staged)
        self._forms = forms
        return self._commit(header, reader.file_sha256, cases, staged, held, known, durable, today)

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

    def _case(self, meta: dict[str, object]) -> _Case:
        failure = self.checks.case(meta)
        known = self.store.known_case(str(meta["case_id"]))
        if known is not None:
            return _Case(meta, True, known[1], failure)
        key = b"" if failure else b64u_decode(str(meta["reporter_public_key"]))
        return _Case(meta, False, key, failure)

    def _check_envelope(self, item: _Staged, handle: BinaryIO, case: _Case) -> str:
        """``known`` (stored already), ``new``, or ``held`` (``item.failure`` says why).

        ``handle`` is the staged file the reader just wrote and hashed: it is
        opened from there, not from its name again.
        """
        verdict = self.checks.stored(item.meta)
        if verdict == "known":
            return "known"
        if isinstance(verdict, Failure):
            item.failure = verdict
        elif case.failure is not None:
            item.failure = Failure(
                case.failure.check, "its case entry failed: " + case.failure.detail
            )
        else:
            item.failure = self.checks.opens(item.meta, handle, case.key)
        return "new" if item.failure is None else "held"

    def _resolve(self, cases: dict[str, _Case], staged: list[_Staged]) -> list[_Staged]:
        """Hold every item of a case that cannot be created; return case entries held alone.

        A case new to this workstation is created only with a tip that opened
        and names its reporter key. Without one, its other items wait in
        quarantine (they open under the case's context, but nothing ties the
        case to a reporter yet) until a re-export or a retry brings the tip.
        """
        alone: list[_Staged] = []
        by_case: dict[str, list[_Staged]] = {}
        for item in staged:
            by_case.setdefault(str(item.meta["case_id"]), []).append(item)
        for case_id, case in cases.items():
            items = by_case.get(case_id, [])
            if case.failure is None and not case.known:
                tips = [i for i in items if i.meta["kind"] == "tip"]
                if not any(i.failure is None for i in tips):
                    bad_tip = next((i.failure for i in tips if i.failure), None)
                    case.failure = (
                        Failure("tip", "the case's tip did not verify: " + bad_tip.detail)
                        if bad_tip
                        else Failure(
                            "case_unknown",
                            "the case is not on this workstation and its tip is not in this "
                            "export: have the case exported again from the console",
                        )
                    )
                    for item in items:
                        if item.failure is None:
                            item.failure = case.failure
            if case.failure is not None and not any(i.failure for i in items):
                alone.append(_Staged(_case_only(case.meta), Path(), "", case.failure))
        return alone

    # --- commit -----------------------------------------------------------

    def _commit(
        self,
        header: dict[str, object],
        digest: str,
        cases: dict[str, _Case],
        staged: list[_Staged],
        alone: list[_Staged],
        known: int,
        durable: DurableBatch,
        today: str,
    ) -> ImportResult:
        export_seq = int(header["export_seq"])  # type: ignore[call-overload]
        held_rows = self.store.held
        fresh = [i for i in staged if i.failure is None]
        held = [
            i
            for i in staged + alone
            if i.failure is not None and not held_rows.held_copy(i.meta, i.failure.check)
        ]
        known += len(staged) - len(fresh) - len([i for i in held if i.meta["kind"] != "case"])
        result = ImportResult(export_seq, known_envelopes=known, new_envelopes=len(fresh))
        placed: list[Path] = []
        try:
            for item in fresh + held:
                if not item.name:
                    continue
                folder = (
                    self.store.envelopes_dir if item.failure is None else self.store.quarantine_dir
                )
                target = folder / item.name
                os.link(item.temp, target)  # fails if the name exists
                placed.append(target)
            durable.sync(placed, [self.store.envelopes_dir, self.store.quarantine_dir])
            with self.store.transaction():
                self._write_rows(header, digest, cases, fresh, result, today)
                for item in held:
                    failure = item.failure or Failure("internal", "")  # held: never None
                    meta = dict(item.meta)
                    meta["file"] = item.name or None
                    case_meta = cases[str(meta["case_id"])].meta
                    result.quarantined.append(
                        held_rows.hold(
                            meta, case_meta, export_seq, today, failure.check, failure.detail
                        )
                    )
                gone = held_rows.release_copies([i.meta for i in fresh], today)
                result.released = len(gone)
        except BaseException:
            for path in placed:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
            raise
        for name in gone:
            with contextlib.suppress(FileNotFoundError):
                (self.store.quarantine_dir / name).unlink()
        return result

    def _write_rows(
        self,
        header: dict[str, object],
        digest: str,
        cases: dict[str, _Case],
        staged: list[_Staged],
        result: ImportResult,
        today: str,
    ) -> None:
        store = self.store
        export_seq = result.export_seq
        for case_id, case in cases.items():
            if case.failure is not None:
                continue
            meta = case.meta
            if case.known:
                store.update_case_status(case_id, meta["status"], meta["status_day"])
                result.updated_cases.append(str(meta["reference"]))
            else:
                store.add_case(meta, export_seq)
                result.new_cases.append(str(meta["reference"]))
        for item in staged:
            store.add_envelope(item.meta, item.name, export_seq)
        for form_digest, (version, data) in self._forms.items():
            store.add_questionnaire(form_digest, version, data, export_seq)
        store.record_import({**header, "export_seq": export_seq}, digest, today)


def _questionnaire(meta: dict[str, object], handle: BinaryIO) -> tuple[int, bytes]:
    """A questionnaire entry's version and canonical bytes (the reader checked the hash)."""
    data = handle.read(questionnaire_doc.MAX_BYTES + 1)
    try:
        document = questionnaire_doc.load(data, str(meta["digest"]))
    except QuestionnaireError:
        raise BundleRejected(
            "questionnaire", "a questionnaire version in the bundle is not valid"
        ) from None
    if document["version"] != meta["version"]:
        raise BundleRejected("questionnaire", "a questionnaire version is not what its entry says")
    return int(meta["version"]), data  # type: ignore[call-overload]


def _case_only(meta: dict[str, object]) -> dict[str, object]:
    """A quarantine row's metadata for a case entry that failed with no envelope of its own."""
    return {
        "case_id": meta["case_id"],
        "item_id": None,
        "kind": "case",
        "author": None,
        "day": meta["status_day"],
        "size": None,
        "sha256": None,
    }
