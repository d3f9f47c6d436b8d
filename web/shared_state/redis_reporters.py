"""What the reporter API shares between processes: spent challenges, volumes, busy uploads.

Keys (all under ``peluit:``, all with a time to live, all in memory only):

- ``pow:spent:<H>``: a challenge was paid with; ``H`` is SHA-256 of the
  challenge (which is random bytes, an expiry minute, a difficulty and a
  tag; nothing about a reporter), kept until the challenge's own expiry
  (on the verifier's clock) plus ``SKEW_SECONDS``, so a node whose clock
  is behind still finds it;
- ``volume:<counter>:<key>:<bucket>``: how many requests a pricing key
  counted in one tenth of its window (web/pow_price.py); the key is
  ``upload``, ``case``, ``case/<unit>``, ``message``, ``lookup`` or
  ``lookup/<peer>`` where ``<peer>`` is the daily HMAC of an address
  (web/rate_limit.py), never the address; kept one window;
- ``upload:busy:<H>``: a piece of an upload session is being received;
  ``H`` is SHA-256 of the session token (the token itself is a bearer
  secret and is never sent to Redis); the value is 16 random bytes naming
  the claim; kept at most as long as a piece may take, deleted when the
  piece is done, by its own claim only (compare and delete, in Lua).
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from web.errors import StateUnavailable
from web.pow_price import BUCKETS
from web.shared_state.redis_connection import PREFIX, SKEW_SECONDS, answering


def _digest(value: bytes) -> str:
    return hashlib.sha256(value).hexdigest()


@dataclass
class RedisSpent:
    """:class:`web.proof_of_work.SpentChallenges` in Redis: ``SET NX`` past the expiry.

    The lifetime is counted from the verifier's ``now`` (minutes), relative
    (``EX``): an absolute ``EXAT`` that Redis's clock already sees as past
    makes ``SET NX`` answer OK and keep nothing, so the same challenge
    would be fresh again on every try.
    """

    client: Any

    def spend(self, challenge: bytes, expiry: int, now: int) -> bool:
        seconds = max(0, expiry - now) * 60 + SKEW_SECONDS
        with answering(self.client):
            fresh = self.client.set(
                f"{PREFIX}pow:spent:{_digest(challenge)}", b"", nx=True, ex=seconds
            )
        return bool(fresh)

    def count(self) -> int:
        with answering(self.client):
            return sum(1 for _ in self.client.scan_iter(f"{PREFIX}pow:spent:*", count=1000))


@dataclass
class RedisWindowCounter:
    """:class:`web.pow_price.VolumeCounter` in Redis: ``BUCKETS`` counters per key."""

    client: Any
    name: str
    window: float
    clock: Callable[[], float] = time.time

    def _bucket(self) -> int:
        return int(self.clock() // (self.window / BUCKETS))

    def _name(self, key: bytes, bucket: int) -> str:
        return f"{PREFIX}volume:{self.name}:{key.hex()}:{bucket}"

    def add(self, key: bytes, amount: int = 1) -> None:
        name = self._name(key, self._bucket())
        with answering(self.client):
            pipe = self.client.pipeline(transaction=False)
            pipe.incrby(name, amount)
            pipe.expire(name, int(self.window) + 1)
            pipe.execute()

    def recent(self, key: bytes) -> int:
        bucket = self._bucket()
        names = [self._name(key, b) for b in range(bucket - BUCKETS + 1, bucket + 1)]
        with answering(self.client):
            counts = self.client.mget(names)
        return max(0, sum(int(n) for n in counts if n is not None))


# Delete the busy mark only if it is still this claim's: a piece that
# outlived its mark must not free the mark of the piece claimed after it.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


@dataclass
class RedisPiecesInFlight:
    """One piece in flight per upload session, across every process.

    Each claim writes a random owner value; this process remembers it per
    token (one claim per token at a time here, so the token names it) and
    :meth:`release` deletes the mark only if it still holds that value.
    """

    client: Any
    hold_seconds: float
    _owners: dict[str, bytes] = field(default_factory=dict, repr=False)

    def _name(self, token: str) -> str:
        return f"{PREFIX}upload:busy:{_digest(token.encode())}"

    def claim(self, token: str) -> bool:
        if token in self._owners:  # this process is still receiving one
            return False
        owner = secrets.token_bytes(16)
        with answering(self.client):
            claimed = self.client.set(
                self._name(token), owner, nx=True, px=int(self.hold_seconds * 1000)
            )
        if claimed:
            self._owners[token] = owner
        return bool(claimed)

    def release(self, token: str) -> None:
        owner = self._owners.pop(token, None)
        if owner is None:
            return
        # The piece is already stored or refused: a Redis gone now must not
        # change that answer; the mark then lapses after ``hold_seconds``.
        with contextlib.suppress(StateUnavailable), answering(self.client):
            self.client.eval(_RELEASE, 1, self._name(token), owner)
