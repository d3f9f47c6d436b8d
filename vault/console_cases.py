"""Inspectors' case work: the filtered list, one case's summary, assignment, status changes.

An inspector sees the cases of their own units only; another unit's case is
"not found", exactly like a case that does not exist. What a summary holds
is what the online server knows: reference, status and its codes, days,
deadline clocks, envelope counts by kind. No content, no reporter key, no
lookup material.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from common.case_status import CaseStatus
from vault import audit_log, deadlines, lifecycle, staff
from vault.console_access import CASE_SQL, CaseRow, ConsoleAccess, as_case
from vault.database import opened
from vault.deadlines import StageClock
from vault.errors import BadInput, NotFound
from vault.staff import Role, StaffUser


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


def _case_filter(
    units: Sequence[str],
    status: CaseStatus | str | None,
    assignee: str | None,
    unassigned: bool,
    month: str | None,
) -> tuple[str, list[object]]:
    """The listing's WHERE condition (over ``cases c`` and ``staff_users u``) and its values."""
    # An empty IN () is SQLite's alone: no unit matches nothing on either engine.
    where = [f"c.unit_id IN ({','.join('?' * len(units))})" if units else "1 = 0"]
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
    if unassigned:
        where.append("c.assignee IS NULL")
    if month is not None:
        if not (isinstance(month, str) and len(month) == 7 and month[4] == "-"):
            raise BadInput("A month is YYYY-MM.", field="month")
        where.append("substr(c.submitted_day, 1, 7) = ?")
        args.append(month)
    return " AND ".join(where), args


class ConsoleCases(ConsoleAccess):
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
        unassigned: bool = False,
    ) -> CasePage:
        """One page of the caller's cases, newest first; ``unassigned`` keeps cases nobody has."""
        if not isinstance(page, int) or page < 1 or not isinstance(per_page, int):
            raise BadInput("The page number is not valid.", field="page")
        if unassigned and assignee is not None:
            raise BadInput("Filter by one inspector or by nobody, not both.", field="assignee")
        per_page = max(1, min(per_page, 200))
        today = self.today()
        with opened(self.database_path) as db:
            user = self._fresh(db, user, Role.INSPECTOR)
            units = self._units(db, user, unit_ids)
            condition, args = _case_filter(units, status, assignee, unassigned, month)
            order = " ORDER BY c.submitted_day DESC, c.reference DESC"
            start = (page - 1) * per_page
            if overdue is None:
                # The common listing pages in SQL: deadlines are computed for
                # the rows shown only, so 100,000 cases list as fast as 100.
                # Counting needs the staff table only to filter by assignee;
                # without the join the count is a covering-index search.
                join = " LEFT JOIN staff_users u ON u.user_id = c.assignee" if assignee else ""
                count_sql = f"SELECT count(*) FROM cases c{join} WHERE {condition}"  # noqa: S608
                (total,) = db.conn.execute(count_sql, args).fetchone()
                page_sql = f"{CASE_SQL} WHERE {condition}{order} LIMIT ? OFFSET ?"
                rows = [
                    self._row(db, as_case(r), r[7], today)
                    for r in db.conn.execute(page_sql, [*args, per_page, start])
                ]
                return CasePage(rows, int(total), page, per_page)
            # Overdue depends on each case's deadline clocks, which are computed
            # from its history; closed cases have none, so they are left out first.
            if overdue:
                condition += " AND c.status != 'ditutup'"
            sql = f"{CASE_SQL} WHERE {condition}{order}"
            rows = [self._row(db, as_case(r), r[7], today) for r in db.conn.execute(sql, args)]
        rows = [r for r in rows if r.overdue == overdue]
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

    def assignable_inspectors(self, user: StaffUser, case_id: str) -> list[str]:
        """The active inspectors of the case's unit: whom this case may go to."""
        with opened(self.database_path) as db:
            user = self._fresh(db, user, Role.INSPECTOR)
            case, _ = self._case(db, user, case_id)
            return staff.unit_inspectors(db, case.unit_id)

    def unit_inspectors(self, user: StaffUser) -> list[str]:
        """The active inspectors of any of the caller's units (for the list's filter)."""
        with opened(self.database_path) as db:
            user = self._fresh(db, user, Role.INSPECTOR)
            names = {n for unit in user.unit_ids for n in staff.unit_inspectors(db, unit)}
        return sorted(names)

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
