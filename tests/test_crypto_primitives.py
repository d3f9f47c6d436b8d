"""b64u, PADMÉ, X-Wing keys, signatures, replies, unit cards and key files."""

from __future__ import annotations

import datetime
import json
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crypto import labels
from crypto.b64 import b64u_decode, b64u_encode
from crypto.envelope import Context
from crypto.errors import (
    CardError,
    FormatError,
    KeyFileError,
    PeluitError,
    SignatureError,
    WrongPassphrase,
)
from crypto.key_file import UnitKeys, read_key_file, write_key_file
from crypto.padding import padded_size, padme
from crypto.reply import sign_reply, verify_reply
from crypto.secret import SecretBytes
from crypto.signing import SigningKey, VerifyKey
from crypto.unit_card import UnitCard
from crypto.xwing import ENC_SIZE, PUBLIC_KEY_SIZE, XWingPrivateKey, XWingPublicKey


@given(st.binary(max_size=300))
def test_b64u_round_trip(data: bytes) -> None:
    text = b64u_encode(data)
    assert "=" not in text and "+" not in text and "/" not in text
    assert b64u_decode(text) == data


@pytest.mark.parametrize("bad", ["AA==", "A", "AB+/", "A B", "AB\n", "AB*", "AR", "ü"])
def test_b64u_strict(bad: str) -> None:
    with pytest.raises(FormatError):
        b64u_decode(bad)


def test_padme_known_values() -> None:
    assert [padme(n) for n in (0, 1, 2, 3, 4, 9, 4096, 4097)] == [0, 1, 2, 3, 4, 10, 4096, 4352]
    assert padded_size(0) == padded_size(4096) == 4096
    assert padded_size(1 << 20) == 1 << 20


@given(st.integers(min_value=4096, max_value=1 << 40))
def test_padme_bounds(n: int) -> None:
    p = padme(n)
    assert n <= p < n * 1.0625 + 1
    assert padme(p) == p


def test_xwing_sizes_and_parse() -> None:
    seed, key = XWingPrivateKey.generate()
    assert len(seed) == 32 and PUBLIC_KEY_SIZE == 1216 and ENC_SIZE == 1120
    public = key.public_key()
    assert XWingPublicKey.from_bytes(public.to_bytes()) == public
    assert len(public.key_id()) == 8
    assert XWingPrivateKey.from_seed(seed).public_key() == public
    with pytest.raises(FormatError):
        XWingPublicKey.from_bytes(public.to_bytes()[:-1])
    with pytest.raises(FormatError):
        XWingPrivateKey.from_seed(b"short")
    with pytest.raises(TypeError):
        pickle.dumps(key)


def test_signing_labels_and_errors() -> None:
    key = SigningKey.from_seed(b"\x07" * 32)
    sig = key.sign(labels.SIG_ACK_TEMPLATE, b"text")
    vk = VerifyKey.from_bytes(key.verify_key.to_bytes())
    assert vk.verify(labels.SIG_ACK_TEMPLATE, b"text", sig) is None
    for label, message, signature in [
        (labels.SIG_REPLY, b"text", sig),
        (labels.SIG_ACK_TEMPLATE, b"texT", sig),
        (labels.SIG_ACK_TEMPLATE, b"text", sig[:-1]),
        (labels.SIG_ACK_TEMPLATE, b"text", bytes(64)),
    ]:
        with pytest.raises(SignatureError):
            vk.verify(label, message, signature)
    with pytest.raises(FormatError):
        VerifyKey.from_bytes(b"\x00" * 31)
    assert SigningKey.generate().verify_key != vk


def test_reply_round_trip() -> None:
    key = SigningKey.generate()
    ctx = Context("u", b"\x01" * 16, "reply", b"\x02" * 16)
    body = b'{"text": "ok", "status": "open", "template": null}'
    assert verify_reply(key.verify_key, ctx, sign_reply(key, ctx, body)) == body


def _card() -> tuple[SigningKey, UnitCard]:
    sk = SigningKey.generate()
    xpub = XWingPrivateKey.generate()[1].public_key()
    card = UnitCard.create(sk, xpub, "unit-1", "Inspektorat Satu", "", datetime.date(2026, 1, 2))
    return sk, card


