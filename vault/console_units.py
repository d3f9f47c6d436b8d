"""Units through the console: administrators register cards and change unit settings.

Every change is audited: ``unit_registered`` (the unit id and its card's
fingerprint), ``settings_changed`` (deadline policy, retention) and
``unit_settings`` (the daily ceiling of new reports, the new-report
notification turned on or off). A settings change
and its audit entries are one transaction. Inspectors may read their own
units' settings; auditors none.
"""

from __future__ import annotations

from dataclasses import dataclass

from vault import audit_log, deadlines, notifications, units
from vault.console_access import ConsoleAccess
from vault.database import opened, write_transaction
from vault.deadlines import DeadlinePolicy
from vault.errors import BadInput, NotFound
from vault.staff import Role, StaffUser
from vault.units import Unit, get_settings

MAX_DAILY_CEILING = 1_000_000


@dataclass(frozen=True)
class UnitConsoleSettings:
    unit_id: str
    policy: DeadlinePolicy
    retention_days: int
    daily_case_ceiling: int = units.DEFAULT_DAILY_CASE_CEILING
    notify_new_reports: bool = True


def _count(value: object, field: str, low: int, high: int, message: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise BadInput(message, field=field)
    return value


def _check_settings(
    policy: DeadlinePolicy | None, retention_days: int | None, daily_case_ceiling: int | None
) -> None:
    """Refuse a setting out of its bounds before anything is written."""
    if policy is not None:
        policy.checked()
    if retention_days is not None:
        _count(retention_days, "retention_days", 1, 36500, "Retention is 1 to 36500 days.")
    if daily_case_ceiling is not None:
        _count(
            daily_case_ceiling,
            "daily_case_ceiling",
            0,
            MAX_DAILY_CEILING,
            f"The daily ceiling is 0 to {MAX_DAILY_CEILING} reports.",
        )


class ConsoleUnits(ConsoleAccess):
    def register_unit(self, user: StaffUser, card: bytes) -> Unit:
        """Register a new unit from its signed card (a rotation is not done from here).

        The unit and its audit entry commit in one transaction, so a crash
        never leaves a registered unit without its entry. Sending the same
        card again changes nothing and is not logged again.
        """
        today = self.today()
        with opened(self.database_path) as db:
            admin = self._fresh(db, user, Role.ADMIN)
            with write_transaction(db):
                before = {u.unit_id for u in units.list_units(db)}
                unit = units.register_unit(db, bytes(card), today=today, rotation=False)
                if unit.unit_id not in before:
                    audit_log.append(
                        db,
                        actor=admin.username,
                        action="unit_registered",
                        subject=unit.unit_id,
                        detail={"fingerprint": unit.fingerprint[:64]},
                        today=today,
                    )
            return unit

    def unit_settings(self, user: StaffUser, unit_id: str) -> UnitConsoleSettings:
        with opened(self.database_path) as db:
            me = self._fresh(db, user, Role.ADMIN, Role.INSPECTOR)
            if me.role is Role.INSPECTOR and unit_id not in me.unit_ids:
                raise NotFound("No such unit.", what="unit")
            settings = get_settings(db, unit_id)
            return UnitConsoleSettings(
                unit_id,
                deadlines.get_policy(db, unit_id),
                settings.retention_days,
                settings.daily_case_ceiling,
                notifications.notifies(db, unit_id),
            )

    def update_unit_settings(
        self,
        user: StaffUser,
        unit_id: str,
        *,
        policy: DeadlinePolicy | None = None,
        retention_days: int | None = None,
        daily_case_ceiling: int | None = None,
        notify_new_reports: bool | None = None,
    ) -> UnitConsoleSettings:
        """Change what is given, with its audit entries, in one transaction."""
        today = self.today()
        _check_settings(policy, retention_days, daily_case_ceiling)
        with opened(self.database_path) as db, audit_log.joined_transaction(db):
            admin = self._fresh(db, user, Role.ADMIN)
            current = get_settings(db, unit_id)  # NotFound for an unknown unit
            if policy is not None or retention_days is not None or daily_case_ceiling is None:
                if policy is not None:
                    deadlines.set_policy(db, unit_id, policy)
                detail: dict[str, object] = {"unit": unit_id}
                if retention_days is not None:
                    db.conn.execute(
                        "UPDATE unit_settings SET retention_days = ? WHERE unit_id = ?",
                        [retention_days, unit_id],
                    )
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
            if daily_case_ceiling is not None:
                db.conn.execute(
                    "UPDATE unit_settings SET daily_case_ceiling = ? WHERE unit_id = ?",
                    [daily_case_ceiling, unit_id],
                )
                audit_log.append(
                    db,
                    actor=admin.username,
                    action="unit_settings",
                    subject=unit_id,
                    detail={
                        "daily_case_ceiling": daily_case_ceiling,
                        "was": current.daily_case_ceiling,
                    },
                    today=today,
                )
            if notify_new_reports is not None:
                was = notifications.notifies(db, unit_id)
                if was != notify_new_reports:
                    notifications.set_notifies(db, unit_id, notify_new_reports)
                    audit_log.append(
                        db,
                        actor=admin.username,
                        action="unit_settings",
                        subject=unit_id,
                        detail={"notify_new_reports": notify_new_reports, "was": was},
                        today=today,
                    )
        return self.unit_settings(user, unit_id)
