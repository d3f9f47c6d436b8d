"""The SQLite vault's writer lock (vault/writer_lock.py): writers queue in the kernel.

Every write transaction takes an exclusive ``flock`` on
``<database>-writer.lock`` before ``BEGIN IMMEDIATE`` and lets go of it after
``COMMIT``/``ROLLBACK``. Shown here by behaviour, never by timing: while one
writer (a process, or a thread) is inside its transaction, a second one is
listed in ``/proc/locks`` as *blocked* on the lock file (``->``: asleep in
the kernel, to be woken at the release, not polling in SQLite's busy
handler); it goes on once the first commits or is killed with ``SIGKILL``.
Checked 2026-12-03 with the lock switched off (``held_writer_lock`` taking
nothing): every test failed, the waiting ones because nobody ever blocked on
the lock file.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from vault import database
from vault.database import connect, write_transaction
from vault.group_commit import GroupCommitter
from vault.writer_lock import lock_file

# On PostgreSQL the write lock is an advisory lock (vault/pg_database.py).
pytestmark = pytest.mark.sqlite_only

ROOT = Path(__file__).resolve().parent.parent
GUARD_SECONDS = 60.0
"""Only a guard against a hang: no assertion here depends on how long anything took."""

WRITER = """
import sys
from pathlib import Path
from vault.database import connect, write_transaction
db = connect(Path(sys.argv[1]))
print("open", flush=True)
sys.stdin.readline()
with write_transaction(db):
    db.execute("INSERT INTO t (who) VALUES (?)", [sys.argv[2]])
    print("holding", flush=True)
    sys.stdin.readline()
