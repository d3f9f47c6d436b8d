"""Ciphertext as rows: pieces of at most 1 MiB, streamed back one query at a time.

(Until issue 17 this file tested ciphertext files: atomic writes, wiping,
sweeping orphans, blurring their times. No such file exists any more; the
all-or-nothing commit is tested in test_vault_cases.py and
test_group_commit.py, wiping in test_retention_gone.py.)
"""

from __future__ import annotations

import io
import os
import sqlite3
from pathlib import Path

import pytest

from vault.blob_store import (
    PIECE_SIZE,
    BlobStore,
    PieceReader,
    delete_pieces,
    pieces_of,
    stored_size,
    write_pieces,
)
from vault.database import ThreadConnections, opened, write_transaction
from vault.errors import BadInput, NotFound
from vault.schema import migrate

ITEM = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "vault.sqlite3"
    with opened(path) as db:
        migrate(db)
    return path


def put(path: Path, item: str, data: bytes, chunk: int = 65536) -> int:
    with opened(path) as db, write_transaction(db):
        chunks = [data[i : i + chunk] for i in range(0, len(data), chunk)]
        return write_pieces(db, item, 0, pieces_of(chunks))


def test_pieces_of_regroups_without_losing_a_byte() -> None:
    data = os.urandom(2 * PIECE_SIZE + 5)
    for size in (1, 700, 65536, PIECE_SIZE, PIECE_SIZE + 1):
        chunks = [data[i : i + size] for i in range(0, len(data), size)]
        pieces = [bytes(p) for p in pieces_of(chunks)]
        assert [len(p) for p in pieces] == [PIECE_SIZE, PIECE_SIZE, 5]
        assert b"".join(pieces) == data
    assert list(pieces_of([])) == []


def test_write_stream_and_read_round_trip(database: Path) -> None:
    data = os.urandom(2 * PIECE_SIZE + 300_000)
    assert put(database, ITEM, data) == len(data)
    store = BlobStore(ThreadConnections(database).opened)
    blocks = list(store.stream(ITEM))
    assert max(len(b) for b in blocks) <= PIECE_SIZE
    assert b"".join(blocks) == data
    with opened(database) as db:
        assert stored_size(db, ITEM) == len(data)
        with PieceReader(db, ITEM) as reader:
            copied = io.BytesIO()
            while block := reader.read(65536):
                copied.write(block)
        assert copied.getvalue() == data
    assert store.item_ids() == [ITEM] and store.exists(ITEM)


def test_a_missing_or_incomplete_item_is_not_found(database: Path) -> None:
    store = BlobStore(ThreadConnections(database).opened)
    with pytest.raises(NotFound):
        store.stream(ITEM)
    with pytest.raises(BadInput):
        store.stream("../../etc/passwd")
    put(database, ITEM, os.urandom(2 * PIECE_SIZE))
    with opened(database) as db, write_transaction(db):
        db.conn.execute("DELETE FROM pieces WHERE item_id = ? AND start = ?", [ITEM, PIECE_SIZE])
        db.conn.execute(
            "INSERT INTO pieces (item_id, start, data) VALUES (?, ?, ?)",
            [ITEM, PIECE_SIZE + 1, b"x"],
        )
    with pytest.raises(NotFound):
        b"".join(store.stream(ITEM))  # a gap is never read as the end


def test_a_piece_cannot_be_written_twice(database: Path) -> None:
    put(database, ITEM, b"first")
    with pytest.raises(sqlite3.IntegrityError):
        put(database, ITEM, b"second")
    store = BlobStore(ThreadConnections(database).opened)
    assert b"".join(store.stream(ITEM)) == b"first"


@pytest.mark.sqlite_only
def test_deleted_pieces_are_zeroed_in_every_file(database: Path) -> None:
    data = os.urandom(300_000)
    put(database, ITEM, data)
    trace = data[150_000:150_064]
    with opened(database) as db:
        with write_transaction(db):
            delete_pieces(db, ITEM)
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        files = [p for p in database.parent.iterdir() if p.is_file()]
        assert not any(trace in p.read_bytes() for p in files)
