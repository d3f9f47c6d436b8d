"""One stuck writer must not stop every writer of the cluster: bounded waits on PostgreSQL.

On PostgreSQL every write transaction first takes the vault's write lock, an
advisory lock of the whole database (vault/pg_database.py), so one writer
at a time across every process and machine. A holder that stops moving (a
frozen machine still connected, an operator's ``psql``, a commit waiting for
a synchronous standby that went away) would make every other write wait
forever: no 503, a reporter's browser hanging, worker threads piling up.
SQLite bounds the same wait with its busy timeout. Found by the issue-13
review; these tests failed (hung) before the fix:

- a write that cannot get the lock within ``LOCK_WAIT_MS`` answers 503
  ``storage_unavailable`` and stores nothing, and the same report is
  accepted once the holder lets go;
- a session that sits inside a transaction past ``STUCK_TRANSACTION_MS``
  is ended by the server, which frees the lock it held: the next report
  goes through without anyone stepping in.

Both run on a PostgreSQL server of their own (tests/pg_server.py), whichever
backend the rest of the suite uses.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from app_fixtures import AppClient, Submission, make_env, send_report
from pg_server import PgServer

from vault import database, pg_database
from vault.errors import DatabaseUnavailable

pytestmark = pytest.mark.slow


@pytest.fixture
def url(own_pg_server: PgServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    database.close_pools()  # new pools: their connections take the waits set below
    made = own_pg_server.new_database()
    monkeypatch.setenv(database.DATABASE_URL_ENV, made)
    try:
        yield made
    finally:
        database.close_pools()
        own_pg_server.drop_database(made)


def send(client: AppClient, report: Submission) -> tuple[int, str]:
    """The status of filing ``report``, and the error code of a refusal."""
    status, body = send_report(client, report)
    return status, body.get("error", "")


def stored(url: str) -> tuple[int, int]:
    with psycopg.connect(url, autocommit=True) as conn:
        cases = conn.execute("SELECT count(*) FROM cases").fetchone()
        uploads = conn.execute("SELECT count(*) FROM upload_sessions").fetchone()
    assert cases is not None and uploads is not None
    return cases[0], uploads[0]


def test_a_held_write_lock_gives_503_then_the_same_report_goes_through(
    tmp_path: Path, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pg_database, "LOCK_WAIT_MS", 1000)
    env = make_env(tmp_path)
    report = Submission(env.unit)
    with AppClient(env.app) as client:
        before = stored(url)
        with psycopg.connect(url, autocommit=True) as holder:  # a writer that stopped moving
            holder.execute("SELECT pg_advisory_lock(%s)", [pg_database.WRITE_LOCK])
            assert send(client, report) == (503, "storage_unavailable")
            assert stored(url) == before
        # The holder's session ended: the lock is free, and the very same report is taken.
        assert send(client, report) == (201, "")
    assert stored(url)[0] == before[0] + 1


def test_a_session_stuck_in_its_transaction_is_ended_and_frees_the_lock(
    tmp_path: Path, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pg_database, "STUCK_TRANSACTION_MS", 1000)
    env = make_env(tmp_path)
    report = Submission(env.unit)
    stuck = database.connect(tmp_path / "stuck.db")  # the vault's own connection setup
    stuck.conn.execute("BEGIN IMMEDIATE")  # holds the write lock, then its process freezes
    stuck.conn.execute("SELECT count(*) FROM cases").fetchone()
    with AppClient(env.app) as client:
        # Waits (at most LOCK_WAIT_MS, 10 s) until the server ends the stuck session.
        assert send(client, report) == (201, "")
    with pytest.raises(DatabaseUnavailable):
        stuck.conn.execute("SELECT 1").fetchone()
    assert stored(url)[0] == 1
