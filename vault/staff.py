"""Staff accounts: roles, Argon2id passwords, TOTP for everyone, login throttling.

Roles (what each may do is enforced again in :mod:`vault.console_store`):

- ``admin``: accounts, units and settings; never case content, case lists or
  reporter lookups;
- ``inspector``: the cases of their own units;
- ``auditor``: read-only: the audit log and aggregate figures.

Sign-in needs the password and a current TOTP code (RFC 6238, 30 s, 6 digits,
accepted one step either side). The step of the last accepted code is
stored per account and any code of that step or earlier is refused, so a
code seen over someone's shoulder cannot be used again.

Throttling lives in memory (:class:`LoginThrottle`), like the reporter
lookup throttle: after 5 failures in a row an account is locked for 15
minutes, and a global cap stops guessing spread across many accounts. The
lock applies to a username whether it exists or not, and every refusal has
the same message, so the answer does not tell which accounts exist.
"""

from __future__ import annotations

import collections
import datetime as dt
import enum
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlite_utils import Database

from crypto.errors import PeluitError
from crypto.secret import SecretStr
from vault import audit_log
from vault.errors import BadInput, Conflict, NotFound

USERNAME = re.compile(r"[a-z][a-z0-9._-]{1,31}\Z")
MIN_PASSWORD = 12
MAX_PASSWORD = 1024
ISSUER = "Peluit"
TOTP_STEP = 30

_hasher = PasswordHasher()
# Verified against when the username is unknown, so both answers cost the same.
_DUMMY_HASH = _hasher.hash("peluit-dummy-password-for-unknown-users")


class Role(enum.StrEnum):
    ADMIN = "admin"
    INSPECTOR = "inspector"
    AUDITOR = "auditor"


@dataclass(frozen=True)
class StaffUser:
    user_id: int
    username: str
    role: Role
    unit_ids: tuple[str, ...]
    disabled: bool


class StaffError(PeluitError):
    default_message = "This staff request cannot be done."


class LoginFailed(StaffError):
    """Wrong username, password or code, or a disabled account: one message for all."""

    default_message = "Sign-in failed: check the username, password and code."


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


def check_username(username: object) -> str:
    if not isinstance(username, str) or not USERNAME.match(username):
        raise BadInput(
            "A username is 2 to 32 characters: lowercase letters, digits, '.', '_' or '-',"
            " starting with a letter.",
            field="username",
        )
    return username


def check_password(password: SecretStr | str) -> str:
    raw = password.reveal() if isinstance(password, SecretStr) else password
    if not isinstance(raw, str) or not MIN_PASSWORD <= len(raw) <= MAX_PASSWORD:
        raise BadInput(
            f"A password must be {MIN_PASSWORD} to {MAX_PASSWORD} characters long.",
            field="password",
        )
    return raw


def _role(role: Role | str) -> Role:
    try:
        return Role(str(role))
    except ValueError:
        raise BadInput("The role must be admin, inspector or auditor.", field="role") from None


def _check_units(db: Database, role: Role, unit_ids: Iterable[str]) -> tuple[str, ...]:
    units = tuple(sorted(set(unit_ids)))
    if units and role is not Role.INSPECTOR:
        raise BadInput("Only inspectors belong to units.", field="unit_ids")
    for unit in units:
        if db.conn.execute("SELECT 1 FROM units WHERE unit_id = ?", [unit]).fetchone() is None:
            raise NotFound(f"No such unit: {unit}.", what="unit")
    return units


def _today(today: dt.date | None) -> dt.date:
    from vault.days import jakarta_today

    return today or jakarta_today()


def create_user(
    db: Database,
    username: str,
    role: Role | str,
    *,
    unit_ids: Sequence[str] = (),
    password: SecretStr | str,
    actor: str = audit_log.SYSTEM,
    today: dt.date | None = None,
) -> tuple[StaffUser, SecretStr]:
    """Create an account; return it and its new TOTP secret (base32) for enrolment."""
    name, kind = check_username(username), _role(role)
    encoded = _hasher.hash(check_password(password))
    secret = pyotp.random_base32()
    day = _today(today)
    with audit_log.joined_transaction(db):
        units = _check_units(db, kind, unit_ids)
        if db.conn.execute("SELECT 1 FROM staff_users WHERE username = ?", [name]).fetchone():
            raise Conflict("This username is taken.", what="username")
        user_id = db.conn.execute(
            "INSERT INTO staff_users (username, role, password_hash, totp_secret, created_day)"
            " VALUES (?, ?, ?, ?, ?) RETURNING user_id",
            [name, kind.value, encoded, secret, day.isoformat()],
        ).fetchone()[0]
        for unit in units:
            db.conn.execute("INSERT INTO staff_units VALUES (?, ?)", [user_id, unit])
        audit_log.append(
            db,
            actor=actor,
            action="user_created",
            subject=name,
            detail={"role": kind.value, "units": ",".join(units)[:64]},
            today=day,
        )
    return StaffUser(user_id, name, kind, units, False), SecretStr(secret)


def provisioning_uri(username: str, secret: SecretStr) -> str:
    """The ``otpauth://`` URI an authenticator app scans (show it once, as a QR code)."""
    return pyotp.TOTP(secret.reveal()).provisioning_uri(name=username, issuer_name=ISSUER)


