"""Keys derived from a receipt code (docs/spec/receipt-v1.md, "Derivation")."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Final, NoReturn

from argon2.low_level import Type, hash_secret_raw
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from crypto import labels
from crypto.secret import SecretBytes
from crypto.xwing import XWingPrivateKey, XWingPublicKey
from receipts.receipt_code import ReceiptCode

PROFILES: Final[dict[int, tuple[int, int]]] = {1: (3, 65536), 2: (1, 8192)}  # (ops, KiB)
INSTANCE_SALT_SIZE: Final = 16
KEY_SIZE: Final = 32


@dataclass(frozen=True, repr=False, eq=False)
class ReceiptKeys:
    """What a receipt code yields: selector, validator and the reporter's X-Wing seed."""

    selector: SecretBytes
    validator: SecretBytes
    xwing_seed: SecretBytes

    def private_key(self) -> XWingPrivateKey:
        return XWingPrivateKey.from_seed(self.xwing_seed)

    def public_key(self) -> XWingPublicKey:
        return self.private_key().public_key()

    def __repr__(self) -> str:
        return "ReceiptKeys(***)"

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        raise TypeError("ReceiptKeys cannot be pickled")


def argon2id(password: bytes, salt: bytes, ops: int, mem_kib: int) -> bytes:
    """Argon2id, p = 1, version 0x13, 32 bytes: the same bytes as libsodium and @noble."""
    return hash_secret_raw(
        password, salt, time_cost=ops, memory_cost=mem_kib, parallelism=1,
        hash_len=KEY_SIZE, type=Type.ID, version=19,
    )  # fmt: skip


def _expand(root: bytes, label: bytes) -> SecretBytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_SIZE, salt=None, info=label)
    return SecretBytes(hkdf.derive(root))


def derive_root(
    code: ReceiptCode,
    instance_salt: bytes,
    *,
    profile_override: int | tuple[int, int] | None = None,
) -> SecretBytes:
    """The Argon2id root key of a code (exposed for vectors and the spec reader)."""
    if len(instance_salt) != INSTANCE_SALT_SIZE:
        raise ValueError("the instance salt has 16 bytes")
    if profile_override is None:
        ops, mem_kib = PROFILES[code.profile]
    elif isinstance(profile_override, int):
        ops, mem_kib = PROFILES[profile_override]
    else:
        ops, mem_kib = profile_override
    return SecretBytes(argon2id(code.digits.encode("ascii"), bytes(instance_salt), ops, mem_kib))


def derive(
    code: ReceiptCode,
    instance_salt: bytes,
    *,
    profile_override: int | tuple[int, int] | None = None,
) -> ReceiptKeys:
    """Derive a code's keys with its own profile.

    ``profile_override`` replaces the code's profile: a profile number, or
    ``(ops, mem_kib)`` for tests that must stay fast (they say so). Real use
    never passes it.
    """
    root = derive_root(code, instance_salt, profile_override=profile_override).reveal()
    return ReceiptKeys(
        selector=_expand(root, labels.RECEIPT_SELECTOR),
        validator=_expand(root, labels.RECEIPT_VALIDATOR),
        xwing_seed=_expand(root, labels.RECEIPT_XWING_SEED),
    )


def _raw(value: bytes | SecretBytes) -> bytes:
    return value.reveal() if isinstance(value, SecretBytes) else bytes(value)


def lookup_hash(pepper: bytes | SecretBytes, selector: bytes | SecretBytes) -> bytes:
    """``HMAC-SHA256(pepper, selector)``: what the server stores to find a case."""
    return hmac.new(_raw(pepper), _raw(selector), hashlib.sha256).digest()


def validator_hash(validator: bytes | SecretBytes) -> bytes:
    """``SHA-256("peluit/receipt/v1/validator-hash" || 0x00 || validator)``."""
    return hashlib.sha256(labels.RECEIPT_VALIDATOR_HASH + b"\x00" + _raw(validator)).digest()


def validator_matches(stored_hash: bytes, validator: bytes | SecretBytes) -> bool:
    """Constant-time comparison of a stored validator hash with a presented validator."""
    return hmac.compare_digest(stored_hash, validator_hash(validator))
