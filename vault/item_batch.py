"""A batch of envelopes on their way into a case: checked, then stored with its rows.

Tips, messages and identity sections arrive whole (at most
``Limits.envelope_max`` bytes); attachments arrive staged. Inside the
transaction that records their rows, :meth:`ItemBatch.store` writes the
whole envelopes' pieces and claims the staged ones (vault/staging.py), so
the rows and the ciphertext are committed together or not at all: a
failed transaction leaves the staged files in their session for a retry.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlite_utils import Database

from vault.blob_store import pieces_of, write_pieces
from vault.envelope_shape import PREFIX_SIZE, check_envelope
from vault.errors import BadInput
from vault.identifiers import parse_id
from vault.limits import Limits
from vault.staging import StagedItem, Staging, claim

INLINE_KINDS = frozenset({"tip", "identity", "message", "reply", "forward"})


@dataclass(frozen=True)
class _Item:
    item_id: str
    kind: str
    size: int
    data: bytes | None = field(default=None, repr=False)
    staged: StagedItem | None = None


class ItemBatch:
    def __init__(self, staging: Staging | None, limits: Limits) -> None:
        self._staging = staging
        self._limits = limits
        self._items: list[_Item] = []

    @property
    def item_ids(self) -> list[str]:
        return [item.item_id for item in self._items]

    @property
    def inline_item_ids(self) -> list[str]:
        """The whole envelopes' ids: their pieces are written with their rows."""
        return [item.item_id for item in self._items if item.staged is None]

    def _check_new_id(self, item_id: str) -> None:
        if item_id in self.item_ids:
            raise BadInput("Two items share one id.", field="item_id")

    def add_inline(self, item_id: str | bytes, kind: str, envelope: bytes) -> None:
        """A whole envelope (tip, identity, message...) held in memory."""
        item = parse_id(item_id, "item_id")
        if kind not in INLINE_KINDS:
            raise BadInput("Unknown item kind.", field="kind")
        if not isinstance(envelope, bytes):
            raise BadInput("An envelope is bytes.", field=kind)
        self._check_new_id(item)
        check_envelope(envelope[:PREFIX_SIZE], len(envelope), self._limits.envelope_max, kind)
        self._items.append(_Item(item, kind, len(envelope), data=envelope))

    def add_staged(self, token: str, item_id: str | bytes) -> None:
        """An attachment envelope uploaded in pieces to session ``token``."""
        item = parse_id(item_id, "item_id")
        self._check_new_id(item)
        if self._staging is None:
            raise BadInput("Attachments need their upload session.", field="upload_token")
        staged = self._staging.staged(token, item)
        check_envelope(
            staged.prefix, staged.size, self._limits.attachment_ciphertext_max, "attachment"
        )
        self._items.append(_Item(item, "attachment", staged.size, staged=staged))

    def rows(self, case_id: str, author: str, day: str, first_seq: int) -> list[dict[str, object]]:
        return [
            {
                "item_id": item.item_id,
                "case_id": case_id,
                "seq": first_seq + index,
                "kind": item.kind,
                "author": author,
                "size": item.size,
                "day": day,
            }
            for index, item in enumerate(self._items)
        ]

    def store(self, db: Database) -> None:
        """Inside the transaction that inserts the rows: write the whole
        envelopes' pieces, claim the staged ones."""
        for item in self._items:
            if item.staged is not None:
                claim(db, item.staged)
            else:
                write_pieces(db, item.item_id, 0, pieces_of([item.data or b""]))
