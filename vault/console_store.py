"""What the staff console may ask of storage, with role permissions enforced here.

The console (``web/``) never touches SQLite: it calls a :class:`ConsoleStore`
with the signed-in :class:`StaffUser`. Every method re-reads that account
(a disabled account is refused at once) and checks its role itself, so a
route that forgets a check still cannot leak:

=========== ============================================================
role        may
=========== ============================================================
admin       staff accounts, units (registration, deadline policy,
            retention, daily ceiling); never case lists, case
            summaries, figures or exports
inspector   the cases of their own units (another unit's case is "not
            found"), assignment, status changes, standard messages,
            figures of own units, quarantine reports and re-export
auditor     the audit log and aggregate figures; nothing that changes data
=========== ============================================================

The SQLite implementation is assembled from one module per concept:
:mod:`vault.console_cases`, :mod:`vault.console_figures`,
:mod:`vault.console_accounts`, :mod:`vault.console_units`,
:mod:`vault.console_ack`, :mod:`vault.console_quarantine` and
:mod:`vault.console_questionnaires`, on the permission checks of
:mod:`vault.console_access`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from common.case_status import CaseStatus
from common.days import Today, jakarta_today
from common.working_days import WorkingCalendar
from crypto.secret import SecretStr
from vault import staff_totp
from vault.ack_templates import AckTemplate
from vault.audit_log import AuditEntry, VerifyReport
from vault.console_access import CaseRow, PermissionDenied
from vault.console_accounts import ConsoleAccounts
from vault.console_ack import ConsoleAck
from vault.console_cases import CasePage, CaseSummary, ConsoleCases
from vault.console_figures import ConsoleFigures, UnitFigures
from vault.console_quarantine import ConsoleQuarantine
from vault.console_questionnaires import ConsoleQuestionnaires
from vault.console_units import ConsoleUnits, UnitConsoleSettings
from vault.database import is_postgres, opened
from vault.deadlines import DeadlinePolicy
from vault.limits import Limits
from vault.quarantine_notes import QuarantineNote
from vault.questionnaires import QuestionnaireVersion
from vault.staff import Role, SignInThrottle, StaffUser
from vault.units import Unit

__all__ = [
    "CasePage",
    "CaseRow",
    "CaseSummary",
    "ConsoleStore",
    "PermissionDenied",
    "SqliteConsoleStore",
    "UnitConsoleSettings",
    "UnitFigures",
    "open_console_store",
]


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
        unassigned: bool = False,
    ) -> CasePage: ...
    def case_summary(self, user: StaffUser, case_id: str) -> CaseSummary: ...
    def assignable_inspectors(self, user: StaffUser, case_id: str) -> list[str]: ...
    def unit_inspectors(self, user: StaffUser) -> list[str]: ...
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
    # quarantine on the workstation, re-export (inspectors of the unit)
    def case_quarantine(self, user: StaffUser, case_id: str) -> list[QuarantineNote]: ...
    def unit_quarantine(self, user: StaffUser) -> list[QuarantineNote]: ...
    def reexport_pending(self, user: StaffUser, case_id: str) -> bool: ...
    def request_reexport(self, user: StaffUser, case_id: str) -> None: ...
    def request_unit_reexport(self, user: StaffUser, unit_id: str) -> int: ...
    # standard messages (inspectors of the case's unit)
    def ack_templates(self, user: StaffUser, case_id: str) -> list[AckTemplate]: ...
    def send_template(
        self,
        user: StaffUser,
        case_id: str,
        template_id: str,
        item_id: bytes | str,
        envelope: bytes,
    ) -> None: ...
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
    def change_own_password(
        self, user: StaffUser, current: SecretStr | str, new: SecretStr | str
    ) -> None: ...
    def password_change_required(self, user: StaffUser) -> bool: ...
    def disable_user(self, user: StaffUser, username: str) -> StaffUser: ...
    def set_units(self, user: StaffUser, username: str, unit_ids: Sequence[str]) -> StaffUser: ...
    def register_unit(self, user: StaffUser, card: bytes) -> Unit: ...
    def unit_settings(self, user: StaffUser, unit_id: str) -> UnitConsoleSettings: ...
    def update_unit_settings(
        self,
        user: StaffUser,
        unit_id: str,
        *,
        policy: DeadlinePolicy | None = None,
        retention_days: int | None = None,
        daily_case_ceiling: int | None = None,
        notify_new_reports: bool | None = None,
    ) -> UnitConsoleSettings: ...
    def questionnaire_versions(
        self, user: StaffUser, unit_id: str
    ) -> list[QuestionnaireVersion]: ...
    def publish_questionnaire(
        self, user: StaffUser, unit_id: str, document: dict[str, Any]
    ) -> QuestionnaireVersion: ...
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


class SqliteConsoleStore(
    ConsoleCases,
    ConsoleAck,
    ConsoleQuarantine,
    ConsoleFigures,
    ConsoleAccounts,
    ConsoleUnits,
    ConsoleQuestionnaires,
):
    """:class:`ConsoleStore` on the vault's SQLite file (a connection per call).

    Starting one is the console's "first start": the data folder's
    ``staff_key`` is created if missing and TOTP secrets still stored in
    plain (schema before version 4) are sealed.
    """

    def __init__(
        self,
        database_path: Path,
        *,
        today: Today = jakarta_today,
        calendar: WorkingCalendar | None = None,
        throttle: SignInThrottle | None = None,
        limits: Limits | None = None,
    ) -> None:
        super().__init__(
            database_path, today=today, calendar=calendar, throttle=throttle, limits=limits
        )
        if database_path.exists() or is_postgres():
            staff_totp.ensure_key(database_path.parent)
            with opened(database_path) as db:
                staff_totp.seal_plain_secrets(db)


def open_console_store(
    data_dir: str | Path | None = None, *, today: Today = jakarta_today
) -> SqliteConsoleStore:
    """The console store on a data folder (``$PELUIT_DATA`` or ``./var`` by default)."""
    from vault.data_folder import DataFolder

    folder = DataFolder.locate(data_dir)
    return SqliteConsoleStore(folder.database_path, today=today)
