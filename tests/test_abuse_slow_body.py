"""Request bodies have a read deadline; a client that leaves mid-body leaves no traceback.

Issue 17: a JSON body could trickle in for ever (100 slow connections held
160 MB), and a client that disconnected mid-body put a traceback in the
log. The app is driven through raw ASGI here, so the test controls exactly
when each byte arrives and when the client goes away. The deadlines are set
to fractions of a second (the defaults are 60 s idle and 300 s in all, the
same as for upload pieces).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

import anyio
import pytest
from app_fixtures import AppClient, Env, make_env, open_upload
from run_async import run_async

from crypto.b64 import b64u_encode

BODY = b'{"pow": {"challenge": "' + b"A" * 50 + b'", "nonce": "AAAAAAAAAAA"}}'


def _scope(path: str, content_type: str, length: int) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", content_type.encode()),
            (b"content-length", str(length).encode()),
        ],
        "client": ("192.0.2.10", 40000),
        "server": ("testserver", 80),
    }


async def _drive(app: Any, scope: dict[str, Any], events: list[Any]) -> list[dict[str, Any]]:
    """Feed ``events`` (a message, or a float: seconds to wait first) to the app."""
    sent: list[dict[str, Any]] = []
    queue = list(events)

    async def receive() -> dict[str, Any]:
        while queue and isinstance(queue[0], float):
            await anyio.sleep(queue.pop(0))
        if queue:
            message: dict[str, Any] = queue.pop(0)
            return message
        await anyio.sleep(3600)  # a client that sends nothing more and never leaves
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    with anyio.fail_after(10):  # today's code waited for ever
        await app(scope, receive, send)
    return sent


def _status(sent: list[dict[str, Any]]) -> int:
    return int(next(m["status"] for m in sent if m["type"] == "http.response.start"))


def _short_deadlines(env: Env) -> None:
    limits = replace(env.app.state.api.limits, piece_idle_seconds=0.3, piece_seconds=1.0)
    env.app.state.api.limits = limits
    env.app.state.settings = replace(env.app.state.settings, limits=limits)


def _trickle(body: bytes, pause: float) -> list[Any]:
    events: list[Any] = []
    for i in range(len(body)):
        events += [pause, {"type": "http.request", "body": body[i : i + 1], "more_body": True}]
    return events


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/api/uploads", "application/json"), ("/konsol/masuk", "application/x-www-form-urlencoded")],
)
def test_a_trickling_or_stalled_body_is_cut_off(
    tmp_path: Path, path: str, content_type: str
) -> None:
    env = make_env(tmp_path)
    _short_deadlines(env)
    before = env.snapshot()
    # a byte every 0.1 s: never idle for 0.3 s, but it would take 9 s in all
    sent = run_async(_drive, env.app, _scope(path, content_type, len(BODY)), _trickle(BODY, 0.1))
    assert _status(sent) == 408
    # a few bytes, then silence
    stalled = [{"type": "http.request", "body": BODY[:10], "more_body": True}]
    sent = run_async(_drive, env.app, _scope(path, content_type, len(BODY)), stalled)
    assert _status(sent) == 408
    assert env.snapshot() == before


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/api/uploads", "application/json"),
        ("/api/cases", "application/json"),
        ("/konsol/masuk", "application/x-www-form-urlencoded"),
    ],
)
def test_a_client_that_leaves_mid_body_leaves_no_traceback(
    tmp_path: Path, path: str, content_type: str, caplog: pytest.LogCaptureFixture
) -> None:
    env = make_env(tmp_path)
    before = env.snapshot()
    events = [
        {"type": "http.request", "body": BODY[:20], "more_body": True},
        {"type": "http.disconnect"},
    ]
    with caplog.at_level(logging.DEBUG):
        run_async(_drive, env.app, _scope(path, content_type, len(BODY)), events)
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert "Traceback" not in caplog.text
    assert env.snapshot() == before


def test_a_piece_whose_client_leaves_leaves_no_traceback_and_nothing_kept(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    env = make_env(tmp_path)
    token = open_upload(AppClient(env.app))
    before = env.snapshot()
    path = f"/api/uploads/{token}/{b64u_encode(b'p' * 16)}/0"
    scope = {**_scope(path, "application/octet-stream", 5000), "method": "PUT"}
    events = [
        {"type": "http.request", "body": b"PELU", "more_body": True},  # not yet a whole prefix
        {"type": "http.disconnect"},
    ]
    with caplog.at_level(logging.DEBUG):
        run_async(_drive, env.app, scope, events)
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert env.snapshot() == before
    assert env.store.upload_sizes(token) == {}
