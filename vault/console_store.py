"""What the staff console may ask of storage, with role permissions enforced here.

The console (``web/``) never touches SQLite: it calls a :class:`ConsoleStore`
with the signed-in :class:`StaffUser`. Every method re-reads that account
(a disabled account is refused at once) and checks its role itself, so a
route that forgets a check still cannot leak:

=========== ============================================================
role        may
=========== ============================================================
admin       staff accounts, unit settings (deadline policy, retention);
            never case lists, case summaries, figures or exports
inspector   the cases of their own units (another unit's case is "not
            found"), assignment, status changes, figures of own units
auditor     the audit log and aggregate figures; nothing that changes data
=========== ============================================================

What a case summary holds is what the online server knows: reference,
status and its codes, days, deadline clocks, envelope counts by kind. No
content, no reporter key, no lookup material.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from sqlite_utils import Database

from crypto.secret import SecretStr
from vault import audit_log, deadlines, lifecycle, notifications, staff
from vault.audit_log import AuditEntry, VerifyReport
from vault.cases import Case
from vault.database import opened
from vault.days import Today, jakarta_today
from vault.deadlines import Deadline, DeadlinePolicy, StageClock
from vault.errors import BadInput, NotFound, VaultError
from vault.identifiers import parse_id
from vault.staff import Role, StaffUser
from vault.status import CaseStatus
from vault.units import get_settings, update_settings
from vault.working_days import WorkingCalendar, calendar_for


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


@dataclass(frozen=True)
class CasePage:
    items: list[CaseRow]
    total: int
    page: int
    per_page: int


@dataclass(frozen=True)
class CaseSummary:
    row: CaseRow
    status_day: str
    outcome: str | None
    reason: str | None
    referral_target: str | None
    paused_from: str | None
    events: list[tuple[int, str, str]]  # (seq, status, day)
    clocks: list[StageClock]
    envelope_counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class UnitFigures:
    unit_id: str
    by_status: dict[str, int]
    by_month: dict[str, int]  # "YYYY-MM" -> new cases
    compliance: dict[str, dict[str, int]]  # stage -> {"met", "missed", "running"}
    new_today: int


@dataclass(frozen=True)
class UnitConsoleSettings:
    unit_id: str
    policy: DeadlinePolicy
    retention_days: int


@runtime_checkable
class ConsoleStore(Protocol):
    # cases (inspectors)
    def list_cases(
        self,
        user: StaffUser,
        *,
        unit_ids: Sequence[str] | None = None,
        status: CaseStatus | str | None = None,
        overdue: bool | None = None,
        assignee: str | None = None,
        month: str | None = None,
        page: int = 1,
        per_page: int = 50,
    ) -> CasePage: ...
    def case_summary(self, user: StaffUser, case_id: str) -> CaseSummary: ...
    def assign(self, user: StaffUser, case_id: str, inspector: str | None) -> CaseRow: ...
    def change_status(
        self,
        user: StaffUser,
        case_id: str,
        new: CaseStatus | str,
        *,
        outcome: str | None = None,
        reason: str | None = None,
        target: str | None = None,
    ) -> CaseRow: ...
    def check_export(self, user: StaffUser, unit_id: str) -> None: ...
    # figures (inspectors, auditors)
    def dashboard(
        self, user: StaffUser, unit_ids: Sequence[str] | None = None
    ) -> list[UnitFigures]: ...
    def new_reports_today(self, user: StaffUser) -> dict[str, int]: ...
    # staff accounts and units (admins)
    def create_user(
        self,
        user: StaffUser,
        username: str,
        role: Role | str,
        *,
        unit_ids: Sequence[str] = (),
        password: SecretStr | str,
    ) -> tuple[StaffUser, SecretStr]: ...
    def list_users(self, user: StaffUser) -> list[StaffUser]: ...
    def set_password(self, user: StaffUser, username: str, password: SecretStr | str) -> None: ...
    def disable_user(self, user: StaffUser, username: str) -> StaffUser: ...
    def set_units(self, user: StaffUser, username: str, unit_ids: Sequence[str]) -> StaffUser: ...
    def unit_settings(self, user: StaffUser, unit_id: str) -> UnitConsoleSettings: ...
    def update_unit_settings(
        self,
        user: StaffUser,
        unit_id: str,
        *,
        policy: DeadlinePolicy | None = None,
        retention_days: int | None = None,
    ) -> UnitConsoleSettings: ...
    # audit (auditors)
    def audit_entries(
        self, user: StaffUser, *, limit: int = 100, before_seq: int | None = None
    ) -> list[AuditEntry]: ...
    def verify_audit(self, user: StaffUser) -> VerifyReport: ...
    # sign-in
    def authenticate(
        self, username: str, password: SecretStr | str, totp_code: str
    ) -> StaffUser: ...
    def record_logout(self, user: StaffUser) -> None: ...


_CASE_SQL = (
    "SELECT c.case_id, c.unit_id, c.reference, c.status, c.submitted_day, c.status_day,"
    " c.reporter_public_key, u.username FROM cases c"
    " LEFT JOIN staff_users u ON u.user_id = c.assignee"
)


class SqliteConsoleStore:
    """:class:`ConsoleStore` on the vault's SQLite file (a connection per call)."""

    def __init__(
        self,
        database_path: Path,
        *,
        today: Today = jakarta_today,
        calendar: WorkingCalendar | None = None,
        throttle: staff.LoginThrottle | None = None,
    ) -> None:
        self.database_path = database_path
        self.today = today
        self.calendar = calendar or calendar_for(database_path.parent)
        self.throttle = throttle or staff.DEFAULT_THROTTLE

    # --- permissions -----------------------------------------------------------

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
        row = db.conn.execute(f"{_CASE_SQL} WHERE c.case_id = ?", [case_hex]).fetchone()
        if row is None or row[1] not in user.unit_ids:
            raise NotFound("No such case.", what="case")
        return _as_case(row), row[7]

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

    # --- cases -----------------------------------------------------------------

    def list_cases(
        self,
        user: StaffUser,
        *,
        unit_ids: Sequence[str] | None = None,
        status: CaseStatus | str | None = None,
        overdue: bool | None = None,
        assignee: str | None = None,
        month: str | None = None,
        page: int = 1,
        per_page: int = 50,
    ) -> CasePage:
        if not isinstance(page, int) or page < 1 or not isinstance(per_page, int):
            raise BadInput("The page number is not valid.", field="page")
        per_page = max(1, min(per_page, 200))
        today = self.today()
        with opened(self.database_path) as db:
            user = self._fresh(db, user, Role.INSPECTOR)
            units = self._units(db, user, unit_ids)
            where = [f"c.unit_id IN ({','.join('?' * len(units))})"]
            args: list[object] = list(units)
            if status is not None:
                try:
                    where.append("c.status = ?")
                    args.append(CaseStatus(str(status)).value)
                except ValueError:
                    raise BadInput("Unknown status.", field="status") from None
            if assignee is not None:
                where.append("u.username = ?")
                args.append(assignee)
            if month is not None:
                if not (isinstance(month, str) and len(month) == 7 and month[4] == "-"):
                    raise BadInput("A month is YYYY-MM.", field="month")
                where.append("substr(c.submitted_day, 1, 7) = ?")
                args.append(month)
            sql = (
                f"{_CASE_SQL} WHERE {' AND '.join(where)}"
                " ORDER BY c.submitted_day DESC, c.reference DESC"
            )
            rows = [self._row(db, _as_case(r), r[7], today) for r in db.conn.execute(sql, args)]
        if overdue is not None:
            rows = [r for r in rows if r.overdue == overdue]
        start = (page - 1) * per_page
        return CasePage(rows[start : start + per_page], len(rows), page, per_page)

    def case_summary(self, user: StaffUser, case_id: str) -> CaseSummary:
        today = self.today()
        with opened(self.database_path) as db:
            user = self._fresh(db, user, Role.INSPECTOR)
            case, assignee = self._case(db, user, case_id)
            extra = db.conn.execute(
                "SELECT status_day, outcome, reason, referral_target, paused_from FROM cases"
                " WHERE case_id = ?",
                [case.case_id],
            ).fetchone()
            events = [
                (r[0], r[1], r[2])
                for r in db.conn.execute(
                    "SELECT seq, status, day FROM status_events WHERE case_id = ? ORDER BY seq",
                    [case.case_id],
                )
            ]
            counts = dict(
                db.conn.execute(
                    "SELECT kind, count(*) FROM envelopes WHERE case_id = ? GROUP BY kind",
                    [case.case_id],
                ).fetchall()
            )
            return CaseSummary(
                self._row(db, case, assignee, today),
                extra[0],
                extra[1],
                extra[2],
                extra[3],
                extra[4],
                events,
                deadlines.clocks_of(db, case, today, calendar=self.calendar),
                counts,
            )

    def assign(self, user: StaffUser, case_id: str, inspector: str | None) -> CaseRow:
        today = self.today()
        with opened(self.database_path) as db, audit_log.joined_transaction(db):
            user = self._fresh(db, user, Role.INSPECTOR)
            case, _ = self._case(db, user, case_id)
            target_id = None
            if inspector is not None:
                try:
                    target = staff.get_user(db, inspector)
                except NotFound:
                    raise BadInput("No such inspector.", field="assignee") from None
                if (
                    target.role is not Role.INSPECTOR
                    or target.disabled
                    or case.unit_id not in target.unit_ids
                ):
                    raise BadInput(
                        "A case goes to an active inspector of its unit.", field="assignee"
                    )
                target_id = target.user_id
            db.conn.execute(
                "UPDATE cases SET assignee = ? WHERE case_id = ?", [target_id, case.case_id]
            )
            audit_log.append(
                db,
                actor=user.username,
                action="assignment",
                subject=case.reference,
                detail={"unit": case.unit_id, "assignee": inspector},
                today=today,
            )
            return self._row(db, case, inspector, today)

    def change_status(
        self,
        user: StaffUser,
        case_id: str,
        new: CaseStatus | str,
        *,
        outcome: str | None = None,
        reason: str | None = None,
        target: str | None = None,
    ) -> CaseRow:
        today = self.today()
        with opened(self.database_path) as db:
            with audit_log.joined_transaction(db):
                user = self._fresh(db, user, Role.INSPECTOR)
                case, assignee = self._case(db, user, case_id)
                lifecycle.change_status(
                    db,
                    case.case_id,
                    new,
                    actor=user.username,
                    outcome=outcome,
                    reason=reason,
                    target=target,
                    today=today,
                )
            case, assignee = self._case(db, user, case_id)
            return self._row(db, case, assignee, today)

    def check_export(self, user: StaffUser, unit_id: str) -> None:
        """Refuse an export unless ``user`` is an active inspector of ``unit_id``."""
        with opened(self.database_path) as db:
            user = self._fresh(db, user, Role.INSPECTOR)
            if unit_id not in user.unit_ids:
                raise NotFound("No such unit.", what="unit")

    # --- figures -----------------------------------------------------------------

    def dashboard(
        self, user: StaffUser, unit_ids: Sequence[str] | None = None
    ) -> list[UnitFigures]:
        today = self.today()
        figures = []
        with opened(self.database_path) as db:
            user = self._fresh(db, user, Role.INSPECTOR, Role.AUDITOR)
            for unit in self._units(db, user, unit_ids):
                by_status = dict.fromkeys((s.value for s in CaseStatus), 0)
                by_month: dict[str, int] = {}
                compliance = {s: {"met": 0, "missed": 0, "running": 0} for s in deadlines.STAGES}
                for r in db.conn.execute(f"{_CASE_SQL} WHERE c.unit_id = ?", [unit]).fetchall():
                    case = _as_case(r)
                    by_status[case.status.value] += 1
                    month = case.submitted_day[:7]
                    by_month[month] = by_month.get(month, 0) + 1
                    for clock in deadlines.clocks_of(db, case, today, calendar=self.calendar):
                        compliance[clock.stage][clock.state(today)] += 1
                new_today = notifications.new_case_counts(db, today, [unit]).get(unit, 0)
                figures.append(
                    UnitFigures(
                        unit, by_status, dict(sorted(by_month.items())), compliance, new_today
                    )
                )
        return figures

    def new_reports_today(self, user: StaffUser) -> dict[str, int]:
        with opened(self.database_path) as db:
            user = self._fresh(db, user, Role.INSPECTOR, Role.AUDITOR)
            units = self._units(db, user, None)
            counts = notifications.new_case_counts(db, self.today(), units)
        return {unit: counts.get(unit, 0) for unit in units}

    # --- staff and units -----------------------------------------------------------

    def create_user(
        self,
        user: StaffUser,
        username: str,
        role: Role | str,
        *,
        unit_ids: Sequence[str] = (),
        password: SecretStr | str,
    ) -> tuple[StaffUser, SecretStr]:
        with opened(self.database_path) as db:
            admin = self._fresh(db, user, Role.ADMIN)
            return staff.create_user(
                db,
                username,
                role,
                unit_ids=unit_ids,
                password=password,
                actor=admin.username,
                today=self.today(),
            )

    def list_users(self, user: StaffUser) -> list[StaffUser]:
        with opened(self.database_path) as db:
            self._fresh(db, user, Role.ADMIN, Role.AUDITOR)
            return staff.list_users(db)

    def set_password(self, user: StaffUser, username: str, password: SecretStr | str) -> None:
        """Admins set anyone's; every account may set its own."""
        with opened(self.database_path) as db:
            me = self._fresh(db, user, *Role)
            if me.role is not Role.ADMIN and me.username != username:
                raise PermissionDenied()
            staff.set_password(db, username, password, actor=me.username, today=self.today())

    def disable_user(self, user: StaffUser, username: str) -> StaffUser:
        with opened(self.database_path) as db:
            admin = self._fresh(db, user, Role.ADMIN)
            if admin.username == username:
                raise BadInput("You cannot disable your own account.", field="username")
            return staff.disable_user(db, username, actor=admin.username, today=self.today())

    def set_units(self, user: StaffUser, username: str, unit_ids: Sequence[str]) -> StaffUser:
        with opened(self.database_path) as db:
            admin = self._fresh(db, user, Role.ADMIN)
            return staff.set_units(db, username, unit_ids, actor=admin.username, today=self.today())

    def unit_settings(self, user: StaffUser, unit_id: str) -> UnitConsoleSettings:
        with opened(self.database_path) as db:
            me = self._fresh(db, user, Role.ADMIN, Role.INSPECTOR)
            if me.role is Role.INSPECTOR and unit_id not in me.unit_ids:
                raise NotFound("No such unit.", what="unit")
            settings = get_settings(db, unit_id)
            return UnitConsoleSettings(
                unit_id, deadlines.get_policy(db, unit_id), settings.retention_days
            )

    def update_unit_settings(
        self,
        user: StaffUser,
        unit_id: str,
        *,
        policy: DeadlinePolicy | None = None,
        retention_days: int | None = None,
    ) -> UnitConsoleSettings:
        today = self.today()
        with opened(self.database_path) as db:
            admin = self._fresh(db, user, Role.ADMIN)
            get_settings(db, unit_id)  # NotFound for an unknown unit
            if policy is not None:
                policy.checked()
            if retention_days is not None:
                update_settings(db, unit_id, retention_days=retention_days)
            with audit_log.joined_transaction(db):
                if policy is not None:
                    deadlines.set_policy(db, unit_id, policy)
                detail: dict[str, object] = {"unit": unit_id}
                if retention_days is not None:
                    detail["retention_days"] = retention_days
                if policy is not None:
                    detail.update({f"{k}_days": v for k, v in vars(policy).items()})
                audit_log.append(
                    db,
                    actor=admin.username,
                    action="settings_changed",
                    subject=unit_id,
                    detail=detail,
                    today=today,
                )
        return self.unit_settings(user, unit_id)

    # --- audit -----------------------------------------------------------------

    def audit_entries(
        self, user: StaffUser, *, limit: int = 100, before_seq: int | None = None
    ) -> list[AuditEntry]:
        with opened(self.database_path) as db:
            self._fresh(db, user, Role.AUDITOR)
            return audit_log.entries(db, limit=limit, before_seq=before_seq)

    def verify_audit(self, user: StaffUser) -> VerifyReport:
        with opened(self.database_path) as db:
            self._fresh(db, user, Role.AUDITOR)
            return audit_log.verify(db)

    # --- sign-in ---------------------------------------------------------------

    def authenticate(self, username: str, password: SecretStr | str, totp_code: str) -> StaffUser:
        with opened(self.database_path) as db:
            return staff.authenticate(
                db, username, password, totp_code, throttle=self.throttle, today=self.today()
            )

    def record_logout(self, user: StaffUser) -> None:
        with opened(self.database_path) as db:
            audit_log.append(
                db, actor=user.username, action="logout", subject=user.username, today=self.today()
            )


def _as_case(row: tuple[object, ...]) -> Case:
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


def open_console_store(
    data_dir: str | Path | None = None, *, today: Today = jakarta_today
) -> SqliteConsoleStore:
    """The console store on a data folder (``$PELUIT_DATA`` or ``./var`` by default)."""
    from vault.data_folder import DataFolder

    folder = DataFolder.locate(data_dir)
    return SqliteConsoleStore(folder.database_path, today=today)
