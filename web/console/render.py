"""Rendering console pages: language, links and the common page context.

The console lives at ``/konsol`` (Indonesian, the default) and ``/en/konsol``
(English), the same ``/{lang}`` convention as the reporter pages, so switching
language needs no cookie. Templates are under ``web/templates/console/`` and
use the same Babel catalog (English msgids, Indonesian translations).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from common.same_origin import local_path
from web.console.names import names

# One Jinja environment per language for every page of the app (same
# templates folder, same catalog); gettext as the reporter pages use it.
from web.i18n import gettext as gettext
from web.pages import environment

PREFIXES = {"id": "/konsol", "en": "/en/konsol"}


def language(request: Request) -> str:
    return "en" if request.url.path.startswith(PREFIXES["en"]) else "id"


def prefix(lang: str) -> str:
    return PREFIXES.get(lang, PREFIXES["id"])


def console_path(request: Request) -> str:
    """The path inside the console (``/kasus/...``), without the language prefix."""
    path = request.url.path
    base = prefix(language(request))
    return path[len(base) :] or "/"


def unit_names(request: Request) -> dict[str, str]:
    """Each unit's name by its id: pages name units, never show their ids alone.

    Read for every signed-in page (a small table, read on the event loop as the
    reporter pages read it); ``render`` passes it to every template as ``unit_names``.
    """
    if getattr(request.state, "staff", None) is None:
        return {}
    return {u.unit_id: u.name for u in request.app.state.vault.list_units()}


def render(request: Request, template: str, *, status_code: int = 200, **context: Any) -> Response:
    lang = language(request)
    other = "en" if lang == "id" else "id"
    here = console_path(request)
    query = ("?" + request.url.query) if request.url.query else ""
    staff = getattr(request.state, "staff", None)
    html = (
        environment(lang)
        .get_template(f"console/{template}")
        .render(
            lang=lang,
            other_lang=other,
            base=prefix(lang),
            switch_url=prefix(other) + here + query,
            staff=staff,
            csrf=staff.csrf if staff is not None else "",
            **names(lambda message: gettext(lang, message)),
            **{"unit_names": unit_names(request), **context},
        )
    )
    return HTMLResponse(html, status_code=status_code)


def redirect(request: Request, path: str) -> Response:
    """303 to a console path in the request's language (never to another origin)."""
    return RedirectResponse(prefix(language(request)) + local_path(path), status_code=303)
