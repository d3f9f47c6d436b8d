"""What inspectors and auditors read in aggregate: per-unit figures and the audit log.

Figures are counts only (by status, by month of submission, deadline
compliance per stage, new reports today), never a case. Auditors see every
unit's figures and the audit log; inspectors their own units' figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from common.case_status import CaseStatus
from vault import audit_log, deadlines, notifications
from vault.audit_log import AuditEntry, VerifyReport
from vault.console_access import CASE_SQL, ConsoleAccess, as_case
from vault.database import opened
from vault.staff import Role, StaffUser


@dataclass(frozen=True)
class UnitFigures:
    unit_id: str
    by_status: dict[str, int]
    by_month: dict[str, int]  # "YYYY-MM" -> new cases
    compliance: dict[str, dict[str, int]]  # stage -> {"met", "missed", "running"}
    new_today: int


class ConsoleFigures(ConsoleAccess):
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
                for r in db.conn.execute(f"{CASE_SQL} WHERE c.unit_id = ?", [unit]).fetchall():
                    case = as_case(r)
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
