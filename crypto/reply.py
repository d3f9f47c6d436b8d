"""Signed replies (docs/spec/unit-card-v1.md, "Replies").

``reply_plaintext = Ed25519(unit key, "peluit/reply/v1" || 0x00 || context || body) || body``
"""

from __future__ import annotations

from crypto import labels
from crypto.context import Context
from crypto.errors import SignatureError
from crypto.signing import SIGNATURE_SIZE, SigningKey, VerifyKey


def sign_reply(signing_key: SigningKey, context: Context, body: bytes) -> bytes:
    """Return ``signature || body`` for the reply envelope with ``context``."""
    return signing_key.sign(labels.SIG_REPLY, context.encode() + body) + body


def verify_reply(verify_key: VerifyKey, context: Context, plaintext: bytes) -> bytes:
    """Check a reply's signature against ``context``; return the body or raise SignatureError."""
    if len(plaintext) < SIGNATURE_SIZE:
        raise SignatureError()
    signature, body = plaintext[:SIGNATURE_SIZE], plaintext[SIGNATURE_SIZE:]
    verify_key.verify(labels.SIG_REPLY, context.encode() + body, signature)
    return body
