"""Group commit: concurrent writers share one SQLite transaction and one commit.

Each caller of :meth:`GroupCommitter.run` hands over a piece of write work (a
function of the database) and blocks until that work is **committed**. Callers
that arrive while a commit is in progress queue up; the next batch runs all of
them in one ``BEGIN IMMEDIATE`` ... ``COMMIT``, so one ``synchronous=FULL``
commit (one WAL fsync) makes many callers' writes durable at once, and
writers wait on each other in order instead of polling SQLite's busy lock
(its busy handler sleeps up to 100 ms at a time, which made the ingest tail
seconds long).

- **Durability.** :meth:`~GroupCommitter.run` returns only after the
  ``COMMIT`` that holds the caller's writes has returned (WAL with
  ``synchronous=FULL``: on stable storage). Nothing is acknowledged earlier.
- **Isolation between callers.** Each piece of work runs inside its own
  ``SAVEPOINT``. If it raises, its writes are rolled back to the savepoint,
  its caller gets its exception, and the other callers of the batch are not
  affected. Work runs in arrival order, so a later caller sees an earlier
  caller's writes (a reference counter, a daily ceiling) as if each had
  committed alone.
- **A failed transaction** (``BEGIN``, ``COMMIT``, or SQLite rolling the
  whole transaction back on its own, as it may for a full disk or an I/O
  error) is reported to exactly the callers whose work was in it; their
  writes are gone, so none of them is acknowledged. When SQLite rolled the
  transaction back while one caller's work ran, the callers whose work had
  not run yet go on in the next transaction; when ``BEGIN``, ``COMMIT`` or a
  savepoint statement itself fails, every caller of the batch gets that
  error (none of their writes was committed).
- **No committer thread.** The first caller to find nobody committing leads:
  it takes the queue (up to ``max_batch``), commits it, wakes the callers it
  served, and passes the lead to the first caller still waiting. No thread
  to start or stop, nothing to inherit across ``fork``.

The batch runs on one connection that belongs to the committer (opened with
every pragma by :func:`vault.database.connect`) and is used by one leader at
a time (the lead passes from thread to thread under the committer's lock);
it is replaced after a database error and never used across ``fork``. On
SQLite each batch holds the connection's writer lock (vault/writer_lock.py)
from before ``BEGIN IMMEDIATE`` until its ``COMMIT``, or the ``ROLLBACK``
of a failed batch, returned: the other server processes' leaders are woken
the moment it is free.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

from sqlite_utils import Database

from vault.database import connect, held_writer_lock
from vault.file_times import touch_database_files

T = TypeVar("T")
Work = Callable[[Database], T]

MAX_BATCH = 64


class TransactionAborted(RuntimeError):
    """The transaction holding a caller's work was interrupted in another thread."""


def _shared_connection(path: Path) -> Database:
    """A connection that leaders in different threads use in turn, never at once."""
    return connect(path, check_same_thread=False)


class _Job(Generic[T]):
    __slots__ = ("done", "error", "lead", "result", "wake", "work")

    def __init__(self, work: Work[T]) -> None:
        self.work = work
        self.wake = threading.Event()  # set once: the job is done, or its caller leads
        self.lead = False
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None

    def finish(self, result: Any = None, error: BaseException | None = None) -> None:
        self.result, self.error, self.done = result, error, True
        self.wake.set()


