"""Upload sessions: ciphertext pieces appended in order, under size limits.

A reporter's browser uploads each attachment envelope in pieces. A session
(a random token) holds the pieces of one report (or one follow-up message)
until the case or message is committed, in the same transaction that
records the case, so the upload's ciphertext never moves.

In the database (vault/migrations/0007_ciphertext_rows.sql):
``upload_sessions`` (a hash of the token and the day it opened, for
expiry), ``upload_items`` (the attachments staged in it and their sizes)
and the ciphertext itself in ``pieces`` (vault/blob_store.py). No file is
made per session, piece or attachment, so the file system keeps no moment
of an upload; a staged attachment is claimed by its case's transaction
(:func:`claim`) and the rest of the session is deleted afterwards.

A piece names the offset it starts at; it must equal the bytes already
staged for that file (:class:`OffsetConflict` otherwise, with
``expected_offset``), so pieces arrive in order and a retried piece is never
duplicated. A piece is all or nothing: one transaction (shared with
other writers by the group commit) checks the session and the offset
again, writes the piece's chunks as pieces of at most 1 MiB while checking
the per-file and per-report limits, and is rolled back to its savepoint
if a limit is crossed or the stream fails: bytes beyond a limit are never
read. The web API hands over a piece it has already read whole (about
1 MiB), so no transaction waits for the network; memory stays at one
piece whatever a caller streams. The first
piece of a file must start like an envelope v1 (magic and recipient count),
so stray plaintext is refused before it is stored. Appends are durable
(``synchronous=FULL``), but only the case's ``201`` promises anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from sqlite_utils import Database

from common.days import Today
from vault.blob_store import Opener, delete_pieces, pieces_of, prefix, write_pieces
from vault.database import Commit, checkpoint_if_idle
from vault.envelope_shape import PREFIX_SIZE, check_envelope_prefix
from vault.errors import Conflict, LimitExceeded, NotFound
from vault.identifiers import new_upload_token, parse_id, upload_folder_name
from vault.limits import Limits


class OffsetConflict(Conflict):
    """A piece that does not start where the staged file ends."""

    default_message = "This piece is out of order."

    def __init__(self, expected_offset: int) -> None:
        super().__init__(what="offset")
        self.expected_offset = expected_offset


@dataclass(frozen=True)
class StagedItem:
    upload: str
    item_id: str
    size: int
    prefix: bytes


def _gone() -> NotFound:
    return NotFound("This upload session has expired or does not exist.", what="upload")


class Staging:
    def __init__(self, opener: Opener, commit: Commit, limits: Limits, today: Today) -> None:
        self._opener = opener
        self._commit = commit
        self.limits = limits
        self.today = today

    # --- sessions ---------------------------------------------------------

    def open_session(self) -> str:
        """Start a session; return its token (a bearer secret for the client)."""
        token = new_upload_token()
        name, day = upload_folder_name(token), self.today().isoformat()

        def write(db: Database) -> None:
            db.conn.execute("INSERT INTO upload_sessions (upload, day) VALUES (?, ?)", [name, day])

        self._commit(write)
        return token

    def _oldest(self) -> str:
        # Sessions carry only their day: one opened yesterday may still be
        # used today (a report started before midnight), never later.
        return (self.today() - dt.timedelta(days=self.limits.upload_max_age_days)).isoformat()

    def _session(self, db: Database, token: str) -> str:
        """The session's name; :class:`NotFound` if it is unknown or expired."""
        name = upload_folder_name(token)
        row = db.conn.execute("SELECT day FROM upload_sessions WHERE upload = ?", [name]).fetchone()
        if row is None or row[0] < self._oldest():
            raise _gone()
        return name

    def sizes(self, token: str) -> dict[str, int]:
        """Bytes staged so far, per item id."""
        with self._opener() as db:
            return _sizes(db, self._session(db, token))

    def discard(self, token: str) -> None:
        """Remove a session and everything staged in it (missing is fine)."""
        name = upload_folder_name(token)
        if self._commit(lambda db: _remove_session(db, name)):
            self._empty_log()

    def _empty_log(self) -> None:
        """Deleted pieces are zeroed in the database, but the log keeps the
        frames that held them until a checkpoint empties it: try now."""
        with self._opener() as db:
            checkpoint_if_idle(db)

    # --- pieces -----------------------------------------------------------

    def append(
        self,
        token: str,
        item_id: str,
        offset: int,
        chunks: Iterable[bytes],
        *,
        declared_length: int | None = None,
    ) -> int:
        """Append one piece to a staged file; return the file's new size."""
        item = parse_id(item_id, "item_id")
        with self._opener() as db:
            sizes = _sizes(db, self._session(db, token))
        self._check(sizes, item, offset, declared_length)  # before anything is read

        def write(db: Database) -> int:
            name = self._session(db, token)
            others = self._check(_sizes(db, name), item, offset, None)
            owner = db.conn.execute(
                "SELECT upload FROM upload_items WHERE item_id = ?", [item]
            ).fetchone()
            if (owner is not None and owner[0] != name) or (
                owner is None
                and db.conn.execute("SELECT 1 FROM pieces WHERE item_id = ?", [item]).fetchone()
            ):
                raise Conflict("This item already exists.", what="item_id")
            pieces = _bounded(chunks, offset, others, self._room)
            size = offset + write_pieces(db, item, offset, pieces)
            db.conn.execute(
                "INSERT INTO upload_items (item_id, upload, size) VALUES (?, ?, ?)"
                " ON CONFLICT (item_id) DO UPDATE SET size = excluded.size",
                [item, name, size],
            )
            return size

        return self._commit(write)

    def _check(
        self, sizes: dict[str, int], item: str, offset: int, declared_length: int | None
    ) -> int:
        """Refuse a piece out of order or past a limit; return the other files' bytes."""
        current = sizes.get(item, 0)
        if item not in sizes and len(sizes) >= self.limits.attachments_per_upload:
            raise LimitExceeded(
                "Too many files in one report.",
                limit_name="attachments_per_upload",
                limit=self.limits.attachments_per_upload,
            )
        if offset != current:
            raise OffsetConflict(current)
        others = sum(sizes.values()) - current
        if declared_length is not None:
            self._room(current + declared_length, others)
        return others

    def _room(self, file_size: int, others: int) -> None:
        _check_room(
            file_size,
            others,
            self.limits.attachment_ciphertext_max,
            self.limits.report_ciphertext_max,
        )

    def staged(self, token: str, item_id: str) -> StagedItem:
        """A staged file of this session: its size and first bytes (for the commit)."""
        item = parse_id(item_id, "item_id")
        with self._opener() as db:
            name = self._session(db, token)
            row = db.conn.execute(
                "SELECT size FROM upload_items WHERE item_id = ? AND upload = ?", [item, name]
            ).fetchone()
            if row is None:
                raise NotFound("This file was not uploaded.", what="staged_item")
            return StagedItem(name, item, row[0], prefix(db, item, PREFIX_SIZE))

    # --- expiry -------------------------------------------------------------

    def sweep(self) -> int:
        """Remove sessions older than the limit; return how many."""
        oldest = self._oldest()

        def work(db: Database) -> tuple[int, int]:
            names = [
                row[0]
                for row in db.conn.execute(
                    "SELECT upload FROM upload_sessions WHERE day < ?", [oldest]
                )
            ]
            wiped = sum(_remove_session(db, name) for name in names)
            return len(names), wiped

        expired, wiped = self._commit(work)
        if wiped:
            self._empty_log()
        return expired


