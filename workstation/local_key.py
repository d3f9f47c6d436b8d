"""The workstation key: seals what only this workstation keeps (triage, notes).

Derived from the unit's Ed25519 seed, which never rotates, with HKDF and the
label ``peluit/workstation/v1/store``, so it survives X-Wing rotations and a
restore from Shamir shares gives the same key. Sealed values are
``0x01 || nonce (12) || ChaCha20-Poly1305(value)`` with associated data
``label || 0x00 || lp(purpose) || lp(case_id)``: a triage blob cannot be
moved to another case or another purpose.
"""

from __future__ import annotations

import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from crypto import labels
from crypto.framing import lp
from crypto.key_file import UnitKeys
from workstation.errors import WorkstationError

VERSION = b"\x01"
NONCE_SIZE = 12


class LocalKey:
    """An AEAD key for local data; its repr is masked."""

    __slots__ = ("_aead",)

    def __init__(self, key: bytes) -> None:
        self._aead = ChaCha20Poly1305(key)

    @classmethod
    def for_unit(cls, keys: UnitKeys) -> LocalKey:
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=labels.WORKSTATION_STORE)
        return cls(hkdf.derive(keys.ed25519_seed.reveal()))

    @staticmethod
    def _aad(purpose: str, case_id: str) -> bytes:
        return labels.WORKSTATION_STORE + b"\x00" + lp(purpose.encode()) + lp(case_id.encode())

    def seal(self, purpose: str, case_id: str, value: bytes) -> bytes:
        nonce = secrets.token_bytes(NONCE_SIZE)
        return VERSION + nonce + self._aead.encrypt(nonce, value, self._aad(purpose, case_id))

    def open(self, purpose: str, case_id: str, sealed: bytes) -> bytes:
        if len(sealed) < 1 + NONCE_SIZE + 16 or sealed[:1] != VERSION:
            raise WorkstationError("local data is damaged")
        nonce = sealed[1 : 1 + NONCE_SIZE]
        try:
            return self._aead.decrypt(nonce, sealed[1 + NONCE_SIZE :], self._aad(purpose, case_id))
        except InvalidTag:
            raise WorkstationError("local data is damaged or belongs to another case") from None

    def __repr__(self) -> str:
        return "LocalKey(***)"
