"""The audit log's actions in words, for the console's audit page.

The log keeps codes (``status_change``, ``unit_settings``): they are what an
auditor's script greps and what the hash chain covers. The page shows each
action in the page's language, with the code beside it in small print so a
person can still match it with ``peluit audit`` output.
"""

from __future__ import annotations


def _(message: str) -> str:
    return message


ACTIONS = {
    "login": _("signed in"),
    "login_failed": _("sign-in failed"),
    "lockout": _("account locked after failed sign-ins"),
    "logout": _("signed out"),
    "export": _("export bundle downloaded"),
    "import": _("reply bundle imported"),
    "reexport": _("case exported again"),
    "status_change": _("status changed"),
    "assignment": _("case assigned"),
    "user_created": _("account created"),
    "password_changed": _("password changed"),
    "user_disabled": _("account disabled"),
    "units_changed": _("account's units changed"),
    "unit_changed": _("unit changed (retired, replaced or removed)"),
    "settings_changed": _("deadlines or retention changed"),
    "retention_destroyed": _("case destroyed after its retention period"),
    "template_sent": _("standard message sent"),
    "unit_registered": _("unit registered"),
    "unit_settings": _("unit setting changed"),
}
