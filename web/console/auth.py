"""Who is asking: the session cookie, role checks and CSRF on every console route.

The console's session cookie is the only cookie Peluit sets, and only here:
``__Host-peluit-konsol`` over HTTPS (``Secure``, ``Path=/``, no ``Domain``,
so no other host or path can plant or read it), ``peluit-konsol`` on plain
HTTP for a local test server and on a .onion origin. Behind a TLS proxy the
request says ``http``: ``PELUIT_PUBLIC_URL`` decides (web/public_origin.py).
Both are ``HttpOnly`` and ``SameSite=Strict``.
The cookie holds a random token; the session itself (user, CSRF token, idle
timer) lives in memory: :class:`vault.staff_sessions.SessionStore` in this
process, or Redis shared by several (web/shared_state/redis_staff.py).

:func:`guard` wraps every route: no session means the sign-in page (or 401
for JSON); a role not on the route's list means 403; every POST must carry
the session's CSRF token and come from our own origin. A forced password
change sends every other page to the password form.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from crypto.errors import PeluitError
from vault.staff_sessions import Session, Sessions
from web.console.failures import failure
from web.console.forms import CsrfRefused, Forbidden, Form, check_csrf, read_form
from web.console.render import redirect
from web.public_origin import secure_transport
from web.shared_state.local import PasswordChanges

SECURE_COOKIE = "__Host-peluit-konsol"
PLAIN_COOKIE = "peluit-konsol"
CSRF_HEADER = "x-csrf-token"

Endpoint = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True)
class Staff:
    """The signed-in staff member, as templates and routes see them."""

    user_id: int
    username: str
    role: str
    unit_ids: tuple[str, ...]
    csrf: str
    session: Session


def cookie_name(request: Request) -> str:
    return SECURE_COOKIE if secure_transport(request) else PLAIN_COOKIE


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        cookie_name(request),
        token,
        path="/",
        secure=secure_transport(request),
        httponly=True,
        samesite="strict",
    )


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        cookie_name(request),
        path="/",
        secure=secure_transport(request),
        httponly=True,
        samesite="strict",
    )


def sessions(request: Request) -> Sessions:
    store: Sessions = request.app.state.console.sessions
    return store


def current_staff(request: Request) -> Staff | None:
    """The live session's staff member (and restart its idle timer), or ``None``."""
    store = sessions(request)
    session = store.get(request.cookies.get(cookie_name(request)))
    if session is None:
        return None
    session = store.touch(session)
    if session is None:
        return None
    user = session.user
    return Staff(
        user.user_id, user.username, str(user.role), tuple(user.unit_ids), session.csrf, session
    )


def same_origin(request: Request) -> bool:
    """A POST must come from our own pages: ``Origin`` (when sent) names this host.

    ``Origin: null`` is refused: a page that hides its origin (its own
    ``Referrer-Policy: no-referrer``, a sandboxed frame, a ``data:`` URL) is
    the cross-site case this check exists for. The console's pages are served
    with ``Referrer-Policy: same-origin`` (see :mod:`web.security_headers`),
    so browsers name our origin on our own forms and fetches. Without
    ``Origin`` a ``Referer`` must name this host (the workstation UI checks
    the same way); with neither (a script, not a browser) the CSRF token
    decides.
    """
    host = request.headers.get("host", "")
    ours = (f"http://{host}", f"https://{host}") if host else ()
    origin = request.headers.get("origin")
    if origin is not None:
        return origin in ours
    referer = request.headers.get("referer")
    if referer is not None:
        return any(referer.startswith(f"{mine}/") for mine in ours)
    return True


# --- the sign-in form's token (there is no session yet) -------------------------
# Its key is the console state's ``login_keys`` (shared by every process when
# the state is in Redis: the form may be posted to another process).


def _login_mac(key: bytes, nonce: str) -> str:
    return hmac.new(key, nonce.encode(), hashlib.sha256).hexdigest()[:32]


def login_token(request: Request) -> str:
    nonce = secrets.token_urlsafe(16)
    return f"{nonce}.{_login_mac(request.app.state.console.login_keys.live()[0], nonce)}"


def check_login_token(request: Request, token: str | None) -> None:
    nonce, _, mac = (token or "").partition(".")
    genuine = False
    for key in request.app.state.console.login_keys.live():
        genuine |= hmac.compare_digest(_login_mac(key, nonce).encode(), mac.encode())
    if not nonce or not genuine:
        raise CsrfRefused()


# --- the guard --------------------------------------------------------------------


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "") or request.url.path.endswith(
        ".json"
    )


def _session_gate(
    request: Request, roles: tuple[str, ...], *, json: bool, password_page: bool
) -> Response | None:
    """Put the signed-in staff on ``request.state``; a response if they may not go on."""
    staff = current_staff(request)
    if staff is None:
        if json or _wants_json(request):
            return JSONResponse({"error": "signed_out"}, 401)
        return redirect(request, "/masuk")
    request.state.staff = staff
    if staff.role not in roles:
        raise Forbidden()
    if must_change_password(request, staff) and not password_page:
        if json:
            return JSONResponse({"error": "password_change"}, 403)
        return redirect(request, "/sandi")
    return None


async def _post_gate(request: Request, *, form: bool) -> None:
    """A POST comes from our origin; a guarded form also carries the CSRF token."""
    if not same_origin(request):
        raise CsrfRefused()
    if form:
        request.state.form = await read_form(request)
        require_csrf(request, request.state.form.fields.get("csrf"))


def guard(
    *roles: str, form: bool = True, json: bool = False, password_page: bool = False
) -> Callable[[Endpoint], Endpoint]:
    """Require a session with one of ``roles``; for POST, CSRF and our origin.

    ``form``: a POST body is an urlencoded form, read here and put on
    ``request.state.form`` once its CSRF field matched. ``form=False``: the
    route reads its own body (an upload or JSON) and checks CSRF itself with
    :func:`require_csrf`, before it changes anything.
    """

    def decorate(endpoint: Endpoint) -> Endpoint:
        @functools.wraps(endpoint)
        async def guarded(request: Request) -> Response:
            try:
                return await checked(request)
            except PeluitError as exc:
                return failure(request, exc, json=json)

        async def checked(request: Request) -> Response:
            turned_away = _session_gate(request, roles, json=json, password_page=password_page)
            if turned_away is not None:
                return turned_away
            if request.method == "POST":
                await _post_gate(request, form=form)
            return await endpoint(request)

        return guarded

    return decorate


def require_csrf(request: Request, token: str | None) -> None:
    staff: Staff = request.state.staff
    check_csrf(staff.csrf, token)


def must_change_password(request: Request, staff: Staff) -> bool:
    pending: PasswordChanges = request.app.state.console.password_change_pending
    return staff.user_id in pending


def form_of(request: Request) -> Form:
    form: Form = request.state.form
    return form


def staff_of(request: Request) -> Staff:
    staff: Staff = request.state.staff
    return staff
