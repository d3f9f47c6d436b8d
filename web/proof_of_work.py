"""Proof of work before an upload session (docs/spec/reporter-api-v1.md).

A challenge is stateless: ``expiry (u32, minutes since the Unix epoch) ||
random (16) || difficulty (u8) || HMAC-SHA256(server_key, LABEL || fields)[0:16]``.
The server key lives only in memory and rotates once a day; the key of the
previous day is kept for as long as a challenge can live, so a challenge
issued just before midnight still verifies. A restart forgets both keys and
so invalidates every open challenge, which is harmless: the browser asks
for a new one. The keys come from a :class:`web.rotating_keys.KeyRing`
(this process's memory by default, or Redis's memory shared by several
processes: docs/scale.md).

A solution is an 8-byte ``nonce`` such that
``SHA-256(labels.POW_SOLUTION || 0x00 || challenge || nonce)`` starts with
``difficulty`` zero bits. Single use is enforced with a set of spent
challenges, each kept until it expires (:class:`SpentChallenges`: this
process's memory, or Redis's shared by several processes).

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
from typing import Final, Protocol

from crypto import labels
from crypto.proof_of_work import (
    MAX_DIFFICULTY,
    NONCE_SIZE,
    leading_zero_bits,
    solution_digest,
)
from web.errors import PowRequired, PowSpent
from web.rotating_keys import KeyRing, MemoryKeyRing

LABEL: Final = labels.POW_CHALLENGE
RANDOM_SIZE: Final = 16
TAG_SIZE: Final = 16
CHALLENGE_SIZE: Final = 4 + RANDOM_SIZE + 1 + TAG_SIZE  # 37
LIFETIME_MINUTES: Final = 15
KEY_LIFETIME_SECONDS: Final = 24 * 3600

Clock = Callable[[], float]


class SpentChallenges(Protocol):
    """Challenges already paid with, each remembered until its expiry minute."""

    def spend(self, challenge: bytes, expiry: int, now: int) -> bool:
        """Mark ``challenge`` spent (atomically); False if it already was."""
        ...

    def count(self) -> int:
        """How many spent challenges are remembered (for tests and the flood checks)."""
        ...


@dataclass
class MemorySpent:
    """:class:`SpentChallenges` in this process's memory."""

    _spent: dict[bytes, int] = field(default_factory=dict)  # challenge -> expiry minute
    _swept_minute: int = -1  # expiries are whole minutes: one sweep per minute is enough

    def spend(self, challenge: bytes, expiry: int, now: int) -> bool:
        self._forget_expired(now)
        if challenge in self._spent:
            return False
        self._spent[challenge] = expiry
        return True

    def _forget_expired(self, now: int) -> None:
        if now == self._swept_minute:
            return
        self._swept_minute = now
        expired = [c for c, expiry in self._spent.items() if expiry <= now]
        for challenge in expired:
            del self._spent[challenge]

    def count(self) -> int:
        return len(self._spent)


def challenge_keys(clock: Clock = time.time) -> MemoryKeyRing:
    """Daily keys; the previous one stays for one challenge lifetime after its successor."""
    return MemoryKeyRing(KEY_LIFETIME_SECONDS, LIFETIME_MINUTES * 60, clock)


@dataclass
class ProofOfWork:
    """Issues and checks challenges; remembers spent ones until they expire."""

    difficulty: int
    clock: Clock = time.time
    keyring: KeyRing | None = None
    """Shared keys (several processes); ``None``: this process's own (:func:`challenge_keys`)."""
    spent: SpentChallenges = field(default_factory=MemorySpent)
    _ring: KeyRing = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not 0 <= self.difficulty <= MAX_DIFFICULTY:
            raise ValueError("difficulty must be 0 to 40 bits")
        self._ring = self.keyring or challenge_keys(lambda: self.clock())

    # --- keys ---------------------------------------------------------------

    def _current_keys(self) -> list[bytes]:
        return self._ring.live()

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
        return fields + self._tag(self._current_keys()[0], fields, scope)

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
            genuine |= hmac.compare_digest(self._tag(key, fields, scope), tag)
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
        if not self.spent.spend(challenge, expiry, now):
            raise PowSpent()
        return difficulty

    def spent_count(self) -> int:
        return self.spent.count()
