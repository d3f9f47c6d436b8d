"""Staff sign-in: password and TOTP code, replay refusal, throttling; the current-password check.

Sign-in needs the password and a current TOTP code (RFC 6238, 30 s, 6 digits,
accepted one step either side). The step of the last accepted code is
stored per account and any code of that step or earlier is refused, so a
code seen over someone's shoulder cannot be used again.

Throttling lives in memory (:class:`LoginThrottle`), like the reporter
lookup throttle: after 5 failures in a row an account is locked for 15
minutes, and a global cap stops guessing spread across many accounts. The
lock applies to a username whether it exists or not, and every refusal has
the same message, so the answer does not tell which accounts exist. A wrong
current password on the password form counts as a failure too, so a
session left open cannot be used to guess the password.
"""

from __future__ import annotations

import collections
import datetime as dt
import threading
import time
from collections.abc import Callable

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
    default_message = (
        "Too many failed sign-ins: this account is locked for 15 minutes. Try again later."
    )


class LoginsSuspended(AccountLocked):
    default_message = "Too many failed sign-ins on this server: sign-in is paused for a while."


class LoginThrottle:
    """Failed sign-ins per username and in total, in memory, on an injectable clock."""

    def __init__(
        self,
        *,
        max_failures: int = 5,
        lock_seconds: float = 900,
        global_max: int = 100,
        global_window: float = 900,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.lock_seconds = lock_seconds
        self.global_max = global_max
        self.global_window = global_window
        self.clock = clock
        self._failures: dict[str, int] = {}
        self._locked_until: dict[str, float] = {}
        self._recent: collections.deque[float] = collections.deque()
        self._lock = threading.Lock()

    def check(self, username: str) -> None:
        now = self.clock()
        with self._lock:
            while self._recent and self._recent[0] <= now - self.global_window:
                self._recent.popleft()
            if len(self._recent) >= self.global_max:
                raise LoginsSuspended()
            until = self._locked_until.get(username)
            if until is not None:
                if now < until:
                    raise AccountLocked()
                del self._locked_until[username]
                self._failures.pop(username, None)

    def failed(self, username: str) -> bool:
        """Count a failure; return True if it locked the account."""
        now = self.clock()
        with self._lock:
            self._recent.append(now)
            count = self._failures.get(username, 0) + 1
            self._failures[username] = count
            if count >= self.max_failures:
                self._locked_until[username] = now + self.lock_seconds
                return True
            if len(self._failures) > 100_000:  # bound memory under a spray
                self._failures.clear()
            return False

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(username, None)


DEFAULT_THROTTLE = LoginThrottle()


def _password_matches(encoded: str, password: str) -> bool:
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
    throttle: LoginThrottle = DEFAULT_THROTTLE,
    now: Callable[[], float] = time.time,
    today: dt.date | None = None,
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
    ok = _password_matches(row[1] if row else _DUMMY_HASH, raw if isinstance(raw, str) else "")
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
        raise AccountLocked()
    raise LoginFailed()


def check_current_password(
    db: Database,
    username: str,
    password: SecretStr | str,
    *,
    throttle: LoginThrottle = DEFAULT_THROTTLE,
    today: dt.date | None = None,
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
    if row is not None and _password_matches(row[0], raw if isinstance(raw, str) else ""):
        throttle.succeeded(username)
        return
    day = today_or(today)
    locked = throttle.failed(username)
    audit_log.append(db, actor=username, action="login_failed", subject=username, today=day)
    if locked:
        audit_log.append(db, actor=audit_log.SYSTEM, action="lockout", subject=username, today=day)
        raise AccountLocked()
    raise WrongPassword()
