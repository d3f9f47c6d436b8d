"""Staff sign-in: password and TOTP code, replay refusal, throttling; the current-password check.

Sign-in needs the password and a current TOTP code (RFC 6238, 30 s, 6 digits,
accepted one step either side). The step of the last accepted code is
stored per account and any code of that step or earlier is refused, so a
code seen over someone's shoulder cannot be used again.

Throttling lives in memory (:class:`LoginThrottle`, or Redis's memory shared
by several server processes behind the same :class:`SignInThrottle`
interface, docs/scale.md), per account only: the
5th failure in a row locks the account for 30 seconds, each further failure
doubles that (at most 15 minutes), and a success clears the count. There is
no server-wide pause: failures spread across many usernames lock only those
names, never another staff member out. The lock applies to a username
whether it exists or not, and every refusal has the same message, so the
answer does not tell which accounts exist. A wrong current password on the
password form counts as a failure too, so a session left open cannot be
used to guess the password.

Argon2id (64 MiB) runs only through :class:`HashGate`: at most 2
verifications at once and 4 waiting; any more are refused at once with
:class:`SignInBusy` (503 "try again"), before any hash, so a flood of
sign-ins holds at most 6 worker threads and 128 MiB and cannot starve the
reporter API that shares the thread pool.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import threading
import time
from collections.abc import Callable, Iterator
from typing import Protocol

from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlite_utils import Database

from crypto.secret import SecretStr
from vault import audit_log, staff_totp
from vault.staff_accounts import USERNAME, StaffError, StaffUser, get_user_by_id, hasher, today_or

# Verified against when the username is unknown, so both answers cost the same.
_DUMMY_HASH = hasher.hash("peluit-dummy-password-for-unknown-users")


class LoginFailed(StaffError):
    """Wrong username, password or code, or a disabled account: one message for all."""

    default_message = "Sign-in failed: check the username, password and code."


class WrongPassword(StaffError):
    """The current password given on the password form is not the account's."""

    default_message = "The current password is not right."


class AccountLocked(StaffError):
    default_message = "Too many failed sign-ins for this account: wait a while and try again."

    def __init__(self, seconds: int = 0) -> None:
        super().__init__(
            f"Too many failed sign-ins for this account: wait {seconds} seconds and try again."
            if seconds
            else None
        )
        self.seconds = seconds


class SignInBusy(StaffError):
    """More sign-ins are being checked than the server hashes at once (503)."""

    default_message = "Many sign-ins are being checked right now. Wait a few seconds and try again."


class SignInThrottle(Protocol):
    """Failed sign-ins per username: what :func:`authenticate` asks and tells."""

    def check(self, username: str) -> None:
        """Raise :class:`AccountLocked` while the account is locked."""
        ...

    def failed(self, username: str) -> bool:
        """Count a failure; return True if it locked the account."""
        ...

    def locked_for(self, username: str) -> int:
        """Whole seconds left on the account's lock (for the message)."""
        ...

    def succeeded(self, username: str) -> None:
        """Clear the account's count of failures in a row."""
        ...


