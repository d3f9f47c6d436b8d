"""Upload sessions: ordered pieces, limits that keep nothing extra, expiry.

Sessions and their pieces are rows in a real SQLite file (vault/staging.py)."""

from __future__ import annotations

import datetime as dt
import os
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from vault_fixtures import FixedDay

from common.days import Today
from crypto import envelope
from vault.database import ThreadConnections, opened
from vault.errors import BadInput, LimitExceeded, NotFound
from vault.group_commit import GroupCommitter
from vault.limits import MIB, Limits
from vault.schema import migrate
from vault.staging import OffsetConflict, Staging

A = "a" * 32
B = "b" * 32


def envelope_like(size: int) -> bytes:
    """Bytes that start like an envelope v1 (what staging can check)."""
    head = envelope.MAGIC + os.urandom(16) + bytes([2])
    return head + os.urandom(size - len(head))


def staging_on(tmp_path: Path, limits: Limits, today: Today) -> Staging:
    path = tmp_path / "vault.sqlite3"
    with opened(path) as db:
        migrate(db)
    return Staging(ThreadConnections(path).opened, GroupCommitter(path).run, limits, today)


def make(tmp_path: Path, **limits: int) -> tuple[Staging, FixedDay]:
    day = FixedDay()
    return staging_on(tmp_path, Limits(**limits), day), day


def staged_bytes(tmp_path: Path, item_id: str) -> bytes:
    with opened(tmp_path / "vault.sqlite3") as db:
        rows = db.conn.execute(
            "SELECT data FROM pieces WHERE item_id = ? ORDER BY start", [item_id]
        ).fetchall()
    return b"".join(row[0] for row in rows)


def rows_left(tmp_path: Path) -> int:
    with opened(tmp_path / "vault.sqlite3") as db:
        return sum(
            db.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
            for table in ("pieces", "upload_items", "upload_sessions")
        )


def test_pieces_in_order(tmp_path: Path) -> None:
    staging, _ = make(tmp_path)
    token = staging.open_session()
    data = envelope_like(200_000)
    assert staging.append(token, A, 0, [data[:70_000]]) == 70_000
    assert staging.append(token, A, 70_000, [data[70_000:]]) == 200_000
    assert staged_bytes(tmp_path, A) == data
    assert staging.sizes(token) == {A: 200_000}


def test_out_of_order_and_repeated_pieces_are_refused(tmp_path: Path) -> None:
    staging, _ = make(tmp_path)
    token = staging.open_session()
    data = envelope_like(1000)
    with pytest.raises(OffsetConflict) as early:
        staging.append(token, A, 500, [data[500:]])
    assert early.value.expected_offset == 0
    staging.append(token, A, 0, [data[:500]])
    with pytest.raises(OffsetConflict) as repeated:
        staging.append(token, A, 0, [data[:500]])
    assert repeated.value.expected_offset == 500
    assert staging.sizes(token) == {A: 500}


def test_oversized_piece_is_refused_and_nothing_beyond_is_kept(tmp_path: Path) -> None:
    staging, _ = make(tmp_path, attachment_plaintext_max=1 * MIB)
    limit = staging.limits.attachment_ciphertext_max
    assert limit == envelope.sealed_size(1 * MIB, 8)
    token = staging.open_session()
    first = envelope_like(500_000)
    staging.append(token, A, 0, [first])
    consumed = 0

    def endless() -> Iterator[bytes]:
        nonlocal consumed
        while True:
            consumed += 65536
            yield os.urandom(65536)

    with pytest.raises(LimitExceeded) as caught:
        staging.append(token, A, 500_000, endless())
    assert caught.value.limit == limit
    assert consumed <= limit - 500_000 + 65536  # stopped reading at the limit
    # the refused piece is gone entirely; the earlier piece stays
    assert staged_bytes(tmp_path, A) == first
    # the exact remainder still fits
    rest = os.urandom(limit - 500_000)
    assert staging.append(token, A, 500_000, [rest]) == limit
    with pytest.raises(LimitExceeded):
        staging.append(token, A, limit, [b"x"])
    assert staging.sizes(token) == {A: limit}


def test_declared_length_is_refused_before_reading(tmp_path: Path) -> None:
    staging, _ = make(tmp_path, attachment_plaintext_max=1 * MIB)
    token = staging.open_session()

    def never() -> Iterator[bytes]:
        raise AssertionError("must not be read")
        yield b""

    with pytest.raises(LimitExceeded):
        staging.append(token, A, 0, never(), declared_length=10 * MIB)
    assert staging.sizes(token) == {}


def test_report_limit_counts_every_file(tmp_path: Path) -> None:
    staging, _ = make(
        tmp_path, attachment_plaintext_max=1 * MIB, report_plaintext_max=1 * MIB + 100_000
    )
    report_limit = staging.limits.report_ciphertext_max
    token = staging.open_session()
    staging.append(token, A, 0, [envelope_like(900_000)])
    with pytest.raises(LimitExceeded) as caught:
        staging.append(token, B, 0, [envelope_like(report_limit - 900_000 + 1)])
    assert caught.value.limit_name == "report_ciphertext_max"
    assert staging.sizes(token) == {A: 900_000}


def test_too_many_files(tmp_path: Path) -> None:
    staging, _ = make(tmp_path, attachments_per_upload=2)
    token = staging.open_session()
    staging.append(token, A, 0, [envelope_like(100)])
    staging.append(token, B, 0, [envelope_like(100)])
    with pytest.raises(LimitExceeded):
        staging.append(token, "c" * 32, 0, [envelope_like(100)])


