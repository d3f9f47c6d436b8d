"""One case: reading it, the identity (opened deliberately, logged), triage, reply, status,
saving an attachment, forwarding."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from crypto.errors import CardError
from crypto.secret import SecretStr
from crypto.unit_card import UnitCard
from workstation import forwarding, questionnaire
from workstation.errors import Refused
from workstation.keyring import read_bytes
from workstation.lifecycle import OUTCOMES, REASONS, STATUSES, TARGETS
from workstation.templates import REPLY_TEMPLATES, blanks
from workstation.triage import RISKS, URGENCIES, Triage
from workstation.ui.guard import desk_of, form_of, needs_desk
from workstation.ui.render import language, redirect, render, words
from workstation.ui.status_words import refusal
from workstation.ui.words import BLANK_NAMES, IDENTITY_NAMES, TEMPLATE_NAMES, said

RISK_WORDS = {
    "identifying": "May identify the reporter: left out unless ticked",
    "review": "Free text that may contain names: read it before ticking",
    "ok": "Included by default",
}


def _categories(form_doc: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """The category question's options of the report's questionnaire version, in ``lang``."""
    chosen = questionnaire.options(form_doc, "category")
    return [(value, words[1] if lang == "en" else words[0]) for value, words in chosen.items()]


def _question_names(form_doc: dict[str, Any], ids: Iterable[str], lang: str) -> str:
    """Field ids (a forwarding's record) as the questions' labels of the report's version."""
    labels = questionnaire.questions(form_doc, lang)
    return "; ".join(labels.get(i, i) for i in ids) or "–"


def _case_page(request: Request, case_id: str, **extra: Any) -> Response:
    desk = desk_of(request)
    view = desk.case(case_id)
    openings = [
        {"day": day, "opened_with": who}
        for _seq, cid, _item, day, who in desk.identity_log()
        if cid == view.case_id
    ]
    all_blanks = sorted({b for text in REPLY_TEMPLATES.values() for b in blanks(text)})
    return render(
        request, "case.html", title=view.reference, view=view, triage=view.triage or Triage(),
        openings=openings, forwards=forwarding.records(desk.store, view.case_id),
        questions=lambda ids: _question_names(view.reading.form, ids, language(request)),
        categories=_categories(view.reading.form, language(request)),
        urgencies=URGENCIES, risks=RISKS,
        templates=REPLY_TEMPLATES, blanks=all_blanks, statuses=STATUSES,
        template_names=TEMPLATE_NAMES, blank_names=BLANK_NAMES, identity_names=IDENTITY_NAMES,
        outcomes=sorted(OUTCOMES), reasons=sorted(REASONS), targets=sorted(TARGETS), **extra,
    )  # fmt: skip


@needs_desk
async def case_page(request: Request) -> Response:
    return _case_page(request, request.path_params["case_id"])


@needs_desk
async def open_identity(request: Request) -> Response:
    form = form_of(request)
    if not form.checked("confirm"):
        raise Refused("tick the box: the identity opens only deliberately")
    custodian = None
    if form.text("custodian", max_length=4096):
        custodian = (form.path("custodian"), SecretStr(form.get("custodian_passphrase")))
    case_id = request.path_params["case_id"]
    identity = desk_of(request).open_identity(case_id, custodian)
    return _case_page(request, case_id, identity=identity)


@needs_desk
async def set_triage(request: Request) -> Response:
    form = form_of(request)
    triage = Triage(
        category=form.text("category", max_length=200),
        agency=form.text("agency", max_length=200),
        person_reported=form.text("person_reported", max_length=200),
        urgency=form.text("urgency", max_length=20),
        retaliation_risk=form.text("retaliation_risk", max_length=20) or "belum-dinilai",
        notes=form.text("notes"),
    )
    case_id = request.path_params["case_id"]
    desk_of(request).set_triage(case_id, triage)
    return redirect(request, f"/kasus/{desk_of(request).store.case(case_id).case_id}")


@needs_desk
async def reply(request: Request) -> Response:
    form = form_of(request)
    desk, case_id = desk_of(request), request.path_params["case_id"]
    template = form.text("template", max_length=40)
    if template:
        fills = {k[5:]: form.text(k, max_length=2000) for k in form.fields if k.startswith("fill_")}
        desk.queue_template_reply(case_id, template, fills)
    else:
        desk.queue_reply(case_id, form.text("text"))
    return redirect(request, f"/kasus/{desk.store.case(case_id).case_id}")


@needs_desk
async def change_status(request: Request) -> Response:
    form = form_of(request)
    desk, case_id = desk_of(request), request.path_params["case_id"]
    new = form.text("new", max_length=40, required=True)
    codes = {key: form.optional(key) for key in ("outcome", "reason", "target")}
    why = refusal(desk.case(case_id).pending_status, new, codes, language(request))
    if why is not None:
        raise Refused(why)
    desk.queue_status(case_id, new, **codes)
    return redirect(request, f"/kasus/{desk.store.case(case_id).case_id}")


@needs_desk
async def save_attachment(request: Request) -> Response:
    t = words(request)
    form = form_of(request)
    desk, case_id = desk_of(request), request.path_params["case_id"]
    saved = desk.save_attachment(case_id, str(request.path_params["number"]), form.path("path"),
                                 strip_metadata=form.checked("strip"))  # fmt: skip
    lang = language(request)
    kind = said(lang, saved.sniffed.label)
    lines = [f"{t('Saved to')} {saved.path} ({kind}). {t('Not opened.')}"]
    if saved.metadata_note:
        lines.append(said(lang, saved.metadata_note))
    base = "/en" if language(request) == "en" else ""
    return render(request, "message.html", title=t("Attachment saved"), lines=lines,
                  warnings=[said(lang, w) for w in saved.sniffed.warnings],
                  back=f"{base}/kasus/{desk.store.case(case_id).case_id}")  # fmt: skip


def _recipient(path_text: str) -> UnitCard:
    try:
        return UnitCard.parse(read_bytes(Path(path_text).expanduser(), 16 * 1024, "card"))
    except CardError as bad:
        raise Refused(f"the other unit's card: {bad.user_message}") from None


@needs_desk
async def forward_page(request: Request) -> Response:
    t = words(request)
    desk, case_id = desk_of(request), request.path_params["case_id"]
    view = desk.case(case_id)
    fields = forwarding.fields_for(view.reading.answers, view.reading.form)
    context: dict[str, Any] = {
        "view": view, "fields": fields, "risk_words": RISK_WORDS, "targets": sorted(TARGETS),
        "selected": {f.field_id for f in fields if f.included_by_default}, "recipient": None,
        "card_path": "", "out_path": "", "summary": "", "target": "",
    }  # fmt: skip
    if request.method == "GET":
        return render(request, "forward.html", title=t("Forward"), **context)
    form = form_of(request)
    selected = set(form.all("field"))
    context.update(selected=selected, card_path=form.get("card"), out_path=form.get("out"),
                   summary=form.get("summary"), target=form.get("target"))  # fmt: skip
    recipient = _recipient(form.text("card", max_length=4096, required=True))
    context["recipient"] = recipient
    if form.get("step") != "send":
        return render(request, "forward.html", title=t("Forward"), **context)
    if form.get("target") not in TARGETS:
        context["error"] = t("Choose where the case is referred to.")
        return render(request, "forward.html", status_code=400, title=t("Forward"), **context)
    if not form.checked("fingerprint_ok") or form.get("fingerprint") != recipient.fingerprint():
        context["error"] = t("Compare the fingerprint, tick the box, then send.")
        return render(request, "forward.html", status_code=400, title=t("Forward"), **context)
    defaults = {f.field_id for f in fields if f.included_by_default}
    draft = forwarding.Draft(form.text("summary"), frozenset(selected - defaults),
                             frozenset(defaults - selected), form.checked("identity"))  # fmt: skip
    done = desk.forward(case_id, recipient, draft, form.path("out"), target=form.get("target"))
    lines = [
        f"{t('Written to')} {done.path}",
        f"SHA-256: {done.sha256}",
        f"{t('Recipient')}: {done.to_unit_id} · {t('Fingerprint')}: {done.to_fingerprint}",
        f"{t('Fields sent')}: {_question_names(view.reading.form, done.fields, language(request))}",
        t("The status change to “referred” is queued for the next reply bundle."),
    ]
    back = f"{'/en' if language(request) == 'en' else ''}/kasus/{view.case_id}"
    return render(request, "message.html", title=t("Summary forwarded"), lines=lines, back=back)
