"""The JSON documents inside a bundle: header, entry metas, trailer (docs/spec/bundles-v1.md).

Each checker takes a parsed JSON object and raises :class:`BundleError`
naming the first rule it breaks. They check form only (fields, types,
lengths, patterns); whether a case exists or a status change is legal is
the business of whoever applies the bundle.
"""

from __future__ import annotations

import datetime
import enum
import re
from collections.abc import Callable, Mapping
from typing import Any, Final

from common.strict_json import is_int
from crypto.b64 import b64u_decode
from crypto.context import KINDS, is_unit_id
from crypto.errors import FormatError, PeluitError
from crypto.signing import SIGNATURE_SIZE


class BundleError(PeluitError):
    """A bundle that breaks a must-reject rule. ``check`` names the rule for staff and tests."""

    default_message = "bundle rejected"

    def __init__(self, check: str, detail: str) -> None:
        super().__init__(f"bundle rejected: {detail}")
        self.check = check


class Kind(enum.Enum):
    EXPORT = "export"
    REPLY = "reply"


EXPORT_FORMAT: Final = "peluit-export-bundle"
REPLY_FORMAT: Final = "peluit-reply-bundle"
VERSION: Final = 1

CASE: Final = 0x01
ENVELOPE: Final = 0x02
QUESTIONNAIRE: Final = 0x04
REPLY: Final = 0x11
STATUS: Final = 0x12
TEMPLATE: Final = 0x13
QUARANTINE: Final = 0x14
TRAILER: Final = 0xFF

ENTRY_NAMES: Final = {
    CASE: "case",
    ENVELOPE: "envelope",
    QUESTIONNAIRE: "questionnaire",
    REPLY: "reply",
    STATUS: "status",
    TEMPLATE: "template",
    QUARANTINE: "quarantine",
}
TYPES: Final = {
    Kind.EXPORT: frozenset({CASE, ENVELOPE, QUESTIONNAIRE}),
    Kind.REPLY: frozenset({REPLY, STATUS, TEMPLATE, QUARANTINE}),
}
MAX_DATA: Final = {
    CASE: 0,
    ENVELOPE: 1 << 31,
    QUESTIONNAIRE: 256 * 1024,
    REPLY: 1 << 20,
    STATUS: 0,
    TEMPLATE: 0,
    QUARANTINE: 0,
}
"""The largest ``data_len`` of each entry type."""

MAX_TEMPLATE_TEXT: Final = 2000
MAX_REFERENCE: Final = 64
MAX_COUNT: Final = 1 << 53

_HEX_ID = re.compile(r"[0-9a-f]{32}\Z")
_SHA256 = re.compile(r"[0-9a-f]{64}\Z")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_CODE = re.compile(r"[a-z0-9_-]{1,64}\Z")
_TEMPLATE_ID = re.compile(r"[a-z0-9-]{1,64}\Z")
_REFERENCE = re.compile(r"[A-Za-z0-9-]{1,64}\Z")

Check = Callable[[Any], bool]


def is_hex_id(value: object) -> bool:
    return isinstance(value, str) and _HEX_ID.match(value) is not None


def is_sha256(value: object) -> bool:
    return isinstance(value, str) and _SHA256.match(value) is not None


def is_day(value: object) -> bool:
    if not isinstance(value, str) or not _DAY.match(value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def is_code(value: object) -> bool:
    return isinstance(value, str) and _CODE.match(value) is not None


def _optional_code(value: object) -> bool:
    return value is None or is_code(value)


def _count(value: object) -> bool:
    return is_int(value) and 0 <= value < MAX_COUNT  # type: ignore[operator]


def _positive(value: object) -> bool:
    return is_int(value) and 0 < value < MAX_COUNT  # type: ignore[operator]


def _b64u(size: int) -> Check:
    def check(value: object) -> bool:
        if not isinstance(value, str):
            return False
        try:
            return len(b64u_decode(value)) == size
        except FormatError:
            return False

    return check


def _template_text(value: object) -> bool:
    return isinstance(value, str) and 1 <= len(value) <= MAX_TEMPLATE_TEXT


SCHEMAS: Final[dict[int, dict[str, Check]]] = {
    CASE: {
        "case_id": is_hex_id,
        "reference": lambda v: isinstance(v, str) and _REFERENCE.match(v) is not None,
        "status": is_code,
        "submitted": is_day,
        "status_day": is_day,
        "reporter_public_key": _b64u(1216),
    },
    ENVELOPE: {
        "case_id": is_hex_id,
        "item_id": is_hex_id,
        "kind": lambda v: v in KINDS,
        "author": lambda v: v in ("reporter", "unit"),
        "day": is_day,
        "size": _positive,
        "sha256": is_sha256,
    },
    QUESTIONNAIRE: {"version": _positive, "digest": is_sha256},
    REPLY: {"case_id": is_hex_id, "item_id": is_hex_id, "sha256": is_sha256},
    STATUS: {
        "case_id": is_hex_id,
        "status": is_code,
        "outcome": _optional_code,
        "reason": _optional_code,
        "target": _optional_code,
    },
    TEMPLATE: {
        "template_id": lambda v: isinstance(v, str) and _TEMPLATE_ID.match(v) is not None,
        "text": _template_text,
        "signature": _b64u(SIGNATURE_SIZE),
    },
    QUARANTINE: {
        "case_id": is_hex_id,
        "item_id": lambda v: v is None or is_hex_id(v),
        "kind": lambda v: v == "case" or v in KINDS,
        "day": is_day,
        "check": is_code,
    },
}

HEADERS: Final[dict[Kind, dict[str, Check]]] = {
    Kind.EXPORT: {
        "format": lambda v: v == EXPORT_FORMAT,
        "version": lambda v: is_int(v) and v == VERSION,
        "unit_id": is_unit_id,
        "export_seq": _positive,
        "created": is_day,
        "since_seq": _count,
        "cases": _count,
        "envelopes": _count,
        "bytes": _count,
    },
    Kind.REPLY: {
        "format": lambda v: v == REPLY_FORMAT,
        "version": lambda v: is_int(v) and v == VERSION,
        "unit_id": is_unit_id,
        "sequence": _positive,
        "created": is_day,
    },
}

TRAILER_SCHEMA: Final[dict[str, Check]] = {"entries": _count, "sha256": is_sha256}


def check_fields(document: Mapping[str, Any], schema: Mapping[str, Check], where: str) -> None:
    """Exactly the schema's fields, each passing its check, or :class:`BundleError`."""
    missing = sorted(set(schema) - set(document))
    extra = sorted(set(document) - set(schema))
    if missing:
        raise BundleError("fields", f"{where} lacks the field {missing[0]!r}")
    if extra:
        raise BundleError("fields", f"{where} has an unknown field {extra[0]!r}")
    for name, check in schema.items():
        if not check(document[name]):
            raise BundleError("field_value", f"{where}'s field {name!r} is not valid")


def check_header(kind: Kind, header: Mapping[str, Any]) -> None:
    """The header's form; for an export, ``since_seq`` lies before ``export_seq``."""
    check_fields(header, HEADERS[kind], "the header")
    if kind is Kind.EXPORT and header["since_seq"] >= header["export_seq"]:
        raise BundleError("field_value", "the header's 'since_seq' is not before 'export_seq'")
