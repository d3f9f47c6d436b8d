"""Unlocking, the case list, import, the reply bundle, the identity log and reports."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from common.day_words import short_day
from crypto.errors import PeluitError
from crypto.secret import SecretStr
from workstation import report_layout, reports
from workstation.templates import STANDARD_MESSAGES
from workstation.ui.forms import read_form
from workstation.ui.guard import desk_of, form_of, needs_desk, state
from workstation.ui.render import language, redirect, render, words
from workstation.ui.session import COOKIE, CsrfRefused
from workstation.ui.words import KIND_NAMES, STANDARD_NAMES, said

EXPIRED = "This form has expired. Reload the page and try again."


async def login(request: Request) -> Response:
    ui = state(request)
    t = words(request)
    if request.method == "GET":
        return render(request, "login.html", title=t("Unlock"), login_token=ui.login_token())
    try:
        form = await read_form(request)
        ui.check_login_token(form.get("login"))
        token = ui.log_in(SecretStr(form.get("passphrase")))
    except CsrfRefused:
        return render(request, "login.html", status_code=403, title=t("Unlock"),
                      login_token=ui.login_token(), error=t(EXPIRED))  # fmt: skip
    except PeluitError as bad:
        error = said(language(request), bad.user_message)
        return render(request, "login.html", status_code=400, title=t("Unlock"),
                      login_token=ui.login_token(), error=error)  # fmt: skip
    response = redirect(request, "/")
    response.set_cookie(COOKIE, token, path="/", httponly=True, samesite="strict")
    return response


@needs_desk
async def logout(request: Request) -> Response:
    state(request).log_out()
    response = redirect(request, "/masuk")
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return response


@needs_desk
async def case_list(request: Request) -> Response:
    t = words(request)
    return render(request, "cases.html", title=t("Cases"), cases=desk_of(request).cases())


@needs_desk
async def import_page(request: Request) -> Response:
    t = words(request)
    if request.method == "GET":
        return render(request, "import.html", title=t("Import"))
    form = form_of(request)
    result = desk_of(request).import_bundle(form.path("path"), allow_gap=form.checked("allow_gap"))
    lines = [
        f"{t('Imported export')} {result.export_seq}: {len(result.new_cases)} {t('new case(s)')}, "
        f"{len(result.updated_cases)} {t('updated')}, {result.new_envelopes} {t('new item(s)')}"
    ]
    lang = language(request)
    lines += [
        f"{t('Quarantined, not opened')}: #{q.id} {q.reference} · "
        f"{t(KIND_NAMES.get(q.kind, q.kind))} · {short_day(q.day, lang)} · {said(lang, q.detail)}"
        for q in result.quarantined
    ]
    return render(request, "message.html", title=t("Imported"), lines=lines)


def _queued(request: Request) -> int:
    return desk_of(request).store.outbox.unsent_count()


@needs_desk
async def export_page(request: Request) -> Response:
    t = words(request)
    if request.method == "GET":
        return render(request, "export.html", title=t("Send replies"), queued=_queued(request),
                      standard=STANDARD_MESSAGES, standard_names=STANDARD_NAMES)  # fmt: skip
    done = desk_of(request).export_replies(form_of(request).path("path"))
    lines = [
        f"{t('Reply bundle')} {done.sequence}: {done.path}",
        f"{done.replies} {t('reply(ies)')}, {done.statuses} {t('status change(s)')}, "
        f"{done.templates} {t('standard message(s)')}",
        t("Import it online with the console; it can be applied once."),
    ]
    return render(request, "message.html", title=t("Reply bundle written"), lines=lines)


@needs_desk
async def sign_standard(request: Request) -> Response:
    t = words(request)
    ids = desk_of(request).queue_standard_messages()
    back = request.url.path.rsplit("/", 1)[0] + "/ekspor"
    names = [t(STANDARD_NAMES.get(i, i)) for i in ids]
    return render(request, "message.html", title=t("Standard messages signed"),
                  lines=[", ".join(names)], back=back)  # fmt: skip


@needs_desk
async def identity_log(request: Request) -> Response:
    t = words(request)
    desk = desk_of(request)
    refs = {c.case_id: c.reference for c in desk.cases()}
    rows = [
        {"seq": seq, "day": day, "reference": refs.get(case_id, case_id), "opened_with": who}
        for seq, case_id, _item, day, who in desk.identity_log()
    ]
    return render(request, "identity_log.html", title=t("Identity log"), rows=rows)


@needs_desk
async def report_page(request: Request) -> Response:
    t = words(request)
    desk = desk_of(request)
    if request.method == "POST":
        form = form_of(request)
        report = reports.build(desk, reports.Period.parse(form.text("period", max_length=10)))
        written = reports.write(report, form.path("out"))
        return render(request, "message.html", title=t("Report written"),
                      lines=[str(p) for p in written])  # fmt: skip
    period = request.query_params.get("period", "")[:10]
    chosen, error = report_layout.chosen_name(desk.store), ""
    try:
        layout = report_layout.load(desk.folder, chosen)
    except report_layout.LayoutRefused as bad:  # an edited file: say why, offer the others
        layout, error = report_layout.load(desk.folder, report_layout.DEFAULT), bad.user_message
    context: dict[str, Any] = {"period": period, "report": None, "layout": layout,
                               "chosen": chosen, "error": error,
                               "layouts": report_layout.labels(desk.folder)}  # fmt: skip
    if period and not error:
        report = reports.build(desk, reports.Period.parse(period), layout=layout)
        context.update(reports.body_context(report, language(request)))
    return render(request, "report_form.html", title=t("Reports"), **context)


@needs_desk
async def choose_layout(request: Request) -> Response:
    desk = desk_of(request)
    report_layout.choose(desk.folder, desk.store, form_of(request).text("layout", max_length=40))
    return redirect(request, "/laporan")


async def go_home(request: Request) -> Response:
    return redirect(request, "/")
