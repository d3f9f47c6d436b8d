"""Coming back with a code: each lookup pays, wrong and unknown look the same.

The rising price of failed lookups, and that a valid code is never refused,
are in tests/test_abuse_guessing.py.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from app_fixtures import (
    AppClient,
    Submission,
    case_pow,
    lookup_body,
    make_env,
    message_pow,
    open_upload,
    solved_pow,
)

from crypto.b64 import b64u_encode


def auth(selector: bytes, validator: bytes) -> dict[str, str]:
    return {"Authorization": f"Peluit {b64u_encode(selector)}.{b64u_encode(validator)}"}


def create(client: AppClient, report: Submission) -> None:
    body = report.case_body(open_upload(client), pow=case_pow(client))
    assert client.post("/api/cases", json=body).status_code == 201


def test_wrong_and_unknown_code_give_identical_answers(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    report = Submission(env.unit)
    with AppClient(env.app) as client:
        create(client, report)
        wrong = client.post(
            "/api/case",
            json=lookup_body(client),
            headers=auth(report.selector, secrets.token_bytes(32)),
        )
        unknown = client.post(
            "/api/case",
            json=lookup_body(client),
            headers=auth(secrets.token_bytes(32), secrets.token_bytes(32)),
        )
        right = client.post("/api/case", json=lookup_body(client), headers=report.authorization())
    assert right.status_code == 200
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.content == unknown.content
    assert wrong.json()["error"] == "not_found"
    assert dict(wrong.headers) == dict(unknown.headers)
    # both counted as failures for the peer and in total; the right one was taken back
    lookups = env.app.state.api.policy.lookups.counter
    assert lookups.recent(b"lookup") == 2


def test_every_case_endpoint_needs_the_code_and_a_proof_of_work(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    with AppClient(env.app) as client:
        before = env.snapshot()
        for url in ("/api/case", f"/api/case/items/{b64u_encode(b'i' * 16)}", "/api/case/messages"):
            assert client.post(url, json={}).status_code == 400  # no Authorization header at all
            unpaid = client.post(url, headers=auth(b"s" * 32, b"v" * 32), json={})
            assert unpaid.status_code == 400, url
            assert unpaid.json()["error"] in ("pow_required", "bad_request"), url
            body = lookup_body(client) if "messages" not in url else {}
            if "messages" in url:
                body = {"pow": message_pow(client), "upload": None, "message": {},
                        "attachments": []}  # fmt: skip
            answer = client.post(url, headers=auth(b"s" * 32, b"v" * 32), json=body)
            assert answer.status_code == 404 and answer.json()["error"] == "not_found", url
        bad = client.post("/api/case", json=lookup_body(client), headers={"Authorization": "x"})
        assert bad.status_code == 400
        assert env.snapshot() == before
    # a wrong code raises the lookup price through every endpoint, the message one included
    assert env.app.state.api.policy.lookups.counter.recent(b"lookup") == 3


def test_a_pass_opens_reads_of_its_own_code_only(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    mine, theirs = Submission(env.unit), Submission(env.unit)
    with AppClient(env.app) as client:
        create(client, mine)
        create(client, theirs)
        their_view = client.post(
            "/api/case", json=lookup_body(client), headers=theirs.authorization()
        ).json()
        my_view = client.post(
            "/api/case", json=lookup_body(client), headers=mine.authorization()
        ).json()
        their_item = f"/api/case/items/{their_view['items'][0]['item_id']}"
        my_item = f"/api/case/items/{my_view['items'][0]['item_id']}"
        # my code, my pass, their item: not found
        answer = client.post(
            their_item, json={"pass": my_view["pass"]}, headers=mine.authorization()
        )
        assert answer.status_code == 404
        # their pass with my code: refused before any lookup
        answer = client.post(
            my_item, json={"pass": their_view["pass"]}, headers=mine.authorization()
        )
        assert (answer.status_code, answer.json()["error"]) == (400, "pow_required")
        # a guess with someone's pass: refused before any lookup, not counted as a failure
        counted = env.app.state.api.policy.lookups.counter.recent(b"lookup")
        guess = auth(secrets.token_bytes(32), secrets.token_bytes(32))
        answer = client.post(my_item, json={"pass": my_view["pass"]}, headers=guess)
        assert (answer.status_code, answer.json()["error"]) == (400, "pow_required")
        assert env.app.state.api.policy.lookups.counter.recent(b"lookup") == counted
        # my pass, my code, my item
        answer = client.post(my_item, json={"pass": my_view["pass"]}, headers=mine.authorization())
        assert answer.status_code == 200


def test_a_challenge_pays_only_for_its_purpose(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    report = Submission(env.unit)
    with AppClient(env.app) as client:
        create(client, report)
        other = Submission(env.unit)
        tokens = open_upload(client), open_upload(client)
        before = env.snapshot()
        upload = solved_pow(client, "upload")
        for url, body in (
            ("/api/case", {"pow": upload}),
            ("/api/cases", other.case_body(tokens[0], pow=solved_pow(client, "upload"))),
        ):
            answer = client.post(url, json=body, headers=report.authorization())
            assert (answer.status_code, answer.json()["error"]) == (400, "pow_required")
        # a report challenge for one unit does not pay for another
        body = other.case_body(tokens[1], pow=case_pow(client, "unit-lain"))
        answer = client.post("/api/cases", json=body)
        assert (answer.status_code, answer.json()["error"]) == (400, "pow_required")
        assert env.snapshot() == before


def test_a_closed_or_unknown_message_is_refused_and_nothing_stored(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    report = Submission(env.unit)
    with AppClient(env.app) as client:
        create(client, report)
        before = env.snapshot()
        stranger = Submission(env.unit)  # sealed to a reporter key this case does not have
        message = stranger.sealed("message", b'{"text": "x"}')
        answer = client.post(
            "/api/case/messages",
            headers=report.authorization(),
            json={
                "pow": message_pow(client),
                "upload": None,
                "message": message,
                "attachments": [],
            },
        )
        assert answer.status_code == 400
        answer = client.post(
            "/api/case/messages",
            headers=report.authorization(),
            json={
                "pow": message_pow(client),
                "upload": None,
                "message": report.sealed("message", b"{}"),
                "attachments": [{"item_id": b64u_encode(b"a" * 16), "size": 6523}],
            },
        )
        assert answer.status_code == 400
        assert env.snapshot() == before
