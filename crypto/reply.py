"""Signed replies (docs/spec/unit-card-v1.md, "Replies" and "Standard messages").

``reply_plaintext = Ed25519(unit key, "peluit/reply/v1" || 0x00 || context || body) || body``

A standard message (quick acknowledgement) is sealed by the online console,
which has no signing key: its 64 bytes are instead the template signature made
once on the workstation, ``Ed25519(unit key, "peluit/ack-template/v1" || 0x00 ||
lp(unit_id) || lp(template_id) || lp(text))``, and the body names the template.
"""

from __future__ import annotations

from common.strict_json import load_object
from crypto import labels
from crypto.bundle_template import verify_template
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


def verify_template_reply(verify_key: VerifyKey, unit_id: str, plaintext: bytes) -> bytes:
    """Check a standard-message reply; return the body or raise SignatureError.

    The body must be a JSON object whose ``template`` and ``text`` are strings
    and whose ``status`` is null (a console cannot announce a status); the 64
    bytes before it must be the unit's template signature over exactly that
    template id and text. The reply's context is
    not signed (the console seals it, not the workstation), so this proves the
    words are the unit's, not that the unit chose this case.
    """
    if len(plaintext) < SIGNATURE_SIZE:
        raise SignatureError()
    signature, body = plaintext[:SIGNATURE_SIZE], plaintext[SIGNATURE_SIZE:]
    try:
        document = load_object(body)
    except ValueError:
        raise SignatureError() from None
    template_id, text = document.get("template"), document.get("text")
    if not isinstance(template_id, str) or not isinstance(text, str):
        raise SignatureError()
    if document.get("status") is not None:
        raise SignatureError()
    verify_template(verify_key, unit_id, template_id, text, signature)
    return body
