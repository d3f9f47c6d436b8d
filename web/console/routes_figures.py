"""Figures: the per-unit dashboard (inspectors: own units; auditors: all) and the audit log.

Charts are server-rendered SVG (:mod:`web.console.charts`) with a data table
under each for screen readers. The audit log is for auditors only, read-only.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from common.day_words import month_words
from vault.deadlines import STAGES
from web.console.audit_words import ACTIONS, Words, actor_words, detail_words, subject_words
from web.console.auth import guard, staff_of
from web.console.charts import Bar, bar_chart
from web.console.names import COMPLIANCE, STATUS, STATUS_ORDER
from web.console.names import STAGES as STAGE_NAMES
from web.console.render import gettext, language, render, unit_names
from web.console.state import call, console
from web.errors import BadRequest
from web.i18n import translations

AUDIT_PAGE = 100


def _(message: str) -> str:
    return message


ON_TIME = _("%(met)s of %(decided)s on time (%(percent)s%%)")
NONE_DECIDED = _("none finished or late yet")


def unit_charts(figures: object, lang: str) -> dict[str, object]:

    def t(message: str) -> str:
        return gettext(lang, message)

    def on_time(met: int, decided: int) -> str:
        if not decided:
            return t(NONE_DECIDED)
        percent = round(100 * met / decided)
        return t(ON_TIME) % {"met": met, "decided": decided, "percent": percent}

    unit = figures.unit_id  # type: ignore[attr-defined]
    by_status = figures.by_status  # type: ignore[attr-defined]
    by_month = figures.by_month  # type: ignore[attr-defined]
    compliance = figures.compliance  # type: ignore[attr-defined]
    status_bars = [Bar(t(STATUS[s]), by_status.get(s, 0)) for s in STATUS_ORDER]
    month_bars = [Bar(month_words(m, lang), n) for m, n in by_month.items()]
    stage_bars = []
    for stage in STAGES:
        c = compliance.get(stage, {})
        decided = c.get("met", 0) + c.get("missed", 0)
        met = c.get("met", 0)
        stage_bars.append(Bar(t(STAGE_NAMES[stage]), met, decided, on_time(met, decided)))
    return {
        "unit_id": unit,
        "new_today": figures.new_today,  # type: ignore[attr-defined]
        "status_chart": bar_chart(f"status-{unit}", t(_("Cases by status")), status_bars),
        "month_chart": bar_chart(f"month-{unit}", t(_("New cases by month")), month_bars),
        "stage_chart": bar_chart(f"stages-{unit}", t(_("Deadlines met per stage")), stage_bars),
        "status_rows": [(t(STATUS[s]), by_status.get(s, 0)) for s in STATUS_ORDER],
        "month_rows": list(by_month.items()),
        "stage_rows": [
            (
                t(STAGE_NAMES[s]),
                compliance.get(s, {}).get("met", 0),
                compliance.get(s, {}).get("missed", 0),
                compliance.get(s, {}).get("running", 0),
            )
            for s in STAGES
        ],
        "compliance_labels": {k: t(v) for k, v in COMPLIANCE.items()},
    }


@guard("inspector", "auditor")
async def dashboard(request: Request) -> Response:
    staff = staff_of(request)
    figures = await call(console(request).store.dashboard, staff.session.user)
    lang = language(request)
    return render(request, "dashboard.html", units=[unit_charts(f, lang) for f in figures])


@guard("auditor")
async def audit(request: Request) -> Response:
    staff = staff_of(request)
    before_text = request.query_params.get("before")
    before = None
    if before_text:
        if not before_text.isdigit() or not 0 < int(before_text) < 2**62:
            raise BadRequest("before")
        before = int(before_text)
    store = console(request).store
    entries = await call(
        store.audit_entries, staff.session.user, limit=AUDIT_PAGE, before_seq=before
    )
    report = await call(store.verify_audit, staff.session.user)
    older = entries[-1].seq if len(entries) == AUDIT_PAGE else None
    lang = language(request)
    catalog = translations(lang)
    words = Words(catalog.gettext, catalog.ngettext, lang, unit_names(request))
    rows = [
        {
            "seq": e.seq,
            "day": e.day,
            "actor": actor_words(e.actor, words),
            "action": e.action,
            "action_words": catalog.gettext(ACTIONS[e.action]) if e.action in ACTIONS else "",
            "subject": subject_words(e.action, e.subject, words),
            "detail": detail_words(e.action, e.detail, words),
        }
        for e in entries
    ]
    return render(request, "audit.html", entries=rows, report=report, older=older)
