"""Unit key files: a unit's private keys under a passphrase (docs/spec/key-file-v1.md)."""

from __future__ import annotations

import datetime
import json
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Final, NoReturn

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from common.strict_json import is_int, load_object
from crypto import labels
from crypto.b64 import b64u_decode, b64u_encode
from crypto.context import is_unit_id
from crypto.errors import FormatError, KeyFileError, WrongPassphrase
from crypto.framing import lp, u32
from crypto.secret import SecretBytes, SecretStr
from crypto.signing import SigningKey
from crypto.xwing import PUBLIC_KEY_SIZE, SEED_SIZE, XWingPrivateKey, XWingPublicKey

FORMAT: Final = "peluit-unit-key"
VERSION: Final = 1
DEFAULT_OPS: Final = 3
DEFAULT_MEM_KIB: Final = 262144
OPS_RANGE: Final = range(1, 11)
MEM_KIB_RANGE: Final = range(8192, 4194304 + 1)
SALT_SIZE: Final = 16
NONCE_SIZE: Final = 12
MAX_FILE_SIZE: Final = 1 << 20
FIELDS: Final = frozenset({"format", "version", "unit_id", "kdf", "aead", "nonce", "ciphertext"})
KDF_FIELDS: Final = frozenset({"alg", "ops", "mem_kib", "salt"})
PLAINTEXT_FIELDS: Final = frozenset({"ed25519_seed", "xwing_seeds", "custodian_xwing_public_key"})
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


@dataclass(frozen=True, eq=False)
class UnitKeys:
    """A unit's private keys. Seeds are :class:`SecretBytes`; the repr shows none."""

    unit_id: str
    ed25519_seed: SecretBytes
    xwing_seeds: list[tuple[SecretBytes, datetime.date]] = field(default_factory=list)
    custodian_xwing_public_key: XWingPublicKey | None = None

    def signing_key(self) -> SigningKey:
        return SigningKey.from_seed(self.ed25519_seed)

    def xwing_keys(self) -> list[XWingPrivateKey]:
        """Every X-Wing key, oldest first (the newest, current one last)."""
        return [XWingPrivateKey.from_seed(seed) for seed, _ in self.xwing_seeds]

    def current_xwing(self) -> XWingPrivateKey:
        """The key new envelopes are sealed to."""
        if not self.xwing_seeds:
            raise KeyFileError("The key file holds no encryption key.")
        return XWingPrivateKey.from_seed(self.xwing_seeds[-1][0])

    def __repr__(self) -> str:
        return f"UnitKeys(unit_id={self.unit_id!r}, xwing_keys={len(self.xwing_seeds)}, ***)"

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        raise TypeError("UnitKeys cannot be pickled")


def _derive(passphrase: SecretStr, salt: bytes, ops: int, mem_kib: int) -> bytes:
    password = unicodedata.normalize("NFC", passphrase.reveal()).encode("utf-8")
    return hash_secret_raw(
        password, salt, time_cost=ops, memory_cost=mem_kib, parallelism=1,
        hash_len=32, type=Type.ID, version=19,
    )  # fmt: skip


def _aad(unit_id: str, ops: int, mem_kib: int, salt: bytes) -> bytes:
    return labels.KEY_FILE + b"\x00" + lp(unit_id.encode("ascii")) + u32(ops) + u32(mem_kib) + salt


def _as_secret(passphrase: str | SecretStr) -> SecretStr:
    return passphrase if isinstance(passphrase, SecretStr) else SecretStr(passphrase)


def write_key_file(
    keys: UnitKeys,
    passphrase: str | SecretStr,
    ops: int = DEFAULT_OPS,
    mem_kib: int = DEFAULT_MEM_KIB,
) -> bytes:
    """Encrypt ``keys`` under ``passphrase``; return the key file (UTF-8 JSON)."""
    if ops not in OPS_RANGE or mem_kib not in MEM_KIB_RANGE:
        raise ValueError("Argon2id parameters outside the spec's bounds")
    if not is_unit_id(keys.unit_id):
        raise ValueError("invalid unit id")
    salt = secrets.token_bytes(SALT_SIZE)
    nonce = secrets.token_bytes(NONCE_SIZE)
    custodian = keys.custodian_xwing_public_key
    plaintext = json.dumps(
        {
            "ed25519_seed": b64u_encode(keys.ed25519_seed.reveal()),
            "xwing_seeds": [
                {"seed": b64u_encode(seed.reveal()), "created": created.isoformat()}
                for seed, created in keys.xwing_seeds
            ],
            "custodian_xwing_public_key": b64u_encode(custodian.to_bytes()) if custodian else None,
        }
    ).encode("utf-8")
    key = _derive(_as_secret(passphrase), salt, ops, mem_kib)
    ciphertext = ChaCha20Poly1305(key).encrypt(
        nonce, plaintext, _aad(keys.unit_id, ops, mem_kib, salt)
    )
    document = {
        "format": FORMAT,
        "version": VERSION,
        "unit_id": keys.unit_id,
        "kdf": {"alg": "argon2id", "ops": ops, "mem_kib": mem_kib, "salt": b64u_encode(salt)},
        "aead": "chacha20-poly1305",
        "nonce": b64u_encode(nonce),
        "ciphertext": b64u_encode(ciphertext),
    }
    return (json.dumps(document, indent=2) + "\n").encode("utf-8")


