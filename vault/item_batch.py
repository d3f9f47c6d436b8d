"""A batch of envelopes on their way into a case: checked, promoted, undone.

Tips, messages and identity sections arrive whole (at most
``Limits.envelope_max`` bytes); attachments arrive staged. Before the
database transaction that records them, every blob is promoted into the
blob store (so a committed row always has its file). If the transaction
fails, :meth:`ItemBatch.undo` deletes the blobs written from memory and
moves staged files back to their session, so the client can retry.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from vault.blob_store import BlobStore
from vault.envelope_shape import PREFIX_SIZE, check_envelope
from vault.errors import BadInput
from vault.identifiers import parse_id
from vault.limits import Limits
from vault.staging import Staging

INLINE_KINDS = frozenset({"tip", "identity", "message", "reply", "forward"})


@dataclass(frozen=True)
class _Item:
    item_id: str
    kind: str
    size: int
    data: bytes | None = field(default=None, repr=False)
    staged_path: Path | None = None


class ItemBatch:
    def __init__(self, blobs: BlobStore, staging: Staging, limits: Limits) -> None:
        self._blobs = blobs
        self._staging = staging
        self._limits = limits
        self._items: list[_Item] = []
        self._promoted: list[_Item] = []

    @property
    def item_ids(self) -> list[str]:
        return [item.item_id for item in self._items]

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
        path = self._staging.staged_file(token, item)
        with path.open("rb") as handle:
            prefix = handle.read(PREFIX_SIZE)
            size = handle.seek(0, 2)
        check_envelope(prefix, size, self._limits.attachment_ciphertext_max, "attachment")
        self._items.append(_Item(item, "attachment", size, staged_path=path))

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

    def promote(self) -> None:
        """Write every item into the blob store (durably)."""
        for item in self._items:
            if item.staged_path is not None:
                self._blobs.adopt(item.item_id, item.staged_path)
            else:
                self._blobs.put(item.item_id, [item.data or b""], max_bytes=item.size)
            self._promoted.append(item)

    def undo(self) -> None:
        """Take back what :meth:`promote` did (best effort, never raises)."""
        for item in reversed(self._promoted):
            with contextlib.suppress(OSError):
                if item.staged_path is not None:
                    self._blobs.release(item.item_id, item.staged_path)
                else:
                    self._blobs.delete(item.item_id)
        self._promoted.clear()

    def settle(self) -> None:
        """After the commit: blur the blobs' file times."""
        for item in self._items:
            with contextlib.suppress(OSError):
                self._blobs.settle(item.item_id)

    @contextlib.contextmanager
    def promoted(self) -> Iterator[None]:
        """Promote for the duration of a block; undo if the block raises."""
        try:
            self.promote()
            yield
        except BaseException:
            self.undo()
            raise
        self.settle()
