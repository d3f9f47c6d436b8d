"""What the operator's ``peluit`` commands ask of storage, beside the web app's store.

``web/admin_commands.py`` (``user``, ``audit verify``, ``retention run``,
``deadlines close-due``, ``notify run``) calls these methods on the store
(:func:`vault.store.open_housekeeping`) instead of opening the database: the
commands run on the server as its service account, so there is no
signed-in staff member and no role check (the console's
:class:`~vault.console_store.ConsoleStore` is the one with roles).

:class:`SqliteHousekeeping` is mixed into
:class:`~vault.store.SqliteVaultStore`. Each job opens its own connection
for the run and closes it after, as the commands did when they opened the
database themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

from common.working_days import WorkingCalendar
from crypto.secret import SecretStr
from vault import audit_log, daily_jobs, deadlines, notifications, retention, staff
from vault.audit_log import VerifyReport
from vault.data_folder import DataFolder
from vault.database import opened
from vault.notifications import Notified
from vault.retention import RetentionReport
from vault.staff import Role, StaffUser
from vault.working_days import calendar_for


@runtime_checkable
class Housekeeping(Protocol):
    """The operator commands' storage interface (no roles: the server's own account)."""

    def add_staff_user(
        self,
        username: str,
        role: Role | str,
        *,
        unit_ids: Sequence[str] = (),
        password: SecretStr,
    ) -> tuple[StaffUser, SecretStr]: ...
    def staff_users(self) -> list[StaffUser]: ...
    def verify_audit(self, *, anchors: Mapping[int, str] | None = None) -> VerifyReport: ...
    def retention_sweep(self, today: dt.date) -> RetentionReport: ...
    def working_calendar(self) -> WorkingCalendar: ...
    def close_due_cases(self, today: dt.date, *, calendar: WorkingCalendar) -> list[str]: ...
    def run_notifications(self, today: dt.date, command: str | None) -> list[Notified]: ...
    def record_daily_job(self, job: str, today: dt.date) -> None: ...


class SqliteHousekeeping:
    """:class:`Housekeeping` on the data folder's SQLite file."""

    folder: DataFolder

    def add_staff_user(
        self,
        username: str,
        role: Role | str,
        *,
        unit_ids: Sequence[str] = (),
        password: SecretStr,
    ) -> tuple[StaffUser, SecretStr]:
        """A new staff account (actor ``system``) and its TOTP secret, shown once."""
        with opened(self.folder.database_path) as db:
            return staff.create_user(db, username, role, unit_ids=unit_ids, password=password)

    def staff_users(self) -> list[StaffUser]:
        with opened(self.folder.database_path) as db:
            return staff.list_users(db)

    def verify_audit(self, *, anchors: Mapping[int, str] | None = None) -> VerifyReport:
        with opened(self.folder.database_path) as db:
            return audit_log.verify(db, anchors=anchors)

    def retention_sweep(self, today: dt.date) -> RetentionReport:
        """Destroy every case past its unit's retention (vault/retention.py)."""
        with opened(self.folder.database_path) as db:
            return retention.retention_sweep_db(db, today)

    def working_calendar(self) -> WorkingCalendar:
        """Holidays and cuti bersama, with the data folder's ``cuti_bersama.json``."""
        return calendar_for(self.folder.root)

    def close_due_cases(self, today: dt.date, *, calendar: WorkingCalendar) -> list[str]:
        """Close concluded cases whose objection period ended; their references."""
        with opened(self.folder.database_path) as db:
            return deadlines.auto_close_due(db, today, calendar=calendar)

    def run_notifications(self, today: dt.date, command: str | None) -> list[Notified]:
        with opened(self.folder.database_path) as db:
            return notifications.run_daily_hook(db, today, command)

    def record_daily_job(self, job: str, today: dt.date) -> None:
        """The day a daily job last completed (``peluit doctor`` reads it)."""
        with opened(self.folder.database_path) as db:
            daily_jobs.record(db, job, today)
