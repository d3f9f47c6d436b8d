"""Peer keys and the rising price: HMAC'd peers, sliding windows, doubling prices."""

from __future__ import annotations

from web.pow_price import Pricing, Rule, WindowCounter, rising_bits
from web.rate_limit import PeerKeyer


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_peer_keys_are_hmacs_that_rotate_daily() -> None:
    clock = Clock()
    keyer = PeerKeyer(clock=clock)
    first = keyer.peer_key("203.0.113.5")
    assert first == keyer.peer_key("203.0.113.5") != keyer.peer_key("203.0.113.6")
    assert b"203.0.113.5" not in first and len(first) == 16
    clock.now += 24 * 3600
    assert keyer.peer_key("203.0.113.5") != first


def test_the_price_doubles_with_volume_and_stops_at_the_cap() -> None:
    assert [rising_bits(16, n, 10, 22) for n in (0, 9, 10, 29, 30, 69, 70, 10**9)] == [
        16, 16, 17, 17, 18, 18, 19, 22,
    ]  # fmt: skip


def test_volume_slides_out_of_the_window_and_can_be_taken_back() -> None:
    clock = Clock()
    counter = WindowCounter(600, clock=clock)
    pricing = Pricing(8, 12, counter)
    rules = [Rule(b"case/a", 2), Rule(b"case", 100)]
    for _ in range(6):
        pricing.count(rules)
    assert pricing.price(rules) == 10  # 6 = 3 * 2 + ...: two doublings for unit a
    assert pricing.price([Rule(b"case/b", 2), Rule(b"case", 100)]) == 8  # unit b is quiet
    pricing.count(rules, -1)
    assert counter.recent(b"case/a") == 5
    clock.now += 601
    assert counter.recent(b"case/a") == 0 and pricing.price(rules) == 8


def test_no_address_is_kept_in_the_counters() -> None:
    from web.api.pricing import PowPolicy, Volumes
    from web.proof_of_work import ProofOfWork

    pow_ = ProofOfWork(8)
    policy = PowPolicy(
        pow_, Pricing(8, 12, WindowCounter(600)), Pricing(8, 12, WindowCounter(3600)),
        PeerKeyer(), Volumes(),
    )  # fmt: skip
    challenge, bits = policy.challenge("lookup", "", "203.0.113.77")
    from crypto.b64 import b64u_encode
    from crypto.proof_of_work import solve

    nonce = solve(challenge, bits)
    policy.spend(
        {"challenge": b64u_encode(challenge), "nonce": b64u_encode(nonce)},
        "lookup",
        address="203.0.113.77",
    )
    assert "203.0.113.77" not in repr(policy.__dict__)
    assert b"203.0.113.77" not in repr(policy.__dict__).encode()
