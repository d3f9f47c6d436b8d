"""Forwarding (*pelimpahan*): a redacted summary sealed to another unit.

The file format is docs/spec/forwarding-v1.md.

Real leaks in Indonesian complaint systems happened *after* a report was
forwarded, so the default here is to leave out everything that may point at
the reporter: the identity section, the free-text answers (``how_known`` and
``evidence_description`` are marked as identifying; ``what``, ``how`` and any
other long-text question, and any free-text question a unit added, of the
questionnaire version the report was made with as "review first"; a key that
version does not have as identifying) and
the reporter's attachment names. The inspector writes the summary and
includes a risky field only by naming it.

The summary is sealed (envelope v1, kind ``forward``) to the other unit's
card, whose self-signature is verified and whose fingerprint is shown for
comparison, and to this unit's own key (so the unit can later check what it
sent). The file is signed by this unit under ``peluit/forward/v1``; the
plaintext names the sender too, so nobody can re-sign a file they cannot read
and pass it off as their own.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common.durable_file import write_atomic
from common.strict_json import load_object
from crypto import envelope, labels
from crypto.b64 import WrongLength, b64u_encode, b64u_field
from crypto.context import Context
from crypto.errors import CardError, DecryptionError, FormatError, SignatureError
from crypto.framing import lp
from crypto.key_file import UnitKeys
from crypto.unit_card import UnitCard
from crypto.xwing import XWingPrivateKey
from workstation import reply_bundle
from workstation.case_view import CaseView
from workstation.errors import Refused, WorkstationError
from workstation.lifecycle import TARGETS, check_change
from workstation.questionnaire import Answer, form
from workstation.store import ForwardRecord, NewForward, WorkstationStore

FORMAT = "peluit-forward"
SUMMARY_FORMAT = "peluit-forward-summary"
VERSION = 1
MAX_FILE = 8 << 20
MAX_SUMMARY = 20_000
IDENTIFYING = frozenset({"how_known", "evidence_description"})
REVIEW = frozenset({"what", "how"})
FILE_FIELDS = frozenset(
    {"format", "version", "from_card", "to_unit_id", "to_fingerprint", "case_id", "item_id",
     "created", "envelope", "signature"}
)  # fmt: skip
SUMMARY_FIELDS = frozenset(
    {"format", "version", "from_unit_id", "from_ed25519_public_key", "to_unit_id", "created",
     "source_reference", "summary", "fields", "attachments", "identity"}
)  # fmt: skip


class ForwardRejected(WorkstationError):
    """A forwarded file failed a check; ``check`` names it. Nothing was stored."""

    def __init__(self, check: str) -> None:
        self.check = check
        super().__init__(f"forwarded file rejected: {check}")


@dataclass(frozen=True)
class ForwardField:
    """One answer as the forwarding page shows it, with its risk and default."""

    answer: Answer
    risk: str  # "identifying", "review" or "ok"

    @property
    def field_id(self) -> str:
        return self.answer.field_id

    @property
    def included_by_default(self) -> bool:
        return self.risk == "ok"


@dataclass(frozen=True)
class Draft:
    """What the inspector chose to send."""

    summary: str
    include: frozenset[str] = frozenset()  # extra field ids (risky or review) to include
    exclude: frozenset[str] = frozenset()  # default field ids to leave out
    include_identity: bool = False


@dataclass(frozen=True)
class Forwarded:
    path: Path
    sha256: str
    to_unit_id: str
    to_fingerprint: str
    fields: tuple[str, ...]


@dataclass
class OpenedForward:
    sender: UnitCard
    created: str
    source_reference: str
    summary: str
    fields: list[dict[str, str]] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    identity: dict[str, Any] | None = None


def risk_of(field_id: str, form_doc: dict[str, Any]) -> str:
    """How far an answer to ``field_id`` of the tip's questionnaire may point at the reporter.

    Long free text (a ``textarea``: what happened, how) is read before it goes,
    and so is any free-text question a unit added in its own version (nobody
    here knows what it asks: a witness's name?); only the built-in short
    questions and choices go by default. A question the tip's version does not
    have is text nobody can judge.
    """
    kinds = {entry["id"]: entry.get("type", "") for entry in form_doc["fields"]}
    if field_id in IDENTIFYING or field_id not in kinds:
        return "identifying"
    if field_id in REVIEW or kinds[field_id] == "textarea":
        return "review"
    built_in = {entry["id"] for entry in form()["fields"]}
    return "ok" if field_id in built_in or kinds[field_id] == "select" else "review"


def fields_for(answers: list[Answer], form_doc: dict[str, Any]) -> list[ForwardField]:
    """The answers with their risks, judged by the questionnaire version they came with."""
    return [ForwardField(a, risk_of(a.field_id, form_doc)) for a in answers]


def chosen(fields: list[ForwardField], draft: Draft) -> list[ForwardField]:
    """The fields that go out: the defaults minus exclusions plus deliberate inclusions."""
    ids = {f.field_id for f in fields}
    unknown = (draft.include | draft.exclude) - ids
    if unknown:
        raise Refused(f"this case has no answer {sorted(unknown)[0]!r} to include or exclude")
    return [
        f
        for f in fields
        if (f.included_by_default and f.field_id not in draft.exclude)
        or f.field_id in draft.include
    ]


def summary_document(
    sender: UnitCard,
    recipient: UnitCard,
    reference: str,
    draft: Draft,
    fields: list[ForwardField],
    attachment_kinds: list[str],
    identity: dict[str, Any] | None,
    today: str,
) -> dict[str, Any]:
    text = draft.summary.strip()
    if not text:
        raise Refused("write a summary: the forwarded file needs the inspector's own words")
    if len(text) > MAX_SUMMARY:
        raise Refused(f"the summary is longer than {MAX_SUMMARY} characters")
    return {
        "format": SUMMARY_FORMAT,
        "version": VERSION,
        "from_unit_id": sender.unit_id,
        "from_ed25519_public_key": b64u_encode(sender.ed25519_public_key.to_bytes()),
        "to_unit_id": recipient.unit_id,
        "created": today,
        "source_reference": reference,
        "summary": text,
        "fields": [
            {
                "id": f.field_id,
                "label_id": f.answer.label_id,
                "label_en": f.answer.label_en,
                "value": f.answer.value,
            }
            for f in fields
        ],
        "attachments": attachment_kinds,
        "identity": identity,
    }


def _signed_message(from_unit: str, to_unit: str, case_id: bytes, item_id: bytes,
                    created: str, sealed: bytes) -> bytes:  # fmt: skip
    return (
        lp(from_unit.encode("ascii"))
        + lp(to_unit.encode("ascii"))
        + case_id
        + item_id
        + lp(created.encode("ascii"))
        + hashlib.sha256(sealed).digest()
    )


def seal_forward(
    keys: UnitKeys, sender: UnitCard, recipient: UnitCard, document: dict[str, Any]
) -> bytes:
    """The forward file's bytes: the sealed summary and this unit's signature."""
    if recipient.unit_id == sender.unit_id:
        raise Refused("forward to another unit's card, not to this unit's own")
    case_id, item_id = secrets.token_bytes(16), secrets.token_bytes(16)
    context = Context(recipient.unit_id, case_id, "forward", item_id)
    plaintext = json.dumps(document, ensure_ascii=False).encode("utf-8")
    recipients = [recipient.xwing_public_key, keys.current_xwing().public_key()]
    sealed = envelope.seal(plaintext, recipients, context)
    created = str(document["created"])
    message = _signed_message(sender.unit_id, recipient.unit_id, case_id, item_id, created, sealed)
    signature = keys.signing_key().sign(labels.SIG_FORWARD, message)
    outer = {
        "format": FORMAT,
        "version": VERSION,
        "from_card": sender.to_json().decode("utf-8"),
        "to_unit_id": recipient.unit_id,
        "to_fingerprint": recipient.fingerprint(),
        "case_id": b64u_encode(case_id),
        "item_id": b64u_encode(item_id),
        "created": created,
        "envelope": b64u_encode(sealed),
        "signature": b64u_encode(signature),
    }
    return (json.dumps(outer, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def write_new(out: Path, data: bytes) -> str:
    """Write ``data`` to ``out`` through a fsynced temp file and ``link()`` (never overwrites)."""
    if out.exists() or out.is_symlink():
        raise Refused(f"{out} exists; the workstation never overwrites a file")
    if not out.parent.is_dir():
        raise Refused(f"the folder {out.parent} does not exist")
    try:
        write_atomic(out, [data])
    except FileExistsError:
        raise Refused(f"{out} exists; the workstation never overwrites a file") from None
    return hashlib.sha256(data).hexdigest()


# --- the receiving side ---------------------------------------------------------


def _b64(fields: dict[str, Any], name: str, size: int | None = None) -> bytes:
    try:
        return b64u_field(fields, name, size)
    except WrongLength:
        raise ForwardRejected(f"{name} has the wrong length") from None
    except FormatError:
        raise ForwardRejected(f"{name} is not base64url") from None


def _outer(data: bytes) -> dict[str, Any]:
    if len(data) > MAX_FILE:
        raise ForwardRejected(f"file larger than {MAX_FILE} bytes")
    try:
        fields = load_object(data)
    except ValueError:
        raise ForwardRejected("not a UTF-8 JSON object") from None
    if set(fields) != FILE_FIELDS:
        raise ForwardRejected("missing or unknown fields")
    if fields["format"] != FORMAT:
        raise ForwardRejected("format")
    if type(fields["version"]) is not int or fields["version"] != VERSION:
        raise ForwardRejected("version")
    for name in ("from_card", "to_unit_id", "to_fingerprint", "created"):
        if not isinstance(fields[name], str):
            raise ForwardRejected(f"{name} is not a string")
    try:
        datetime.date.fromisoformat(fields["created"])
    except ValueError:
        raise ForwardRejected("created is not a day (YYYY-MM-DD)") from None
    return fields


def open_forward(
    data: bytes,
    keys: list[XWingPrivateKey],
    unit_id: str,
    expected_sender: UnitCard | None = None,
) -> OpenedForward:
    """Check a forward file addressed to ``unit_id`` and open it; :class:`ForwardRejected`."""
    fields = _outer(data)
    try:
        sender = UnitCard.parse(fields["from_card"].encode("utf-8"))
    except CardError as bad:
        raise ForwardRejected(f"sender card: {bad.user_message}") from None
    if expected_sender is not None and expected_sender.to_json() != sender.to_json():
        raise ForwardRejected("the sender is not the unit whose card was given")
    if fields["to_unit_id"] != unit_id:
        raise ForwardRejected(f"addressed to {fields['to_unit_id']!r}, not to this unit")
    case_id, item_id = _b64(fields, "case_id", 16), _b64(fields, "item_id", 16)
    sealed, signature = _b64(fields, "envelope"), _b64(fields, "signature")
    message = _signed_message(sender.unit_id, unit_id, case_id, item_id, fields["created"], sealed)
    try:
        sender.ed25519_public_key.verify(labels.SIG_FORWARD, message, signature)
    except SignatureError:
        raise ForwardRejected("signature does not verify with the sender's card") from None
    try:
        context = Context(unit_id, case_id, "forward", item_id)
        plaintext = envelope.open_envelope(sealed, keys, context)
    except DecryptionError:
        raise ForwardRejected("the summary does not open with this unit's keys") from None
    return _summary(plaintext, sender, unit_id, fields["created"])


def _summary(plaintext: bytes, sender: UnitCard, unit_id: str, created: str) -> OpenedForward:
    try:
        doc = load_object(plaintext)
    except ValueError:
        raise ForwardRejected("summary is not a JSON object") from None
    if set(doc) != SUMMARY_FIELDS or doc["format"] != SUMMARY_FORMAT or doc["version"] != VERSION:
        raise ForwardRejected("summary fields")
    signer = b64u_encode(sender.ed25519_public_key.to_bytes())
    if doc["from_unit_id"] != sender.unit_id or doc["from_ed25519_public_key"] != signer:
        raise ForwardRejected("the summary names another sender than the signature")
    if doc["to_unit_id"] != unit_id or doc["created"] != created:
        raise ForwardRejected("the summary's recipient or day differs from the file's")
    texts = (doc["source_reference"], doc["summary"])
    if not all(isinstance(t, str) for t in texts) or not isinstance(doc["fields"], list):
        raise ForwardRejected("summary fields")
    answers = []
    for entry in doc["fields"]:
        if not (isinstance(entry, dict) and set(entry) == {"id", "label_id", "label_en", "value"}
                and all(isinstance(v, str) for v in entry.values())):  # fmt: skip
            raise ForwardRejected("summary fields")
        answers.append(dict(entry))
    kinds = doc["attachments"]
    if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
        raise ForwardRejected("summary attachments")
    identity = doc["identity"]
    if identity is not None and not isinstance(identity, dict):
        raise ForwardRejected("summary identity")
    return OpenedForward(sender, created, doc["source_reference"], doc["summary"], answers,
                         list(kinds), identity)  # fmt: skip


# --- forwarding a case ------------------------------------------------------------


def forward_case(
    store: WorkstationStore,
    keys: UnitKeys,
    sender: UnitCard,
    view: CaseView,
    recipient: UnitCard,
    draft: Draft,
    out: Path,
    *,
    target: str,
    today: str,
    identity: dict[str, Any] | None = None,
) -> Forwarded:
    """Seal, sign and write the summary; queue ``dilimpahkan``; record the forwarding."""
    row = store.case(view.case_id)
    pending = reply_bundle.pending_status(store, row)
    if pending != "dilimpahkan":
        check_change(pending, "dilimpahkan", target=target)
    elif target not in TARGETS:
        raise Refused(f"unknown target {target!r}; one of {', '.join(sorted(TARGETS))}")
    fields = chosen(fields_for(view.reading.answers, view.reading.form), draft)
    kinds = [a.sniffed.label for a in view.reading.attachments if a.sniffed is not None]
    document = summary_document(
        sender, recipient, view.reference, draft, fields, kinds, identity, today
    )
    digest = write_new(out, seal_forward(keys, sender, recipient, document))
    if pending != "dilimpahkan":
        reply_bundle.queue_status(store, row, "dilimpahkan", today, target=target)
    ids = tuple(f.field_id for f in fields)
    store.record_forward(
        NewForward(row.case_id, today, recipient.unit_id, recipient.fingerprint(), target, ids,
                   identity is not None, digest)
    )  # fmt: skip
    return Forwarded(out, digest, recipient.unit_id, recipient.fingerprint(), ids)


def records(store: WorkstationStore, case_id: str | None = None) -> list[ForwardRecord]:
    return store.forwards(case_id)
