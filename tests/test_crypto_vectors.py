"""Every vector under tests/vectors/{envelope,card,reply,keyfile} checked with crypto/."""

from __future__ import annotations

import datetime
import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from vector_files import GZIP_OVER, read_vector, vector_files, vector_name

from crypto.b64 import b64u_decode
from crypto.envelope import Context, open_envelope
from crypto.errors import CardError, DecryptionError, KeyFileError, SignatureError, WrongPassphrase
from crypto.key_file import read_key_file
from crypto.reply import verify_reply
from crypto.signing import VerifyKey
from crypto.unit_card import UnitCard
from crypto.xwing import XWingPrivateKey, XWingPublicKey

VECTORS = Path(__file__).parent / "vectors"


def load(kind: str) -> list[Any]:
    files = vector_files(VECTORS / kind)
    assert files, f"no {kind} vectors"
    return [pytest.param(read_vector(f), id=vector_name(f)) for f in files]


def test_large_vectors_are_gzipped_and_small_ones_plain() -> None:
    kinds = ("receipt", "receipt-parse", "envelope", "card", "keyfile", "reply")
    files = [p for kind in kinds for p in vector_files(VECTORS / kind)]
    names = [(p.parent.name, vector_name(p)) for p in files]
    assert len(names) == len(set(names)), "a scenario stored both plain and gzipped"
    assert any(p.suffix == ".gz" for p in files)
    for path in files:
        gzipped = path.suffix == ".gz"
        size = len(gzip.decompress(path.read_bytes())) if gzipped else path.stat().st_size
        assert (size > GZIP_OVER) == gzipped, path.name


def context_of(doc: dict[str, str]) -> Context:
    return Context(
        doc["unit_id"], b64u_decode(doc["case_id"]), doc["kind"], b64u_decode(doc["item_id"])
    )


def expected_plaintext(v: dict[str, Any]) -> bytes:
    if "plaintext" in v:
        return b64u_decode(v["plaintext"])
    pattern = b64u_decode(v["plaintext_repeat"]["pattern"])
    length = v["plaintext_repeat"]["length"]
    return (pattern * (length // len(pattern) + 1))[:length]


@pytest.mark.parametrize("v", load("envelope"))
def test_envelope_vector(v: dict[str, Any]) -> None:
    assert v["kind"] == "envelope"
    keys = [XWingPrivateKey.from_seed(b64u_decode(s)) for s in v["recipient_seeds"]]
    envelope = b64u_decode(v["envelope"])
    context = context_of(v["context"])
    for raw in v["sealed_to_public_keys"]:
        XWingPublicKey.from_bytes(b64u_decode(raw))
    if v["expect"] == "ok":
        assert open_envelope(envelope, keys, context) == expected_plaintext(v)
    else:
        assert v["expect"] == "decrypt"
        with pytest.raises(DecryptionError) as info:
            open_envelope(envelope, keys, context)
        assert str(info.value) == DecryptionError().user_message


@pytest.mark.parametrize("v", load("card"))
def test_card_vector(v: dict[str, Any]) -> None:
    data = v["card"].encode("utf-8")
    if v["expect"] == "ok":
        card = UnitCard.parse(data)
        assert card.fingerprint() == v["fingerprint"]
        assert card.to_json() == data  # the canonical form round-trips
        assert (
            card.ed25519_public_key.to_bytes()
            == VerifyKey.from_bytes(card.ed25519_public_key.to_bytes()).to_bytes()
        )
        seed = b64u_decode(v["xwing_seed"])
        assert card.xwing_public_key == XWingPrivateKey.from_seed(seed).public_key()
        assert card.created == datetime.date.fromisoformat(json.loads(data)["created"])
        custodian = card.custodian_xwing_public_key
        expected = v.get("custodian_xwing_public_key")
        assert (custodian.to_bytes() if custodian else None) == (
            b64u_decode(expected) if expected else None
        )
    else:
        assert v["expect"] == "card"
        with pytest.raises(CardError):
            UnitCard.parse(data)


@pytest.mark.parametrize("v", load("reply"))
def test_reply_vector(v: dict[str, Any]) -> None:
    key = VerifyKey.from_bytes(b64u_decode(v["ed25519_public_key"]))
    plaintext = b64u_decode(v["reply_plaintext"])
    context = context_of(v["context"])
    if v["expect"] == "ok":
        assert verify_reply(key, context, plaintext) == b64u_decode(v["body"])
    else:
        assert v["expect"] == "signature"
        with pytest.raises(SignatureError):
            verify_reply(key, context, plaintext)


@pytest.mark.parametrize("v", load("keyfile"))
def test_keyfile_vector(v: dict[str, Any]) -> None:
    data = v["key_file"].encode("utf-8")
    if v["expect"] == "ok":
        keys = read_key_file(data, v["passphrase"])
        assert keys.unit_id == v["unit_id"]
        assert keys.ed25519_seed.reveal() == b64u_decode(v["ed25519_seed"])
        assert [(s.reveal(), d.isoformat()) for s, d in keys.xwing_seeds] == [
            (b64u_decode(e["seed"]), e["created"]) for e in v["xwing_seeds"]
        ]
        custodian = keys.custodian_xwing_public_key
        assert custodian is not None
        assert custodian.to_bytes() == b64u_decode(v["custodian_xwing_public_key"])
    elif v["expect"] == "passphrase":
        with pytest.raises(WrongPassphrase):
            read_key_file(data, v["passphrase"])
    else:
        assert v["expect"] == "format"
        with pytest.raises(KeyFileError) as info:
            read_key_file(data, v["passphrase"])
        assert not isinstance(info.value, WrongPassphrase)
