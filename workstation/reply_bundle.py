"""Queueing replies, status changes and standard messages, and the reply bundle that carries them.

Replies are sealed and signed when they are queued (so the outbox holds
ciphertext only): ``crypto.reply.sign_reply`` over a fresh context of kind
``reply``, then ``crypto.envelope.seal`` to the reporter's key and the
unit's current key. ``export`` writes one signed, sequence-numbered reply
bundle (docs/spec/bundles-v1.md) with everything queued and every
quarantined entry not reported yet (ids, kind, day, check: the console shows
them), then marks it sent in the same transaction that records the sequence
number.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crypto import envelope
from crypto.b64 import b64u_encode
from crypto.bundle import BundleWriter, Kind
from crypto.bundle_schema import QUARANTINE, REPLY, STATUS, TEMPLATE
from crypto.bundle_template import sign_template
from crypto.context import Context
from crypto.key_file import UnitKeys
from crypto.reply import sign_reply
from crypto.xwing import XWingPublicKey
from workstation.errors import Refused
from workstation.lifecycle import check_change
from workstation.quarantine import unreported
from workstation.store import CaseRow, WorkstationStore
from workstation.templates import STANDARD_MESSAGES

MAX_REPLY_TEXT = 20_000


@dataclass(frozen=True)
class ExportedReplies:
    path: Path
    sequence: int
    replies: int
    statuses: int
    templates: int
    quarantined: int = 0


def queue_reply(
    store: WorkstationStore, keys: UnitKeys, case: CaseRow, text: str, today: str
) -> str:
    """Seal and sign a reply to the case's reporter; return its item id (hex)."""
    text = text.strip()
    if not text:
        raise Refused("the reply is empty")
    if len(text) > MAX_REPLY_TEXT:
        raise Refused(f"the reply is longer than {MAX_REPLY_TEXT} characters")
    item_id = secrets.token_bytes(16)
    context = Context(store.unit_id, bytes.fromhex(case.case_id), "reply", item_id)
    body = json.dumps({"text": text, "status": None, "template": None}, ensure_ascii=False)
    plaintext = sign_reply(keys.signing_key(), context, body.encode("utf-8"))
    recipients = [
        XWingPublicKey.from_bytes(case.reporter_public_key),
        keys.current_xwing().public_key(),
    ]
    sealed = envelope.seal(plaintext, recipients, context)
    store.outbox.add_reply(case.case_id, item_id.hex(), sealed, today)
    return item_id.hex()


def pending_status(store: WorkstationStore, case: CaseRow) -> str:
    """The status the case will have once queued and sent changes are applied online.

    A status change counts until an import after its reply bundle shows the
    online status again (``settled``).
    """
    change = store.outbox.latest_status_change(case.case_id)
    return change[0] if change else case.status


def pending_bundle(store: WorkstationStore, case: CaseRow) -> int | None:
    """The reply bundle that carries the pending status change; None while it is only queued.

    Meaningful when :func:`pending_status` differs from the case's status:
    the change is then either queued (None) or exported and not yet seen
    applied online (the bundle's sequence number).
    """
    change = store.outbox.latest_status_change(case.case_id)
    return change[1] if change else None


def queue_status(
    store: WorkstationStore,
    case: CaseRow,
    new: str,
    today: str,
    *,
    outcome: str | None = None,
    reason: str | None = None,
    target: str | None = None,
) -> None:
    check_change(pending_status(store, case), new, outcome=outcome, reason=reason, target=target)
    store.outbox.add_status(case.case_id, new, today, outcome=outcome, reason=reason, target=target)


def queue_standard_messages(store: WorkstationStore, keys: UnitKeys, today: str) -> list[str]:
    """Sign every standard message and queue it; return their ids."""
    signing_key = keys.signing_key()
    signed = [
        (template_id, text, sign_template(signing_key, store.unit_id, template_id, text))
        for template_id, text in STANDARD_MESSAGES.items()
    ]
    store.outbox.add_templates(signed, today)
    return list(STANDARD_MESSAGES)


def export(store: WorkstationStore, keys: UnitKeys, out: Path, today: str) -> ExportedReplies:
    """Write every unsent outbox entry into one signed reply bundle at ``out`` (no overwrite)."""
    rows = store.outbox.unsent()
    held = unreported(store)
    if not rows and not held:
        raise Refused("nothing is queued: no reply, status change or standard message")
    if out.exists() or out.is_symlink():
        raise Refused(f"{out} exists; choose a new file name")
    sequence = store.outbox.last_sequence() + 1
    header = {
        "format": "peluit-reply-bundle",
        "version": 1,
        "unit_id": store.unit_id,
        "sequence": sequence,
        "created": today,
    }
    temp = out.parent / f".tmp-{secrets.token_hex(16)}"
    counts = {"reply": 0, "status": 0, "template": 0}
    try:
        with temp.open("xb") as handle:
            writer = BundleWriter(handle, Kind.REPLY, header)
            for row in rows:
                _add(writer, row)
                counts[row["type"]] += 1
            for entry in held:  # what imports held back: ids, kind, day, check (no content)
                meta = {"case_id": entry.case_id, "item_id": entry.item_id, "kind": entry.kind,
                        "day": entry.day, "check": entry.check}  # fmt: skip
                writer.add(QUARANTINE, meta)
            digest = writer.finish(keys.signing_key())
            handle.flush()
            os.fsync(handle.fileno())
        os.link(temp, out)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    try:
        with store.transaction():
            store.outbox.record_bundle(
                sequence, today, digest.hex(), len(rows) + len(held), [r["id"] for r in rows]
            )
            store.held.mark_reported(sequence, [entry.id for entry in held])
    except BaseException:
        out.unlink()
        raise
    return ExportedReplies(
        out, sequence, counts["reply"], counts["status"], counts["template"], len(held)
    )


def _add(writer: BundleWriter, row: dict[str, Any]) -> None:  # an Outbox.unsent() entry
    if row["type"] == "reply":
        data = bytes(row["envelope"])
        meta = {
            "case_id": row["case_id"],
            "item_id": row["item_id"],
            "sha256": hashlib.sha256(data).hexdigest(),
        }
        writer.add(REPLY, meta, data)
    elif row["type"] == "status":
        writer.add(
            STATUS,
            {
                "case_id": row["case_id"],
                "status": row["status"],
                "outcome": row["outcome"],
                "reason": row["reason"],
                "target": row["target"],
            },
        )
    else:
        writer.add(
            TEMPLATE,
            {
                "template_id": row["template_id"],
                "text": row["text"],
                "signature": b64u_encode(bytes(row["signature"])),
            },
        )