def test_card_round_trip_and_fingerprint() -> None:
    _, card = _card()
    parsed = UnitCard.parse(card.to_json())
    assert parsed == card
    fp = parsed.fingerprint()
    groups = fp.split(" ")
    assert len(groups) == 8 and all(len(g) == 4 for g in groups)
    assert set(fp.replace(" ", "")) <= set("abcdefghijklmnopqrstuvwxyz234567")


def test_card_fingerprint_ignores_name() -> None:
    sk, card = _card()
    renamed = UnitCard.create(sk, card.xwing_public_key, card.unit_id, "Baru", "x", card.created)
    assert renamed.fingerprint() == card.fingerprint()


@pytest.mark.parametrize(
    ("unit_id", "name", "jurisdiction"),
    [("Bad", "n", ""), ("ok", "", ""), ("ok", "n" * 201, ""), ("ok", "n", "j" * 2001)],
)
def test_card_create_validates(unit_id: str, name: str, jurisdiction: str) -> None:
    sk = SigningKey.generate()
    xpub = XWingPrivateKey.generate()[1].public_key()
    with pytest.raises(CardError):
        UnitCard.create(sk, xpub, unit_id, name, jurisdiction, datetime.date(2026, 1, 1))


def test_card_reject_messages_are_user_safe() -> None:
    _, card = _card()
    doc = json.loads(card.to_json())
    doc["name"] = "Palsu"
    with pytest.raises(CardError) as info:
        UnitCard.parse(json.dumps(doc).encode())
    assert "signature" in info.value.user_message
    assert isinstance(info.value, PeluitError)


# Key files: Argon2id at ops 1, 8 MiB (the spec's minimum) keeps these tests fast;
# the format and code path are the same as with the 256 MiB default.
FAST = {"ops": 1, "mem_kib": 8192}


def _keys() -> UnitKeys:
    custodian = XWingPrivateKey.generate()[1].public_key()
    return UnitKeys(
        unit_id="unit-1",
        ed25519_seed=SecretBytes(b"\x01" * 32),
        xwing_seeds=[
            (SecretBytes(b"\x02" * 32), datetime.date(2025, 1, 1)),
            (SecretBytes(b"\x03" * 32), datetime.date(2026, 1, 1)),
        ],
        custodian_xwing_public_key=custodian,
    )


def test_key_file_round_trip() -> None:
    keys = _keys()
    data = write_key_file(keys, "sandi rahasia", **FAST)
    back = read_key_file(data, "sandi rahasia")
    assert back.unit_id == keys.unit_id
    assert back.ed25519_seed == keys.ed25519_seed
    assert [(s.reveal(), d) for s, d in back.xwing_seeds] == [
        (s.reveal(), d) for s, d in keys.xwing_seeds
    ]
    assert back.custodian_xwing_public_key == keys.custodian_xwing_public_key
    assert back.current_xwing().public_key() == XWingPrivateKey.from_seed(b"\x03" * 32).public_key()
    oldest = back.xwing_keys()[0]
    assert oldest.public_key() == XWingPrivateKey.from_seed(b"\x02" * 32).public_key()
    assert back.signing_key().verify_key == SigningKey.from_seed(b"\x01" * 32).verify_key


def test_key_file_wrong_passphrase() -> None:
    data = write_key_file(_keys(), "benar", **FAST)
    with pytest.raises(WrongPassphrase) as info:
        read_key_file(data, "salah")
    assert info.value.user_message == "wrong passphrase, or the key file was altered"


def test_key_file_bounds_checked_before_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    data = json.loads(write_key_file(_keys(), "p", **FAST))
    data["kdf"]["mem_kib"] = 1 << 30

    def boom(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("Argon2id ran")

    monkeypatch.setattr("crypto.key_file.hash_secret_raw", boom)
    with pytest.raises(KeyFileError) as info:
        read_key_file(json.dumps(data).encode(), "p")
    assert not isinstance(info.value, WrongPassphrase)


def test_write_key_file_refuses_out_of_bounds() -> None:
    with pytest.raises(ValueError, match="bounds"):
        write_key_file(_keys(), "p", ops=0, mem_kib=8192)