def claim(db: Database, staged: StagedItem) -> None:
    """Inside the case's transaction: the staged file becomes the envelope's."""
    row = db.conn.execute(
        "SELECT size FROM upload_items WHERE item_id = ? AND upload = ?",
        [staged.item_id, staged.upload],
    ).fetchone()
    if row is None or row[0] != staged.size:
        raise NotFound("This file was not uploaded.", what="staged_item")
    db.conn.execute("DELETE FROM upload_items WHERE item_id = ?", [staged.item_id])


def _check_room(file_size: int, others: int, per_file: int, per_report: int) -> None:
    if file_size > per_file:
        raise LimitExceeded(
            "This file is larger than the vault accepts.",
            limit_name="attachment_ciphertext_max",
            limit=per_file,
        )
    if others + file_size > per_report:
        raise LimitExceeded(
            "These files together are larger than one report may be.",
            limit_name="report_ciphertext_max",
            limit=per_report,
        )


def _with_envelope_prefix(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Pass ``chunks`` through, refusing a stream that does not start like an envelope."""
    iterator = iter(chunks)
    held: list[bytes] = []  # the chunks until the prefix is complete (usually one)
    size = 0
    for chunk in iterator:
        held.append(chunk)
        size += len(chunk)
        if size >= PREFIX_SIZE:
            break
    head = held[0] if len(held) == 1 else b"".join(held)
    check_envelope_prefix(bytes(head[:PREFIX_SIZE]), "attachment")
    yield head
    yield from iterator


def _bounded(
    chunks: Iterable[bytes], start: int, others: int, room: Callable[[int, int], None]
) -> Iterator[bytes | bytearray]:
    """``chunks`` as pieces, refusing (before storing anything) bytes past a limit
    and a first piece that does not start like an envelope."""
    if start == 0:
        chunks = _with_envelope_prefix(chunks)
    size = start

    def counted() -> Iterator[bytes]:
        nonlocal size
        for chunk in chunks:
            if chunk:
                size += len(chunk)
                room(size, others)
                yield chunk

    yield from pieces_of(counted())


def _sizes(db: Database, name: str) -> dict[str, int]:
    rows = db.conn.execute("SELECT item_id, size FROM upload_items WHERE upload = ?", [name])
    return dict(rows.fetchall())


def _remove_session(db: Database, name: str) -> int:
    """Delete a session and what is still staged in it (usually nothing: the
    case claimed it); ``secure_delete`` zeroes the pieces. Return how many
    staged files were deleted."""
    items = db.conn.execute("SELECT item_id FROM upload_items WHERE upload = ?", [name]).fetchall()
    for (item,) in items:
        delete_pieces(db, item)
    db.conn.execute("DELETE FROM upload_items WHERE upload = ?", [name])
    db.conn.execute("DELETE FROM upload_sessions WHERE upload = ?", [name])
    return len(items)
