"""Quarantine reports and re-export (issue 17): what the workstation held back, and asking again.

The workstation quarantines every export-bundle entry it cannot verify and
says so in its next reply bundle (kind, day, check); the case page and the
air-gap page show those reports. An inspector of the unit asks for a case
(``/kasus/{id}/ekspor-ulang``) or a whole unit (``/pertukaran/ekspor-ulang``)
to go whole into the next export: nothing exported may become unreachable.
Both are POST forms with the CSRF token, checked again by the console store
(inspector of the unit) and audit-logged as ``reexport``.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from vault.errors import NotFound
from web.console.auth import form_of, guard, staff_of
from web.console.forms import Forbidden
from web.console.render import gettext, language, redirect, render, unit_names
from web.console.state import call, console
from web.i18n import translations

_CASE_ID = re.compile(r"[0-9a-f]{32}\Z")


def _(message: str) -> str:
    return message


def ngettext(singular: str, plural: str) -> tuple[str, str]:
    """Marks a plural pair for extraction (Babel's ``ngettext`` keyword); translated later."""
    return singular, plural


CHECKS = {
    "envelope": _("does not open with the unit's keys (forged, altered or truncated)"),
    "reporter_key": _("the reporter key does not match the one the report was sealed to"),
    "case_changed": _("the export changed a known case's reference or reporter key"),
    "case_unknown": _("the case's report has not reached the workstation"),
    "tip": _("the case's report did not verify"),
    "item_conflict": _("an item id already stored with other content"),
    "status": _("an unknown status"),
    "author": _("a sender that does not fit the kind"),
}
REEXPORT_CASE = _("This case will go whole into the next export bundle.")
REEXPORT_UNIT = ngettext(
    "%(num)s case of %(unit)s will go whole into the next export bundle.",
    "%(num)s cases of %(unit)s will go whole into the next export bundle.",
)


def quarantine_rows(lang: str, notes: list[Any]) -> list[dict[str, Any]]:
    """The reports as a template shows them: kind and check in words, day, reference."""
    return [
        {
            "reference": note.reference,
            "kind": note.kind,
            "day": note.day,
            "check": note.check,
            "why": gettext(lang, CHECKS[note.check]) if note.check in CHECKS else "",
            "reported_day": note.reported_day,
        }
        for note in notes
    ]


async def case_context(request: Request, case_id: str) -> dict[str, Any]:
    """What the case page adds: the reports for this case and a pending re-export."""
    store, user = console(request).store, staff_of(request).session.user
    notes = await call(store.case_quarantine, user, case_id)
    pending = await call(store.reexport_pending, user, case_id)
    flash = gettext(language(request), REEXPORT_CASE) if pending else None
    return {"quarantine": quarantine_rows(language(request), notes), "reexport": flash}


@guard("inspector")
async def reexport_case(request: Request) -> Response:
    case_id: str = request.path_params["case_id"]
    if not _CASE_ID.match(case_id):
        raise NotFound("No such case.", what="case")
    await call(console(request).store.request_reexport, staff_of(request).session.user, case_id)
    return redirect(request, f"/kasus/{case_id}?done=reexport")


@guard("inspector")
async def reexport_unit(request: Request) -> Response:
    staff = staff_of(request)
    unit_id = form_of(request).text("unit_id", max_length=64)
    if unit_id not in staff.unit_ids:
        raise Forbidden()
    count = await call(console(request).store.request_unit_reexport, staff.session.user, unit_id)
    lang = language(request)
    notes = await call(console(request).store.unit_quarantine, staff.session.user)
    return render(
        request,
        "transfer.html",
        units=staff.unit_ids,
        quarantine=quarantine_rows(lang, notes),
        reexported=translations(lang).ngettext(*REEXPORT_UNIT, count)
        % {"num": count, "unit": unit_names(request).get(unit_id, unit_id)},
    )
