"""The audit log in words, for the console's audit page.

The log keeps codes (``status_change``, ``from=diterima``): they are what an
auditor's script greps and what the hash chain covers. The page shows each
action, its details and the system's own entries in the page's language:
``from=diterima, to=perlu_informasi`` reads "dari Diterima ke Perlu
informasi dari pelapor", ``replies=1, quarantined=0`` "1 balasan, 0
dikarantina", the actor ``system`` "sistem". The action's code stays beside
it in small print so a person can still match a row with ``peluit audit``
output. A detail the page has no words for is shown as ``name: value``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from common.day_words import short_day
from vault.audit_log import SYSTEM
from web.console.names import CODES, ROLES, STAGES, STATUS


def _(message: str) -> str:
    return message


def ngettext(singular: str, plural: str) -> tuple[str, str]:
    """Marks a plural pair for extraction (Babel's ``ngettext`` keyword); translated later."""
    return singular, plural


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
    "questionnaire_published": _("questionnaire published"),
}
SYSTEM_ACTOR = _("system")
UNKNOWN_ACCOUNT = _("unknown account")
"""``login_failed`` and ``lockout`` name a username that does not exist ``unknown``."""

COUNTS = {
    "replies": ngettext("%(num)s reply", "%(num)s replies"),
    "status_changes": ngettext("%(num)s status change", "%(num)s status changes"),
    "templates": ngettext("%(num)s standard message", "%(num)s standard messages"),
    "quarantined": ngettext("%(num)s quarantined", "%(num)s quarantined"),
    "cases": ngettext("%(num)s case", "%(num)s cases"),
    "envelopes": ngettext("%(num)s item", "%(num)s items"),
    "reexported": ngettext("%(num)s case sent whole again", "%(num)s cases sent whole again"),
}
VALUES = {
    "unit": _("unit %(value)s"),
    "sequence": _("reply bundle no. %(value)s"),
    "export_seq": _("export bundle no. %(value)s"),
    "assignee": _("to %(value)s"),
    "template": _("message %(value)s"),
    "fingerprint": _("fingerprint %(value)s"),
    "version": _("version %(value)s"),
    "digest": _("version code %(value)s"),
    "role": _("role: %(value)s"),
    "units": _("units: %(value)s"),
    "closed": _("closed on %(value)s"),
    "outcome": _("outcome: %(value)s"),
    "reason": _("reason: %(value)s"),
    "target": _("referred to %(value)s"),
    "retention_days": _("retention after closing: %(value)s days"),
    "daily_case_ceiling": _("new reports accepted per day: %(value)s"),
    "was": _("before: %(value)s"),
}
FROM_TO = _("from %(old)s to %(new)s")
DAYS = _("%(stage)s: %(value)s working days")
NOBODY = _("nobody")
ONE_TIME = _("set by an administrator (one-time password)")
NOTIFY = {True: _("new-report notice on"), False: _("new-report notice off")}
CHANGES = {"retired": _("retired"), "removed": _("removed")}
YES_NO = {True: _("yes"), False: _("no")}


ORDER = (
    "sequence", "export_seq", "unit", "replies", "status_changes", "templates", "quarantined",
    "cases", "envelopes", "reexported",
)  # fmt: skip
"""Details read in this order (the log stores its keys sorted); any other key after them."""


@dataclass(frozen=True)
class Words:
    """What the page needs to word a detail: the catalog and the units' names."""

    t: Callable[[str], str]
    nt: Callable[[str, str, int], str]
    lang: str
    unit_names: Mapping[str, str]

    def unit(self, unit_id: object) -> str:
        return self.unit_names.get(str(unit_id), str(unit_id))

    def status(self, code: object) -> str:
        return self.t(STATUS[str(code)]) if str(code) in STATUS else str(code)


def actor_words(actor: str, words: Words) -> str:
    return words.t(SYSTEM_ACTOR) if actor == SYSTEM else actor


def subject_words(action: str, subject: str, words: Words) -> str:
    if action in ("login_failed", "lockout") and subject == "unknown":
        return words.t(UNKNOWN_ACCOUNT)
    if action in ("unit_registered", "unit_settings", "settings_changed", "unit_changed",
                  "questionnaire_published", "export", "import"):  # fmt: skip
        return words.unit(subject)
    return subject


def _value(key: str, value: Any, words: Words) -> str:
    t = words.t
    if key == "unit":
        return words.unit(value)
    if key in ("outcome", "reason", "target"):
        return t(CODES[value]) if value in CODES else str(value)
    if key == "role":
        return t(ROLES[value]) if value in ROLES else str(value)
    if key == "units":
        return "; ".join(words.unit(u) for u in str(value).split(",") if u) or "–"
    if key == "assignee":
        return str(value) if value else t(NOBODY)
    if key == "closed":
        return short_day(value, words.lang)
    if isinstance(value, bool):
        return t(YES_NO[value])
    return str(value)


def _part(action: str, key: str, value: Any, detail: Mapping[str, Any], words: Words) -> str:
    t = words.t
    if key in COUNTS and isinstance(value, int):
        singular, plural = COUNTS[key]
        return words.nt(singular, plural, value) % {"num": value}
    if key.endswith("_days") and key[: -len("_days")] in STAGES:
        return t(DAYS) % {"stage": t(STAGES[key[: -len("_days")]]), "value": value}
    if key == "notify_new_reports" and isinstance(value, bool):
        return t(NOTIFY[value])
    if key == "was" and "notify_new_reports" in detail and isinstance(value, bool):
        return t(VALUES["was"]) % {"value": t(NOTIFY[value])}
    if key == "change" and value in CHANGES:
        return t(CHANGES[value])
    if key == "one_time":
        return t(ONE_TIME)
    if key in VALUES:
        return t(VALUES[key]) % {"value": _value(key, value, words)}
    return f"{key}: {value}"


def detail_words(action: str, detail: Mapping[str, Any], words: Words) -> str:
    """An entry's details in one line of words, in the order the log keeps them."""
    parts = []
    if action == "status_change" and "from" in detail and "to" in detail:
        old, new = words.status(detail["from"]), words.status(detail["to"])
        parts.append(words.t(FROM_TO) % {"old": old, "new": new})
    ordered = sorted(detail, key=lambda k: ORDER.index(k) if k in ORDER else len(ORDER))
    for key in ordered:
        value = detail[key]
        if action == "status_change" and key in ("from", "to"):
            continue
        if action == "user_created" and key == "units" and not value:
            continue
        parts.append(_part(action, key, value, detail, words))
    return ", ".join(parts)
