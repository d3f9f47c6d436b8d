"""Throttling failed case lookups without keeping addresses.

A peer is known only as ``HMAC-SHA256(key, address)[0:16]`` where ``key``
lives in memory and is replaced every day: the address itself is never
stored, logged or kept beyond computing that HMAC, and yesterday's peer keys
cannot be linked to today's. (Behind a Tor onion service every peer is the
local Tor daemon, so the per-peer cap degrades to the global one; that is
why both exist.)

Policy, per rotation period of the key (one day) for a peer and per sliding
window (one hour) for the whole server:

- a peer with ``per_peer`` failures, or a server with ``total`` failures in
  the window, is refused (``429``) before any lookup work is done;
- every failure is answered only after a delay that doubles with the
  peer's failure count (``base_delay * 2**(n-1)``, at most ``max_delay``),
  slept with :func:`asyncio.sleep` so the server is not blocked.

A success does not clear a peer's count: a guesser gains nothing by mixing
in its own valid code.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from web.errors import RateLimited

KEY_LIFETIME_SECONDS: Final = 24 * 3600
GLOBAL_WINDOW_SECONDS: Final = 3600
MAX_TRACKED_PEERS: Final = 100_000

Clock = Callable[[], float]


@dataclass
class PeerKeyer:
    """Turns an address into an opaque, daily-rotating peer key."""

    clock: Clock = time.time
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
        self.rotated()
        raw = (address or "").encode("utf-8", "replace")
        return hmac.new(self._key, raw, hashlib.sha256).digest()[:16]


@dataclass
class LookupThrottle:
    """Per-peer and global caps on failed lookups, with a growing delay."""

    per_peer: int
    total: int
    base_delay: float = 0.25
    max_delay: float = 8.0
    clock: Clock = time.time
    keyer: PeerKeyer = field(default_factory=PeerKeyer)
    _failures: dict[bytes, int] = field(default_factory=dict)
    _recent: deque[float] = field(default_factory=deque)

    def __post_init__(self) -> None:
        self.keyer.clock = self.clock

    def _peer(self, address: str | None) -> bytes:
        if self.keyer.rotated():
            self._failures.clear()  # old peer keys mean nothing under the new key
        return self.keyer.peer_key(address)

    def _prune(self) -> None:
        cutoff = self.clock() - GLOBAL_WINDOW_SECONDS
        while self._recent and self._recent[0] <= cutoff:
            self._recent.popleft()

    def check(self, address: str | None) -> bytes:
        """Raise :class:`RateLimited` if this peer or the server is over its cap.

        Returns the peer key to pass to :meth:`failed`.
        """
        peer = self._peer(address)
        self._prune()
        if self._failures.get(peer, 0) >= self.per_peer or len(self._recent) >= self.total:
            raise RateLimited()
        return peer

    def delay_for(self, failures: int) -> float:
        if failures <= 0 or self.base_delay <= 0:
            return 0.0
        return float(min(self.max_delay, self.base_delay * 2 ** min(failures - 1, 32)))

    async def failed(self, peer: bytes) -> None:
        """Count a failure and wait the growing delay before the answer goes out."""
        if peer not in self._failures and len(self._failures) >= MAX_TRACKED_PEERS:
            # Memory stays bounded; forgetting the oldest peers only helps them a little,
            # the global cap still holds.
            for old in list(self._failures)[: MAX_TRACKED_PEERS // 10]:
                del self._failures[old]
        count = self._failures.get(peer, 0) + 1
        self._failures[peer] = count
        self._recent.append(self.clock())
        await asyncio.sleep(self.delay_for(count))

    def failures_of(self, address: str | None) -> int:
        """For tests: the failure count of a peer."""
        return self._failures.get(self._peer(address), 0)
