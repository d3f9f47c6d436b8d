"""Receipt guessing at full speed is slowed and capped as documented.

The real app and its real :class:`web.rate_limit.LookupThrottle`, on a
simulated clock: the throttle's own sleep advances the clock by the delay it
chose (so the test measures the throttle's accounting, not the wall clock).
Documented policy (docs/spec/reporter-api-v1.md, web/rate_limit.py): a peer
gets ``per_peer`` = 20 failed lookups a day, each answered after a delay that
doubles from 0.25 s up to 8 s; the whole server gets ``total`` = 1000 failures
an hour whatever the addresses.
"""

from __future__ import annotations

import os
import types
from pathlib import Path
from typing import Any

import pytest
from app_fixtures import AppClient, make_env

import web.rate_limit
from crypto.b64 import b64u_encode
from web.rate_limit import LookupThrottle


class SimulatedClock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0
        self.slept = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.slept += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> SimulatedClock:
    simulated = SimulatedClock()
    monkeypatch.setattr(web.rate_limit, "asyncio", types.SimpleNamespace(sleep=simulated.sleep))
    return simulated


def guess(client: AppClient) -> int:
    auth = f"Peluit {b64u_encode(os.urandom(32))}.{b64u_encode(os.urandom(32))}"
    return client.post("/api/case", headers={"Authorization": auth}).status_code


def attack(env: Any, clock: SimulatedClock, seconds: float, peers: int) -> dict[int, int]:
    """Guess as fast as possible from ``peers`` addresses for ``seconds`` of simulated time."""
    clients = [AppClient(env.app, peer=f"198.51.100.{i % 250}") for i in range(peers)]
    answers: dict[int, int] = {}
    end = clock.now + seconds
    i = 0
    while clock.now < end:
        status = guess(clients[i % peers])
        answers[status] = answers.get(status, 0) + 1
        if status == 429:
            clock.now += 1.0  # a refused guess costs the attacker a round trip
        i += 1
    return answers


def throttled_env(tmp_path: Path, clock: SimulatedClock) -> Any:
    env = make_env(tmp_path)
    env.app.state.api.throttle = LookupThrottle(per_peer=20, total=1000, clock=clock)
    return env


def test_one_address_gets_twenty_guesses_then_nothing(
    tmp_path: Path, clock: SimulatedClock
) -> None:
    env = throttled_env(tmp_path, clock)
    answers = attack(env, clock, seconds=1800, peers=1)
    assert answers[404] == 20  # every other guess was refused before any lookup
    assert answers[429] > 1000  # about one a second for the rest of the half hour
    # 0.25 + 0.5 + 1 + 2 + 4 and then 8 s for each of the 15 others
    assert clock.slept == pytest.approx(0.25 + 0.5 + 1 + 2 + 4 + 15 * 8)


def test_many_addresses_share_a_thousand_an_hour(tmp_path: Path, clock: SimulatedClock) -> None:
    env = throttled_env(tmp_path, clock)
    answers = attack(env, clock, seconds=3600, peers=250)
    assert answers[404] <= 1000
    assert answers[429] > 0
    # At that rate 10^22 codes take far longer than the universe has existed.
    guesses_per_year = 1000 * 24 * 365
    assert 10**22 / guesses_per_year > 10**15


def test_a_wrong_code_for_a_real_case_looks_like_an_unknown_one(
    tmp_path: Path, clock: SimulatedClock
) -> None:
    env = throttled_env(tmp_path, clock)
    client = AppClient(env.app)
    from app_fixtures import Submission, open_upload

    sub = Submission(env.unit)
    assert client.post("/api/cases", json=sub.case_body(open_upload(client))).status_code == 201
    wrong = f"Peluit {b64u_encode(sub.selector)}.{b64u_encode(os.urandom(32))}"
    a = client.post("/api/case", headers={"Authorization": wrong})
    b = client.post("/api/case", headers={"Authorization": wrong.replace(wrong[7:20], "A" * 13)})
    assert a.status_code == b.status_code == 404
    assert a.json() == b.json()
