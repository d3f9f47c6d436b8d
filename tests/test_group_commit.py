"""Group commit (vault/group_commit.py): shared transactions, each caller told the truth.

Batches are made deterministic by holding the first batch's work until every
other caller has queued (the committer's queue is read, not slept on): the
second batch then holds all of them.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database
from vault_fixtures import make_unit, open_store, submission

from vault.database import connect, opened
from vault.errors import Conflict
from vault.group_commit import GroupCommitter, TransactionAborted

ROOT = Path(__file__).resolve().parent.parent


def make_db(path: Path) -> Path:
    with opened(path) as db:
        db.conn.executescript(
            "CREATE TABLE parents (id INTEGER PRIMARY KEY);"
            "CREATE TABLE rows (n INTEGER PRIMARY KEY, parent INTEGER"
            " REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED);"
            "INSERT INTO parents (id) VALUES (1);"
        )
    return path


def stored(path: Path) -> set[int]:
    with opened(path) as db:
        return {row[0] for row in db.execute("SELECT n FROM rows")}


def insert(n: int, parent: int = 1) -> Callable[[Database], int]:
    def work(db: Database) -> int:
        db.conn.execute("INSERT INTO rows (n, parent) VALUES (?, ?)", [n, parent])
        # what this caller's transaction sees: every earlier row of the batch too
        count: int = db.conn.execute("SELECT count(*) FROM rows").fetchone()[0]
        return count

    return work


def queued(committer: GroupCommitter) -> int:
    with committer._state.lock:
        return len(committer._state.queue)


def in_two_batches(
    committer: GroupCommitter,
    first: Callable[[Database], Any],
    rest: list[Callable[[Database], Any]],
) -> list[tuple[str, Any]]:
    """``first`` alone in batch one, held until all of ``rest`` queued; they form batch two,
    queued in the order given.

    Returns each caller's outcome in order: ``("ok", result)``, ``("error", exception)``
    or ``("interrupted", exception)`` for a BaseException such as SystemExit.
    """
    outcomes: list[tuple[str, Any]] = [("missing", None)] * (1 + len(rest))

    def held(db: Database) -> Any:
        deadline = time.monotonic() + 30
        while queued(committer) < len(rest):
            assert time.monotonic() < deadline, "the other callers never queued"
            time.sleep(0.001)
        return first(db)

    # (``queued`` counts callers waiting for the next batch, not the running one.)

    def call(index: int, work: Callable[[Database], Any]) -> None:
        try:
            outcomes[index] = ("ok", committer.run(work))
        except Exception as failed:  # reported to the test below
            outcomes[index] = ("error", failed)
        except BaseException as interrupted:  # SystemExit in this thread, likewise
            outcomes[index] = ("interrupted", interrupted)

    leader = threading.Thread(target=call, args=(0, held))
    leader.start()
    while not committer._state.leading:
        time.sleep(0.001)
    others = [threading.Thread(target=call, args=(i + 1, w)) for i, w in enumerate(rest)]
    for count, thread in enumerate(others, start=1):
        thread.start()
        while queued(committer) < count:  # one at a time: the queue keeps this order
            time.sleep(0.001)
    for thread in [leader, *others]:
        thread.join(timeout=60)
        assert not thread.is_alive()
    return outcomes


def test_many_threads_each_get_their_own_committed_result(tmp_path: Path) -> None:
    path = make_db(tmp_path / "db.sqlite3")
    committer = GroupCommitter(path)
    results: dict[int, int] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(32)

    def client(first: int) -> None:
        start.wait()
        for n in range(first, first + 20):
            try:
                results[n] = committer.run(insert(n))
            except BaseException as failed:  # reported below
                errors.append(failed)
            # acknowledged means committed: visible to a fresh connection now
            with opened(path) as db:
                assert db.execute("SELECT 1 FROM rows WHERE n = ?", [n]).fetchone()

    threads = [threading.Thread(target=client, args=(1000 * t,)) for t in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert stored(path) == set(results) == {1000 * t + i for t in range(32) for i in range(20)}
    # each saw the rows committed or queued before it, itself included: all distinct
    assert sorted(results.values()) == list(range(1, 32 * 20 + 1))
    assert committer.batches <= 32 * 20


def test_callers_waiting_together_share_one_commit(tmp_path: Path) -> None:
    path = make_db(tmp_path / "db.sqlite3")
    committer = GroupCommitter(path)
    outcomes = in_two_batches(committer, insert(0), [insert(n) for n in range(1, 31)])
    assert [kind for kind, _ in outcomes] == ["ok"] * 31
    assert committer.batches == 2
    assert stored(path) == set(range(31))
    assert sorted(result for _, result in outcomes) == list(range(1, 32))


def test_a_failing_caller_gets_its_error_and_the_batch_commits_without_it(
    tmp_path: Path,
) -> None:
    path = make_db(tmp_path / "db.sqlite3")
    committer = GroupCommitter(path)

    def half_then_fail(db: Database) -> None:
        db.conn.execute("INSERT INTO rows (n) VALUES (500)")
        raise Conflict("This report already exists.", what="case")

    rest = [insert(1), half_then_fail, insert(2), insert(1), insert(3)]  # the second 1 collides
    outcomes = in_two_batches(committer, insert(0), rest)
    assert outcomes[0] == ("ok", 1)
    kinds = [kind for kind, _ in outcomes[1:]]
    assert kinds == ["ok", "error", "ok", "error", "ok"]
    assert isinstance(outcomes[2][1], Conflict)
    assert isinstance(outcomes[4][1], sqlite3.IntegrityError)
    assert committer.batches == 2
    assert stored(path) == {0, 1, 2, 3}  # nothing of the failed callers' writes (no 500)


def test_a_failed_commit_fails_exactly_the_callers_of_that_batch(tmp_path: Path) -> None:
    path = make_db(tmp_path / "db.sqlite3")
    committer = GroupCommitter(path)
    # A row pointing at a missing parent passes its INSERT (the key is deferred)
    # and makes the batch's COMMIT fail.
    rest = [insert(10), insert(11, parent=99), insert(12)]
    outcomes = in_two_batches(committer, insert(1), rest)
    assert outcomes[0] == ("ok", 1)
    for kind, error in outcomes[1:]:
        assert kind == "error" and isinstance(error, sqlite3.IntegrityError)
    assert stored(path) == {1}
    # the next batch commits normally on a fresh transaction
    assert committer.run(insert(20)) == 2
    assert stored(path) == {1, 20}


def test_an_interrupt_in_one_callers_work_reaches_the_others_as_an_ordinary_error(
    tmp_path: Path,
) -> None:
    """SystemExit raised by work stays in the thread that ran it (the batch's leader);
    the other callers get TransactionAborted, chained, and nothing of the batch is kept."""
    path = make_db(tmp_path / "db.sqlite3")
    committer = GroupCommitter(path)

    def exiting(db: Database) -> None:
        db.conn.execute("INSERT INTO rows (n) VALUES (700)")
        raise SystemExit(3)

    outcomes = in_two_batches(committer, insert(0), [insert(1), exiting, insert(2)])
    assert outcomes[0] == ("ok", 1)
    kind, interrupt = outcomes[1]  # the batch's leader ran the work: SystemExit is its own
    assert kind == "interrupted" and isinstance(interrupt, SystemExit)
    for kind, error in outcomes[2:]:
        assert kind == "error" and isinstance(error, TransactionAborted)
        assert isinstance(error.__cause__, SystemExit)
    assert stored(path) == {0}
    assert committer.run(insert(5)) == 2  # the lead was passed on; the next batch commits
    assert stored(path) == {0, 5}


def test_a_transaction_lost_midway_fails_the_work_before_it_and_retries_the_rest(
    tmp_path: Path,
) -> None:
    path = make_db(tmp_path / "db.sqlite3")
    committer = GroupCommitter(path)

    def disk_error(db: Database) -> None:
        # What SQLite does on its own for a full disk or an I/O error.
        db.conn.execute("ROLLBACK")
        raise sqlite3.OperationalError("database or disk is full")

    rest = [insert(10), insert(11), disk_error, insert(12), insert(13)]
    outcomes = in_two_batches(committer, insert(1), rest)
    assert outcomes[0] == ("ok", 1)
    assert [kind for kind, _ in outcomes[1:]] == ["error", "error", "error", "ok", "ok"]
    assert all(isinstance(e, sqlite3.OperationalError) for _, e in outcomes[1:4])
    assert stored(path) == {1, 12, 13}
    assert committer.batches == 3


@pytest.mark.sqlite_only
def test_the_committer_connection_is_durable_and_fresh_after_errors(tmp_path: Path) -> None:
    path = make_db(tmp_path / "db.sqlite3")
    seen: list[Database] = []

    def tracked(p: Path) -> Database:
        db = connect(p, check_same_thread=False)
        seen.append(db)
        return db

    committer = GroupCommitter(path, connect=tracked)
    sync = committer.run(lambda db: db.execute("PRAGMA synchronous").fetchone()[0])
    mode = committer.run(lambda db: db.execute("PRAGMA journal_mode").fetchone()[0])
    assert (sync, mode) == (2, "wal")  # FULL
    with pytest.raises(sqlite3.IntegrityError):
        committer.run(insert(5, parent=99))
    assert committer.run(insert(6)) == 1
    assert len(seen) == 2  # the connection was replaced after the database error
    committer.close()
    with pytest.raises(sqlite3.ProgrammingError):
        seen[1].execute("SELECT 1")  # closed
    assert committer.run(insert(7)) == 2
    assert len(seen) == 3


def test_a_forked_child_starts_its_own_committer(tmp_path: Path) -> None:
    path = make_db(tmp_path / "db.sqlite3")
    committer = GroupCommitter(path)
    committer.run(insert(1))
    pid = os.fork()
    if pid == 0:  # pragma: no cover (the child)
        code = 1
        try:
            code = 0 if committer.run(insert(2)) == 2 else 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert committer.run(insert(3)) == 3
    assert stored(path) == {1, 2, 3}


CHILD = """
import os, sys, threading
from pathlib import Path
from vault.group_commit import GroupCommitter, TransactionAborted
committer = GroupCommitter(Path(sys.argv[1]))
acks = os.open(sys.argv[2], os.O_WRONLY | os.O_APPEND)
offset = int(sys.argv[3])
def client(first):
    for n in range(offset + first, offset + first + 100000):
        committer.run(lambda db, n=n: db.conn.execute("INSERT INTO rows (n) VALUES (?)", [n]))
        os.write(acks, f"{n} {n}\\n".encode())  # one small O_APPEND write: whole or not at all
threads = [threading.Thread(target=client, args=(1000000 * t,)) for t in range(8)]
for t in threads: t.start()
for t in threads: t.join()
"""


def read_acks(path: Path) -> list[int]:
    """Every whole line ``"n n"`` (a line cut short by the kill is not an acknowledgement)."""
    found = []
    for line in path.read_text().split("\n"):
        parts = line.split()
        if len(parts) == 2 and parts[0] == parts[1]:
            found.append(int(parts[0]))
    return found


def test_sigkill_loses_nothing_acknowledged(tmp_path: Path) -> None:
    path = make_db(tmp_path / "db.sqlite3")
    acknowledged: set[int] = set()
    for round_ in range(4):
        acks = tmp_path / f"acks-{round_}"
        acks.touch()
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(path), str(acks), str(100_000_000 * round_)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        deadline = time.monotonic() + 120
        while len(read_acks(acks)) < 200 + 150 * round_:  # a different moment each round
            assert child.poll() is None, "the child stopped on its own"
            assert time.monotonic() < deadline
            time.sleep(0.005)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        found = read_acks(acks)
        assert all(100_000_000 * round_ <= n < 100_000_000 * (round_ + 1) for n in found)
        acknowledged.update(found)
    assert len(acknowledged) >= 200 + 150 + 300 + 450
    assert acknowledged <= stored(path)


def test_the_store_commits_parallel_reports_together_and_refuses_only_the_duplicate(
    tmp_path: Path,
) -> None:
    store = open_store(tmp_path)
    unit = make_unit()
    store.register_unit(unit.card)
    subs = [submission(unit) for _ in range(24)]
    duplicate = submission(unit, reporter=subs[0].reporter)  # the same receipt again
    outcomes: dict[int, BaseException | str] = {}
    start = threading.Barrier(len(subs) + 1)

    def create(index: int) -> None:
        new = duplicate.new if index == len(subs) else subs[index].new
        start.wait()
        try:
            outcomes[index] = store.create_case(new).reference
        except BaseException as failed:  # reported below
            outcomes[index] = failed

    threads = [threading.Thread(target=create, args=(i,)) for i in range(len(subs) + 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    failed = [i for i, o in outcomes.items() if not isinstance(o, str)]
    # exactly one of the two cases with the same receipt was refused
    assert len(failed) == 1 and failed[0] in (0, len(subs))
    assert isinstance(outcomes[failed[0]], Conflict)
    references = sorted(o for o in outcomes.values() if isinstance(o, str))
    assert references == [f"WBS-2026-{n:04d}" for n in range(1, len(subs) + 1)]
    loser = duplicate if failed[0] == len(subs) else subs[0]
    assert not store.blobs.exists(loser.tip_id.hex())  # its blob was taken back
    for index, sub in enumerate([*subs, duplicate]):
        if index != failed[0]:
            assert store.blobs.exists(sub.tip_id.hex())
            assert store.get_case(sub.case_id).reference == outcomes[index]
