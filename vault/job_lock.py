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

A database server would hold an advisory lock instead, through the same
interface. Every job is also safe to run again after the other copy
finished (retention and deadlines find nothing left to do, notifications
claim each day once: vault/notifications.py); only a second backup would
be a second folder.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from vault.daily_jobs import JOBS

LOCK_NAME = "jobs.lock"


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
