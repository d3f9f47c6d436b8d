"""Staff accounts: who they are, their role and units, their password hash.

Accounts are never deleted (the audit log names them), only disabled. An
account whose password someone else chose (its creation, an
administrator's reset) carries ``must_change_password`` in the database
until its owner picks a new one, so the console keeps asking after a
restart. Sign-in itself lives in :mod:`vault.staff_login`.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from argon2 import PasswordHasher
from sqlite_utils import Database

from crypto.errors import PeluitError
from crypto.secret import SecretStr
from vault import audit_log, staff_totp
from vault.errors import BadInput, Conflict, NotFound

USERNAME = re.compile(r"[a-z][a-z0-9._-]{1,31}\Z")
MIN_PASSWORD = 12
MAX_PASSWORD = 1024

hasher = PasswordHasher()


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


def today_or(today: dt.date | None) -> dt.date:
    from common.days import jakarta_today

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
    one_time_password: bool = False,
) -> tuple[StaffUser, SecretStr]:
    """Create an account; return it and its new TOTP secret (base32) for enrolment.

    ``one_time_password``: someone other than the account's owner chose the
    password (the console always says so); the account must replace it at
    its first sign-in. The command line's ``user add`` is typed by the
    owner at the server and leaves it off.
    """
    name, kind = check_username(username), _role(role)
    encoded = hasher.hash(check_password(password))
    secret = staff_totp.new_secret()
    day = today_or(today)
    with audit_log.joined_transaction(db):
        units = _check_units(db, kind, unit_ids)
        if db.conn.execute("SELECT 1 FROM staff_users WHERE username = ?", [name]).fetchone():
            raise Conflict("This username is taken.", what="username")
        user_id = db.conn.execute(
            "INSERT INTO staff_users (username, role, password_hash, totp_secret, created_day,"
            " must_change_password) VALUES (?, ?, ?, '', ?, ?) RETURNING user_id",
            [name, kind.value, encoded, day.isoformat(), int(one_time_password)],
        ).fetchone()[0]
        staff_totp.store_secret(db, user_id, secret)
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
    return StaffUser(user_id, name, kind, units, False), secret


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


def unit_inspectors(db: Database, unit_id: str) -> list[str]:
    """Usernames of the active inspectors of one unit, sorted."""
    return [
        r[0]
        for r in db.conn.execute(
            "SELECT u.username FROM staff_users u JOIN staff_units s ON s.user_id = u.user_id"
            " WHERE s.unit_id = ? AND u.role = 'inspector' AND u.disabled = 0"
            " ORDER BY u.username",
            [unit_id],
        )
    ]


def must_change_password(db: Database, user_id: int) -> bool:
    row = db.conn.execute(
        "SELECT must_change_password FROM staff_users WHERE user_id = ?", [user_id]
    ).fetchone()
    return bool(row and row[0])


def set_password(
    db: Database,
    username: str,
    password: SecretStr | str,
    *,
    actor: str = audit_log.SYSTEM,
    today: dt.date | None = None,
) -> None:
    """Set a password. Chosen by the account itself (``actor == username``) it is final;
    chosen by anyone else it is a one-time password the account must replace."""
    encoded = hasher.hash(check_password(password))
    own = actor == username
    with audit_log.joined_transaction(db):
        user = get_user(db, username)
        db.conn.execute(
            "UPDATE staff_users SET password_hash = ?, must_change_password = ? WHERE user_id = ?",
            [encoded, 0 if own else 1, user.user_id],
        )
        audit_log.append(
            db,
            actor=actor,
            action="password_changed",
            subject=username,
            detail={} if own else {"one_time": "yes"},
            today=today_or(today),
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
            db, actor=actor, action="user_disabled", subject=username, today=today_or(today)
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
            today=today_or(today),
        )
    return get_user(db, username)