print("committed", flush=True)
sys.stdin.readline()
"""


class Writer:
    """A writer in a process of its own, driven line by line through a pipe."""

    def __init__(self, path: Path, name: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), name],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
        assert self.said() == "open"

    def tell(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()

    def said(self) -> str:
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], GUARD_SECONDS)
        assert ready, "the writer said nothing"
        return self.proc.stdout.readline().strip()

    def end(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()


def make_database(tmp_path: Path) -> Path:
    path = tmp_path / "vault.sqlite3"
    db = connect(path)
    with write_transaction(db):
        db.execute("CREATE TABLE t (n INTEGER PRIMARY KEY, who TEXT)")
    db.close()
    return path


def taken(path: Path) -> bool:
    """Whether somebody holds the writer lock (asked without waiting, on our own descriptor)."""
    fd = os.open(lock_file(path), os.O_RDWR | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing lets go of a lock we got
    return False


def blocked_on(path: Path, pid: int) -> bool:
    """Whether process ``pid`` sleeps in ``flock`` on the lock file (``/proc/locks``, ``->``)."""
    inode = os.stat(lock_file(path)).st_ino
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if (
            len(fields) > 6
            and fields[1:3] == ["->", "FLOCK"]
            and int(fields[5]) == pid
            and int(fields[6].rsplit(":", 1)[1]) == inode
        ):
            return True
    return False


def wait_until_blocked(path: Path, pid: int) -> None:
    """Until ``pid`` is asleep on the lock (a condition, polled; bounded by the guard only)."""
    done = threading.Event()
    for _ in range(int(GUARD_SECONDS * 100)):
        if lock_file(path).exists() and blocked_on(path, pid):
            return
        done.wait(0.01)
    raise AssertionError(f"process {pid} never blocked on the writer lock")


def rows(path: Path) -> list[str]:
    with database.opened(path) as db:
        return [who for (who,) in db.execute("SELECT who FROM t ORDER BY n").fetchall()]


@pytest.fixture
def writers(tmp_path: Path) -> Iterator[tuple[Path, Writer, Writer]]:
    path = make_database(tmp_path)
    first, second = Writer(path, "first"), Writer(path, "second")
    try:
        yield path, first, second
    finally:
        first.end()
        second.end()


def test_a_waiting_process_sleeps_in_the_kernel_and_goes_on_at_the_commit(
    writers: tuple[Path, Writer, Writer],
) -> None:
    path, first, second = writers
    first.tell()
    assert first.said() == "holding"
    assert taken(path)  # held for the whole transaction
    second.tell()
    wait_until_blocked(path, second.proc.pid)  # asleep in flock, not in SQLite's busy handler
    first.tell()
    assert first.said() == "committed"
    assert second.said() == "holding"  # woken by the release
    assert taken(path)
    second.tell()
    assert second.said() == "committed"
    assert not taken(path)
    assert rows(path) == ["first", "second"]


def test_a_killed_holder_frees_the_lock_for_the_waiter(
    writers: tuple[Path, Writer, Writer],
) -> None:
    path, first, second = writers
    first.tell()
    assert first.said() == "holding"
    second.tell()
    wait_until_blocked(path, second.proc.pid)
    first.proc.send_signal(signal.SIGKILL)
    first.proc.wait()
    assert second.said() == "holding"
    second.tell()
    assert second.said() == "committed"
    assert rows(path) == ["second"]  # the killed writer's row was never committed


def test_a_thread_of_the_same_process_is_excluded(tmp_path: Path) -> None:
    path = make_database(tmp_path)
    holding, release, entered = threading.Event(), threading.Event(), threading.Event()

    def hold() -> None:
        db = connect(path)
        with write_transaction(db):
            db.execute("INSERT INTO t (who) VALUES ('first')")
            holding.set()
            release.wait()
        db.close()

    def follow() -> None:
        db = connect(path)
        with write_transaction(db):
            entered.set()
            db.execute("INSERT INTO t (who) VALUES ('second')")
        db.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(GUARD_SECONDS)
    follower = threading.Thread(target=follow)
    follower.start()
    wait_until_blocked(path, os.getpid())
    assert not entered.is_set()
    release.set()
    holder.join(GUARD_SECONDS)
    follower.join(GUARD_SECONDS)
    assert entered.is_set()
    assert rows(path) == ["first", "second"]
    assert not taken(path)


def test_a_wait_past_the_busy_timeout_fails_like_sqlite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_database(tmp_path)
    quick = tuple(
        (name, "100" if name == "busy_timeout" else value) for name, value in database.PRAGMAS
    )
    monkeypatch.setattr(database, "PRAGMAS", quick)
    db = connect(path)
    fd = os.open(lock_file(path), os.O_RDWR | os.O_CLOEXEC)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        with (
            pytest.raises(sqlite3.OperationalError, match="database is locked"),
            write_transaction(db),
        ):
            db.execute("INSERT INTO t (who) VALUES ('never')")
        assert not db.conn.in_transaction
    finally:
        os.close(fd)
    # The abandoned wait lets go as soon as it gets the lock; the connection writes again.
    with write_transaction(db):
        db.execute("INSERT INTO t (who) VALUES ('later')")
    db.close()
    assert rows(path) == ["later"]
    assert not taken(path)


def test_an_interrupted_wait_keeps_nothing(tmp_path: Path) -> None:
    """Ctrl-C (``KeyboardInterrupt`` in the main thread) while waiting for the lock."""
    path = make_database(tmp_path)
    db = connect(path)
    fd = os.open(lock_file(path), os.O_RDWR | os.O_CLOEXEC)
    fcntl.flock(fd, fcntl.LOCK_EX)
    main = threading.main_thread().ident
    assert main == threading.get_ident()

    def interrupt() -> None:
        wait_until_blocked(path, os.getpid())
        signal.pthread_kill(main, signal.SIGINT)

    database._writer_locks[db].timeout = GUARD_SECONDS  # only Ctrl-C ends this wait, not load
    interrupter = threading.Thread(target=interrupt)
    # Python's own Ctrl-C handler, whatever an earlier test of the session left installed
    # (an event loop's runner replaces it): otherwise the signal may raise nothing and the
    # wait ends only with its budget, as "database is locked" (seen once in a full run).
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    interrupter.start()
    try:
        with pytest.raises(KeyboardInterrupt), write_transaction(db):
            db.execute("INSERT INTO t (who) VALUES ('never')")
    finally:
        interrupter.join(GUARD_SECONDS)
        signal.signal(signal.SIGINT, previous)
        os.close(fd)  # the abandoned wait gets the lock now, and closes its descriptor
    done = threading.Event()
    for _ in range(int(GUARD_SECONDS * 100)):
        if not taken(path):
            break
        done.wait(0.01)
    else:
        raise AssertionError("the interrupted wait kept the lock")
    with write_transaction(db):
        db.execute("INSERT INTO t (who) VALUES ('later')")
    db.close()
    assert rows(path) == ["later"]
    assert not taken(path)


def test_every_way_out_of_a_transaction_lets_go(tmp_path: Path) -> None:
    path = make_database(tmp_path)
    db = connect(path)
    with pytest.raises(ValueError, match="no"), write_transaction(db):
        db.execute("INSERT INTO t (who) VALUES ('rolled back')")
        assert taken(path)
        raise ValueError("no")
    assert not taken(path)
    with pytest.raises(sqlite3.IntegrityError), write_transaction(db):
        db.execute("INSERT INTO t (n, who) VALUES (1, 'a'), (1, 'b')")
    assert not taken(path)
    db.close()
    assert rows(path) == []


def test_the_group_committer_holds_the_lock_for_its_batch(tmp_path: Path) -> None:
    path = make_database(tmp_path)
    committer = GroupCommitter(path)
    seen: list[bool] = []

    def work(db: Database) -> None:
        seen.append(taken(path))
        db.execute("INSERT INTO t (who) VALUES ('batch')")

    committer.run(work)
    assert seen == [True]
    assert not taken(path)

    def interrupted(db: Database) -> None:
        raise SystemExit(3)

    with pytest.raises(SystemExit):
        committer.run(interrupted)
    assert not taken(path)  # let go of after the batch's ROLLBACK
    committer.run(work)
    committer.close()
    assert rows(path) == ["batch", "batch"]


def test_a_forked_child_keeps_no_copy_of_the_lock(tmp_path: Path) -> None:
    path = make_database(tmp_path)
    db = connect(path)
    target = os.fspath(lock_file(path))

    def descriptors() -> int:
        count = 0
        for entry in os.listdir("/proc/self/fd"):
            with contextlib.suppress(OSError):
                count += os.readlink(f"/proc/self/fd/{entry}") == target
        return count

    with write_transaction(db):
        assert descriptors() == 1  # the parent holds the lock through one
        pid = os.fork()
        if pid == 0:  # the child: exit 0 only if it has no copy of it
            os._exit(min(descriptors(), 1))
        _, status = os.waitpid(pid, 0)
        assert taken(path)  # the child's closing its copy did not unlock the parent's
    db.close()
    assert os.waitstatus_to_exitcode(status) == 0


def test_the_lock_file_is_the_owners_only(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        path = make_database(tmp_path)
    finally:
        os.umask(old)
    assert stat.S_IMODE(lock_file(path).stat().st_mode) == 0o600
    assert lock_file(path).name == "vault.sqlite3-writer.lock"
