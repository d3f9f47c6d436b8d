"""Housekeeping jobs run once across the cluster: one lock per job.

The daily jobs (``peluit retention run``, ``deadlines close-due``,
``notify run``, ``backup``) are started by systemd timers
(deploy/systemd/peluit-*.timer) on every machine that has them, and may be
started by hand as well. Two copies of one job at once would do the same
work twice (or, for a backup, write two). Each job therefore takes its
:class:`JobLock` without waiting; a copy that finds it taken says so and
ends with success: the other copy does the work.

:class:`FolderJobLock` is the SQLite implementation: an exclusive POSIX
record lock (``lockf``) on the job's own byte of ``<data>/jobs.lock`` (one
file for every job: the data folder keeps a fixed set of names). Every
process that runs a job opens the same data folder, so the lock is shared
by every process of the machine; record locks vanish with their process, so
a killed job never blocks the next. (POSIX record locks belong to the
process, not the descriptor: a job command holds one job's lock and opens
no other descriptor of ``jobs.lock``.)

On PostgreSQL (``PELUIT_DATABASE_URL``) the machines share no folder, so
:class:`PgJobLock` holds a session-level ``pg_try_advisory_lock(key)``
instead, on a connection of its own opened for the job and closed at its
end (never one borrowed from the pool, whose locks are let go when it is
given back). A killed job's connection closes with its process and
PostgreSQL lets go of the lock at once; a machine that vanishes keeps it
until the server notices the dead TCP connection (its keepalive settings,
docs/scale.md). Should the connection break while the job runs (a database
restart), the job goes on without its lock and a second copy may start: each
job's writes are transactions of their own, and safe to repeat (below).
Each job's key is
:func:`job_key`: the first 8 bytes of ``SHA-256("peluit/job-lock/v1/" +
job)`` as a signed 64-bit integer, fixed by the job's name (not its place
in :data:`~vault.daily_jobs.JOBS`, so two releases in a rolling upgrade
agree), and never the vault's write lock (vault/pg_database.py
``WRITE_LOCK``). Advisory locks belong to one database, so two vaults on
one PostgreSQL server never block each other.

:func:`open_job_lock` picks the implementation from the backend in use, so
the commands (web/admin_commands.py) name neither. Every job is also safe
to run again after the other copy finished (retention and deadlines find
nothing left to do, notifications claim each day once:
vault/notifications.py); only a second backup would be a second folder.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from vault.daily_jobs import JOBS
from vault.data_folder import DataFolder
from vault.database import database_url
from vault.errors import VaultError

LOCK_NAME = "jobs.lock"
KEY_LABEL = b"peluit/job-lock/v1/"
"""The purpose label each job's advisory-lock key is derived under (:func:`job_key`)."""


class JobLockUnavailable(VaultError):
    """The job's lock could not be asked for: the database server does not answer.

    ``detail`` keeps the driver's first line for the operator."""

    default_message = "The database does not answer, so the job's lock could not be taken."

    def __init__(self, detail: str) -> None:
        super().__init__()
        self.detail = detail


class JobLock(Protocol):
    def hold(self, job: str) -> contextlib.AbstractContextManager[bool]:
        """True inside while this process holds ``job``; False: another copy runs it now."""
        ...


class FolderJobLock:
    """:class:`JobLock` as a record lock on the job's byte of ``<data>/jobs.lock``."""

    def __init__(self, root: Path) -> None:
        self.path = Path(root) / LOCK_NAME

    @contextlib.contextmanager
    def hold(self, job: str) -> Iterator[bool]:
        if job not in JOBS:
            raise ValueError(f"unknown daily job {job!r}")
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, JOBS.index(job))
            except OSError:  # EAGAIN or EACCES: another process holds it
                yield False
                return
            yield True
        finally:
            os.close(fd)  # closing releases the lock


def job_key(job: str) -> int:
    """The PostgreSQL advisory-lock key of ``job`` (see the module doc)."""
    if job not in JOBS:
        raise ValueError(f"unknown daily job {job!r}")
    digest = hashlib.sha256(KEY_LABEL + job.encode("ascii")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class PgJobLock:
    """:class:`JobLock` as a session advisory lock on a connection held for the job."""

    def __init__(self, url: str) -> None:
        self.url = url

    @contextlib.contextmanager
    def hold(self, job: str) -> Iterator[bool]:
        key = job_key(job)
        import sqlite3

        from psycopg import Error

        from vault.pg_database import connect_raw, sqlite_error

        try:
            raw = connect_raw(self.url)  # its own connection: the lock lives as long as it
        except sqlite3.Error as down:
            raise JobLockUnavailable((str(down).splitlines() or ["?"])[0]) from down
        try:
            try:
                # A server-wide idle_session_timeout would end this idle connection,
                # and the lock with it, while the job still runs: not for this one.
                raw.execute("SET idle_session_timeout = 0")
                raw.execute("SELECT set_config('application_name', %s, false)",
                            [f"peluit {job} job"])  # fmt: skip
                row = raw.execute("SELECT pg_try_advisory_lock(%s)", [key]).fetchone()
            except Error as failed:
                raise sqlite_error(failed) from None
            yield bool(row is not None and row[0])
        finally:
            raw.close()  # closing lets go of the lock


def open_job_lock(data_dir: str | os.PathLike[str] | None = None) -> JobLock:
    """The job locks of this vault: PostgreSQL's when it is in use, else the data folder's."""
    url = database_url()
    if url is not None:
        return PgJobLock(url)
    return FolderJobLock(DataFolder.locate(data_dir).root)
