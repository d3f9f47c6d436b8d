"""The reporter's pages, rendered server-side in the request's language.

Pages carry no plaintext and no state: the report form is not an HTML
``<form>`` at all, so a browser without JavaScript (or outside a secure
context) has nothing it could submit. The page scripts encrypt and talk to
the JSON API (``docs/spec/reporter-api-v1.md``).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from common.day_words import long_day, month_words, short_day
from crypto.questionnaire_doc import digest
from web.i18n import DEFAULT_LANGUAGE, LANGUAGES, translations
from web.page_messages import messages
from web.questionnaire_labels import labels as questionnaire_labels

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
QUESTIONNAIRES = HERE / "questionnaires"
MANIFEST = HERE / "static" / "dist" / "manifest.json"


@cache
def environment(lang: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.globals["asset"] = asset
    catalog = translations(lang)
    env.globals["page_messages"] = lambda: messages(catalog.gettext)
    env.globals["questionnaire_labels"] = lambda: questionnaire_labels(lang)
    env.filters["long_day"] = lambda value: long_day(value, lang)
    env.filters["short_day"] = lambda value: short_day(value, lang)
    env.filters["month_words"] = lambda value: month_words(value, lang)
    return env


@cache
def _manifest() -> dict[str, Any]:
    if not MANIFEST.exists():
        return {}
    data: dict[str, Any] = json.loads(MANIFEST.read_text(encoding="utf-8"))
    files: dict[str, Any] = data.get("files", data)
    return files


def asset(name: str) -> dict[str, str]:
    """URL and Subresource Integrity value of a committed bundle."""
    entry = _manifest().get(name, {})
    return {"url": f"/static/dist/{name}", "integrity": entry.get("integrity", "")}


@cache
def questionnaire(name: str) -> dict[str, Any]:
    path = QUESTIONNAIRES / f"{name}.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def unit_questionnaire(request: Request, unit: Any) -> dict[str, Any]:
    """The unit's current questionnaire: its newest published version, else the built-in one."""
    current = getattr(request.app.state.vault, "current_questionnaire", None)
    published = current(unit.unit_id) if current is not None else None
    if published is not None:
        document: dict[str, Any] = published.document
        return document
    return questionnaire(getattr(unit, "questionnaire", "wbs-default"))


def error_page(
    lang: str, status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> Response:
    """An error as a page in ``lang``: the code's message, never an exception's text."""
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    other = "en" if lang == "id" else "id"
    html = (
        environment(lang)
        .get_template("error.html")
        .render(lang=lang, other_lang=other, switch_url=f"/{other}/", error=code, message=message)
    )
    return HTMLResponse(html, status_code=status, headers=headers)


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    lang = request.path_params.get("lang", DEFAULT_LANGUAGE)
    path = request.url.path
    other = "en" if lang == "id" else "id"
    prefix = f"/{lang}"
    switch_url = f"/{other}" + path[len(prefix) :] if path.startswith(prefix) else f"/{other}/"
    html = (
        environment(lang)
        .get_template(template)
        .render(lang=lang, other_lang=other, switch_url=switch_url, path=path, **context)
    )
    return HTMLResponse(html, status_code=status_code)


def _lang_or_404(request: Request) -> str | None:
    lang = request.path_params["lang"]
    return lang if lang in LANGUAGES else None


def _units(request: Request) -> list[Any]:
    return list(request.app.state.vault.list_units())


async def root(request: Request) -> Response:
    return RedirectResponse(f"/{DEFAULT_LANGUAGE}/", status_code=303)


async def home(request: Request) -> Response:
    if _lang_or_404(request) is None:
        return await not_found(request)
    return render(request, "home.html", units=_units(request))


async def guide(request: Request) -> Response:
    if _lang_or_404(request) is None:
        return await not_found(request)
    from web import reporter_tool

    tool = reporter_tool.served()
    return render(
        request,
        "guide.html",
        tool_url=reporter_tool.URL,
        tool_name=reporter_tool.FILE_NAME,
        tool_sha256=tool.sha256,
        tool_kib=tool.size_kib,
        tool_libraries=" ".join(reporter_tool.LIBRARIES),
    )


async def report(request: Request) -> Response:
    if _lang_or_404(request) is None:
        return await not_found(request)
    unit_id = request.path_params["unit_id"]
    unit = next((u for u in _units(request) if u.unit_id == unit_id), None)
    if unit is None:
        return await not_found(request)
    if getattr(unit, "retired", False):
        units = {u.unit_id: u for u in _units(request)}
        forward = units.get(unit.forward_unit) if unit.forward_unit else None
        return render(request, "retired.html", unit=unit, forward=forward)
    form = unit_questionnaire(request, unit)
    return render(request, "report.html", unit=unit, form=form, form_digest=digest(form))


async def check(request: Request) -> Response:
    if _lang_or_404(request) is None:
        return await not_found(request)
    return render(request, "check.html")


async def not_found(request: Request) -> Response:
    request.path_params.setdefault("lang", DEFAULT_LANGUAGE)
    if request.path_params["lang"] not in LANGUAGES:
        request.path_params["lang"] = DEFAULT_LANGUAGE
    return render(request, "error.html", status_code=404, error="not_found")


def routes() -> list[BaseRoute]:
    return [
        Route("/", root),
        Route("/{lang}/", home),
        Route("/{lang}/panduan", guide),
        Route("/{lang}/lapor/{unit_id}", report),
        Route("/{lang}/cek", check),
    ]
