"""Knowing a peer without keeping its address.

A peer is known only as ``HMAC-SHA256(key, address)[0:16]`` where ``key``
lives in memory and is replaced every day: the address itself is never
stored, logged or kept beyond computing that HMAC, and yesterday's peer keys
cannot be linked to today's.

The peer key prices receipt lookups (``web/api/pricing.py``): failed lookups
from one peer raise the proof of work that peer's next lookups cost. Nothing
is ever refused per peer: behind a proxy or a Tor onion service every
reporter is the same peer, and a valid code must never be refused because
someone else guessed wrong. (Before issue 17 a peer was locked out after 20
failures a day, which locked out every reporter behind the same proxy.)

Several server processes must know a peer by the same key: they take it
from a shared :class:`web.rotating_keys.KeyRing` (Redis's memory,
docs/scale.md) instead of drawing their own.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from web.rotating_keys import KeyRing

KEY_LIFETIME_SECONDS: Final = 24 * 3600

Clock = Callable[[], float]


@dataclass
class PeerKeyer:
    """Turns an address into an opaque, daily-rotating peer key."""

    clock: Clock = time.time
    keyring: KeyRing | None = None
    """A shared ring (several processes); ``None``: this process draws its own key."""
    _key: bytes = b""
    _born: float = float("-inf")

    def rotated(self) -> bool:
        """Replace the key if a day has passed; True when it was replaced."""
        now = self.clock()
        if now - self._born >= KEY_LIFETIME_SECONDS:
            self._key = secrets.token_bytes(32)
            self._born = now
            return True
        return False

    def peer_key(self, address: str | None) -> bytes:
        if self.keyring is not None:
            self._key = self.keyring.live()[0]
        else:
            self.rotated()
        raw = (address or "").encode("utf-8", "replace")
        return hmac.new(self._key, raw, hashlib.sha256).digest()[:16]
