"""The failed-lookup throttle: HMAC'd peers, caps, growing delays, daily rotation."""

from __future__ import annotations

import pytest
from run_async import run_async

from web.errors import RateLimited
from web.rate_limit import LookupThrottle, PeerKeyer


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def fail(throttle: LookupThrottle, address: str) -> None:
    peer = throttle.check(address)
    run_async(throttle.failed, peer)


def test_peer_keys_are_hmacs_that_rotate_daily() -> None:
    clock = Clock()
    keyer = PeerKeyer(clock=clock)
    first = keyer.peer_key("203.0.113.5")
    assert first == keyer.peer_key("203.0.113.5") != keyer.peer_key("203.0.113.6")
    assert b"203.0.113.5" not in first and len(first) == 16
    clock.now += 24 * 3600
    assert keyer.peer_key("203.0.113.5") != first


def test_no_address_is_kept_anywhere_in_the_throttle() -> None:
    throttle = LookupThrottle(per_peer=5, total=100, base_delay=0)
    fail(throttle, "203.0.113.77")
    assert "203.0.113.77" not in repr(throttle.__dict__)
    assert b"203.0.113.77" not in repr(throttle.__dict__).encode()


def test_per_peer_cap_then_refusal_before_any_work() -> None:
    throttle = LookupThrottle(per_peer=3, total=100, base_delay=0)
    for _ in range(3):
        fail(throttle, "a")
    with pytest.raises(RateLimited):
        throttle.check("a")
    throttle.check("b")  # another peer is not affected


def test_global_cap_over_a_sliding_hour() -> None:
    clock = Clock()
    throttle = LookupThrottle(per_peer=100, total=4, base_delay=0, clock=clock)
    for peer in "abcd":
        fail(throttle, peer)
    with pytest.raises(RateLimited):
        throttle.check("e")
    clock.now += 3601
    throttle.check("e")


def test_delay_grows_and_is_capped() -> None:
    throttle = LookupThrottle(per_peer=100, total=100, base_delay=0.25, max_delay=8)
    assert [throttle.delay_for(n) for n in range(0, 8)] == [0, 0.25, 0.5, 1, 2, 4, 8, 8]


def test_failures_are_forgotten_when_the_key_rotates() -> None:
    clock = Clock()
    throttle = LookupThrottle(per_peer=2, total=100, base_delay=0, clock=clock)
    fail(throttle, "a")
    fail(throttle, "a")
    with pytest.raises(RateLimited):
        throttle.check("a")
    clock.now += 24 * 3600
    throttle.check("a")
