"""Ed25519 signatures over labelled messages: ``label || 0x00 || message``.

Verification raises :class:`SignatureError`; it never returns a boolean.
"""

from __future__ import annotations

import secrets
from typing import NoReturn

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from crypto.errors import FormatError, SignatureError
from crypto.secret import SecretBytes

SEED_SIZE = 32
PUBLIC_KEY_SIZE = 32
SIGNATURE_SIZE = 64


def signed_bytes(label: bytes, message: bytes) -> bytes:
    """The bytes a signature covers."""
    if not label or b"\x00" in label:
        raise ValueError("a label is non-empty and has no NUL byte")
    return label + b"\x00" + message


class VerifyKey:
    """An Ed25519 public key."""

    __slots__ = ("_key", "_raw")

    def __init__(self, key: ed25519.Ed25519PublicKey) -> None:
        self._key = key
        self._raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    @classmethod
    def from_bytes(cls, data: bytes) -> VerifyKey:
        if len(data) != PUBLIC_KEY_SIZE:
            raise FormatError("An Ed25519 public key has 32 bytes.")
        try:
            return cls(ed25519.Ed25519PublicKey.from_public_bytes(bytes(data)))
        except ValueError:
            raise FormatError("Invalid Ed25519 public key.") from None

    def to_bytes(self) -> bytes:
        return self._raw

    def verify(self, label: bytes, message: bytes, signature: bytes) -> None:
        """Raise :class:`SignatureError` unless ``signature`` is valid."""
        if len(signature) != SIGNATURE_SIZE:
            raise SignatureError()
        try:
            self._key.verify(bytes(signature), signed_bytes(label, message))
        except InvalidSignature:
            raise SignatureError() from None

    def __eq__(self, other: object) -> bool:
        if isinstance(other, VerifyKey):
            return self._raw == other._raw
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._raw)

    def __repr__(self) -> str:
        return f"VerifyKey({self._raw.hex()})"


class SigningKey:
    """An Ed25519 private key made from a 32-byte seed. Its repr is masked."""

    __slots__ = ("_key", "verify_key")

    def __init__(self, key: ed25519.Ed25519PrivateKey) -> None:
        self._key = key
        self.verify_key = VerifyKey(key.public_key())

    @classmethod
    def from_seed(cls, seed: bytes | SecretBytes) -> SigningKey:
        raw = seed.reveal() if isinstance(seed, SecretBytes) else bytes(seed)
        if len(raw) != SEED_SIZE:
            raise FormatError("An Ed25519 seed has 32 bytes.")
        return cls(ed25519.Ed25519PrivateKey.from_private_bytes(raw))

    @classmethod
    def generate(cls) -> SigningKey:
        return cls.from_seed(secrets.token_bytes(SEED_SIZE))

    def sign(self, label: bytes, message: bytes) -> bytes:
        """Sign ``label || 0x00 || message``; return the 64-byte signature."""
        return self._key.sign(signed_bytes(label, message))

    def __repr__(self) -> str:
        return f"SigningKey(verify_key={self.verify_key.to_bytes().hex()}, ***)"

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        raise TypeError("SigningKey cannot be pickled")