class _State:
    """Everything that must not cross ``fork``: the lock, the queue, the connection."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.queue: list[_Job[Any]] = []
        self.leading = False
        self.db: Database | None = None


class GroupCommitter:
    """Runs write work from many threads in shared, durable transactions."""

    def __init__(
        self,
        path: Path,
        *,
        max_batch: int = MAX_BATCH,
        connect: Callable[[Path], Database] | None = None,
    ) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self.path = path
        self.max_batch = max_batch
        self._connect = connect or _shared_connection
        self._state = _State()
        self.batches = 0
        """How many transactions were attempted (for tests and benchmarks)."""

    def _current(self) -> _State:
        state = self._state
        if state.pid != os.getpid():  # a forked child: start afresh, touch nothing inherited
            state = self._state = _State()
        return state

    def run(self, work: Work[T]) -> T:
        """Run ``work(db)`` inside a write transaction; return its result once committed.

        ``work`` must only use ``db`` for its writes and reads, must not open
        or end transactions itself, and may run in another thread (the
        leader's). Its exception is raised here, with nothing of its writes
        kept; so is the exception of a transaction that failed as a whole.
        """
        state = self._current()
        job: _Job[T] = _Job(work)
        with state.lock:
            state.queue.append(job)
            if not state.leading:
                state.leading = job.lead = True
        if not job.lead:
            job.wake.wait()
        if job.lead and not job.done:
            self._lead(state)
        if job.error is not None:
            raise job.error
        result: T = job.result
        return result

    def close(self) -> None:
        """Close the committer's connection unless a batch is running (a later
        :meth:`run` opens a new one)."""
        state = self._current()
        with state.lock:
            if not state.leading:
                self._drop_connection(state)

    # --- the leader ---------------------------------------------------------

    def _lead(self, state: _State) -> None:
        """Commit one batch (the leader's own job is its first), then pass the lead on."""
        try:
            with state.lock:
                batch = state.queue[: self.max_batch]
                del state.queue[: self.max_batch]
            while batch:
                batch = self._transaction(state, batch)
        finally:
            with state.lock:
                if state.queue:
                    successor = state.queue[0]
                    successor.lead = True
                    successor.wake.set()
                else:
                    state.leading = False

    def _connection(self, state: _State) -> Database:
        if state.db is None:
            state.db = self._connect(self.path)
        return state.db

    def _drop_connection(self, state: _State) -> None:
        db, state.db = state.db, None
        if db is not None:
            with contextlib.suppress(sqlite3.Error):
                db.close()

    def _transaction(self, state: _State, batch: list[_Job[Any]]) -> list[_Job[Any]]:
        """One transaction over ``batch``; return the jobs it did not get to run."""
        self.batches += 1
        ran: list[tuple[_Job[Any], Any]] = []
        with contextlib.ExitStack() as writer:  # let go of after COMMIT or ROLLBACK returned
            try:
                db = self._connection(state)
                conn = db.conn
                if conn.in_transaction:
                    conn.execute("ROLLBACK")  # never build on a half-done transaction
                writer.enter_context(held_writer_lock(db))
                conn.execute("BEGIN IMMEDIATE")
                left = self._run_jobs(state, db, batch, ran)
                if left is not None:
                    return left
                conn.execute("COMMIT")
                writer.close()
                touch_database_files(self.path)
            except BaseException as failed:
                self._fail_batch(state, batch, ran, failed)
                if not isinstance(failed, Exception):
                    raise
                return []
        for job, result in ran:
            job.finish(result=result)
        return []

    def _run_jobs(
        self,
        state: _State,
        db: Database,
        batch: list[_Job[Any]],
        ran: list[tuple[_Job[Any], Any]],
    ) -> list[_Job[Any]] | None:
        """Each job in its savepoint; the jobs left if SQLite dropped the whole transaction."""
        conn = db.conn
        for index, job in enumerate(batch):
            conn.execute("SAVEPOINT job")
            try:
                result = job.work(db)
            except Exception as failed:
                if not conn.in_transaction:
                    # SQLite rolled the whole transaction back (a full disk, an
                    # I/O error): the work that ran before is gone too.
                    job.finish(error=failed)
                    self._fail(ran, failed)
                    if isinstance(failed, sqlite3.Error):
                        self._drop_connection(state)
                    return batch[index + 1 :]
                conn.execute("ROLLBACK TO job")
                conn.execute("RELEASE job")
                job.finish(error=failed)
                continue
            conn.execute("RELEASE job")
            ran.append((job, result))
        return None

    def _fail_batch(
        self,
        state: _State,
        batch: list[_Job[Any]],
        ran: list[tuple[_Job[Any], Any]],
        failed: BaseException,
    ) -> None:
        """The transaction failed: roll back, and every job not finished gets the error."""
        self._abort(state, failed)
        # An interrupt (SystemExit, KeyboardInterrupt) belongs to the thread
        # it happened in; the other callers get an ordinary error, chained.
        shared: BaseException = failed
        if not isinstance(failed, Exception):
            shared = TransactionAborted("The shared transaction was interrupted.")
            shared.__cause__ = failed
        self._fail(ran, shared)
        for job in batch:
            if not job.done:
                job.finish(error=shared)

    @staticmethod
    def _fail(ran: list[tuple[_Job[Any], Any]], failed: BaseException) -> None:
        for job, _ in ran:
            job.finish(error=failed)
        ran.clear()

    def _abort(self, state: _State, failed: BaseException) -> None:
        db = state.db
        if db is not None and db.conn.in_transaction:
            try:
                db.conn.execute("ROLLBACK")
            except sqlite3.Error:
                self._drop_connection(state)
                return
        if isinstance(failed, sqlite3.Error):
            self._drop_connection(state)
