"""Staff accounts, roles and sign-in: the one name the rest of Peluit imports.

Roles (what each may do is enforced again in :mod:`vault.console_store`):

- ``admin``: accounts, units and settings; never case content, case lists or
  reporter lookups;
- ``inspector``: the cases of their own units;
- ``auditor``: read-only: the audit log and aggregate figures.

The work is split by concept:

- :mod:`vault.staff_accounts`: accounts, roles, units, passwords, the
  persistent "must change password" flag;
- :mod:`vault.staff_login`: sign-in with password and TOTP, replay refusal,
  the in-memory throttle, the current-password check;
- :mod:`vault.staff_totp`: TOTP secrets sealed at rest under the data
  folder's ``staff_key``, and code checking.
"""

from __future__ import annotations

from vault.staff_accounts import (
    MAX_PASSWORD,
    MIN_PASSWORD,
    USERNAME,
    Role,
    StaffError,
    StaffUser,
    check_password,
    check_username,
    create_user,
    disable_user,
    get_user,
    get_user_by_id,
    list_users,
    must_change_password,
    set_password,
    set_units,
    unit_inspectors,
)
from vault.staff_login import (
    DEFAULT_THROTTLE,
    AccountLocked,
    LoginFailed,
    LoginThrottle,
    SignInBusy,
    SignInThrottle,
    WrongPassword,
    authenticate,
    check_current_password,
)
from vault.staff_totp import ISSUER, TOTP_STEP, provisioning_uri

__all__ = [
    "DEFAULT_THROTTLE",
    "ISSUER",
    "MAX_PASSWORD",
    "MIN_PASSWORD",
    "TOTP_STEP",
    "USERNAME",
    "AccountLocked",
    "LoginFailed",
    "LoginThrottle",
    "Role",
    "SignInBusy",
    "SignInThrottle",
    "StaffError",
    "StaffUser",
    "WrongPassword",
    "authenticate",
    "check_current_password",
    "check_password",
    "check_username",
    "create_user",
    "disable_user",
    "get_user",
    "get_user_by_id",
    "list_users",
    "must_change_password",
    "provisioning_uri",
    "set_password",
    "set_units",
    "unit_inspectors",
]
