"""Administrators: staff accounts (with TOTP enrolment), units and their settings.

An administrator never sees a case list, a case or an export. Creating an
account shows, once, the account's one-time password and its TOTP
provisioning QR code as inline SVG (no image request, nothing stored in the
browser); the new account must choose its own password at first sign-in.
"""

from __future__ import annotations

import secrets
from dataclasses import replace

import segno
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from crypto.secret import SecretStr
from vault.deadlines import STAGES, DeadlinePolicy
from vault.staff import provisioning_uri
from web.console.auth import form_of, guard, require_csrf, staff_of
from web.console.render import gettext, language, redirect, render
from web.console.state import call, console
from web.console.upload import read_upload
from web.errors import BadRequest


def _(message: str) -> str:
    return message


SAVED = _("Settings saved.")
UNIT_ADDED = _("Unit registered from its signed card.")
DISABLED = _("Account disabled.")


@guard("admin")
async def accounts(request: Request) -> Response:
    staff = staff_of(request)
    users = await call(console(request).store.list_users, staff.session.user)
    units = await call(request.app.state.vault.list_units)
    flash = gettext(language(request), DISABLED) if request.query_params.get("done") else None
    return render(request, "accounts.html", users=users, units=units, flash=flash)


@guard("admin")
async def create_account(request: Request) -> Response:
    staff = staff_of(request)
    state = console(request)
    form = form_of(request)
    username = form.text("username", max_length=32)
    role = form.text("role", max_length=16)
    if role not in ("admin", "inspector", "auditor"):
        raise BadRequest("role")
    # The page's form ticks units by name (unit-<id>=1); "units" (ids separated by
    # commas) is the same for a script.
    listed = await call(request.app.state.vault.list_units)
    unit_ids = [u.unit_id for u in listed if form.optional(f"unit-{u.unit_id}", max_length=2)]
    typed = form.text("units", max_length=1000, required=False).split(",")
    unit_ids += [u.strip() for u in typed if u.strip() and u.strip() not in unit_ids]
    one_time = SecretStr(secrets.token_urlsafe(12))
    user, totp_secret = await call(
        state.store.create_user,
        staff.session.user,
        username,
        role,
        unit_ids=unit_ids,
        password=one_time,
    )
    uri = provisioning_uri(user.username, totp_secret)
    qr = Markup(segno.make(uri, error="m").svg_inline(scale=5, border=4, title="TOTP"))  # noqa: S704
    return render(
        request,
        "account_created.html",
        created=user,
        one_time_password=one_time.reveal(),
        totp_secret=totp_secret.reveal(),
        qr=qr,
    )


@guard("admin")
async def disable_account(request: Request) -> Response:
    staff = staff_of(request)
    state = console(request)
    username = request.path_params["username"]
    user = await call(state.store.disable_user, staff.session.user, username)
    state.sessions.destroy_user(user.user_id)
    return redirect(request, "/akun?done=disabled")


@guard("admin")
async def units(request: Request) -> Response:
    listed = await call(request.app.state.vault.list_units)
    flash = gettext(language(request), UNIT_ADDED) if request.query_params.get("done") else None
    return render(request, "units.html", units=listed, flash=flash)


@guard("admin", form=False)
async def register_unit(request: Request) -> Response:
    state = console(request)
    upload = await read_upload(
        request.headers.get("content-type", ""),
        request.stream(),
        file_field="card",
        max_bytes=state.card_max,
        temp_dir=state.temp_dir,
    )
    try:
        require_csrf(request, upload.fields.get("csrf"))
        assert upload.file is not None  # read_upload guarantees it  # noqa: S101
        card = upload.file.read(state.card_max + 1)
    finally:
        upload.close()
    await call(state.store.register_unit, staff_of(request).session.user, card)
    return redirect(request, "/unit?done=1")


@guard("admin")
async def settings(request: Request) -> Response:
    staff = staff_of(request)
    unit_id = request.path_params["unit_id"]
    store = console(request).store
    current = await call(store.unit_settings, staff.session.user, unit_id)
    if request.method == "POST":
        form = form_of(request)
        values = {stage: form.integer(stage, low=1, high=366) or 0 for stage in STAGES}
        policy = replace(DeadlinePolicy(), **values)
        retention = form.integer("retention_days", low=1, high=36500)
        ceiling = form.integer("daily_case_ceiling", low=1, high=1_000_000)
        # A browser leaves an unticked box out: "notify_shown" says the box was on the form.
        notify = None
        if form.optional("notify_shown", max_length=2) == "1":
            notify = form.optional("notify_new_reports", max_length=2) == "1"
        current = await call(
            store.update_unit_settings,
            staff.session.user,
            unit_id,
            policy=policy,
            retention_days=retention,
            daily_case_ceiling=ceiling,
            notify_new_reports=notify,
        )
        return render(
            request,
            "settings.html",
            unit_id=unit_id,
            current=current,
            ceiling=current.daily_case_ceiling,
            stages=STAGES,
            flash=gettext(language(request), SAVED),
        )
    return render(
        request,
        "settings.html",
        unit_id=unit_id,
        current=current,
        ceiling=current.daily_case_ceiling,
        stages=STAGES,
    )
