"""Quarantine and re-export through the console: inspectors of the unit only.

An inspector sees what the workstation reported held in quarantine (kind,
day, failed check; :mod:`vault.quarantine_notes`) for a case or for their
units, and asks for a case or a whole unit to be exported again
(:mod:`vault.reexport`). Asking is audit-logged (``reexport``). Like an
export itself this is an inspector's act: admins manage accounts and units
and never touch case material or exports.
"""

from __future__ import annotations

from vault import audit_log, quarantine_notes, reexport
from vault.console_access import ConsoleAccess
from vault.database import opened, write_transaction
from vault.errors import NotFound
from vault.quarantine_notes import QuarantineNote
from vault.staff import Role, StaffUser


class ConsoleQuarantine(ConsoleAccess):
    def case_quarantine(self, user: StaffUser, case_id: str) -> list[QuarantineNote]:
        with opened(self.database_path) as db:
            me = self._fresh(db, user, Role.INSPECTOR)
            case, _ = self._case(db, me, case_id)
            return quarantine_notes.for_case(db, case.case_id)

    def unit_quarantine(self, user: StaffUser) -> list[QuarantineNote]:
        """The latest reports of the inspector's units, newest first."""
        with opened(self.database_path) as db:
            me = self._fresh(db, user, Role.INSPECTOR)
            return quarantine_notes.for_units(db, self._units(db, me, None))

    def reexport_pending(self, user: StaffUser, case_id: str) -> bool:
        with opened(self.database_path) as db:
            me = self._fresh(db, user, Role.INSPECTOR)
            case, _ = self._case(db, me, case_id)
            return reexport.pending(db, case.case_id)

    def request_reexport(self, user: StaffUser, case_id: str) -> None:
        """Mark one case of the inspector's units for the next export, whole."""
        today = self.today()
        with opened(self.database_path) as db, write_transaction(db):
            me = self._fresh(db, user, Role.INSPECTOR)
            case, _ = self._case(db, me, case_id)
            reexport.mark_case(db, case.case_id, case.unit_id, today.isoformat())
            audit_log.append(
                db,
                actor=me.username,
                action="reexport",
                subject=case.reference,
                detail={"unit": case.unit_id},
                today=today,
            )

    def request_unit_reexport(self, user: StaffUser, unit_id: str) -> int:
        """Mark every case of one of the inspector's units; return how many."""
        today = self.today()
        with opened(self.database_path) as db, write_transaction(db):
            me = self._fresh(db, user, Role.INSPECTOR)
            if unit_id not in me.unit_ids:
                raise NotFound("No such unit.", what="unit")
            count = reexport.mark_unit(db, unit_id, today.isoformat())
            audit_log.append(
                db,
                actor=me.username,
                action="reexport",
                subject=unit_id,
                detail={"unit": unit_id, "cases": count},
                today=today,
            )
            return count