def test_first_piece_must_look_like_an_envelope(tmp_path: Path) -> None:
    staging, _ = make(tmp_path)
    token = staging.open_session()
    with pytest.raises(BadInput):
        staging.append(token, A, 0, [b"%PDF-1.7 laporan.pdf plaintext"])
    with pytest.raises(BadInput):
        staging.append(token, A, 0, [envelope.MAGIC])  # too short to check
    assert staging.sizes(token) == {}
    head = envelope_like(100)
    assert staging.append(token, A, 0, [head[:3], head[3:10], head[10:]]) == 100


def test_memory_stays_bounded(tmp_path: Path, vault_backend: str) -> None:
    staging, _ = make(tmp_path, attachment_plaintext_max=64 * MIB)
    token = staging.open_session()
    block = os.urandom(65536)

    def stream() -> Iterator[bytes]:
        yield envelope_like(65536)
        for _ in range(48 * 16 - 1):  # 48 MiB in all
            yield block

    tracemalloc.start()
    try:
        size = staging.append(token, A, 0, stream())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert size == 48 * MIB
    # psycopg copies the piece it sends into a bytes object of its own: one piece more.
    assert peak < (2 if vault_backend == "sqlite" else 3) * MIB


def test_unknown_or_malformed_tokens(tmp_path: Path) -> None:
    staging, _ = make(tmp_path)
    with pytest.raises(NotFound):
        staging.append("x" * 43, A, 0, [b""])
    with pytest.raises(BadInput):
        staging.append("../../etc", A, 0, [b""])


@pytest.mark.sqlite_only
def test_the_disk_never_holds_the_token(tmp_path: Path) -> None:
    staging, _ = make(tmp_path)
    token = staging.open_session()
    staging.append(token, A, 0, [envelope_like(1000)])
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert files and all(token.encode() not in p.read_bytes() for p in files)
    assert all(token not in p.name for p in tmp_path.rglob("*"))


def test_expired_sessions_are_swept(tmp_path: Path) -> None:
    staging, day = make(tmp_path, upload_max_age_days=1)
    old = staging.open_session()
    staging.append(old, A, 0, [envelope_like(1000)])
    day.day += dt.timedelta(days=1)
    fresh = staging.open_session()
    assert staging.sweep() == 0  # one day old is still fine
    day.day += dt.timedelta(days=1)
    assert staging.sweep() == 1
    with pytest.raises(NotFound):
        staging.sizes(old)
    assert staging.sizes(fresh) == {}


def test_discard(tmp_path: Path) -> None:
    staging, _ = make(tmp_path)
    token = staging.open_session()
    staging.append(token, A, 0, [envelope_like(1000)])
    staging.discard(token)
    staging.discard(token)  # twice is fine
    assert rows_left(tmp_path) == 0


def test_a_session_from_two_days_ago_is_refused_even_before_the_sweep(tmp_path: Path) -> None:
    days = iter([dt.date(2026, 11, 20), dt.date(2026, 11, 21), dt.date(2026, 11, 22)])
    current = {"day": next(days)}
    staging = staging_on(tmp_path, Limits(), lambda: current["day"])
    token = staging.open_session()
    current["day"] = next(days)  # the next day: still usable
    assert staging.sizes(token) == {}
    current["day"] = next(days)  # two days later: refused at once
    with pytest.raises(NotFound):
        staging.sizes(token)


def test_many_small_chunks_keep_every_byte(tmp_path: Path) -> None:
    """Chunks of any size are regrouped into pieces of 1 MiB without losing a byte."""
    staging, _ = make(tmp_path)
    token = staging.open_session()
    data = envelope_like(3 * MIB + 12345)
    small = [data[i : i + 700] for i in range(0, 2_000_000, 700)]
    chunks = [*small, data[len(b"".join(small)) :]]
    assert staging.append(token, A, 0, chunks) == len(data)
    assert staged_bytes(tmp_path, A) == data
    with opened(tmp_path / "vault.sqlite3") as db:
        sizes = [r[0] for r in db.conn.execute("SELECT length(data) FROM pieces ORDER BY start")]
    assert sizes == [MIB, MIB, MIB, 12345]


def test_a_piece_for_a_discarded_session_is_refused(tmp_path: Path) -> None:
    """A piece that arrives after its session was discarded finds it gone and
    leaves nothing behind."""
    staging, _ = make(tmp_path)
    token = staging.open_session()
    staging.append(token, A, 0, [envelope_like(100)])
    staging.discard(token)
    with pytest.raises(NotFound):
        staging.append(token, B, 0, [envelope_like(100)])
    assert rows_left(tmp_path) == 0


def test_an_item_id_is_staged_once(tmp_path: Path) -> None:
    """Another session cannot append to (or read the size of) an item staged elsewhere."""
    staging, _ = make(tmp_path)
    first, second = staging.open_session(), staging.open_session()
    staging.append(first, A, 0, [envelope_like(100)])
    with pytest.raises(OffsetConflict):
        staging.append(second, A, 100, [b"x" * 10])
    with pytest.raises(Exception, match="already exists"):
        staging.append(second, A, 0, [envelope_like(100)])
    assert staging.sizes(second) == {} and staging.sizes(first) == {A: 100}
