"""What every console store method starts with: who is asking, and which cases they may see.

:class:`ConsoleAccess` re-reads the signed-in account on every call (a
disabled or renamed account is refused at once), checks its role, and
narrows units and cases to the caller's own. The console modules
(:mod:`vault.console_cases`, :mod:`vault.console_figures`,
:mod:`vault.console_accounts`, :mod:`vault.console_units`,
:mod:`vault.console_ack`) build on it; :mod:`vault.console_store` puts
them together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from common.case_status import CaseStatus
from common.days import Today, jakarta_today
from common.working_days import WorkingCalendar
from vault import deadlines, staff
from vault.cases import Case
from vault.deadlines import Deadline
from vault.errors import BadInput, NotFound, VaultError
from vault.identifiers import parse_id
from vault.limits import Limits
from vault.staff import Role, StaffUser
from vault.working_days import calendar_for


class PermissionDenied(VaultError):
    """The account's role may not do this (shown as 403 by the console)."""

    default_message = "Your role does not allow this."


@dataclass(frozen=True)
class CaseRow:
    case_id: str
    reference: str
    unit_id: str
    status: CaseStatus
    submitted_day: str
    age_days: int
    deadline: Deadline | None
    overdue: bool
    assignee: str | None


CASE_SQL = (
    "SELECT c.case_id, c.unit_id, c.reference, c.status, c.submitted_day, c.status_day,"
    " c.reporter_public_key, u.username FROM cases c"
    " LEFT JOIN staff_users u ON u.user_id = c.assignee"
)


class ConsoleAccess:
    """The store's configuration and its permission checks (a connection per call)."""

    def __init__(
        self,
        database_path: Path,
        *,
        today: Today = jakarta_today,
        calendar: WorkingCalendar | None = None,
        throttle: staff.SignInThrottle | None = None,
        limits: Limits | None = None,
    ) -> None:
        self.database_path = database_path
        self.today = today
        self._calendar = calendar
        self.throttle = throttle or staff.DEFAULT_THROTTLE
        self.limits = limits or Limits()

    @property
    def calendar(self) -> WorkingCalendar:
        """The data folder's working-day calendar, read again when its file
        changes (as the reporter's status page reads it), unless one was given."""
        return self._calendar or calendar_for(self.database_path.parent)

    def _fresh(self, db: Database, user: StaffUser, *roles: Role) -> StaffUser:
        try:
            current = staff.get_user_by_id(db, user.user_id)
        except NotFound:
            raise PermissionDenied() from None
        if current.disabled or current.username != user.username:
            raise PermissionDenied()
        if current.role not in roles:
            raise PermissionDenied()
        return current

    def _units(self, db: Database, user: StaffUser, wanted: Sequence[str] | None) -> list[str]:
        if user.role is Role.INSPECTOR:
            mine = set(user.unit_ids)
        else:
            mine = {r[0] for r in db.conn.execute("SELECT unit_id FROM units")}
        return sorted(mine if wanted is None else mine & set(wanted))

    def _case(self, db: Database, user: StaffUser, case_id: str) -> tuple[Case, str | None]:
        try:
            case_hex = parse_id(case_id, "case_id")
        except BadInput:
            raise NotFound("No such case.", what="case") from None
        row = db.conn.execute(f"{CASE_SQL} WHERE c.case_id = ?", [case_hex]).fetchone()
        if row is None or row[1] not in user.unit_ids:
            raise NotFound("No such case.", what="case")
        return as_case(row), row[7]

    def _row(self, db: Database, case: Case, assignee: str | None, today: dt.date) -> CaseRow:
        deadline = deadlines.deadline_of(db, case, today, calendar=self.calendar)
        return CaseRow(
            case.case_id,
            case.reference,
            case.unit_id,
            case.status,
            case.submitted_day,
            (today - dt.date.fromisoformat(case.submitted_day)).days,
            deadline,
            deadlines.is_overdue(deadline),
            assignee,
        )


def as_case(row: tuple[object, ...]) -> Case:
    case_id, unit_id, reference, status, submitted, status_day, key, _ = row
    return Case(
        str(case_id),
        str(unit_id),
        str(reference),
        CaseStatus(str(status)),
        str(submitted),
        str(status_day),
        key if isinstance(key, bytes) else b"",
    )
