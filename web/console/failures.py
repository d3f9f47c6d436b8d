"""Console errors as console pages (or JSON for the console's JSON endpoints).

The message shown is always a ``user_message`` (safe by construction: the
hierarchy under :class:`crypto.errors.PeluitError` never carries secrets) or
one of ours; an unexpected exception is re-raised to the app's plain 500.
When the vault refuses with its own English detail (which check failed), the
page says what happened in its language first and shows the detail below,
marked as technical.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from crypto.bundle_schema import BundleError
from vault import errors as vault_errors
from vault.console_store import PermissionDenied
from vault.lifecycle import IllegalTransition
from web.console.forms import CsrfRefused, Forbidden
from web.console.render import gettext, language, render
from web.console.transition_words import describe_transition
from web.errors import BadRequest, StateUnavailable, TooLarge


def _(message: str) -> str:
    return message


HEADINGS = {
    403: _("Not allowed"),
    404: _("Not found"),
    400: _("This could not be done"),
    409: _("This could not be done"),
    413: _("Too large"),
    503: _("Try again in a few minutes"),
}
FORM_PROBLEM = _("The form is not valid. Field at fault: %(field)s.")
# Form fields by the words a person sees, never their internal names.
FIELD_NAMES = {
    "assignee": _("assigned inspector"),
    "before": _("page"),
    "body": _("form"),
    "bundle": _("bundle file"),
    "upload": _("file"),
    "card": _("unit card file"),
    "envelope": _("form"),
    "item_id": _("item"),
    "month": _("month"),
    "page": _("page"),
    "status": _("new status"),
    "outcome": _("outcome"),
    "reason": _("reason"),
    "target": _("referred to"),
    "current": _("current password"),
    "new": _("new password"),
    "repeat": _("new password again"),
    "password": _("password"),
    "totp": _("authenticator code"),
    "username": _("username"),
    "role": _("role"),
    "units": _("units"),
    "unit_id": _("unit"),
    "retention_days": _("retention after closing (days)"),
    "daily_case_ceiling": _("new reports accepted per day"),
    "triage": _("deadline for triage"),
    "first_followup": _("deadline for the first follow-up"),
    "feedback": _("deadline for feedback to the reporter"),
    "conclusion": _("deadline for the conclusion"),
    "auto_close": _("deadline for closing"),
}
CSRF_PROBLEM = _(
    "This form has expired or did not come from this console. Reload the page and try again."
)
ROLE_PROBLEM = _("Your role may not use this page or action.")
NOT_FOUND = _("There is no such case, unit or page for your account.")
TOO_LARGE = _("The upload is larger than the console accepts.")
# The shared state (Redis, docs/scale.md) did not answer: sessions and sign-in
# throttles cannot be checked, so nothing is let through.
STATE_UNAVAILABLE = _(
    "The server cannot check sign-ins and sessions right now; nothing was changed."
    " Try again in a few minutes."
)
# What a person reads first when the vault refuses with its own (English)
# detail; the detail follows for technical staff under a heading that says so.
SUMMARIES: tuple[tuple[type[BaseException], str], ...] = (
    (BundleError, _("The bundle was refused; nothing of it was applied.")),
    (vault_errors.Conflict, _("This conflicts with what is already stored; nothing was changed.")),
    (vault_errors.BadInput, _("The request could not be processed; nothing was changed.")),
)
TECHNICAL = _("Technical detail (in English, for the technical staff)")


def _fixed() -> tuple[tuple[type | tuple[type, ...], int, str], ...]:
    """Errors whose message does not depend on the error: ``(kind, status, message)``."""
    return (
        (StateUnavailable, 503, STATE_UNAVAILABLE),
        (CsrfRefused, 403, CSRF_PROBLEM),
        ((Forbidden, PermissionDenied), 403, ROLE_PROBLEM),
        (vault_errors.NotFound, 404, NOT_FOUND),
        ((TooLarge, vault_errors.LimitExceeded), 413, TOO_LARGE),
    )


def describe(exc: BaseException, lang: str) -> tuple[int, str] | None:
    """``(status, message)`` for a console error, or ``None`` for a real server error."""

    def t(message: str) -> str:
        return gettext(lang, message)

    for kind, status, message in _fixed():
        if isinstance(exc, kind):
            return status, t(message)
    if isinstance(exc, BadRequest):
        field = FIELD_NAMES.get(exc.field or "")
        return 400, t(FORM_PROBLEM) % {"field": t(field) if field else "-"}
    if isinstance(exc, vault_errors.Conflict):
        return 409, exc.user_message
    if isinstance(exc, IllegalTransition):
        return 400, describe_transition(exc, t)
    if isinstance(exc, BundleError | vault_errors.BadInput):
        return 400, exc.user_message
    return None


def failure(request: Request, exc: BaseException, *, json: bool = False) -> Response:
    lang = language(request)
    described = describe(exc, lang)
    if described is None:
        raise exc
    status, message = described
    if json:
        return JSONResponse({"error": status, "message": message}, status)
    heading = gettext(lang, HEADINGS.get(status, HEADINGS[400]))
    for kind, summary in SUMMARIES:
        if isinstance(exc, kind):
            return render(
                request,
                "error.html",
                status_code=status,
                heading=heading,
                message=gettext(lang, summary),
                detail=message,
                detail_heading=gettext(lang, TECHNICAL),
            )
    return render(request, "error.html", status_code=status, heading=heading, message=message)