def _user(db: Database, row: tuple[object, ...]) -> StaffUser:
    user_id, username, role, disabled = row
    units = tuple(
        r[0]
        for r in db.conn.execute(
            "SELECT unit_id FROM staff_units WHERE user_id = ? ORDER BY unit_id", [user_id]
        )
    )
    return StaffUser(int(user_id), str(username), Role(str(role)), units, bool(disabled))  # type: ignore[call-overload]


def get_user(db: Database, username: str) -> StaffUser:
    row = db.conn.execute(
        "SELECT user_id, username, role, disabled FROM staff_users WHERE username = ?", [username]
    ).fetchone()
    if row is None:
        raise NotFound("No such account.", what="user")
    return _user(db, row)


def get_user_by_id(db: Database, user_id: int) -> StaffUser:
    row = db.conn.execute(
        "SELECT user_id, username, role, disabled FROM staff_users WHERE user_id = ?", [user_id]
    ).fetchone()
    if row is None:
        raise NotFound("No such account.", what="user")
    return _user(db, row)


def list_users(db: Database) -> list[StaffUser]:
    rows = db.conn.execute(
        "SELECT user_id, username, role, disabled FROM staff_users ORDER BY username"
    ).fetchall()
    return [_user(db, row) for row in rows]


def _totp_step(secret: str, code: str, now: float) -> int | None:
    """The time step (now-1, now or now+1) whose code is ``code``, or ``None``."""
    if not isinstance(code, str) or not re.fullmatch(r"\d{6}", code):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now // TOTP_STEP)
    for step in (current - 1, current, current + 1):
        if pyotp.utils.strings_equal(totp.at(step * TOTP_STEP), code):
            return step
    return None


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
    day = _today(today)
    key = username if isinstance(username, str) and len(username) <= 64 else ""
    throttle.check(key)
    raw = password.reveal() if isinstance(password, SecretStr) else password
    row = None
    if isinstance(username, str) and USERNAME.match(username):
        row = db.conn.execute(
            "SELECT user_id, password_hash, totp_secret, totp_last_step, disabled"
            " FROM staff_users WHERE username = ?",
            [username],
        ).fetchone()
    ok = _password_matches(row[1] if row else _DUMMY_HASH, raw if isinstance(raw, str) else "")
    if row is not None and ok and not row[4]:
        step = _totp_step(row[2], totp_code, now())
        if step is not None and step > row[3]:
            with audit_log.joined_transaction(db):
                # Compare-and-set: a code used in parallel is accepted once only.
                updated = db.conn.execute(
                    "UPDATE staff_users SET totp_last_step = ? WHERE user_id = ?"
                    " AND totp_last_step < ?",
                    [step, row[0], step],
                ).rowcount
                if updated == 1:
                    if _hasher.check_needs_rehash(row[1]):
                        db.conn.execute(
                            "UPDATE staff_users SET password_hash = ? WHERE user_id = ?",
                            [_hasher.hash(raw), row[0]],
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


def _password_matches(encoded: str, password: str) -> bool:
    try:
        return _hasher.verify(encoded, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def set_password(
    db: Database,
    username: str,
    password: SecretStr | str,
    *,
    actor: str = audit_log.SYSTEM,
    today: dt.date | None = None,
) -> None:
    encoded = _hasher.hash(check_password(password))
    with audit_log.joined_transaction(db):
        user = get_user(db, username)
        db.conn.execute(
            "UPDATE staff_users SET password_hash = ? WHERE user_id = ?", [encoded, user.user_id]
        )
        audit_log.append(
            db, actor=actor, action="password_changed", subject=username, today=_today(today)
        )


def disable_user(
    db: Database, username: str, *, actor: str = audit_log.SYSTEM, today: dt.date | None = None
) -> StaffUser:
    """Disable an account (accounts are never deleted: the audit log names them)."""
    with audit_log.joined_transaction(db):
        user = get_user(db, username)
        db.conn.execute("UPDATE staff_users SET disabled = 1 WHERE user_id = ?", [user.user_id])
        db.conn.execute(
            "UPDATE cases SET assignee = NULL WHERE assignee = ? AND status != 'ditutup'",
            [user.user_id],
        )
        audit_log.append(
            db, actor=actor, action="user_disabled", subject=username, today=_today(today)
        )
    return get_user(db, username)


def set_units(
    db: Database,
    username: str,
    unit_ids: Sequence[str],
    *,
    actor: str = audit_log.SYSTEM,
    today: dt.date | None = None,
) -> StaffUser:
    """Replace an inspector's unit memberships."""
    with audit_log.joined_transaction(db):
        user = get_user(db, username)
        units = _check_units(db, user.role, unit_ids)
        db.conn.execute("DELETE FROM staff_units WHERE user_id = ?", [user.user_id])
        for unit in units:
            db.conn.execute("INSERT INTO staff_units VALUES (?, ?)", [user.user_id, unit])
        audit_log.append(
            db,
            actor=actor,
            action="units_changed",
            subject=username,
            detail={"units": ",".join(units)[:64]},
            today=_today(today),
        )
    return get_user(db, username)
