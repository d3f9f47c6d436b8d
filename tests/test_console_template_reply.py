"""Standard messages (docs/spec/unit-card-v1.md): template signatures and template replies.

The console seals a quick acknowledgement whose 64 leading bytes are the
template signature made on the workstation. These tests pin what
``crypto.reply.verify_template_reply`` accepts and refuses.
"""

from __future__ import annotations

import json

import pytest

from crypto import labels
from crypto.bundle_template import sign_template, template_message, verify_template
from crypto.context import Context
from crypto.errors import SignatureError
from crypto.framing import lp
from crypto.reply import sign_reply, verify_reply, verify_template_reply
from crypto.signing import SigningKey

UNIT = "inspektorat-demo"
TEXT = "Laporan Anda sudah diterima dan sedang diverifikasi."


def body(text: str = TEXT, template: object = "diterima", status: object = None) -> bytes:
    return json.dumps({"text": text, "status": status, "template": template}).encode()


def test_template_message_is_the_spec_layout() -> None:
    expected = lp(UNIT.encode()) + lp(b"diterima") + lp(TEXT.encode("utf-8"))
    assert template_message(UNIT, "diterima", TEXT) == expected
    key = SigningKey.generate()
    signature = sign_template(key, UNIT, "diterima", TEXT)
    key.verify_key.verify(labels.SIG_ACK_TEMPLATE, expected, signature)
    verify_template(key.verify_key, UNIT, "diterima", TEXT, signature)


def test_a_template_reply_verifies_and_returns_the_body() -> None:
    key = SigningKey.generate()
    signature = sign_template(key, UNIT, "diterima", TEXT)
    assert verify_template_reply(key.verify_key, UNIT, signature + body()) == body()


@pytest.mark.parametrize(
    "plaintext_of",
    [
        pytest.param(lambda sig: sig + body(text=TEXT + "!"), id="other text"),
        pytest.param(lambda sig: sig + body(template="lainnya"), id="other template id"),
        pytest.param(lambda sig: sig + body(status="selesai"), id="status announced"),
        pytest.param(lambda sig: sig + body(template=None), id="no template"),
        pytest.param(lambda sig: sig + body(text=None), id="no text"),
        pytest.param(lambda sig: sig + b'{"text": "a", "text": "b", "template": "x"}', id="dup"),
        pytest.param(lambda sig: sig + b"[]", id="not an object"),
        pytest.param(lambda sig: sig + b"\xff", id="not utf-8"),
        pytest.param(lambda sig: sig[:63], id="short"),
        pytest.param(lambda sig: bytes([sig[0] ^ 1]) + sig[1:] + body(), id="flipped signature"),
    ],
)
def test_a_bad_template_reply_is_refused(plaintext_of) -> None:  # type: ignore[no-untyped-def]
    key = SigningKey.generate()
    signature = sign_template(key, UNIT, "diterima", TEXT)
    with pytest.raises(SignatureError):
        verify_template_reply(key.verify_key, UNIT, plaintext_of(signature))


def test_the_template_is_bound_to_its_unit_and_key() -> None:
    key = SigningKey.generate()
    signature = sign_template(key, UNIT, "diterima", TEXT)
    with pytest.raises(SignatureError):
        verify_template_reply(key.verify_key, "inspektorat-lain", signature + body())
    with pytest.raises(SignatureError):
        verify_template_reply(SigningKey.generate().verify_key, UNIT, signature + body())


def test_reply_and_template_signatures_do_not_stand_in_for_each_other() -> None:
    key = SigningKey.generate()
    ctx = Context(UNIT, b"\x01" * 16, "reply", b"\x02" * 16)
    signed_reply = sign_reply(key, ctx, body())
    with pytest.raises(SignatureError):
        verify_template_reply(key.verify_key, UNIT, signed_reply)
    template_reply = sign_template(key, UNIT, "diterima", TEXT) + body()
    with pytest.raises(SignatureError):
        verify_reply(key.verify_key, ctx, template_reply)
