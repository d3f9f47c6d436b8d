"""X-Wing (ML-KEM-768 + X25519) key pairs from 32-byte seeds.

Seed expansion as in draft-connolly-cfrg-xwing-kem: ``SHAKE256(seed, 96)``;
bytes 0..64 are the ML-KEM-768 seed ``d || z``, bytes 64..96 the X25519
private key. The public key is the ML-KEM-768 encapsulation key (1184 bytes)
followed by the X25519 public key (32 bytes).
"""

from __future__ import annotations

import hashlib
import secrets
from typing import NoReturn

from cryptography.hazmat.primitives import hpke, serialization
from cryptography.hazmat.primitives.asymmetric import mlkem, x25519

from crypto import labels
from crypto.errors import FormatError
from crypto.secret import SecretBytes

SEED_SIZE = 32
MLKEM_PUBLIC_KEY_SIZE = 1184
X25519_PUBLIC_KEY_SIZE = 32
PUBLIC_KEY_SIZE = MLKEM_PUBLIC_KEY_SIZE + X25519_PUBLIC_KEY_SIZE  # 1216
ENC_SIZE = 1120  # ML-KEM-768 ciphertext (1088) || X25519 ephemeral public key (32)
KEY_ID_SIZE = 8

_RAW = serialization.Encoding.Raw
_RAW_PUB = serialization.PublicFormat.Raw


def key_id_of(public_key_bytes: bytes) -> bytes:
    """Envelope key id: ``SHA-256(LABEL_KEY_ID || public_key)[0:8]``."""
    return hashlib.sha256(labels.ENVELOPE_KEY_ID + public_key_bytes).digest()[:KEY_ID_SIZE]


class XWingPublicKey:
    """An X-Wing public key (1216 bytes)."""

    __slots__ = ("_hpke", "_raw")

    def __init__(self, raw: bytes, hpke_key: hpke.MLKEM768X25519PublicKey) -> None:
        self._raw = raw
        self._hpke = hpke_key

    @classmethod
    def from_bytes(cls, data: bytes) -> XWingPublicKey:
        """Parse a 1216-byte public key; raise :class:`FormatError` if it is not one."""
        data = bytes(data)
        if len(data) != PUBLIC_KEY_SIZE:
            raise FormatError("An X-Wing public key has 1216 bytes.")
        try:
            pq = mlkem.MLKEM768PublicKey.from_public_bytes(data[:MLKEM_PUBLIC_KEY_SIZE])
            ec = x25519.X25519PublicKey.from_public_bytes(data[MLKEM_PUBLIC_KEY_SIZE:])
        except ValueError:
            raise FormatError("Invalid X-Wing public key.") from None
        return cls(data, hpke.MLKEM768X25519PublicKey(pq, ec))

    def to_bytes(self) -> bytes:
        """The 1216-byte encoding."""
        return self._raw

    def key_id(self) -> bytes:
        """The 8-byte envelope key id of this key."""
        return key_id_of(self._raw)

    def hpke_key(self) -> hpke.MLKEM768X25519PublicKey:
        """The key object for ``cryptography``'s HPKE."""
        return self._hpke

    def __eq__(self, other: object) -> bool:
        if isinstance(other, XWingPublicKey):
            return self._raw == other._raw
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._raw)

    def __repr__(self) -> str:
        return f"XWingPublicKey(key_id={self.key_id().hex()})"


class XWingPrivateKey:
    """An X-Wing private key, made from a 32-byte seed. Its repr is masked."""

    __slots__ = ("_hpke", "_public")

    def __init__(self, hpke_key: hpke.MLKEM768X25519PrivateKey, public: XWingPublicKey) -> None:
        self._hpke = hpke_key
        self._public = public

    @classmethod
    def from_seed(cls, seed: bytes | SecretBytes) -> XWingPrivateKey:
        """Expand a 32-byte seed exactly as draft-connolly-cfrg-xwing-kem does."""
        raw_seed = seed.reveal() if isinstance(seed, SecretBytes) else bytes(seed)
        if len(raw_seed) != SEED_SIZE:
            raise FormatError("An X-Wing seed has 32 bytes.")
        expanded = hashlib.shake_256(raw_seed).digest(96)
        pq = mlkem.MLKEM768PrivateKey.from_seed_bytes(expanded[:64])
        ec = x25519.X25519PrivateKey.from_private_bytes(expanded[64:])
        raw_public = pq.public_key().public_bytes(_RAW, _RAW_PUB) + ec.public_key().public_bytes(
            _RAW, _RAW_PUB
        )
        public = XWingPublicKey(
            raw_public, hpke.MLKEM768X25519PublicKey(pq.public_key(), ec.public_key())
        )
        return cls(hpke.MLKEM768X25519PrivateKey(pq, ec), public)

    @classmethod
    def generate(cls) -> tuple[SecretBytes, XWingPrivateKey]:
        """A fresh random seed and the key made from it."""
        seed = SecretBytes(secrets.token_bytes(SEED_SIZE))
        return seed, cls.from_seed(seed)

    def public_key(self) -> XWingPublicKey:
        return self._public

    def hpke_key(self) -> hpke.MLKEM768X25519PrivateKey:
        """The key object for ``cryptography``'s HPKE."""
        return self._hpke

    def __repr__(self) -> str:
        return f"XWingPrivateKey(key_id={self._public.key_id().hex()}, ***)"

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        raise TypeError("XWingPrivateKey cannot be pickled")
