"""What a proof of work costs right now: difficulty that rises with recent volume.

The reporter API never turns a request away because others were busy: a
flood raises the price (leading zero bits of the proof of work) for new
challenges instead, so the flooder pays more for each request while a
legitimate reporter still gets through in seconds (docs/spec/reporter-api-v1.md,
"Proof of work").

Volume is counted per *key* over a sliding window: ``b"case/<unit>"`` for the
new reports of one unit, ``b"case"`` for all of them, ``b"lookup/<peer>"`` for
one peer's failed receipt lookups (the peer is an HMAC of the address, see
:mod:`web.rate_limit`), and so on. The price of a key with ``n`` requests in
the window is::

    base + floor(log2(1 + n / free))       (at most ``cap`` bits)

so ``free`` requests in the window cost one more bit, ``3 * free`` two more,
``7 * free`` three more; each extra bit doubles the work. A purpose's price
is the highest of its keys' prices (per unit and in total, or per peer and
in total).

:class:`VolumeCounter` is the small interface the API uses;
:class:`WindowCounter` is the in-memory implementation for one process (a
deployment with several processes puts the same interface on Redis).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, Protocol

Clock = Callable[[], float]
BUCKETS: Final = 10
MAX_KEYS: Final = 100_000


class VolumeCounter(Protocol):
    """Counts requests per key over a sliding window."""

    def add(self, key: bytes, amount: int = 1) -> None:
        """Count ``amount`` (negative to take back a count made in advance)."""
        ...

    def recent(self, key: bytes) -> int:
        """How many were counted for ``key`` within the window."""
        ...


@dataclass
class WindowCounter:
    """:class:`VolumeCounter` in memory: ``BUCKETS`` buckets across ``window`` seconds.

    Memory stays bounded: at most ``MAX_KEYS`` keys, the least recently
    counted forgotten first (a forgotten key prices at the base again; the
    total keys still count everything).
    """

    window: float
    clock: Clock = time.time
    _counts: OrderedDict[bytes, dict[int, int]] = field(default_factory=OrderedDict)

    def _bucket(self) -> int:
        return int(self.clock() // (self.window / BUCKETS))

    def add(self, key: bytes, amount: int = 1) -> None:
        bucket = self._bucket()
        buckets = self._counts.pop(key, {})
        self._counts[key] = buckets  # most recently counted last
        buckets[bucket] = buckets.get(bucket, 0) + amount
        for old in [b for b in buckets if b <= bucket - BUCKETS]:
            del buckets[old]
        while len(self._counts) > MAX_KEYS:
            self._counts.popitem(last=False)

    def recent(self, key: bytes) -> int:
        buckets = self._counts.get(key)
        if not buckets:
            return 0
        oldest = self._bucket() - BUCKETS
        return max(0, sum(n for b, n in buckets.items() if b > oldest))


def rising_bits(base: int, count: int, free: int, cap: int) -> int:
    """``base`` plus one bit per doubling of ``count`` beyond ``free``, at most ``cap``."""
    if count <= 0 or free <= 0:
        return min(base, cap)
    return min(cap, base + ((free + count) // free).bit_length() - 1)


@dataclass(frozen=True)
class Rule:
    """One key's share of a purpose's price: its name and the volume it gets at the base."""

    key: bytes
    free: int


@dataclass
class Pricing:
    """Prices purposes from a :class:`VolumeCounter`."""

    base: int
    cap: int
    counter: VolumeCounter

    def price(self, rules: list[Rule]) -> int:
        return max(
            (rising_bits(self.base, self.counter.recent(r.key), r.free, self.cap) for r in rules),
            default=min(self.base, self.cap),
        )

    def count(self, rules: list[Rule], amount: int = 1) -> None:
        for rule in rules:
            self.counter.add(rule.key, amount)
