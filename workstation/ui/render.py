"""Rendering the UI's pages: language, autoescaped templates, the common context.

Indonesian is the default (``/``), English lives under ``/en`` (the same
convention as the online pages), so switching needs no cookie. Messages
are English ids translated by :mod:`workstation.ui.words`. Autoescaping is on
for every template and no decrypted value is ever marked safe.

Control and bidi characters (:mod:`workstation.terminal`, the CLI's own rule)
never reach the page: reporter text goes through the ``visible`` (or
``visible_line``) filter, which shows each as ``<U+202E>`` in a
``<span class="ctl">``; every other value printed by a template is passed
through :func:`workstation.terminal.safe_text` on its way out (Jinja's
``finalize``), so a field a template forgets still shows the plain marker.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from common.day_words import long_day, short_day
from common.same_origin import local_path
from workstation.code_names import name
from workstation.terminal import marker, pieces, safe_text
from workstation.ui.words import said, translate

TEMPLATES = Path(str(resources.files("workstation") / "templates"))


def language(request: Request) -> str:
    path = request.url.path
    return "en" if path == "/en" or path.startswith("/en/") else "id"


def words(request: Request) -> Callable[[str], str]:
    """The translator for the request's language."""
    lang = language(request)
    return lambda message: translate(lang, message)


def prefix(lang: str) -> str:
    return "/en" if lang == "en" else ""


@cache  # a few dozen characters can be unsafe; a page may hold thousands of them
def _styled(char: str) -> str:
    shown = marker(char)  # "<U+202E>": only ASCII letters, digits, "<", "+" and ">"
    return f'<span class="ctl" title="{shown[1:-1]}">{escape(shown)}</span>'


def visible(value: object, *, one_line: bool = False) -> Markup:
    """Reporter text, escaped, with each control or bidi character as a styled marker."""
    out = [
        _styled(part) if unsafe else str(escape(part))
        for part, unsafe in pieces(str(value), one_line=one_line)
    ]
    return Markup("".join(out))  # noqa: S704 - every piece escaped above


def visible_line(value: object) -> Markup:
    """:func:`visible` for one-line fields (names, types): a newline is shown too."""
    return visible(value, one_line=True)


def _finalize(value: Any) -> Any:
    if isinstance(value, str) and not isinstance(value, Markup):
        return safe_text(value)
    return value


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_finalize,
    )
    env.filters["visible"] = visible
    env.filters["visible_line"] = visible_line
    return env


def render(request: Request, template: str, *, status_code: int = 200, **context: Any) -> Response:
    lang = language(request)
    other = "en" if lang == "id" else "id"
    here = request.url.path[len(prefix(lang)) :] or "/"
    query = ("?" + request.url.query) if request.url.query else ""
    ui = request.app.state.ui
    desk = getattr(request.state, "desk", None)
    html = (
        environment()
        .get_template(template)
        .render(
            lang=lang,
            other_lang=other,
            base=prefix(lang),
            switch_url=prefix(other) + here + query,
            signed_in=desk is not None,
            unit=desk.card.name if desk is not None else "",
            csrf=ui.csrf if desk is not None else "",
            t=lambda message: translate(lang, message),
            said=lambda message: said(lang, message),
            status_name=lambda code: name(code, lang),
            code_name=lambda code: name(code, lang),
            long_day=lambda day: long_day(day, lang),
            short_day=lambda day: short_day(day, lang),
            mat2=shutil.which("mat2") is not None,
            **context,
        )
    )
    return HTMLResponse(html, status_code=status_code)


def redirect(request: Request, path: str) -> Response:
    """303 to a UI path in the request's language (never to another origin)."""
    return RedirectResponse(prefix(language(request)) + local_path(path), status_code=303)
