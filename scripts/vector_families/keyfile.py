"""Key file vectors (key-file-v1.md), made with the Argon2id primitive, not crypto.key_file."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from crypto import labels
from crypto.b64 import b64u_encode
from crypto.framing import lp, u32
from crypto.xwing import XWingPrivateKey
from vector_families.common import det, write

UNIT_ID = "inspektorat-demo"
OPS, MEM = 1, 8192  # small Argon2id parameters: the tests stay fast, the format is the same
PHRASE = "kuda-merah sungai pagi Café"
PLAIN = {
    "ed25519_seed": b64u_encode(det("keyfile/ed", 32)),
    "xwing_seeds": [
        {"seed": b64u_encode(det("keyfile/x0", 32)), "created": "2026-01-05"},
        {"seed": b64u_encode(det("keyfile/x1", 32)), "created": "2026-11-23"},
    ],
    "custodian_xwing_public_key": b64u_encode(
        XWingPrivateKey.from_seed(det("keyfile/custodian", 32)).public_key().to_bytes()
    ),
}


def build(passphrase: str, label: str, **over: Any) -> dict[str, Any]:
    """A key file made with the primitives (Argon2id, ChaCha20-Poly1305), fields overridable."""
    from argon2.low_level import Type, hash_secret_raw  # the primitive, not crypto.key_file

    salt = det("keyfile/salt/" + label, 16)
    nonce = det("keyfile/nonce/" + label, 12)
    password = unicodedata.normalize("NFC", passphrase).encode()
    key = hash_secret_raw(
        password,
        salt,
        time_cost=OPS,
        memory_cost=MEM,
        parallelism=1,
        hash_len=32,
        type=Type.ID,
        version=19,
    )
    aad = labels.KEY_FILE + b"\x00" + lp(UNIT_ID.encode()) + u32(OPS) + u32(MEM) + salt
    ct = ChaCha20Poly1305(key).encrypt(nonce, json.dumps(PLAIN).encode(), aad)
    doc = {
        "format": "peluit-unit-key",
        "version": 1,
        "unit_id": UNIT_ID,
        "kdf": {"alg": "argon2id", "ops": OPS, "mem_kib": MEM, "salt": b64u_encode(salt)},
        "aead": "chacha20-poly1305",
        "nonce": b64u_encode(nonce),
        "ciphertext": b64u_encode(ct),
    }
    doc.update(over)
    return doc


def emit(
    name: str,
    description: str,
    expect: str,
    doc: Any,
    passphrase: str = PHRASE,
    raw: str | None = None,
) -> None:
    extra: dict[str, Any] = {}
    if expect == "ok":
        extra = {"unit_id": UNIT_ID, **PLAIN}
    text = raw if raw is not None else json.dumps(doc, indent=2) + "\n"
    write("keyfile", name, description, expect, key_file=text, passphrase=passphrase, **extra)


def opened(good: dict[str, Any]) -> None:
    """The good file opens (NFD passphrase too); a wrong passphrase or bound field fails."""
    phrase = PHRASE
    emit("ok", "a key file with two X-Wing seeds and a custodian key (ops 1, 8 MiB)", "ok", good)
    emit(
        "ok-nfd-passphrase",
        "passphrase typed in NFD form opens (NFC before Argon2id)",
        "ok",
        good,
        passphrase=unicodedata.normalize("NFD", phrase),
    )
    emit("wrong-passphrase", "wrong passphrase", "passphrase", good, passphrase=phrase + "!")
    ct = good["ciphertext"]
    emit(
        "ciphertext-altered",
        "ciphertext changed",
        "passphrase",
        {**good, "ciphertext": ("B" if ct[0] == "A" else "A") + ct[1:]},
    )
    emit(
        "unit-id-changed",
        "unit id changed (bound as associated data)",
        "passphrase",
        {**good, "unit_id": "inspektorat-lain"},
    )
    kdf = good["kdf"]
    emit(
        "ops-raised",
        "ops changed to 2 (bound as associated data)",
        "passphrase",
        {**good, "kdf": {**kdf, "ops": 2}},
    )


def refused(good: dict[str, Any]) -> None:
    """Files refused before Argon2id runs: bounds, unknown algorithms, versions, size."""
    kdf = good["kdf"]
    rejects: dict[str, tuple[str, Any]] = {
        "ops-0": ("ops 0", {**good, "kdf": {**kdf, "ops": 0}}),
        "ops-11": ("ops 11", {**good, "kdf": {**kdf, "ops": 11}}),
        "mem-low": ("mem_kib 4096", {**good, "kdf": {**kdf, "mem_kib": 4096}}),
        "mem-high": ("mem_kib 4194305", {**good, "kdf": {**kdf, "mem_kib": 4194305}}),
        "salt-15": ("salt of 15 bytes", {**good, "kdf": {**kdf, "salt": b64u_encode(bytes(15))}}),
        "nonce-11": ("nonce of 11 bytes", {**good, "nonce": b64u_encode(bytes(11))}),
        "alg-argon2i": ("unknown kdf alg", {**good, "kdf": {**kdf, "alg": "argon2i"}}),
        "aead-aes": ("unknown aead", {**good, "aead": "aes-256-gcm"}),
        "version-2": ("unknown version", {**good, "version": 2}),
        "format-wrong": ("unknown format", {**good, "format": "peluit-unit-card"}),
        "ops-string": ("ops as a string", {**good, "kdf": {**kdf, "ops": "3"}}),
    }
    for name, (description, doc) in rejects.items():
        emit(name, description + " (rejected before Argon2id)", "format", doc)
    big = json.dumps(good)[:-1] + ', "x": "' + "a" * (1 << 20) + '"}'
    emit("too-large", "over 1 MiB (rejected before Argon2id)", "format", None, raw=big)


def keyfiles() -> None:
    good = build(PHRASE, "ok")
    opened(good)
    refused(good)