class LoginThrottle:
    """Failed sign-ins per username, in memory, on an injectable clock; no global pause."""

    def __init__(
        self,
        *,
        max_failures: int = 5,
        first_lock_seconds: float = 30,
        max_lock_seconds: float = 900,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.first_lock_seconds = first_lock_seconds
        self.max_lock_seconds = max_lock_seconds
        self.clock = clock
        self._failures: dict[str, int] = {}
        self._locked_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def lock_seconds(self, failures: int) -> float:
        """How long the ``failures``-th failure in a row locks the account (0: not at all)."""
        if failures < self.max_failures:
            return 0.0
        doublings = min(failures - self.max_failures, 32)
        return float(min(self.max_lock_seconds, self.first_lock_seconds * 2**doublings))

    def check(self, username: str) -> None:
        now = self.clock()
        with self._lock:
            until = self._locked_until.get(username)
            if until is not None:
                if now < until:
                    raise AccountLocked(math.ceil(until - now))
                del self._locked_until[username]  # the count stays: the next lock is longer

    def failed(self, username: str) -> bool:
        """Count a failure; return True if it locked the account."""
        now = self.clock()
        with self._lock:
            if len(self._failures) > 100_000:  # bound memory under a spray
                self._failures.clear()
                self._locked_until = {u: t for u, t in self._locked_until.items() if t > now}
            count = self._failures.get(username, 0) + 1
            self._failures[username] = count
            seconds = self.lock_seconds(count)
            if seconds:
                self._locked_until[username] = now + seconds
                return True
            return False

    def locked_for(self, username: str) -> int:
        """Whole seconds left on the account's lock (for the message)."""
        until = self._locked_until.get(username, 0.0)
        return max(0, math.ceil(until - self.clock()))

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(username, None)


class HashGate:
    """At most ``concurrent`` password hashes at once, ``queue`` waiting; others refused."""

    def __init__(self, concurrent: int = 2, queue: int = 4) -> None:
        self._slots = threading.BoundedSemaphore(concurrent)
        self._limit = concurrent + queue
        self._admitted = 0
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def admit(self) -> Iterator[None]:
        with self._lock:
            if self._admitted >= self._limit:
                raise SignInBusy()
            self._admitted += 1
        try:
            with self._slots:
                yield
        finally:
            with self._lock:
                self._admitted -= 1


DEFAULT_GATE = HashGate()
DEFAULT_THROTTLE = LoginThrottle()


def _password_matches(encoded: str, password: str, gate: HashGate | None) -> bool:
    with (gate or DEFAULT_GATE).admit():
        try:
            return hasher.verify(encoded, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


def authenticate(
    db: Database,
    username: str,
    password: SecretStr | str,
    totp_code: str,
    *,
    throttle: SignInThrottle = DEFAULT_THROTTLE,
    now: Callable[[], float] = time.time,
    today: dt.date | None = None,
    gate: HashGate | None = None,
) -> StaffUser:
    """The account, if the password and a fresh TOTP code match; else :class:`LoginFailed`.

    :class:`AccountLocked` while locked. Failures, lock-outs and sign-ins go to
    the audit log; an unknown username is logged as ``unknown`` (it may be a
    mistyped password).
    """
    day = today_or(today)
    key = username if isinstance(username, str) and len(username) <= 64 else ""
    throttle.check(key)
    raw = password.reveal() if isinstance(password, SecretStr) else password
    row = None
    if isinstance(username, str) and USERNAME.match(username):
        row = db.conn.execute(
            "SELECT user_id, password_hash, totp_secret, totp_last_step, disabled, totp_sealed"
            " FROM staff_users WHERE username = ?",
            [username],
        ).fetchone()
    ok = _password_matches(
        row[1] if row else _DUMMY_HASH, raw if isinstance(raw, str) else "", gate
    )
    if row is not None and ok and not row[4]:
        secret = staff_totp.secret_of(db, row[0], row[2], row[5])
        step = staff_totp.matching_step(secret, totp_code, now())
        if step is not None and step > row[3]:
            with audit_log.joined_transaction(db):
                # Compare-and-set: a code used in parallel is accepted once only.
                updated = db.conn.execute(
                    "UPDATE staff_users SET totp_last_step = ? WHERE user_id = ?"
                    " AND totp_last_step < ?",
                    [step, row[0], step],
                ).rowcount
                if updated == 1:
                    if hasher.check_needs_rehash(row[1]):
                        db.conn.execute(
                            "UPDATE staff_users SET password_hash = ? WHERE user_id = ?",
                            [hasher.hash(raw), row[0]],
                        )
                    audit_log.append(
                        db, actor=username, action="login", subject=username, today=day
                    )
            if updated == 1:
                throttle.succeeded(key)
                return get_user_by_id(db, row[0])
    locked = throttle.failed(key)
    subject = username if row is not None else "unknown"
    audit_log.append(db, actor=audit_log.SYSTEM, action="login_failed", subject=subject, today=day)
    if locked:
        audit_log.append(db, actor=audit_log.SYSTEM, action="lockout", subject=subject, today=day)
        raise AccountLocked(throttle.locked_for(key))
    raise LoginFailed()


def check_current_password(
    db: Database,
    username: str,
    password: SecretStr | str,
    *,
    throttle: SignInThrottle = DEFAULT_THROTTLE,
    today: dt.date | None = None,
    gate: HashGate | None = None,
) -> None:
    """Refuse (:class:`WrongPassword`) unless ``password`` is the account's current one.

    Asked before an account changes its own password. Failures count in the
    sign-in throttle and the audit log like failed sign-ins; while the
    account is locked the check refuses with :class:`AccountLocked`.
    """
    throttle.check(username)
    raw = password.reveal() if isinstance(password, SecretStr) else password
    row = db.conn.execute(
        "SELECT password_hash FROM staff_users WHERE username = ? AND disabled = 0", [username]
    ).fetchone()
    if row is not None and _password_matches(row[0], raw if isinstance(raw, str) else "", gate):
        throttle.succeeded(username)
        return
    day = today_or(today)
    locked = throttle.failed(username)
    audit_log.append(db, actor=username, action="login_failed", subject=username, today=day)
    if locked:
        audit_log.append(db, actor=audit_log.SYSTEM, action="lockout", subject=username, today=day)
        raise AccountLocked(throttle.locked_for(username))
    raise WrongPassword()
