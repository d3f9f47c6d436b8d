"""Secret keys shared by every server process, in Redis's memory.

:class:`RedisKeyRing` is the shared :class:`web.rotating_keys.KeyRing`. A
key belongs to a period (``epoch = now // lifetime``, whole periods since
the Unix epoch, so every process agrees on which is current): the first
process that needs it draws 32 random bytes and stores them with
``SET NX`` (whoever comes second reads the first one's key), with a time to
live of one period plus the grace. The previous period's key is offered
during the grace; the next one's, if a process with a clock a little ahead
already drew it, is accepted too.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from web.rotating_keys import KEY_SIZE
from web.shared_state.redis_connection import PREFIX, answering


@dataclass
class RedisKeyRing:
    client: Any
    name: str
    lifetime: float
    grace: float
    clock: Callable[[], float] = time.time

    def live(self) -> list[bytes]:
        now = self.clock()
        epoch = int(now // self.lifetime)
        names = [f"{PREFIX}key:{self.name}:{epoch + step}" for step in (0, -1, 1)]
        with answering():
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
