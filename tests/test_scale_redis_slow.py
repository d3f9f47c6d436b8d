"""A Redis that answers slowly or not at all must not freeze the server.

The Redis client is synchronous and runs on the event loop, so each call
to a Redis that does not answer holds the loop for the client's time-out
(one second). The connection layer's circuit breaker
(web/shared_state/redis_connection.py) answers 503 at once after one
time-out, and ``/healthz`` asks Redis from a worker thread: it answers
"unavailable" while Redis does not, without waiting behind the reporter
requests. A real ``redis-server`` put to sleep with ``DEBUG SLEEP``.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import anyio
import httpx
import pytest
import redis
from app_fixtures import AppClient, make_env
from redis_fixtures import start_redis

from web.shared_state import redis_connection
from web.shared_state.redis_connection import TIMEOUT_SECONDS, breaker

SLEEP_SECONDS = 4


def asleep(server: object) -> threading.Thread:
    """Redis answers nobody for SLEEP_SECONDS (from now, once the thread has sent it)."""
    # No time-out of its own: the test client's would end the command early and resend it.
    client = redis.Redis(unix_socket_path=str(server.socket), socket_timeout=None)  # type: ignore[attr-defined]
    client.ping()
    sleeper = threading.Thread(
        target=lambda: client.execute_command("DEBUG", "SLEEP", SLEEP_SECONDS), daemon=True
    )
    sleeper.start()
    time.sleep(0.2)  # the command has reached the server
    return sleeper


async def at_once(app: object, requests: list[tuple[str, str]]) -> list[tuple[int, float]]:
    """Send ``requests`` together on one event loop: (status, seconds from the start) each."""
    transport = httpx.ASGITransport(app=app, client=("192.0.2.10", 40000))  # type: ignore[arg-type]
    answers: list[tuple[int, float]] = [(0, 0.0)] * len(requests)
    start = time.monotonic()
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:

        async def one(n: int, method: str, url: str) -> None:
            body = {"purpose": "upload"} if method == "POST" else None
            answer = await client.request(method, url, json=body)
            answers[n] = (answer.status_code, time.monotonic() - start)

        async with anyio.create_task_group() as group:
            for n, (method, url) in enumerate(requests):
                group.start_soon(one, n, method, url)
    return answers


def test_a_sleeping_redis_costs_one_time_out_not_one_per_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(redis_connection, "BREAKER_SECONDS", 1.5)
    server = start_redis("--enable-debug-command", "local")
    try:
        env = make_env(tmp_path, state_url=server.url)
        with AppClient(env.app) as client:
            assert client.get("/healthz").status_code == 200
        guard = breaker(env.app.state.shared.client)
        sleeper = asleep(server)
        pows = [("POST", "/api/pow")] * 3
        answers = anyio.run(at_once, env.app, [*pows, ("GET", "/healthz")])
        # Every request is refused (503), the health check included: Redis is not there.
        assert [status for status, _ in answers] == [503, 503, 503, 503], answers
        # One time-out opened the breaker; the others did not ask Redis. Without
        # it the three challenges queue on the loop (1 s, 2 s, 3 s) and the
        # health check answers after the third.
        assert guard.trips == 1
        assert max(seconds for _, seconds in answers) < 2 * TIMEOUT_SECONDS + 0.5, answers
        sleeper.join(SLEEP_SECONDS + 5)
        assert not sleeper.is_alive()
        # Redis is awake again; once the breaker has closed, everything answers.
        time.sleep(max(0.0, guard.open_until - time.monotonic()) + 0.05)
        with AppClient(env.app) as client:
            assert client.get("/healthz").status_code == 200
            assert client.post("/api/pow", json={"purpose": "upload"}).status_code == 200
    finally:
        server.stop()


def test_healthz_is_503_when_the_shared_redis_is_gone(tmp_path: Path) -> None:
    server = start_redis()
    try:
        env = make_env(tmp_path, state_url=server.url)
        with AppClient(env.app) as client:
            assert client.get("/healthz").status_code == 200
            server.stop()
            gone = client.get("/healthz")
            assert gone.status_code == 503
            assert gone.text == "unavailable\n"
            assert "redis" not in gone.text.lower()
    finally:
        server.stop()


def test_the_breaker_opens_on_a_time_out_only_and_closes_after_its_time(
    redis_server: object, redis_url: str
) -> None:
    """An error Redis answers (a wrong command) leaves it closed; a time-out opens it."""
    from web.errors import StateUnavailable
    from web.shared_state.redis_connection import answering

    client = redis_server.client()  # type: ignore[attr-defined]
    now = [100.0]
    guard = breaker(client)
    guard.clock = lambda: now[0]
    with pytest.raises(StateUnavailable), answering(client):
        client.execute_command("NO-SUCH-COMMAND")
    assert not guard.is_open()
    calls: list[int] = []
    with pytest.raises(StateUnavailable), answering(client):
        calls.append(1)
        raise redis.exceptions.TimeoutError("no answer")
    assert guard.is_open() and guard.trips == 1
    with pytest.raises(StateUnavailable), answering(client):
        calls.append(2)  # never runs: the breaker answers first
    assert calls == [1]
    now[0] += guard.seconds
    with answering(client):
        assert client.ping()
    assert not guard.is_open() and guard.trips == 1
