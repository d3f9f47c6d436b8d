"""Standard acknowledgement templates (docs/spec/unit-card-v1.md, "Standard messages").

``signature = Ed25519(unit key, "peluit/ack-template/v1" || 0x00 ||
lp(unit_id) || lp(template_id) || lp(text))``. Signed once on the
workstation, delivered in a reply bundle, verified online on import and by
the reporter's browser before it shows the text.
"""

from __future__ import annotations

from crypto import labels
from crypto.framing import lp
from crypto.signing import SigningKey, VerifyKey


def template_message(unit_id: str, template_id: str, text: str) -> bytes:
    """The bytes a template signature covers (after the label)."""
    return lp(unit_id.encode("utf-8")) + lp(template_id.encode("utf-8")) + lp(text.encode("utf-8"))


def sign_template(signing_key: SigningKey, unit_id: str, template_id: str, text: str) -> bytes:
    """The workstation's 64-byte signature over one template."""
    return signing_key.sign(labels.SIG_ACK_TEMPLATE, template_message(unit_id, template_id, text))


def verify_template(
    verify_key: VerifyKey, unit_id: str, template_id: str, text: str, signature: bytes
) -> None:
    """Raise :class:`crypto.errors.SignatureError` unless the signature is the unit's."""
    verify_key.verify(
        labels.SIG_ACK_TEMPLATE, template_message(unit_id, template_id, text), signature
    )
