"""Coming back with a code: wrong and unknown look the same, failures are throttled."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from app_fixtures import AppClient, Submission, make_env, open_upload

from crypto.b64 import b64u_encode


def auth(selector: bytes, validator: bytes) -> dict[str, str]:
    return {"Authorization": f"Peluit {b64u_encode(selector)}.{b64u_encode(validator)}"}


def test_wrong_and_unknown_code_give_identical_answers(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    report = Submission(env.unit)
    with AppClient(env.app) as client:
        assert (
            client.post("/api/cases", json=report.case_body(open_upload(client))).status_code == 201
        )
        wrong = client.post("/api/case", headers=auth(report.selector, secrets.token_bytes(32)))
        unknown = client.post(
            "/api/case", headers=auth(secrets.token_bytes(32), secrets.token_bytes(32))
        )
        right = client.post("/api/case", headers=report.authorization())
    assert right.status_code == 200
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.content == unknown.content
    assert wrong.json()["error"] == "not_found"
    assert dict(wrong.headers) == dict(unknown.headers)
    # both counted as failures for the peer
    assert env.app.state.api.throttle.failures_of("192.0.2.10") == 2


def test_every_case_endpoint_needs_the_code(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    with AppClient(env.app) as client:
        for url in ("/api/case", f"/api/case/items/{b64u_encode(b'i' * 16)}", "/api/case/messages"):
            assert client.post(url).status_code == 400  # no Authorization header at all
            answer = client.post(url, headers=auth(b"s" * 32, b"v" * 32), json={})
            assert answer.status_code == 404 and answer.json()["error"] == "not_found"
        bad = client.post("/api/case", headers={"Authorization": "Peluit abc"})
        assert bad.status_code == 400


def test_an_item_of_another_case_is_not_found(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    mine, theirs = Submission(env.unit), Submission(env.unit)
    with AppClient(env.app) as client:
        for report in (mine, theirs):
            assert (
                client.post("/api/cases", json=report.case_body(open_upload(client))).status_code
                == 201
            )
        their_items = client.post("/api/case", headers=theirs.authorization()).json()["items"]
        answer = client.post(
            f"/api/case/items/{their_items[0]['item_id']}", headers=mine.authorization()
        )
    assert answer.status_code == 404


def test_failures_are_slowed_then_capped_per_peer(tmp_path: Path) -> None:
    env = make_env(tmp_path, per_peer=3)
    env.app.state.api.throttle.base_delay = 0.2
    report = Submission(env.unit)
    guess = auth(secrets.token_bytes(32), secrets.token_bytes(32))
    with AppClient(env.app) as client:
        assert (
            client.post("/api/cases", json=report.case_body(open_upload(client))).status_code == 201
        )
        start = time.monotonic()
        for _ in range(3):
            assert client.post("/api/case", headers=guess).status_code == 404
        assert time.monotonic() - start >= 0.2 + 0.4 + 0.8 - 0.05
        capped = client.post("/api/case", headers=guess)
        assert capped.status_code == 429 and capped.json()["error"] == "rate_limited"
        # even the right code waits: the cap is checked before any lookup
        assert client.post("/api/case", headers=report.authorization()).status_code == 429
    with AppClient(env.app, peer="198.51.100.7") as other:
        assert other.post("/api/case", headers=report.authorization()).status_code == 200


def test_a_global_cap_holds_across_peers(tmp_path: Path) -> None:
    env = make_env(tmp_path, per_peer=100, total=5)
    guess = auth(secrets.token_bytes(32), secrets.token_bytes(32))
    for n in range(5):
        with AppClient(env.app, peer=f"203.0.113.{n}") as client:
            assert client.post("/api/case", headers=guess).status_code == 404
    with AppClient(env.app, peer="203.0.113.99") as client:
        assert client.post("/api/case", headers=guess).status_code == 429


def test_a_closed_or_unknown_message_is_refused_and_nothing_stored(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    report = Submission(env.unit)
    with AppClient(env.app) as client:
        assert (
            client.post("/api/cases", json=report.case_body(open_upload(client))).status_code == 201
        )
        before = env.snapshot()
        stranger = Submission(env.unit)  # sealed to a reporter key this case does not have
        message = stranger.sealed("message", b'{"text": "x"}')
        answer = client.post(
            "/api/case/messages",
            headers=report.authorization(),
            json={"upload": None, "message": message, "attachments": []},
        )
        assert answer.status_code == 400
        answer = client.post(
            "/api/case/messages",
            headers=report.authorization(),
            json={
                "upload": None,
                "message": report.sealed("message", b"{}"),
                "attachments": [{"item_id": b64u_encode(b"a" * 16), "size": 6523}],
            },
        )
        assert answer.status_code == 400
        assert env.snapshot() == before