def _decode(value: object, size: int | None) -> bytes:
    if not isinstance(value, str):
        raise KeyFileError()
    try:
        data = b64u_decode(value)
    except FormatError:
        raise KeyFileError() from None
    if size is not None and len(data) != size:
        raise KeyFileError()
    return data


def _outer(fields: dict[str, Any]) -> tuple[str, int, int, bytes, bytes, bytes]:
    """Check everything that can be checked before running Argon2id."""
    if set(fields) != FIELDS or fields["format"] != FORMAT:
        raise KeyFileError("This is not a Peluit key file.")
    if not is_int(fields["version"]) or fields["version"] != VERSION:
        raise KeyFileError("Unknown key file version.")
    kdf = fields["kdf"]
    if not isinstance(kdf, dict) or set(kdf) != KDF_FIELDS or kdf["alg"] != "argon2id":
        raise KeyFileError("Unknown key derivation in the key file.")
    if fields["aead"] != "chacha20-poly1305":
        raise KeyFileError("Unknown cipher in the key file.")
    ops, mem_kib = kdf["ops"], kdf["mem_kib"]
    if not (is_int(ops) and ops in OPS_RANGE and is_int(mem_kib) and mem_kib in MEM_KIB_RANGE):
        raise KeyFileError("The key file's Argon2id parameters are out of bounds.")
    unit_id = fields["unit_id"]
    if not is_unit_id(unit_id):
        raise KeyFileError("The key file's unit id is invalid.")
    salt = _decode(kdf["salt"], SALT_SIZE)
    nonce = _decode(fields["nonce"], NONCE_SIZE)
    ciphertext = _decode(fields["ciphertext"], None)
    return unit_id, ops, mem_kib, salt, nonce, ciphertext


def _inner(unit_id: str, plaintext: bytes) -> UnitKeys:
    try:
        fields = load_object(plaintext)
    except ValueError:
        raise KeyFileError() from None
    if set(fields) != PLAINTEXT_FIELDS or not isinstance(fields["xwing_seeds"], list):
        raise KeyFileError()
    seeds: list[tuple[SecretBytes, datetime.date]] = []
    for entry in fields["xwing_seeds"]:
        if not isinstance(entry, dict) or set(entry) != {"seed", "created"}:
            raise KeyFileError()
        created = entry["created"]
        if not isinstance(created, str) or not _DATE.match(created):
            raise KeyFileError()
        try:
            day = datetime.date.fromisoformat(created)
        except ValueError:
            raise KeyFileError() from None
        seeds.append((SecretBytes(_decode(entry["seed"], SEED_SIZE)), day))
    custodian_raw = fields["custodian_xwing_public_key"]
    custodian = None
    if custodian_raw is not None:
        try:
            custodian = XWingPublicKey.from_bytes(_decode(custodian_raw, PUBLIC_KEY_SIZE))
        except FormatError:
            raise KeyFileError() from None
    ed_seed = SecretBytes(_decode(fields["ed25519_seed"], 32))
    return UnitKeys(unit_id, ed_seed, seeds, custodian)


def read_key_file(data: bytes, passphrase: str | SecretStr) -> UnitKeys:
    """Decrypt a key file. :class:`WrongPassphrase` if the AEAD fails, else KeyFileError."""
    if len(data) > MAX_FILE_SIZE:
        raise KeyFileError("The key file is larger than 1 MiB.")
    try:
        fields = load_object(data)
    except ValueError:
        raise KeyFileError("The key file is not a UTF-8 JSON object.") from None
    unit_id, ops, mem_kib, salt, nonce, ciphertext = _outer(fields)
    key = _derive(_as_secret(passphrase), salt, ops, mem_kib)
    try:
        plaintext = ChaCha20Poly1305(key).decrypt(
            nonce, ciphertext, _aad(unit_id, ops, mem_kib, salt)
        )
    except InvalidTag:
        raise WrongPassphrase() from None
    return _inner(unit_id, plaintext)
