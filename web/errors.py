"""One place that turns exceptions into HTTP answers.

:func:`describe` maps an exception to ``(status, code, message)``; the
message comes from the table below, in Indonesian (the default) or English,
never from the exception's own text: ``str(exc)`` is never shown to anyone.
An exception the table does not know is a ``500 server_error`` that says
nothing more. :func:`handlers` gives Starlette's exception handlers: JSON
``{"error": code, "message": text}`` for ``/api`` paths, plain text for the
rest until the pages render their own error template with :func:`describe`.

The web layer's own errors live here too, so every module raises from one
hierarchy under :class:`crypto.errors.PeluitError`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from crypto.errors import CardError, DecryptionError, FormatError, PeluitError, SignatureError
from receipts.errors import ReceiptError
from vault import errors as vault_errors

# --- the web layer's errors ---------------------------------------------------


class WebError(PeluitError):
    """Base of the errors raised by the web layer."""


class BadRequest(WebError):
    """Malformed JSON, a wrong field, a bad encoding. ``field`` names our field, if any."""

    default_message = "The request is malformed."

    def __init__(self, field: str = "") -> None:
        super().__init__()
        self.field = field


class PowRequired(WebError):
    default_message = "A valid proof of work is required."


class PowSpent(WebError):
    default_message = "This proof of work was already used."


class TooLarge(WebError):
    default_message = "This is over a size limit."


class UploadTimeout(WebError):
    """A request body that trickles in too slowly (a slow-read attack or a dead link)."""

    default_message = "The upload was too slow."


class ClientGone(WebError):
    """The client disconnected before its request body was complete (nobody hears the answer)."""

    default_message = "The request was not complete."


class RateLimited(WebError):
    default_message = "Too many requests; try later."


class StateUnavailable(WebError):
    """The shared state (Redis, docs/scale.md) did not answer: refuse rather than guess.

    A proof of work cannot be checked as unspent, a session or a sign-in
    throttle cannot be read: the request fails closed with 503.
    """

    default_message = "The server cannot check this request right now."


class UnknownCase(WebError):
    """No case answers this code (wrong or unknown: the same answer)."""

    default_message = "Not found."


# --- the table ----------------------------------------------------------------

Message = tuple[str, str]  # (Indonesian, English)

MESSAGES: Final[dict[str, Message]] = {
    "bad_request": (
        "Permintaan tidak valid.",
        "The request is malformed.",
    ),
    "pow_required": (
        "Bukti kerja (proof of work) diperlukan atau tidak valid. Muat ulang dan coba lagi.",
        "A valid proof of work is required. Reload and try again.",
    ),
    "pow_spent": (
        "Bukti kerja ini sudah dipakai. Muat ulang dan coba lagi.",
        "This proof of work was already used. Reload and try again.",
    ),
    "not_found": (
        "Tidak ditemukan. Periksa kode tanda terima Anda.",
        "Not found. Check your receipt code.",
    ),
    "conflict": (
        "Data ini sudah ada. Muat ulang dan kirim lagi.",
        "This already exists. Reload and send again.",
    ),
    "too_large": (
        "Terlalu besar: melebihi batas ukuran.",
        "Too large: over a size limit.",
    ),
    "timeout": (
        "Pengiriman terlalu lambat dan diputus; bagian ini tidak disimpan. Coba lagi.",
        "The upload was too slow and was cut off; this piece was not kept. Try again.",
    ),
    "rate_limited": (
        "Terlalu banyak percobaan. Coba lagi nanti.",
        "Too many attempts. Try again later.",
    ),
    "unit_full": (
        "Server menerima jumlah laporan yang tidak biasa untuk unit ini hari ini dan sudah"
        " mencapai batas penyimpanannya. Laporan Anda BELUM terkirim. Coba lagi besok, atau"
        " hubungi unit ini melalui saluran lain.",
        "The server has received an unusual number of reports for this unit today and has"
        " reached its storage limit. Your report has NOT been sent. Try again tomorrow, or"
        " reach this unit through another channel.",
    ),
    "case_day_full": (
        "Laporan ini sudah menerima pesan dan berkas sebanyak yang diizinkan untuk satu hari."
        " Pesan Anda BELUM terkirim. Coba lagi besok.",
        "This report has received as many messages and files today as one day allows."
        " Your message has NOT been sent. Try again tomorrow.",
    ),
    "unit_retired": (
        "Inspektorat ini tidak lagi menerima laporan baru. Buka halamannya untuk melihat ke mana"
        " melapor sekarang.",
        "This inspectorate no longer accepts new reports. Open its page to see where to report"
        " instead.",
    ),
    "method_not_allowed": (
        "Metode tidak diizinkan.",
        "Method not allowed.",
    ),
    "storage_full": (
        "Penyimpanan server sedang penuh; laporan Anda belum diterima. Coba lagi nanti.",
        "The server's storage is full; your report has not been received. Try again later.",
    ),
    "state_unavailable": (
        "Server sedang tidak dapat memeriksa permintaan ini; tidak ada yang disimpan."
        " Coba lagi dalam beberapa menit.",
        "The server cannot check this request right now; nothing was stored."
        " Try again in a few minutes.",
    ),
    "storage_unavailable": (
        "Server sedang tidak dapat menjangkau penyimpanannya; kiriman Anda mungkin belum"
        " tersimpan. Kirim lagi laporan yang sama dalam beberapa menit.",
        "The server cannot reach its storage right now; what you sent may not have been"
        " stored. Send the same report again in a few minutes.",
    ),
    "server_error": (
        "Terjadi kesalahan server.",
        "Server error.",
    ),
}

# Field names we may name in a message: our own, never text taken from a request.
FIELDS: Final = frozenset(
    {
        "upload", "case_id", "unit_id", "selector", "validator", "reporter_public_key",
        "tip", "identity", "attachments", "item_id", "envelope", "size", "pow",
        "challenge", "nonce", "message", "index", "authorization", "body",
        "content-length", "content-type", "purpose", "pass",
    }
)  # fmt: skip

_FIELD_SUFFIX: Final[Message] = ("Kolom bermasalah: {field}.", "Field at fault: {field}.")

# Most specific class first; the first isinstance match wins.
_TABLE: list[tuple[type[BaseException], int, str]] = [
    (PowSpent, 400, "pow_spent"),
    (PowRequired, 400, "pow_required"),
    (BadRequest, 400, "bad_request"),
    (TooLarge, 413, "too_large"),
    (UploadTimeout, 408, "timeout"),
    (ClientGone, 400, "bad_request"),
    (RateLimited, 429, "rate_limited"),
    (StateUnavailable, 503, "state_unavailable"),
    (vault_errors.DatabaseUnavailable, 503, "storage_unavailable"),
    (UnknownCase, 404, "not_found"),
    (vault_errors.NotFound, 404, "not_found"),
    (vault_errors.UnitRetired, 410, "unit_retired"),
    (vault_errors.Conflict, 409, "conflict"),
    (vault_errors.LimitExceeded, 413, "too_large"),
    (vault_errors.BadInput, 400, "bad_request"),
    (FormatError, 400, "bad_request"),
    (CardError, 400, "bad_request"),
    (ReceiptError, 400, "bad_request"),
]

# Errors that must never come out of the online server as a client's fault.
_NEVER_CLIENT: Final = (DecryptionError, SignatureError)


def register(exc_class: type[BaseException], status: int, code: str) -> None:
    """Add a mapping (used for errors defined elsewhere, e.g. the vault's unit ceiling)."""
    if code not in MESSAGES:
        raise ValueError(f"unknown error code {code!r}")
    _TABLE.insert(0, (exc_class, status, code))


def _register_vault_extras() -> None:
    # The vault may define a dedicated error for its per-unit daily ceiling.
    for name in ("UnitFull", "UnitCeilingReached", "DailyCeiling"):
        extra = getattr(vault_errors, name, None)
        if isinstance(extra, type) and issubclass(extra, BaseException):
            register(extra, 429, "unit_full")


_register_vault_extras()


def _language(lang: str) -> int:
    return 1 if lang == "en" else 0


def message_for(code: str, lang: str) -> str:
    return MESSAGES.get(code, MESSAGES["server_error"])[_language(lang)]


def _limit_is_unit_ceiling(exc: BaseException) -> bool:
    return isinstance(exc, vault_errors.LimitExceeded) and "unit" in getattr(exc, "limit_name", "")


def _limit_is_case_day(exc: BaseException) -> bool:
    name = getattr(exc, "limit_name", "")
    return isinstance(exc, vault_errors.LimitExceeded) and name.startswith("case_daily_")


def describe(exc: BaseException, lang: str = "id") -> tuple[int, str, str]:
    """``(status, code, message)`` for ``exc`` in ``lang`` (``"id"`` unless ``"en"``)."""
    if isinstance(exc, HTTPException):
        return _describe_http(exc.status_code, lang)
    if vault_errors.storage_full(exc):
        return 507, "storage_full", message_for("storage_full", lang)
    if isinstance(exc, _NEVER_CLIENT):
        return 500, "server_error", message_for("server_error", lang)
    if _limit_is_unit_ceiling(exc):
        return 429, "unit_full", message_for("unit_full", lang)
    if _limit_is_case_day(exc):
        return 429, "case_day_full", message_for("case_day_full", lang)
    for exc_class, status, code in _TABLE:
        if isinstance(exc, exc_class):
            message = message_for(code, lang)
            field = getattr(exc, "field", "")
            if code == "bad_request" and isinstance(field, str) and field in FIELDS:
                message += " " + _FIELD_SUFFIX[_language(lang)].format(field=field)
            return status, code, message
    return 500, "server_error", message_for("server_error", lang)


def _describe_http(status: int, lang: str) -> tuple[int, str, str]:
    if status == 404:
        return 404, "not_found", message_for("not_found", lang)
    if status == 405:
        return 405, "method_not_allowed", message_for("method_not_allowed", lang)
    if status == 413:
        return 413, "too_large", message_for("too_large", lang)
    if 400 <= status < 500:
        return status, "bad_request", message_for("bad_request", lang)
    return 500, "server_error", message_for("server_error", lang)


def request_language(request: Request) -> str:
    return "en" if request.query_params.get("lang") == "en" else "id"


def error_response(request: Request, exc: BaseException) -> Response:
    status, code, message = describe(exc, request_language(request))
    headers: dict[str, str] = {}
    if status == 405 and isinstance(exc, HTTPException) and exc.headers:
        headers = {k: v for k, v in exc.headers.items() if k.lower() == "allow"}
    if status in (429, 503, 507):
        headers["Retry-After"] = "60"
    if request.url.path == "/api" or request.url.path.startswith("/api/"):
        return JSONResponse({"error": code, "message": message}, status, headers=headers)
    from web.pages import error_page

    lang = "en" if request.url.path.startswith("/en/") else request_language(request)
    if lang != request_language(request):
        message = describe(exc, lang)[2]
    return error_page(lang, status, code, message, headers)


async def _handle(request: Request, exc: Exception) -> Response:
    return error_response(request, exc)


Handler = Callable[[Request, Exception], Any]


def handlers() -> Mapping[Any, Handler]:
    """Exception handlers for ``Starlette(exception_handlers=...)``.

    ``Exception`` (the 500 case) is handled by Starlette's outermost layer,
    so even an unexpected error gets our plain ``server_error`` answer.
    """
    return {HTTPException: _handle, PeluitError: _handle, Exception: _handle}
