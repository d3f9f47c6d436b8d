"""Every page but the login needs the session; every POST needs its CSRF token.

Errors the Desk raises on purpose (:class:`PeluitError`) become a page with
their ``user_message`` in the page's language (the command line's table,
:func:`workstation.cli_words.translated`), which never holds decrypted text
or a secret.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from crypto.errors import PeluitError
from workstation.cli_words import translated
from workstation.desk import Desk
from workstation.errors import UnknownCase, UnknownItem
from workstation.ui.forms import Form, read_form
from workstation.ui.render import redirect, render
from workstation.ui.session import COOKIE, CsrfRefused, UiState
from workstation.ui.words import translate

Endpoint = Callable[[Request], Awaitable[Response]]


def state(request: Request) -> UiState:
    ui: UiState = request.app.state.ui
    return ui


def desk_of(request: Request) -> Desk:
    desk: Desk = request.state.desk
    return desk


def form_of(request: Request) -> Form:
    form: Form = request.state.form
    return form


def failure(request: Request, exc: Exception) -> Response:
    lang = "en" if request.url.path.startswith("/en/") else "id"
    if isinstance(exc, CsrfRefused):
        message, status = "This form has expired. Reload the page and try again.", 403
        return render(request, "message.html", status_code=status,
                      title=translate(lang, "Refused"), error=translate(lang, message))  # fmt: skip
    assert isinstance(exc, PeluitError)  # noqa: S101 - only these two reach here
    status = 404 if isinstance(exc, UnknownCase | UnknownItem) else 400
    error = translated(exc.user_message, lang)
    return render(request, "message.html", status_code=status,
                  title=translate(lang, "Not done"), error=error)  # fmt: skip


def needs_desk(endpoint: Endpoint) -> Endpoint:
    @functools.wraps(endpoint)
    async def guarded(request: Request) -> Response:
        desk = state(request).desk_for(request.cookies.get(COOKIE))
        if desk is None:
            return redirect(request, "/masuk")
        request.state.desk = desk
        try:
            if request.method == "POST":
                form = await read_form(request)
                state(request).check_csrf(form.get("csrf"))
                request.state.form = form
            return await endpoint(request)
        except (CsrfRefused, PeluitError) as exc:
            return failure(request, exc)

    return guarded
