"""Errors raised by the vault store.

Every error is a :class:`crypto.errors.PeluitError`, so it carries a
``user_message`` that is safe to show (English; the web layer translates by
error class). Details meant for staff go into attributes, never into the
message, and no error ever carries ciphertext, receipt material or keys.
"""

from __future__ import annotations

import errno
import sqlite3

from crypto.errors import PeluitError

STORAGE_ERRORS: tuple[type[BaseException], ...] = (sqlite3.Error, OSError)
"""What the storage engine itself may raise (a locked, broken or missing database, a
disk error): callers outside ``vault/`` catch these instead of naming the engine."""


class DatabaseUnavailable(sqlite3.OperationalError):
    """The database server cannot be reached or went away (PostgreSQL only).

    Raised for a refused or lost connection, a server shutting down, no
    pooled connection within :data:`vault.database.POOL_WAIT_SECONDS`, or
    the write lock still held by another writer after
    :data:`vault.pg_database.LOCK_WAIT_MS`. The
    transaction in flight did not commit (or its fate is PostgreSQL's, never
    acknowledged); the web layer answers 503 ``storage_unavailable``. SQLite,
    a file, has no such state.
    """


def storage_full(exc: BaseException) -> bool:
    """A full disk (or quota, or file size limit) under a piece, a file or the database."""
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
    if isinstance(exc, sqlite3.OperationalError):
        return getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
    return False


class VaultError(PeluitError):
    """Base class of every error of the vault store."""

    default_message = "The vault could not complete this request."


class NotFound(VaultError):
    """No such unit, case, item or upload session (or not visible to the caller)."""

    default_message = "Not found."

    def __init__(self, user_message: str | None = None, *, what: str = "") -> None:
        super().__init__(user_message)
        self.what = what


class Conflict(VaultError):
    """The request collides with what is stored (an existing id, a wrong offset)."""

    default_message = "This conflicts with data already stored."

    def __init__(self, user_message: str | None = None, *, what: str = "") -> None:
        super().__init__(user_message)
        self.what = what


class LimitExceeded(VaultError):
    """A size or count limit would be exceeded; nothing beyond the limit was kept."""

    default_message = "This is larger than the vault accepts."

    def __init__(
        self, user_message: str | None = None, *, limit_name: str = "", limit: int = 0
    ) -> None:
        super().__init__(user_message)
        self.limit_name = limit_name
        self.limit = limit


class BadInput(VaultError):
    """Malformed input: a wrong id, a wrong key length, an implausible envelope."""

    default_message = "The request is malformed."

    def __init__(self, user_message: str | None = None, *, field: str = "") -> None:
        super().__init__(user_message)
        self.field = field


class DailyCeiling(LimitExceeded):
    """The unit has received as many new reports today as its ceiling allows."""

    default_message = "This unit cannot accept more reports today. Please try again tomorrow."

    def __init__(self, *, limit: int) -> None:
        super().__init__(limit_name="unit_daily_case_ceiling", limit=limit)


class UnitRetired(Conflict):
    """The unit no longer takes new reports; its reporters can still read replies."""

    default_message = "This unit no longer accepts new reports."

    def __init__(self) -> None:
        super().__init__(what="unit_retired")
