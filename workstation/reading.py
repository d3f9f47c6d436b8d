"""Opening a case for reading: envelopes are decrypted in memory, only when viewed.

Texts (tip, messages, replies, identity) are bounded in size and parsed as
strict JSON; attachments are never kept in memory whole: they stream through
a :class:`workstation.sniff.Sniffer`. Nothing decrypted is written to disk.
"""

from __future__ import annotations

import contextlib
import io
import json
from dataclasses import dataclass, field
from typing import Any

from common.strict_json import load_object
from crypto import envelope
from crypto.b64 import b64u_encode
from crypto.context import Context
from crypto.errors import DecryptionError, SignatureError
from crypto.reply import verify_reply, verify_template_reply
from crypto.signing import VerifyKey
from crypto.xwing import XWingPrivateKey
from workstation.errors import WorkstationError
from workstation.questionnaire import Answer, described_attachments, form, labelled
from workstation.sniff import Sniffed, Sniffer
from workstation.store import EnvelopeRow, WorkstationStore

MAX_TEXT_PLAINTEXT = 4 << 20


class _Bounded(io.BytesIO):
    """A memory sink that refuses more than ``MAX_TEXT_PLAINTEXT`` bytes."""

    def write(self, data: Any) -> int:
        if self.tell() + len(data) > MAX_TEXT_PLAINTEXT:
            raise WorkstationError("a text item is larger than 4 MiB; not shown")
        return super().write(data)


@dataclass(frozen=True)
class TextItem:
    number: int
    item_id: str
    kind: str
    author: str
    day: str
    text: str
    note: str = ""  # "signed by the unit", "standard message", a warning, "queued"


@dataclass(frozen=True)
class AttachmentItem:
    number: int
    item_id: str
    day: str
    size: int  # the envelope's padded ciphertext size
    sniffed: Sniffed | None
    reporter_name: str = ""
    reporter_type: str = ""
    cleaned: bool = False
    error: str = ""


@dataclass
class CaseReading:
    answers: list[Answer] = field(default_factory=list)
    form: dict[str, Any] = field(default_factory=form)  # the tip's questionnaire version
    tip_error: str = ""
    items: list[TextItem] = field(default_factory=list)
    attachments: list[AttachmentItem] = field(default_factory=list)
    identity_items: list[str] = field(default_factory=list)


def context_of(unit_id: str, row: EnvelopeRow) -> Context:
    return Context(unit_id, bytes.fromhex(row.case_id), row.kind, bytes.fromhex(row.item_id))


def open_bytes(store: WorkstationStore, row: EnvelopeRow, keys: list[XWingPrivateKey]) -> bytes:
    sink = _Bounded()
    with store.ciphertext(row) as src:
        envelope.open_stream(src, sink, keys, context_of(store.unit_id, row))
    return sink.getvalue()


def sniff_envelope(
    store: WorkstationStore, row: EnvelopeRow, keys: list[XWingPrivateKey]
) -> Sniffed:
    sniffer = Sniffer()
    with store.ciphertext(row) as src:
        envelope.open_stream(src, sniffer, keys, context_of(store.unit_id, row))  # type: ignore[arg-type]
    return sniffer.result()


def _json_text(data: bytes) -> dict[str, Any]:
    try:
        return load_object(data)
    except ValueError:
        raise WorkstationError("the decrypted item is not a JSON object") from None


def reply_text(unit_id: str, verify_key: VerifyKey, context: Context, plaintext: bytes) -> TextItem:
    """A reply's text and how it is signed (our own reply, or a standard message)."""
    try:
        body = verify_reply(verify_key, context, plaintext)
        note = "signed by the unit"
    except SignatureError:
        try:
            body = verify_template_reply(verify_key, unit_id, plaintext)
            note = "standard message, signed by the unit"
        except SignatureError:
            return TextItem(0, "", "reply", "unit", "", "", "WARNING: signature does not verify")
    text = _json_text(body).get("text")
    return TextItem(0, "", "reply", "unit", "", text if isinstance(text, str) else "", note)


