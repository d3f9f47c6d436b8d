"""Staff accounts through the console: administrators manage them, everyone signs in.

Administrators create, disable and re-unit accounts and reset passwords
(a reset password is one-time: the account must replace it). Every account
changes its own password by giving the current one first, so a session
left open in a browser is not enough to take the account over.
"""

from __future__ import annotations

from collections.abc import Sequence

from crypto.secret import SecretStr
from vault import audit_log, staff
from vault.console_access import ConsoleAccess, PermissionDenied
from vault.database import opened
from vault.errors import BadInput
from vault.staff import Role, StaffUser


class ConsoleAccounts(ConsoleAccess):
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
                one_time_password=True,
            )

    def list_users(self, user: StaffUser) -> list[StaffUser]:
        with opened(self.database_path) as db:
            self._fresh(db, user, Role.ADMIN, Role.AUDITOR)
            return staff.list_users(db)

    def set_password(self, user: StaffUser, username: str, password: SecretStr | str) -> None:
        """Admins set anyone's (a one-time password); every account may set its own."""
        with opened(self.database_path) as db:
            me = self._fresh(db, user, *Role)
            if me.role is not Role.ADMIN and me.username != username:
                raise PermissionDenied()
            staff.set_password(db, username, password, actor=me.username, today=self.today())

    def change_own_password(
        self, user: StaffUser, current: SecretStr | str, new: SecretStr | str
    ) -> None:
        """The account's own change: the current password first, then the new one.

        Clears the "must change password" flag. A wrong current password is
        :class:`vault.staff.WrongPassword` and counts in the sign-in throttle.
        """
        today = self.today()
        with opened(self.database_path) as db:
            me = self._fresh(db, user, *Role)
            staff.check_password(new)
            staff.check_current_password(
                db, me.username, current, throttle=self.throttle, today=today
            )
            raw_new = new.reveal() if isinstance(new, SecretStr) else new
            raw_current = current.reveal() if isinstance(current, SecretStr) else current
            if raw_new == raw_current:
                raise BadInput("Choose a password different from the current one.", field="new")
            staff.set_password(db, me.username, new, actor=me.username, today=today)

    def password_change_required(self, user: StaffUser) -> bool:
        """Whether the account still has a password someone else chose."""
        with opened(self.database_path) as db:
            me = self._fresh(db, user, *Role)
            return staff.must_change_password(db, me.user_id)

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
