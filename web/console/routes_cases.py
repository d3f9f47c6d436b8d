"""Inspectors' case pages: the list with filters and paging, one case, assignment, status.

An inspector sees only the cases of their own units; another unit's case
answers 404 exactly like a case that does not exist (the console store
decides). A case page shows what the online server knows: status, days,
deadlines, and each item's kind, padded size and day, never content.
"""

from __future__ import annotations

import math
import re
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from common.case_status import PAUSABLE, TRANSITIONS, CaseStatus
from web.console import routes_quarantine
from web.console.auth import form_of, guard, staff_of
from web.console.names import OUTCOME_ORDER, REASON_ORDER, STATUS_ORDER, TARGET_ORDER
from web.console.render import gettext, language, redirect, render
from web.console.state import call, console
from web.errors import BadRequest

_MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])\Z")
_USERNAME = re.compile(r"[a-z][a-z0-9._-]{1,31}\Z")
_CASE_ID = re.compile(r"[0-9a-f]{32}\Z")
NOBODY = "-"
"""The assignee filter's value for "unassigned" (not a possible username)."""


def _(message: str) -> str:
    return message


ASSIGNED = _("Assignment saved.")
ACK_SENDING = _("Encrypting and sending…")
ACK_SENT = _("Sent. The reporter will see it as the unit's standard message.")
ACK_FAILED = _("Not sent.")
STATUS_CHANGED = _("Status changed.")


def _filters(request: Request) -> dict[str, Any]:
    q = request.query_params
    status = q.get("status") or None
    if status is not None and status not in STATUS_ORDER:
        raise BadRequest("status")
    month = q.get("month") or None
    if month is not None and not _MONTH.match(month):
        raise BadRequest("month")
    assignee = q.get("assignee") or None
    if assignee is not None and assignee != NOBODY and not _USERNAME.match(assignee):
        raise BadRequest("assignee")
    overdue = q.get("overdue") == "1"
    page_text = q.get("page") or "1"
    if not page_text.isdigit() or not 1 <= int(page_text) <= 100_000:
        raise BadRequest("page")
    return {
        "status": status,
        "month": month,
        "assignee": assignee,
        "overdue": overdue,
        "page": int(page_text),
    }


def _case_id(request: Request) -> str:
    case_id: str = request.path_params["case_id"]
    if not _CASE_ID.match(case_id):
        from vault.errors import NotFound

        raise NotFound("No such case.", what="case")
    return case_id


@guard("inspector")
async def case_list(request: Request) -> Response:
    staff = staff_of(request)
    state = console(request)
    filters = _filters(request)
    page = await call(
        state.store.list_cases,
        staff.session.user,
        status=filters["status"],
        overdue=True if filters["overdue"] else None,
        assignee=None if filters["assignee"] == NOBODY else filters["assignee"],
        unassigned=filters["assignee"] == NOBODY,
        month=filters["month"],
        page=filters["page"],
        per_page=state.page_size,
    )
    new_today = await call(state.store.new_reports_today, staff.session.user)
    inspectors = await call(state.store.unit_inspectors, staff.session.user)

    def query(**change: Any) -> str:
        values = {k: v for k, v in {**filters, **change}.items() if v}
        if values.get("overdue"):
            values["overdue"] = "1"
        return urlencode(values)

    return render(
        request,
        "cases.html",
        cases=page.items,
        total=page.total,
        page=page.page,
        pages=max(1, math.ceil(page.total / page.per_page)),
        filters=filters,
        statuses=STATUS_ORDER,
        new_today={u: n for u, n in new_today.items() if n},
        inspectors=inspectors,
        query=query,
    )


def next_states(status: str, paused_from: str | None) -> list[str]:
    """The legal next states, in lifecycle order (a paused case resumes only where it was)."""
    current = CaseStatus(status)
    allowed = set(TRANSITIONS[current])
    if current is CaseStatus.PERLU_INFORMASI and paused_from:
        allowed = {s for s in allowed if s not in PAUSABLE or s.value == paused_from}
    return [s for s in STATUS_ORDER if CaseStatus(s) in allowed]


@guard("inspector")
async def case_page(request: Request) -> Response:
    staff = staff_of(request)
    state = console(request)
    case_id = _case_id(request)
    summary = await call(state.store.case_summary, staff.session.user, case_id)
    vault = request.app.state.vault
    items = await call(vault.list_envelopes, case_id)
    templates = await call(state.store.ack_templates, staff.session.user, case_id)
    inspectors = await call(state.store.assignable_inspectors, staff.session.user, case_id)
    base = f"/kasus/{case_id}/pesan-standar"
    lang = language(request)
    prefix = "/en/konsol" if lang == "en" else "/konsol"
    ack_config = {
        "material_url": prefix + base,
        "send_url": prefix + base,
        "csrf": staff.csrf,
        "messages": {
            "sending": gettext(lang, ACK_SENDING),
            "sent": gettext(lang, ACK_SENT),
            "failed": gettext(lang, ACK_FAILED),
        },
    }
    flash = None
    if request.query_params.get("done") == "assign":
        flash = gettext(lang, ASSIGNED)
    elif request.query_params.get("done") == "status":
        flash = gettext(lang, STATUS_CHANGED)
    row = summary.row
    case = {
        "case_id": row.case_id,
        "reference": row.reference,
        "unit_id": row.unit_id,
        "status": str(row.status),
        "status_day": summary.status_day,
        "submitted_day": row.submitted_day,
        "age_days": row.age_days,
        "deadline": row.deadline,
        "overdue": row.overdue,
        "assignee": row.assignee,
    }
    extra = await routes_quarantine.case_context(request, case_id)
    return render(
        request,
        "case.html",
        **extra,
        case=case,
        items=items,
        next_states=next_states(str(row.status), summary.paused_from),
        outcomes=OUTCOME_ORDER,
        reasons=REASON_ORDER,
        targets=TARGET_ORDER,
        templates=templates,
        inspectors=inspectors,
        ack_config=ack_config,
        flash=flash,
    )


@guard("inspector")
async def assign(request: Request) -> Response:
    staff = staff_of(request)
    case_id = _case_id(request)
    form = form_of(request)
    name = form.text("assignee", max_length=32, required=False)
    inspector = None if name in ("", NOBODY) else name
    await call(console(request).store.assign, staff.session.user, case_id, inspector)
    return redirect(request, f"/kasus/{case_id}?done=assign")


@guard("inspector")
async def change_status(request: Request) -> Response:
    staff = staff_of(request)
    case_id = _case_id(request)
    form = form_of(request)
    new = form.text("status", max_length=64)
    if new not in STATUS_ORDER:
        raise BadRequest("status")
    await call(
        console(request).store.change_status,
        staff.session.user,
        case_id,
        new,
        outcome=form.optional("outcome", max_length=64),
        reason=form.optional("reason", max_length=64),
        target=form.optional("target", max_length=64),
    )
    return redirect(request, f"/kasus/{case_id}?done=status")
