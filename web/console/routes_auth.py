"""Sign-in (username, password, TOTP code), sign-out and the password form.

Sign-in answers the same for a wrong username, password or code (the
vault's :class:`vault.staff.LoginFailed`); from the 5th failure in a row the
account is locked for 30 seconds, doubling with each further failure (at
most 15 minutes), and the page says how long. When more sign-ins are being
hashed than the server allows at once, the page answers 503 "try again in
a few seconds" without hashing (vault/staff_login.py). An account whose password
someone else chose (created or reset by an administrator) must choose its
own before any other page opens: the flag lives in the database, and the
session set below only caches it. The password form asks for the current
password first; a wrong one counts in the sign-in throttle.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from crypto.secret import SecretStr
from vault.staff import AccountLocked, LoginFailed, SignInBusy, WrongPassword
from web.console.auth import (
    check_login_token,
    clear_session_cookie,
    current_staff,
    form_of,
    guard,
    login_token,
    same_origin,
    set_session_cookie,
    staff_of,
)
from web.console.failures import failure
from web.console.forms import CsrfRefused, read_form
from web.console.render import gettext, language, redirect, render
from web.console.state import call, console
from web.errors import BadRequest, StateUnavailable, WebError


def _(message: str) -> str:
    return message


LOGIN_FAILED = _("Sign-in failed: check the username, password and code.")
LOCKED = _("Too many failed sign-ins for this account: wait {seconds} seconds and try again.")
BUSY = _("Many sign-ins are being checked right now. Wait a few seconds and try again.")
PASSWORDS_DIFFER = _("The two new passwords are not the same.")
PASSWORD_SAVED = _("Your new password is saved.")
WRONG_CURRENT = _("The current password is not right.")

HOME = {"inspector": "/kasus", "admin": "/akun", "auditor": "/dasbor"}
ALL_ROLES = ("admin", "inspector", "auditor")


async def home(request: Request) -> Response:
    staff = current_staff(request)
    if staff is None:
        return redirect(request, "/masuk")
    return redirect(request, HOME.get(staff.role, "/masuk"))


def _login_page(request: Request, status: int = 200, **context: object) -> Response:
    token = login_token(request)
    return render(request, "login.html", status_code=status, login_csrf=token, **context)


async def login(request: Request) -> Response:
    if request.method == "GET":
        if current_staff(request) is not None:
            return await home(request)
        return _login_page(request)
    lang = language(request)
    try:
        if not same_origin(request):
            raise CsrfRefused()
        form = await read_form(request)
        check_login_token(request, form.fields.get("csrf"))
        username = form.text("username", max_length=64)
        password = SecretStr(form.text("password", max_length=1024))
        code = form.text("totp", max_length=12).replace(" ", "")
    except WebError as exc:
        return failure(request, exc)
    state = console(request)
    try:
        user = await call(state.store.authenticate, username, password, code)
    except SignInBusy:
        return _login_page(request, 503, problem=gettext(lang, BUSY), username=username)
    except AccountLocked as locked:
        problem = gettext(lang, LOCKED).format(seconds=locked.seconds)
        return _login_page(request, 429, problem=problem, username=username)
    except LoginFailed:
        return _login_page(request, 401, problem=gettext(lang, LOGIN_FAILED), username=username)
    except StateUnavailable as unavailable:  # sessions and throttle unknown: fail closed
        return failure(request, unavailable)
    if await call(state.store.password_change_required, user):
        state.password_change_pending.add(user.user_id)
    else:
        state.password_change_pending.discard(user.user_id)
    token, _csrf = state.sessions.create(user)
    target = "/sandi" if user.user_id in state.password_change_pending else HOME[str(user.role)]
    response = redirect(request, target)
    set_session_cookie(request, response, token)
    return response


@guard(*ALL_ROLES, password_page=True)
async def logout(request: Request) -> Response:
    staff = staff_of(request)
    state = console(request)
    state.sessions.destroy(staff.session)
    await call(state.store.record_logout, staff.session.user)
    response = redirect(request, "/masuk")
    clear_session_cookie(request, response)
    return response


@guard(*ALL_ROLES, password_page=True)
async def password(request: Request) -> Response:
    staff = staff_of(request)
    state = console(request)
    forced = staff.user_id in state.password_change_pending
    if request.method == "GET":
        return render(request, "password.html", forced=forced)
    form = form_of(request)
    current = SecretStr(form.text("current", max_length=1024))
    new, repeat = form.text("new", max_length=1024), form.text("repeat", max_length=1024)

    def again(status: int, message: str) -> Response:
        problem = gettext(language(request), message)
        return render(request, "password.html", status_code=status, forced=forced, problem=problem)

    if new != repeat:
        return again(400, PASSWORDS_DIFFER)
    if len(new) < 12:
        raise BadRequest("new")
    try:
        await call(state.store.change_own_password, staff.session.user, current, SecretStr(new))
    except WrongPassword:
        return again(400, WRONG_CURRENT)
    except SignInBusy:
        return again(503, BUSY)
    except AccountLocked as locked:
        problem = gettext(language(request), LOCKED).format(seconds=locked.seconds)
        return render(request, "password.html", status_code=429, forced=forced, problem=problem)
    state.password_change_pending.discard(staff.user_id)
    # Every other session of this account ends; this browser gets a fresh one.
    state.sessions.destroy_user(staff.user_id)
    token, _csrf = state.sessions.create(staff.session.user)
    response = redirect(request, HOME[staff.role] + "?saved=1")
    set_session_cookie(request, response, token)
    return response
