"""Parsing hostile JSON documents: UTF-8 only, no duplicate keys, no NaN, no lone surrogates."""

from __future__ import annotations

import json
from typing import Any


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError("duplicate key")
        result[key] = value
    return result


def _no_constants(name: str) -> Any:
    raise ValueError("non-standard JSON constant")


def load_object(data: bytes) -> dict[str, Any]:
    """Parse ``data`` as one UTF-8 JSON object; raise ``ValueError`` otherwise."""
    text = data.decode("utf-8")  # UnicodeDecodeError is a ValueError
    value = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    # "\ud800" escapes decode to lone surrogates, which are not text: refuse
    # them here rather than fail later when a field is encoded.
    json.dumps(value, ensure_ascii=False).encode("utf-8")  # UnicodeEncodeError is a ValueError
    return value


def is_int(value: object) -> bool:
    """True for a JSON integer (``bool`` excluded)."""
    return isinstance(value, int) and not isinstance(value, bool)
