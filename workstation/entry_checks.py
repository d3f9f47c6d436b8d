"""The per-entry checks of an export bundle, shared by the import and by a quarantine retry.

A failure here concerns one case entry or one envelope, never the bundle as
a whole: the caller quarantines what failed (workstation/quarantine.py) and
imports the rest. Each :class:`Failure` names the check (a code) and says
why in words safe to show (never plaintext).

The reporter key: the export bundle is not signed, so its
``reporter_public_key`` is only a claim. The tip is sealed by the reporter
to the unit's key **and the reporter's own key**, and the header MAC (checked
when the unit opens the tip) covers every stanza's key id. A tip opens only
if it names the case's reporter key among its recipients; a swapped key
fails, and the case waits in quarantine.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import BinaryIO, Literal

from crypto import envelope
from crypto.b64 import b64u_decode
from crypto.context import Context
from crypto.errors import DecryptionError, FormatError
from crypto.key_file import UnitKeys
from crypto.xwing import KEY_ID_SIZE, XWingPrivateKey, XWingPublicKey, key_id_of
from workstation.lifecycle import STATUSES
from workstation.store import WorkstationStore

AUTHORS = {
    "tip": "reporter",
    "attachment": "reporter",
    "identity": "reporter",
    "message": "reporter",
    "reply": "unit",
    "forward": "unit",
}


@dataclass(frozen=True)
class Failure:
    check: str
    detail: str


class _Discard:
    """A sink for checking that an envelope opens: counts bytes, keeps none."""

    def write(self, data: bytes | memoryview) -> int:
        return len(data)


def stanza_key_ids(handle: BinaryIO) -> list[bytes]:
    """The recipients' key ids in an envelope's header (the header MAC is checked by opening)."""
    handle.seek(0)
    head = handle.read(envelope.header_size(envelope.MAX_RECIPIENTS))
    start = len(envelope.MAGIC) + envelope.NONCE_SIZE
    count = head[start] if len(head) > start else 0
    ids = []
    for index in range(min(count, envelope.MAX_RECIPIENTS)):
        offset = start + 1 + index * envelope.STANZA_SIZE + 1
        ids.append(head[offset : offset + KEY_ID_SIZE])
    return ids


class EntryChecks:
    def __init__(self, store: WorkstationStore, keys: UnitKeys, xwing: list[XWingPrivateKey]):
        self.store = store
        self.keys = keys
        self.xwing = xwing
        self._own_ids = [key_id_of(k.public_key().to_bytes()) for k in xwing]

    def case(self, meta: dict[str, object]) -> Failure | None:
        """A case entry: a lifecycle status, an X-Wing reporter key, no change to a known case."""
        if meta["status"] not in STATUSES:
            return Failure("status", "the case entry has an unknown status")
        try:
            key = b64u_decode(str(meta["reporter_public_key"]))
            XWingPublicKey.from_bytes(key)
        except FormatError:
            return Failure("reporter_key", "the case entry's reporter key is not an X-Wing key")
        row = self.store.known_case(str(meta["case_id"]))
        if row is not None and (row[0] != meta["reference"] or row[1] != key):
            return Failure(
                "case_changed",
                "the case entry changes a known case's reference or reporter key "
                "(the stored ones are kept)",
            )
        return None

    def stored(self, meta: dict[str, object]) -> Literal["new", "known"] | Failure:
        """``known``: stored already with the same hash (a re-export, nothing to do)."""
        case_id = str(meta["case_id"])
        existing = self.store.item_uses(meta["item_id"])
        for row_case, row_sha in existing:
            if row_case != case_id or (row_sha is not None and row_sha != meta["sha256"]):
                return Failure(
                    "item_conflict",
                    "this item id is stored already with other content or in another case "
                    "(the stored item is kept)",
                )
        if any(row_sha is not None for _, row_sha in existing):
            return "known"
        return "new"

    def opens(
        self, meta: dict[str, object], handle: BinaryIO, reporter_key: bytes
    ) -> Failure | None:
        """The envelope opens under its context; a tip names ``reporter_key`` as a recipient."""
        kind = str(meta["kind"])
        if AUTHORS[kind] != meta["author"]:
            return Failure("author", f"a {kind} is not written by {meta['author']}")
        context = Context(
            self.store.unit_id,
            bytes.fromhex(str(meta["case_id"])),
            kind,
            bytes.fromhex(str(meta["item_id"])),
        )
        handle.seek(0)
        try:
            envelope.open_stream(handle, _Discard(), self.xwing, context)  # type: ignore[arg-type]
        except DecryptionError:
            if self._sealed_to_custodian(kind, handle):
                return None
            return Failure(
                "envelope",
                "does not open with this unit's keys under its unit, case, kind and item "
                "(forged, altered, truncated, or sealed to a key this workstation lacks)",
            )
        if kind == "tip" and not self._names(handle, reporter_key):
            return Failure(
                "reporter_key",
                "the tip was not sealed to the reporter key the export names "
                "(the key was swapped): replies to this case would go to someone else",
            )
        return None

    def _names(self, handle: BinaryIO, reporter_key: bytes) -> bool:
        wanted = key_id_of(reporter_key)
        return any(
            hmac.compare_digest(found, wanted)
            and not any(hmac.compare_digest(found, own) for own in self._own_ids)
            for found in stanza_key_ids(handle)
        )

    def _sealed_to_custodian(self, kind: str, handle: BinaryIO) -> bool:
        custodian = self.keys.custodian_xwing_public_key
        if kind != "identity" or custodian is None:
            return False
        return any(hmac.compare_digest(i, custodian.key_id()) for i in stanza_key_ids(handle))
