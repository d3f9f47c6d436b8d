"""Which proof of work each reporter request needs, and what it costs now.

Every write and every receipt lookup spends one proof of work
(docs/spec/reporter-api-v1.md, "Proof of work"); a client asks
``POST /api/pow`` for a challenge naming the purpose it will pay for:

| purpose | pays for | price rises with (sliding window) |
|---|---|---|
| ``upload`` | ``POST /api/uploads`` | upload sessions opened, in total (10 min) |
| ``case`` | ``POST /api/cases`` | new reports to that unit, and in total (10 min) |
| ``message`` | ``POST /api/case/messages`` | follow-up messages, in total (10 min) |
| ``lookup`` | ``POST /api/case`` | failed lookups from this peer, and in total (1 h) |

A challenge is bound to its purpose (and unit, or peer) through its HMAC,
so a cheap challenge for a quiet unit does not pay for a report to a busy
one. A solution is accepted if its challenge costs at most ``SLACK`` bit
less than the price at the moment it is spent, so a price that rose while
an honest client was solving does not send it back, but a stock of cheap
challenges gathered before a flood runs out after the first doublings.

A lookup is counted as a failure *before* the store is asked (atomically:
the event loop runs this synchronously), and the count is taken back when
the code opens a case. Concurrent guesses therefore raise the price for each
other at once: nobody gets a batch of lookups at yesterday's price. Nobody
is ever refused outright: a valid code costs at most ``cap`` bits, whoever
guessed wrong before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from crypto.b64 import b64u_decode, b64u_encode
from crypto.context import is_unit_id
from crypto.errors import FormatError
from web.errors import BadRequest, PowRequired
from web.pow_price import Pricing, Rule
from web.proof_of_work import ProofOfWork
from web.rate_limit import PeerKeyer

PURPOSES: Final = ("upload", "case", "message", "lookup")
SLACK: Final = 1
WRITE_WINDOW_SECONDS: Final = 600
LOOKUP_WINDOW_SECONDS: Final = 3600


@dataclass(frozen=True)
class Volumes:
    """How many requests a window holds at the base price (each doubling beyond adds a bit)."""

    uploads: int = 100
    cases_per_unit: int = 20
    cases: int = 100
    messages: int = 100
    lookup_failures_per_peer: int = 20
    lookup_failures: int = 1000


@dataclass(frozen=True)
class Spent:
    """A proof of work accepted for ``purpose``; ``rules`` are the keys it was counted in."""

    purpose: str
    difficulty: int
    rules: tuple[Rule, ...]


@dataclass
class PowPolicy:
    pow: ProofOfWork
    writes: Pricing
    lookups: Pricing
    keyer: PeerKeyer
    volumes: Volumes

    def _rules(self, purpose: str, unit_id: str, address: str | None) -> tuple[Pricing, list[Rule]]:
        v = self.volumes
        if purpose == "upload":
            return self.writes, [Rule(b"upload", v.uploads)]
        if purpose == "case":
            return self.writes, [
                Rule(b"case/" + unit_id.encode(), v.cases_per_unit),
                Rule(b"case", v.cases),
            ]
        if purpose == "message":
            return self.writes, [Rule(b"message", v.messages)]
        peer = self.keyer.peer_key(address)
        return self.lookups, [
            Rule(b"lookup/" + peer, v.lookup_failures_per_peer),
            Rule(b"lookup", v.lookup_failures),
        ]

    def _scope(self, purpose: str, rules: list[Rule]) -> bytes:
        # The most specific key names the unit or the peer; "upload" and "message" have one.
        return purpose.encode() + b"\x00" + rules[0].key

    def price(self, purpose: str, unit_id: str = "", address: str | None = None) -> int:
        pricing, rules = self._rules(purpose, unit_id, address)
        return pricing.price(rules)

    def challenge(self, purpose: str, unit_id: str, address: str | None) -> tuple[bytes, int]:
        """A challenge for ``purpose`` at today's price, and that price."""
        pricing, rules = self._rules(purpose, unit_id, address)
        bits = pricing.price(rules)
        return self.pow.issue(bits, self._scope(purpose, rules)), bits

    def spend(
        self, value: object, purpose: str, unit_id: str = "", address: str | None = None
    ) -> Spent:
        """Verify ``{"challenge", "nonce"}`` for ``purpose``, then count it.

        Raises :class:`PowRequired` (or ``PowSpent``) before anything is counted.
        """
        challenge, nonce = _parse(value)
        pricing, rules = self._rules(purpose, unit_id, address)
        floor = pricing.price(rules) - SLACK
        bits = self.pow.verify(challenge, nonce, self._scope(purpose, rules), minimum=floor)
        pricing.count(rules)  # before any await: concurrent requests see it at once
        return Spent(purpose, bits, tuple(rules))

    def failed_lookup(self, address: str | None) -> None:
        """Count a failed lookup made through another purpose (a message with a wrong code)."""
        pricing, rules = self._rules("lookup", "", address)
        pricing.count(rules)

    def refund(self, spent: Spent) -> None:
        """Take back a lookup counted as a failure in advance: the code opened a case."""
        if spent.purpose == "lookup":
            self.lookups.count(list(spent.rules), -1)


def _parse(value: object) -> tuple[bytes, bytes]:
    if not isinstance(value, dict) or set(value) != {"challenge", "nonce"}:
        raise PowRequired()
    challenge, nonce = value["challenge"], value["nonce"]
    if not isinstance(challenge, str) or not isinstance(nonce, str):
        raise PowRequired()
    if len(challenge) > 100 or len(nonce) > 20:
        raise PowRequired()
    try:
        return b64u_decode(challenge), b64u_decode(nonce)
    except FormatError:
        raise PowRequired() from None


def purpose_of(body: dict[str, object]) -> tuple[str, str]:
    """``(purpose, unit_id)`` asked for in a ``POST /api/pow`` body (``upload`` by default)."""
    purpose = body.get("purpose", "upload")
    if purpose not in PURPOSES:
        raise BadRequest("purpose")
    unit_id = body.get("unit_id", "")
    if purpose == "case":
        if not isinstance(unit_id, str) or not is_unit_id(unit_id):
            raise BadRequest("unit_id")
    elif "unit_id" in body:
        raise BadRequest("unit_id")
    return str(purpose), str(unit_id)


def challenge_json(challenge: bytes, bits: int, purpose: str) -> dict[str, object]:
    return {"challenge": b64u_encode(challenge), "difficulty": bits, "purpose": purpose}