def reporter_file_name(
    store: WorkstationStore, row: EnvelopeRow, keys: list[XWingPrivateKey]
) -> str:
    """The file name the reporter gave an attachment ("" if none or unreadable).

    Only the case's tip and the reporter's messages are opened (a file sent
    later is named in its message): saving one attachment under its name
    must not decrypt (and sniff) every other attachment of the case.
    """
    described: dict[str, dict[str, Any]] = {}
    for text_row in store.envelopes(row.case_id):
        if text_row.kind in ("tip", "message"):
            with contextlib.suppress(DecryptionError, WorkstationError):
                text = _json_text(open_bytes(store, text_row, keys))
                for item_id, told in described_attachments(text).items():
                    described.setdefault(item_id, told)  # the first word (the tip's) stands
    name = described.get(b64u_encode(bytes.fromhex(row.item_id)), {}).get("name")
    return name if isinstance(name, str) else ""


def read_case(
    store: WorkstationStore,
    case_id: str,
    keys: list[XWingPrivateKey],
    verify_key: VerifyKey,
) -> CaseReading:
    reading = CaseReading()
    rows = store.envelopes(case_id)
    described: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row.kind == "tip":
            try:
                tip = _json_text(open_bytes(store, row, keys))
                found = labelled(tip, store.questionnaire)
                reading.answers, reading.form = found.answers, found.form
                described.update(described_attachments(tip))
            except (DecryptionError, WorkstationError) as bad:
                reading.tip_error = bad.user_message
    # Messages first: a file sent with a follow-up message is named in it.
    texts = {
        row.item_id: _text_item(store, row, keys, verify_key, described)
        for row in rows
        if row.kind in ("message", "reply")
    }
    for row in rows:
        if row.kind in ("message", "reply"):
            reading.items.append(texts[row.item_id])
        elif row.kind == "attachment":
            reading.attachments.append(_attachment(store, row, keys, described))
        elif row.kind == "identity":
            reading.identity_items.append(row.item_id)
    return reading


def _text_item(
    store: WorkstationStore,
    row: EnvelopeRow,
    keys: list[XWingPrivateKey],
    verify_key: VerifyKey,
    described: dict[str, dict[str, Any]],
) -> TextItem:
    try:
        plaintext = open_bytes(store, row, keys)
        if row.kind == "reply":
            item = reply_text(store.unit_id, verify_key, context_of(store.unit_id, row), plaintext)
            text, note = item.text, item.note
        else:
            message = _json_text(plaintext)
            if row.author == "reporter":
                for item_id, told in described_attachments(message).items():
                    described.setdefault(item_id, told)  # a message cannot rename the tip's files
            value = message.get("text")
            text, note = (value if isinstance(value, str) else ""), ""
    except (DecryptionError, WorkstationError) as bad:
        text, note = "", f"cannot be read: {bad.user_message}"
    return TextItem(row.seq, row.item_id, row.kind, row.author, row.day, text, note)


def _attachment(
    store: WorkstationStore,
    row: EnvelopeRow,
    keys: list[XWingPrivateKey],
    described: dict[str, dict[str, Any]],
) -> AttachmentItem:
    told = described.get(b64u_encode(bytes.fromhex(row.item_id)), {})
    name, kind = told.get("name"), told.get("type")
    try:
        sniffed: Sniffed | None = sniff_envelope(store, row, keys)
        error = ""
    except DecryptionError as bad:
        sniffed, error = None, bad.user_message
    return AttachmentItem(
        row.seq,
        row.item_id,
        row.day,
        row.size,
        sniffed,
        name if isinstance(name, str) else "",
        kind if isinstance(kind, str) else "",
        told.get("cleaned") is True,
        error,
    )


def open_identity(
    store: WorkstationStore, row: EnvelopeRow, keys: list[XWingPrivateKey]
) -> dict[str, Any]:
    return _json_text(open_bytes(store, row, keys))


def as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
