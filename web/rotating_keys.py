"""Secret keys that live in memory only and are replaced on a schedule.

Several things are HMACs under a key nobody outside the server knows: the
proof-of-work challenges (web/proof_of_work.py), the peer keys that price
receipt lookups (web/rate_limit.py), the lookup passes
(web/api/lookup_pass.py) and the console's sign-in form token
(web/console/auth.py). :class:`KeyRing` is the small interface they share:
the current key first, then the previous one while it is still in its
grace period (so what was made under it just before a rotation still
verifies).

:class:`MemoryKeyRing` is the single-process implementation: each key is
drawn when first needed and forgotten at a restart. Several processes
share one ring in Redis (web/shared_state/redis_keys.py), still in memory only.
"""

from __future__ import annotations

import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

KEY_SIZE = 32
FOREVER = math.inf

Clock = Callable[[], float]


class KeyRing(Protocol):
    def live(self) -> list[bytes]:
        """The current key first, then the previous one while it is in its grace period."""
        ...


@dataclass
class _Key:
    secret: bytes
    born: float


@dataclass
class MemoryKeyRing:
    """A key replaced ``lifetime`` seconds after it was drawn; its predecessor kept ``grace``."""

    lifetime: float = FOREVER
    grace: float = 0.0
    clock: Clock = time.time
    _keys: list[_Key] = field(default_factory=list)

    def live(self) -> list[bytes]:
        now = self.clock()
        if not self._keys or now - self._keys[0].born >= self.lifetime:
            self._keys.insert(0, _Key(secrets.token_bytes(KEY_SIZE), now))
        current = self._keys[0]
        self._keys = [current] + [k for k in self._keys[1:2] if now - current.born < self.grace]
        return [k.secret for k in self._keys]
