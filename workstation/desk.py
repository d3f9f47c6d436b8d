"""The workstation's service layer: what the CLI and the local UI both call.

::

    desk = Desk.open(folder, SecretStr(passphrase))   # WrongPassphrase if wrong
    try:
        desk.import_bundle(path)                      # ImportResult or BundleRejected
        desk.quarantine()                             # [Quarantined]: entries held back
        desk.retry_quarantine([3])                    # check held entries again (None: all)
        desk.cases()                                  # [CaseSummary]
        desk.case("WBS-2026-0001")                    # CaseView (identity closed)
        desk.open_identity("WBS-2026-0001", custodian=(dir2, SecretStr(...)))
        desk.save_attachment("WBS-2026-0001", "3", Path("out.pdf"))
        desk.set_triage("WBS-2026-0001", Triage(urgency="segera"))
        desk.queue_reply("WBS-2026-0001", "text")     # sealed + signed at once
        desk.queue_status("WBS-2026-0001", "selesai", outcome="terbukti")
        desk.queue_standard_messages()
        desk.export_replies(Path("replies-0001.peluit"))
    finally:
        desk.close()

Private keys live in the Desk object for the session only: the X-Wing keys
are expanded from their seeds once when the Desk opens (about 0.5 ms per
key and per case otherwise), never written anywhere, and every repr of
them is masked. Every text a
Desk returns is decrypted plaintext from reporters: a terminal front end
must pass it through :func:`workstation.terminal.safe_text`, an HTML front
end must escape it.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from common.days import jakarta_today
from common.strict_json import load_object
from crypto.context import Context
from crypto.envelope import open_envelope
from crypto.errors import DecryptionError
from crypto.key_file import UnitKeys
from crypto.secret import SecretStr
from crypto.unit_card import UnitCard
from crypto.xwing import XWingPrivateKey
from workstation import attachments, forwarding, questionnaire, reading, reply_bundle
from workstation.bundle_import import BundleImport, ImportResult
from workstation.case_view import CaseSummary, CaseView
from workstation.custodian import open_custodian
from workstation.entry_checks import EntryChecks
from workstation.errors import CustodianRequired, Refused, UnknownItem
from workstation.keyring import load_card, open_keys, read_bytes
from workstation.local_key import LocalKey
from workstation.quarantine import Quarantined, RetryResult, listing, retry
from workstation.store import CaseRow, WorkstationStore
from workstation.templates import fill_template
from workstation.triage import Triage, open_triage, seal_triage


class Desk:
    def __init__(
        self,
        folder: Path,
        keys: UnitKeys,
        card: UnitCard,
        store: WorkstationStore,
        today: datetime.date | None,
    ) -> None:
        self.folder = folder
        self._keys = keys
        self.card = card
        self.store = store
        self._local = LocalKey.for_unit(keys)
        self._xwing: list[XWingPrivateKey] = keys.xwing_keys()
        self._today = today

    @classmethod
    def open(
        cls, folder: Path, passphrase: SecretStr, *, today: datetime.date | None = None
    ) -> Desk:
        keys = open_keys(folder, passphrase)
        card = load_card(folder)
        if card.unit_id != keys.unit_id or card.ed25519_public_key != keys.signing_key().verify_key:
            raise Refused("the unit card in this folder does not belong to this key file")
        return cls(folder, keys, card, WorkstationStore(folder, keys.unit_id), today)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Desk:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def unit_id(self) -> str:
        return self._keys.unit_id

    def today(self) -> str:
        return (self._today or jakarta_today()).isoformat()

    def __repr__(self) -> str:
        return f"Desk(unit_id={self.unit_id!r}, ***)"

    # --- import -----------------------------------------------------------

    def import_bundle(self, path: Path, *, allow_gap: bool = False) -> ImportResult:
        importer = BundleImport(self.store, self._keys, self._xwing, allow_gap=allow_gap)
        return importer.run(path, self.today())

    def quarantine(self, *, include_released: bool = False) -> list[Quarantined]:
        """Entries held back by imports: metadata only (workstation/quarantine.py)."""
        return listing(self.store, include_released=include_released)

    def retry_quarantine(self, ids: list[int] | None) -> RetryResult:
        """Check held entries again (all if ``ids`` is None); import what now passes."""
        checks = EntryChecks(self.store, self._keys, self._xwing)
        return retry(self.store, checks, ids, self.today())

    # --- reading ----------------------------------------------------------

    def cases(self) -> list[CaseSummary]:
        result = []
        counts = self.store.envelope_counts()
        for row in self.store.cases():
            triage = open_triage(self._local, row.case_id, row.triage)
            result.append(
                CaseSummary(
                    row.case_id,
                    row.reference,
                    row.status,
                    reply_bundle.pending_status(self.store, row),
                    row.submitted_day,
                    row.status_day,
                    triage.urgency if triage else "",
                    counts.get(row.case_id, 0),
                    reply_bundle.pending_bundle(self.store, row),
                )
            )
        return result

    def case(self, ref: str) -> CaseView:
        row = self.store.case(ref)
        view = reading.read_case(self.store, row.case_id, self._xwing, self.card.ed25519_public_key)
        self._add_queued_replies(row, view, self._xwing)
        return CaseView(
            row.case_id,
            row.reference,
            row.status,
            reply_bundle.pending_status(self.store, row),
            row.submitted_day,
            row.status_day,
            view,
            open_triage(self._local, row.case_id, row.triage),
            self._queued(row),
            reply_bundle.pending_bundle(self.store, row),
        )

    def _add_queued_replies(
        self, row: CaseRow, view: reading.CaseReading, xwing: list[Any]
    ) -> None:
        known = {item.item_id for item in view.items}
        for item_id, sealed, day, sent in self.store.outbox.replies(row.case_id):
            if item_id in known:
                continue
            context = Context(
                self.unit_id, bytes.fromhex(row.case_id), "reply", bytes.fromhex(item_id)
            )
            plaintext = open_envelope(sealed, xwing, context)
            item = reading.reply_text(
                self.unit_id, self.card.ed25519_public_key, context, plaintext
            )
            state = f"sent in reply bundle {sent}" if sent else "queued, not sent yet"
            view.items.append(
                reading.TextItem(
                    0, item_id, "reply", "unit", day, item.text, f"{item.note}; {state}"
                )
            )

    def _queued(self, row: CaseRow) -> list[dict[str, Any]]:
        return self.store.outbox.queued_statuses(row.case_id)

    def open_identity(
        self, ref: str, custodian: tuple[Path, SecretStr] | None = None
    ) -> list[dict[str, Any]]:
        """Open the case's identity sections; every opening is logged (append-only)."""
        row = self.store.case(ref)
        identities = [e for e in self.store.envelopes(row.case_id) if e.kind == "identity"]
        if not identities:
            raise UnknownItem("this case has no identity section")
        keys, opened_with = self._xwing, "unit"
        if custodian is not None:
            keys, opened_with = open_custodian(*custodian), "custodian"
        result = []
        for item in identities:
            try:
                result.append(reading.open_identity(self.store, item, keys))
            except DecryptionError:
                if custodian is None and self._keys.custodian_xwing_public_key is not None:
                    raise CustodianRequired() from None
                raise
            self.store.log_identity_opening(row.case_id, item.item_id, self.today(), opened_with)
        return result

    def identity_log(self) -> list[tuple[int, str, str, str, str]]:
        return self.store.identity_log()

    def save_attachment(
        self,
        ref: str,
        item: str,
        out: Path,
        *,
        use_name: bool = False,
        strip_metadata: bool = False,
    ) -> attachments.Saved:
        row = self.store.case(ref)
        envelope_row = self.store.envelope(row.case_id, item)
        if envelope_row.kind != "attachment":
            raise UnknownItem(f"item {item} is a {envelope_row.kind}, not an attachment")
        target = out
        if use_name:
            if not out.is_dir():
                raise Refused("with --use-name, --out is the folder to save into")
            name = reading.reporter_file_name(self.store, envelope_row, self._xwing)
            target = out / attachments.safe_file_name(name)
        return attachments.save(
            self.store, envelope_row, self._xwing, target, strip_metadata=strip_metadata
        )

    # --- triage, replies, status ------------------------------------------

    def set_triage(self, ref: str, triage: Triage) -> None:
        row = self.store.case(ref)
        self.store.set_triage(row.case_id, seal_triage(self._local, row.case_id, triage))

    def queue_reply(self, ref: str, text: str) -> str:
        return reply_bundle.queue_reply(
            self.store, self._keys, self.store.case(ref), text, self.today()
        )

    def queue_template_reply(self, ref: str, name: str, values: dict[str, str]) -> str:
        return self.queue_reply(ref, fill_template(name, values))

    def queue_status(
        self,
        ref: str,
        new: str,
        *,
        outcome: str | None = None,
        reason: str | None = None,
        target: str | None = None,
    ) -> None:
        reply_bundle.queue_status(
            self.store,
            self.store.case(ref),
            new,
            self.today(),
            outcome=outcome,
            reason=reason,
            target=target,
        )

    def queue_standard_messages(self) -> list[str]:
        return reply_bundle.queue_standard_messages(self.store, self._keys, self.today())

    def export_replies(self, out: Path) -> reply_bundle.ExportedReplies:
        return reply_bundle.export(self.store, self._keys, out, self.today())

    # --- forwarding and reports (workstation/forwarding.py, workstation/reports.py)

    def labelled(self, ref: str) -> questionnaire.Labelled | None:
        """The report form's answers and their questionnaire version (no attachment is
        opened); ``None`` if the tip cannot be read."""
        row = self.store.case(ref)
        for item in self.store.envelopes(row.case_id):
            if item.kind == "tip":
                try:
                    tip = load_object(reading.open_bytes(self.store, item, self._xwing))
                except (DecryptionError, ValueError):
                    return None
                return questionnaire.labelled(tip, self.store.questionnaire)
        return None

    def answers(self, ref: str) -> list[questionnaire.Answer]:
        """:meth:`labelled`'s answers alone; [] if unreadable."""
        found = self.labelled(ref)
        return found.answers if found is not None else []

    def triage(self, ref: str) -> Triage | None:
        """The case's triage alone (nothing is decrypted but the sealed triage)."""
        row = self.store.case(ref)
        return open_triage(self._local, row.case_id, row.triage)

    def forward(
        self, ref: str, recipient: UnitCard, draft: forwarding.Draft, out: Path, *, target: str
    ) -> forwarding.Forwarded:
        """Seal a redacted summary to ``recipient``; identity only if the draft asks (logged)."""
        view = self.case(ref)
        identity = {"sections": self.open_identity(ref)} if draft.include_identity else None
        return forwarding.forward_case(
            self.store, self._keys, self.card, view, recipient, draft, out,
            target=target, today=self.today(), identity=identity,
        )  # fmt: skip

    def open_forward(
        self, path: Path, expected_sender: UnitCard | None = None
    ) -> forwarding.OpenedForward:
        data = read_bytes(path, forwarding.MAX_FILE, "forwarded file")
        return forwarding.open_forward(data, self._xwing, self.unit_id, expected_sender)
