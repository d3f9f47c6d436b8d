"""Ciphertext as rows: every envelope's bytes in pieces of at most 1 MiB.

``pieces (item_id, start, data)``: an envelope (or a staged attachment) is
the concatenation of its pieces in order of ``start``, each piece starting
where the one before it ends. Nothing about a report is a file of its own,
so the file system keeps no moment of it (no ctime, no birth time) and
``secure_delete`` zeroes ciphertext when it is deleted, as it does every
other row (docs/spec/storage-v1.md). The same rows carry over to PostgreSQL
``bytea``.

Writes go through the caller's transaction (a case, its rows and its
ciphertext are committed together, or none of them). Reads take one piece
per query, so a long download holds no read transaction open (which would
keep the write-ahead log from being checkpointed) and memory stays bounded
by one piece.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager

from sqlite_utils import Database

from vault.errors import NotFound
from vault.identifiers import parse_id

PIECE_SIZE = 1 << 20

Opener = Callable[[], AbstractContextManager[Database]]


def pieces_of(chunks: Iterable[bytes], size: int = PIECE_SIZE) -> Iterator[bytes | bytearray]:
    """``chunks`` regrouped into pieces of ``size`` bytes (the last may be shorter).

    A chunk of exactly ``size`` bytes arriving on a piece boundary is passed
    on as it is (the web API's pieces); others are gathered in one buffer
    that is reused: each piece is valid only until the next one is asked
    for, so memory stays at one piece whatever the stream's length."""
    buffer = bytearray()
    for chunk in chunks:
        if not buffer and len(chunk) == size:
            yield chunk
            continue
        view = memoryview(chunk).cast("B")
        while view:
            take = view[: size - len(buffer)]
            buffer += take
            view = view[len(take) :]
            if len(buffer) == size:
                yield buffer
                buffer.clear()
    if buffer:
        yield buffer


def write_pieces(
    db: Database, item_id: str, start: int, pieces: Iterable[bytes | bytearray]
) -> int:
    """Insert ``pieces`` (already bounded) from ``start`` on; return the bytes written.

    The caller holds the transaction."""
    written = 0
    for piece in pieces:
        db.conn.execute(
            "INSERT INTO pieces (item_id, start, data) VALUES (?, ?, ?)",
            [item_id, start + written, piece],
        )
        written += len(piece)
    return written


def delete_pieces(db: Database, item_id: str) -> None:
    """Delete an item's pieces (``secure_delete`` zeroes them); the caller holds the transaction."""
    db.conn.execute("DELETE FROM pieces WHERE item_id = ?", [item_id])


def stored_size(db: Database, item_id: str) -> int:
    """Bytes stored for an item (``length`` of a blob reads no content)."""
    row = db.conn.execute(
        "SELECT coalesce(sum(length(data)), 0) FROM pieces WHERE item_id = ?", [item_id]
    ).fetchone()
    return int(row[0])


def prefix(db: Database, item_id: str, length: int) -> bytes:
    """The first ``length`` bytes of an item's first piece (empty if it has none)."""
    row = db.conn.execute(
        "SELECT substr(data, 1, ?) FROM pieces WHERE item_id = ? AND start = 0", [length, item_id]
    ).fetchone()
    return bytes(row[0]) if row else b""


def _piece_at(db: Database, item_id: str, start: int) -> bytes | None:
    row = db.conn.execute(
        "SELECT start, data FROM pieces WHERE item_id = ? AND start >= ? ORDER BY start LIMIT 1",
        [item_id, start],
    ).fetchone()
    if row is None:
        return None
    if row[0] != start:
        raise NotFound("A stored envelope is incomplete.", what="blob")
    return bytes(row[1])


class BlobStore:
    """The ciphertext of committed envelopes, read piece by piece.

    ``opener`` gives the calling thread's connection (a streamed response is
    read from whichever worker thread serves each block)."""

    def __init__(self, opener: Opener) -> None:
        self._opener = opener

    def item_ids(self) -> list[str]:
        """Items whose ciphertext is stored and not merely staged (for checks and tests)."""
        with self._opener() as db:
            rows = db.conn.execute(
                "SELECT DISTINCT item_id FROM pieces WHERE item_id NOT IN"
                " (SELECT item_id FROM upload_items) ORDER BY item_id"
            )
            return [row[0] for row in rows]

    def exists(self, item_id: str) -> bool:
        item = parse_id(item_id, "item_id")
        with self._opener() as db:
            return _piece_at(db, item, 0) is not None

    def stream(self, item_id: str) -> BlobStream:
        """The item's ciphertext piece by piece; :class:`NotFound` at once if it has none."""
        item = parse_id(item_id, "item_id")
        with self._opener() as db:
            first = _piece_at(db, item, 0)
        if first is None:
            raise NotFound(what="blob")
        return BlobStream(self._opener, item, first)


class BlobStream(Iterator[bytes]):
    """An item's pieces, one query each; also a context manager."""

    def __init__(self, opener: Opener, item_id: str, first: bytes) -> None:
        self._opener = opener
        self._item = item_id
        self._next: bytes | None = first
        self._offset = 0

    def __next__(self) -> bytes:
        piece = self._next
        if piece is None:
            raise StopIteration
        self._offset += len(piece)
        with self._opener() as db:
            self._next = _piece_at(db, self._item, self._offset)
        return piece

    def close(self) -> None:
        self._next = None

    def __enter__(self) -> BlobStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class PieceReader(io.RawIOBase):
    """A read-only file over one item's pieces on one connection (bundle export)."""

    def __init__(self, db: Database, item_id: str) -> None:
        super().__init__()
        self._db = db
        self._item = item_id
        self._offset = 0
        self._piece = b""
        self._at = 0  # position inside self._piece

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._at >= len(self._piece):
            piece = _piece_at(self._db, self._item, self._offset)
            if piece is None:
                return 0
            self._piece, self._at = piece, 0
            self._offset += len(piece)
        n = min(len(buffer), len(self._piece) - self._at)
        memoryview(buffer).cast("B")[:n] = self._piece[self._at : self._at + n]
        self._at += n
        return n
