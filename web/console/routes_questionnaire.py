"""Administrators edit a unit's questionnaire: versions, editor, preview, publish.

``/kuesioner/{unit}`` lists the published versions and holds the editor,
loaded with the current version (the built-in form while the unit has none).
"Preview" checks the posted form and shows it as the report page will, in
both languages, with every problem listed in the page's language; "Publish"
stores it as the next version (immutable, audited) and from then on the
report page serves it. No script: the editor is a plain form.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from crypto import questionnaire_doc
from crypto.questionnaire_doc import QuestionnaireError
from web.console.auth import guard, require_csrf, staff_of
from web.console.forms import read_form
from web.console.questionnaire_form import (
    FORM_BYTES,
    FORM_FIELDS,
    Draft,
    document_of,
    draft_of,
    rows_of,
)
from web.console.render import gettext, language, redirect, render
from web.console.state import call, console
from web.pages import questionnaire as built_in


def _(message: str) -> str:
    return message


PUBLISHED = _("Version %(version)s is published. New reports use it from now on.")
CHECKED = _("No problems found. Check the preview below, then publish.")
TYPE_NAMES = {
    "text": _("Short answer"),
    "textarea": _("Long answer"),
    "select": _("Choice"),
}


async def _versions(request: Request, unit_id: str) -> list[Any]:
    store = console(request).store
    return list(await call(store.questionnaire_versions, staff_of(request).session.user, unit_id))


def _page(
    request: Request,
    unit_id: str,
    versions: list[Any],
    draft: Draft,
    preview: dict[str, Any] | None,
    *,
    flash: str | None = None,
    status_code: int = 200,
) -> Response:
    lang = language(request)
    problems = [p.text(lambda m: gettext(lang, m)) for p in draft.problems]
    return render(
        request,
        "questionnaire.html",
        status_code=status_code,
        unit_id=unit_id,
        versions=list(reversed(versions)),
        draft=draft,
        problems=problems,
        preview=preview,
        type_names={k: gettext(lang, v) for k, v in TYPE_NAMES.items()},
        flash=flash,
    )


@guard("admin", form=False)
async def editor(request: Request) -> Response:
    unit_id = request.path_params["unit_id"]
    versions = await _versions(request, unit_id)
    current = versions[-1].document if versions else built_in("wbs-default")
    if request.method == "GET":
        flash = None
        if request.query_params.get("terbit", "").isdigit():
            flash = gettext(language(request), PUBLISHED) % {
                "version": request.query_params["terbit"]
            }
        return _page(request, unit_id, versions, rows_of(current), current, flash=flash)
    form = await read_form(request, max_bytes=FORM_BYTES, max_fields=FORM_FIELDS)
    require_csrf(request, form.fields.get("csrf"))
    draft = draft_of(form, current["id"])
    next_version = (versions[-1].version if versions else 1) + 1
    document = document_of(draft, next_version)
    if not draft.problems:
        draft.problems = questionnaire_doc.problems(document)
    publishing = form.fields.get("action") == "publish"
    if draft.problems:
        status = 400 if publishing else 200  # a refused publish is an error; a check is not
        return _page(request, unit_id, versions, draft, None, status_code=status)
    if not publishing:
        flash = gettext(language(request), CHECKED)
        return _page(request, unit_id, versions, draft, document, flash=flash)
    store = console(request).store
    try:
        published = await call(
            store.publish_questionnaire, staff_of(request).session.user, unit_id, document
        )
    except QuestionnaireError as refused:
        draft.problems = list(refused.problems)
        return _page(request, unit_id, versions, draft, None, status_code=400)
    return redirect(request, f"/kuesioner/{unit_id}?terbit={published.version}")
