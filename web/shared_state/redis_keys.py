"""Secret keys shared by every server process, in Redis's memory.

:class:`RedisKeyRing` is the shared :class:`web.rotating_keys.KeyRing`. A
key belongs to a period (``epoch = now // lifetime``, whole periods since
the Unix epoch, so every process agrees on which is current): the first
process that needs it draws 32 random bytes and stores them with
``SET NX`` (whoever comes second reads the first one's key), with a time to
live of one period plus the grace. The previous period's key is offered
during the grace; the next one's, if a process with a clock a little ahead
already drew it, is accepted too.

A process remembers the keys it read for ``CACHE_SECONDS`` (they never
change within a period), which saves a round trip on most requests; after a
Redis restart (which forgets every key) processes may disagree for that
long, and a challenge made on one is refused by another: the browser asks
for a new one.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from web.rotating_keys import KEY_SIZE
from web.shared_state.redis_connection import PREFIX, answering

CACHE_SECONDS = 5.0


@dataclass
class RedisKeyRing:
    client: Any
    name: str
    lifetime: float
    grace: float
    clock: Callable[[], float] = time.time
    _cached: tuple[float, list[bytes]] = field(default=(float("-inf"), []), repr=False)

    def live(self) -> list[bytes]:
        now = self.clock()
        read_at, keys = self._cached
        if 0 <= now - read_at < CACHE_SECONDS and (now // self.lifetime) == (
            read_at // self.lifetime
        ):
            return keys
        keys = self._read(now)
        self._cached = (now, keys)
        return keys

    def _read(self, now: float) -> list[bytes]:
        epoch = int(now // self.lifetime)
        names = [f"{PREFIX}key:{self.name}:{epoch + step}" for step in (0, -1, 1)]
        with answering(self.client):
            pipe = self.client.pipeline(transaction=False)
            ttl = max(1, int(self.lifetime + self.grace) + 1)
            pipe.set(names[0], secrets.token_bytes(KEY_SIZE), nx=True, ex=ttl)
            pipe.mget(names)
            _, (current, previous, following) = pipe.execute()
        found: list[bytes] = [current]
        if previous is not None and now - epoch * self.lifetime < self.grace:
            found.append(previous)
        if following is not None:
            found.append(following)
        return found
