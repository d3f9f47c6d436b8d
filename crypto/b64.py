"""Strict base64url without padding (RFC 4648 section 5)."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping

from crypto.errors import FormatError

_ALPHABET = re.compile(r"[A-Za-z0-9_-]*\Z")


def b64u_encode(data: bytes) -> str:
    """Encode bytes as base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64u_decode(text: str) -> bytes:
    """Decode base64url without padding; raise :class:`FormatError` on anything else.

    Rejects padding, characters outside the URL-safe alphabet, an impossible
    length (``len % 4 == 1``) and non-canonical trailing bits, so every byte
    string has exactly one accepted encoding.
    """
    if not isinstance(text, str) or not _ALPHABET.match(text) or len(text) % 4 == 1:
        raise FormatError("Invalid base64url text.")
    padded = text + "=" * (-len(text) % 4)
    try:
        data = base64.urlsafe_b64decode(padded.encode("ascii"))
    except (binascii.Error, ValueError):
        raise FormatError("Invalid base64url text.") from None
    if b64u_encode(data) != text:
        raise FormatError("Invalid base64url text.")
    return data


class WrongLength(FormatError):
    """Valid base64url text that decodes to the wrong number of bytes."""

    default_message = "The data has the wrong length."


def b64u_field(fields: Mapping[str, object], name: str, size: int | None = None) -> bytes:
    """``fields[name]``, base64url text, decoded; of ``size`` bytes if given.

    :class:`FormatError` if it is not base64url text, :class:`WrongLength`
    (a :class:`FormatError`) if it decodes to another size; callers name the
    field in their own error.
    """
    value = fields[name]
    if not isinstance(value, str):
        raise FormatError("Invalid base64url text.")
    data = b64u_decode(value)
    if size is not None and len(data) != size:
        raise WrongLength()
    return data
