"""Published vectors: X-Wing (draft-connolly-cfrg-xwing-kem) and HPKE with X-Wing
(draft-ietf-hpke-pq), stored under tests/vectors/published/ (see SOURCE.md)."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric import mlkem, x25519
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from crypto.xwing import XWingPrivateKey

PUBLISHED = Path(__file__).parent / "vectors" / "published"
XWING_LABEL = b"\\.//^\\"  # 0x5c2e2f2f5e5c, the X-Wing combiner label


def xwing_kat() -> list[Any]:
    doc = json.loads((PUBLISHED / "xwing-kat.json").read_text())
    return [pytest.param(v, id=f"kat{i}") for i, v in enumerate(doc["vectors"])]


def hpke_vectors() -> list[Any]:
    doc = json.loads((PUBLISHED / "hpke-pq-xwing.json").read_text())
    assert {v["kem_id"] for v in doc} == {0x647A}
    return [pytest.param(v, id=f"kdf{v['kdf_id']}-aead{v['aead_id']}") for v in doc]


def xwing_decapsulate(seed: bytes, ct: bytes) -> bytes:
    """X-Wing Decapsulate from the draft, built from cryptography's ML-KEM and X25519."""
    expanded = hashlib.shake_256(seed).digest(96)
    sk_m = mlkem.MLKEM768PrivateKey.from_seed_bytes(expanded[:64])
    sk_x = x25519.X25519PrivateKey.from_private_bytes(expanded[64:])
    pk_x = sk_x.public_key().public_bytes_raw()
    ct_m, ct_x = ct[:1088], ct[1088:]
    ss_m = sk_m.decapsulate(ct_m)
    ss_x = sk_x.exchange(x25519.X25519PublicKey.from_public_bytes(ct_x))
    return hashlib.sha3_256(ss_m + ss_x + ct_x + pk_x + XWING_LABEL).digest()


@pytest.mark.parametrize("v", xwing_kat())
def test_xwing_keygen_from_seed(v: dict[str, str]) -> None:
    key = XWingPrivateKey.from_seed(bytes.fromhex(v["seed"]))
    assert key.public_key().to_bytes().hex() == v["expected_pk"]
    assert key.public_key().to_bytes()[-32:].hex() == v["pk_x"]


@pytest.mark.parametrize("v", xwing_kat())
def test_xwing_decapsulation(v: dict[str, str]) -> None:
    seed, ct = bytes.fromhex(v["seed"]), bytes.fromhex(v["expected_ct"])
    assert len(ct) == 1120
    assert ct[1088:].hex() == v["ct_x"]
    assert xwing_decapsulate(seed, ct).hex() == v["expected_ss"]


def _suite(v: dict[str, Any]) -> hpke.Suite:
    kdf = {1: hpke.KDF.HKDF_SHA256, 17: hpke.KDF.SHAKE256}[v["kdf_id"]]
    assert v["aead_id"] == 3
    return hpke.Suite(hpke.KEM.MLKEM768_X25519, kdf, hpke.AEAD.CHACHA20_POLY1305)


@pytest.mark.parametrize("v", hpke_vectors())
def test_hpke_xwing_key_and_decapsulation(v: dict[str, Any]) -> None:
    key = XWingPrivateKey.from_seed(bytes.fromhex(v["skRm"]))
    assert key.public_key().to_bytes().hex() == v["pkRm"]
    assert (
        xwing_decapsulate(bytes.fromhex(v["skRm"]), bytes.fromhex(v["enc"])).hex()
        == v["shared_secret"]
    )


@pytest.mark.parametrize("v", hpke_vectors())
def test_hpke_xwing_open_first_message(v: dict[str, Any]) -> None:
    """cryptography's one-shot HPKE opens the sequence-0 message (with its aad)."""
    key = XWingPrivateKey.from_seed(bytes.fromhex(v["skRm"]))
    first = v["encryptions"][0]
    ciphertext = bytes.fromhex(v["enc"]) + bytes.fromhex(first["ct"])
    plaintext = hpke.rust_openssl.hpke._decrypt_with_aad(
        _suite(v), ciphertext, key.hpke_key(), info=bytes.fromhex(v["info"]),
        aad=bytes.fromhex(first["aad"]),
    )  # fmt: skip
    assert plaintext.hex() == first["pt"]


def _labeled_extract(suite_id: bytes, salt: bytes, label: bytes, ikm: bytes) -> bytes:
    return hmac.new(salt or bytes(32), b"HPKE-v1" + suite_id + label + ikm, "sha256").digest()


def _labeled_expand(suite_id: bytes, prk: bytes, label: bytes, info: bytes, n: int) -> bytes:
    labeled = n.to_bytes(2, "big") + b"HPKE-v1" + suite_id + label + info
    out, block, counter = b"", b"", 1
    while len(out) < n:
        block = hmac.new(prk, block + labeled + bytes([counter]), "sha256").digest()
        out += block
        counter += 1
    return out[:n]


def test_hpke_xwing_key_schedule_and_all_messages() -> None:
    """RFC 9180 key schedule (HKDF-SHA256 suite) from the shared secret, then every message."""
    (v,) = [p.values[0] for p in hpke_vectors() if p.values[0]["kdf_id"] == 1]
    suite_id = bytes.fromhex(v["suite_id"])
    assert suite_id == b"HPKE" + (0x647A).to_bytes(2, "big") + b"\x00\x01\x00\x03"
    psk_id_hash = _labeled_extract(suite_id, b"", b"psk_id_hash", b"")
    info_hash = _labeled_extract(suite_id, b"", b"info_hash", bytes.fromhex(v["info"]))
    context = b"\x00" + psk_id_hash + info_hash
    secret = _labeled_extract(suite_id, bytes.fromhex(v["shared_secret"]), b"secret", b"")
    key = _labeled_expand(suite_id, secret, b"key", context, 32)
    base_nonce = _labeled_expand(suite_id, secret, b"base_nonce", context, 12)
    assert key.hex() == v["key"] and base_nonce.hex() == v["base_nonce"]
    aead = ChaCha20Poly1305(key)
    for seq, message in enumerate(v["encryptions"]):
        nonce = (int.from_bytes(base_nonce, "big") ^ seq).to_bytes(12, "big")
        assert nonce.hex() == message["nonce"]
        pt = aead.decrypt(nonce, bytes.fromhex(message["ct"]), bytes.fromhex(message["aad"]))
        assert pt.hex() == message["pt"]
