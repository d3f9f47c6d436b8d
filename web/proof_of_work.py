"""Proof of work before an upload session (docs/spec/reporter-api-v1.md).

A challenge is stateless: ``expiry (u32, minutes since the Unix epoch) ||
random (16) || difficulty (u8) || HMAC-SHA256(server_key, LABEL || fields)[0:16]``.
The server key lives only in memory and rotates once a day; the key of the
previous day is kept for as long as a challenge can live, so a challenge
issued just before midnight still verifies. A restart forgets both keys and
so invalidates every open challenge, which is harmless: the browser asks
for a new one.

A solution is an 8-byte ``nonce`` such that
``SHA-256(labels.POW_SOLUTION || 0x00 || challenge || nonce)`` starts with
``difficulty`` zero bits. Single use is enforced with an in-memory set of
spent challenges, each kept until it expires.

A challenge is issued for a *scope* (what it may pay for: a new upload
session, a report to one unit, a message, a lookup from one peer; see
:mod:`web.api.pricing`) and at the difficulty that scope costs at that
moment. The scope is not sent: it is part of the HMAC input, so a challenge
issued cheaply for one scope fails to verify for another.

The puzzle itself (what a solution is, and a pure-Python solver for the
command-line client and the tests) lives in ``crypto/proof_of_work.py``, so
the server and the client share one definition of a solution.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from crypto import labels
from crypto.proof_of_work import (
    MAX_DIFFICULTY,
    NONCE_SIZE,
    leading_zero_bits,
    solution_digest,
)
from web.errors import PowRequired, PowSpent

LABEL: Final = labels.POW_CHALLENGE
RANDOM_SIZE: Final = 16
TAG_SIZE: Final = 16
CHALLENGE_SIZE: Final = 4 + RANDOM_SIZE + 1 + TAG_SIZE  # 37
LIFETIME_MINUTES: Final = 15
KEY_LIFETIME_SECONDS: Final = 24 * 3600

Clock = Callable[[], float]


@dataclass
class _Key:
    secret: bytes
    born: float


@dataclass
class ProofOfWork:
    """Issues and checks challenges; remembers spent ones until they expire."""

    difficulty: int
    clock: Clock = time.time
    _keys: list[_Key] = field(default_factory=list)
    _spent: dict[bytes, int] = field(default_factory=dict)  # challenge -> expiry minute
    _swept_minute: int = -1  # expiries are whole minutes: one sweep per minute is enough

    def __post_init__(self) -> None:
        if not 0 <= self.difficulty <= MAX_DIFFICULTY:
            raise ValueError("difficulty must be 0 to 40 bits")

    # --- keys ---------------------------------------------------------------

    def _current_keys(self) -> list[_Key]:
        now = self.clock()
        if not self._keys or now - self._keys[0].born >= KEY_LIFETIME_SECONDS:
            self._keys.insert(0, _Key(secrets.token_bytes(32), now))
        # The previous key stays for one challenge lifetime after its successor is born.
        grace = LIFETIME_MINUTES * 60
        self._keys = [self._keys[0]] + [
            k for k in self._keys[1:2] if now - self._keys[0].born < grace
        ]
        return self._keys

    @staticmethod
    def _tag(key: bytes, fields: bytes, scope: bytes) -> bytes:
        mac = hmac.new(key, LABEL + fields, hashlib.sha256)
        if scope:
            mac.update(b"\x00" + scope)
        return mac.digest()[:TAG_SIZE]

    def _minute(self) -> int:
        return int(self.clock() // 60)

    # --- challenges ---------------------------------------------------------

    def issue(self, difficulty: int | None = None, scope: bytes = b"") -> bytes:
        """A fresh challenge for ``scope`` at ``difficulty`` (the configured one by default)."""
        bits = self.difficulty if difficulty is None else difficulty
        if not self.difficulty <= bits <= MAX_DIFFICULTY:
            raise ValueError("difficulty below the base or over 40 bits")
        expiry = self._minute() + LIFETIME_MINUTES
        fields = struct.pack(">I", expiry) + secrets.token_bytes(RANDOM_SIZE)
        fields += bytes([bits])
        return fields + self._tag(self._current_keys()[0].secret, fields, scope)

    def verify(
        self, challenge: bytes, nonce: bytes, scope: bytes = b"", minimum: int | None = None
    ) -> int:
        """Accept a solution once; raise :class:`PowRequired` or :class:`PowSpent`.

        The challenge must have been issued for ``scope`` at ``minimum`` bits
        or more (the configured difficulty by default). Returns its difficulty.
        """
        if len(challenge) != CHALLENGE_SIZE or len(nonce) != NONCE_SIZE:
            raise PowRequired()
        fields, tag = challenge[:-TAG_SIZE], challenge[-TAG_SIZE:]
        genuine = False
        for key in self._current_keys():
            genuine |= hmac.compare_digest(self._tag(key.secret, fields, scope), tag)
        if not genuine:
            raise PowRequired()
        (expiry,) = struct.unpack(">I", fields[:4])
        difficulty = fields[-1]
        now = self._minute()
        floor = self.difficulty if minimum is None else max(self.difficulty, minimum)
        if expiry <= now or expiry > now + LIFETIME_MINUTES or difficulty < floor:
            raise PowRequired()
        if leading_zero_bits(solution_digest(challenge, nonce)) < difficulty:
            raise PowRequired()
        self._forget_expired(now)
        if challenge in self._spent:
            raise PowSpent()
        self._spent[challenge] = expiry
        return difficulty

    def _forget_expired(self, now: int) -> None:
        if now == self._swept_minute:
            return
        self._swept_minute = now
        expired = [c for c, expiry in self._spent.items() if expiry <= now]
        for challenge in expired:
            del self._spent[challenge]

    def spent_count(self) -> int:
        return len(self._spent)
