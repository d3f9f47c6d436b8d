"""Reading the UI's forms: urlencoded, bounded, one value per field.

Paths are typed by the inspector (the UI never offers a file dialog or takes
a name from a report); they are taken as given, and the Desk decides what
may be written (never an existing file, never through a symlink).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl

from starlette.requests import Request

from workstation.errors import Refused

FORM_MAX = 512 * 1024  # a 20,000-character reply, percent-encoded, fits
MAX_FIELDS = 200


class Form:
    def __init__(self, fields: dict[str, list[str]]) -> None:
        self.fields = fields

    def get(self, name: str, default: str = "") -> str:
        values = self.fields.get(name)
        return values[0] if values else default

    def text(self, name: str, *, max_length: int = 20_000, required: bool = False) -> str:
        value = self.get(name).strip()
        if required and not value:
            raise Refused(f"the field {name!r} is empty")
        if len(value) > max_length:
            raise Refused(f"the field {name!r} is longer than {max_length} characters")
        return value

    def optional(self, name: str) -> str | None:
        return self.text(name, max_length=200) or None

    def all(self, name: str) -> list[str]:
        return list(self.fields.get(name, []))

    def checked(self, name: str) -> bool:
        return self.get(name) == "1"

    def path(self, name: str) -> Path:
        value = self.text(name, max_length=4096, required=True)
        if "\x00" in value:
            raise Refused(f"the field {name!r} is not a path")
        return Path(value).expanduser()


async def read_form(request: Request) -> Form:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise Refused("a form must be sent as application/x-www-form-urlencoded")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > FORM_MAX:
            raise Refused("the form is too large")
    try:
        pairs = parse_qsl(body.decode("ascii"), keep_blank_values=True,
                          max_num_fields=MAX_FIELDS, errors="strict")  # fmt: skip
    except (UnicodeDecodeError, ValueError):
        raise Refused("the form could not be read") from None
    fields: dict[str, list[str]] = {}
    for name, value in pairs:
        fields.setdefault(name, []).append(value)
    return Form(fields)
