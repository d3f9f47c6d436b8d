"""Reading the console's small forms: bounded, strict, CSRF-checked.

Every change in the console is a POST of an ``application/x-www-form-urlencoded``
form carrying the session's CSRF token (file uploads go through
:mod:`web.console.upload`). The body is read with a hard cap before it is
parsed, a field may appear once, and values are plain text: whatever they
mean is checked by the vault, which names the failed check.
"""

from __future__ import annotations

import hmac
from urllib.parse import parse_qsl

from starlette.requests import Request

from web.errors import BadRequest, TooLarge, WebError
from web.request_body import bounded_chunks

FORM_MAX = 16 * 1024
MAX_FIELDS = 64


class CsrfRefused(WebError):
    """A change without the session's CSRF token (or with another one)."""

    default_message = "This form has expired. Reload the page and try again."


class Forbidden(WebError):
    """The signed-in role may not use this page or action."""

    default_message = "Your role may not do this."


class Form:
    """The fields of one form; each read names the field when it is missing or malformed."""

    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = fields

    def text(self, name: str, *, max_length: int = 200, required: bool = True) -> str:
        value = self.fields.get(name, "").strip()
        if required and not value:
            raise BadRequest(name)
        if len(value) > max_length:
            raise BadRequest(name)
        return value

    def optional(self, name: str, *, max_length: int = 200) -> str | None:
        return self.text(name, max_length=max_length, required=False) or None

    def integer(self, name: str, *, low: int, high: int, required: bool = True) -> int | None:
        value = self.text(name, max_length=12, required=required)
        if not value:
            return None
        if not value.isdigit():
            raise BadRequest(name)
        number = int(value)
        if not low <= number <= high:
            raise BadRequest(name)
        return number


def parse_form(body: bytes, *, max_fields: int = MAX_FIELDS) -> Form:
    try:
        pairs = parse_qsl(
            body.decode("ascii"),
            keep_blank_values=True,
            strict_parsing=bool(body),
            max_num_fields=max_fields,
            errors="strict",
        )
    except (UnicodeDecodeError, ValueError):
        raise BadRequest("body") from None
    fields: dict[str, str] = {}
    for name, value in pairs:
        if name in fields:
            raise BadRequest("body")
        fields[name] = value
    return Form(fields)


async def read_form(
    request: Request, *, max_bytes: int = FORM_MAX, max_fields: int = MAX_FIELDS
) -> Form:
    """The request's urlencoded body (at most 16 KiB unless the route says), parsed."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise BadRequest("content-type")
    body = bytearray()
    async for chunk in bounded_chunks(request):
        body.extend(chunk)
        if len(body) > max_bytes:
            raise TooLarge()
    return parse_form(bytes(body), max_fields=max_fields)


def check_csrf(expected: str, given: str | None) -> None:
    """Raise :class:`CsrfRefused` unless ``given`` is the session's token."""
    if not expected or not given or not hmac.compare_digest(expected.encode(), given.encode()):
        raise CsrfRefused()
