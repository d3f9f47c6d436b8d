"""Opaque identifiers: case and item ids (16 random bytes, chosen by the browser)
and upload tokens (32 random bytes, chosen by the server).

Ids are stored as 32 lowercase hex characters; nothing about them is
meaningful except that they are random.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from vault.errors import BadInput

ID_BYTES = 16
_HEX_ID = re.compile(r"[0-9a-f]{32}\Z")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}\Z")


def parse_id(value: object, field: str) -> str:
    """A 16-byte id given as bytes or hex text, returned as lowercase hex."""
    if isinstance(value, bytes | bytearray) and len(value) == ID_BYTES:
        return bytes(value).hex()
    if isinstance(value, str) and _HEX_ID.match(value.lower()):
        return value.lower()
    raise BadInput(f"The {field.replace('_', ' ')} is not a valid id.", field=field)


def new_upload_token() -> str:
    """A fresh upload-session token: 32 random bytes, base64url (43 characters)."""
    return secrets.token_urlsafe(32)


def check_upload_token(token: object) -> str:
    if not isinstance(token, str) or not _TOKEN.match(token):
        raise BadInput("The upload session is not valid.", field="upload_token")
    return token


def upload_folder_name(token: str) -> str:
    """The staging folder of a session: a hash, so the disk never holds the token."""
    return hashlib.sha256(check_upload_token(token).encode("ascii")).hexdigest()[:32]
