"""Hostile input to the reporter API: each is a clear 4xx and nothing is stored.

Every test snapshots the database rows and the files of the data folder
before the hostile request and checks they are unchanged after it.
"""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from app_fixtures import (
    AppClient,
    Env,
    Submission,
    case_pow,
    make_env,
    open_upload,
    put_envelope,
    solved_pow,
)

from crypto import envelope
from crypto.b64 import b64u_encode
from crypto.context import is_unit_id
from web.errors import MESSAGES

OCTETS = {"Content-Type": "application/octet-stream"}
PIECE = envelope.CHUNK_SIZE + 16


@pytest.fixture
def env(tmp_path: Path) -> Env:
    return make_env(tmp_path)


def refused(
    env: Env, client: AppClient, method: str, url: str, status: int, code: str, **kwargs: Any
) -> dict[str, Any]:
    before = env.snapshot()
    response = client.request(method, url, **kwargs)
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == code
    assert body["message"] == MESSAGES[code][0] or body["message"].startswith(MESSAGES[code][0])
    assert env.snapshot() == before
    return dict(body)


def post_case(env: Env, client: AppClient, body: Any, status: int, code: str) -> None:
    """Post ``body`` with a fresh proof of work (each refusal below spends one)."""
    if isinstance(body, dict) and "pow" in body:
        unit = body.get("unit_id")
        body["pow"] = case_pow(client, unit if is_unit_id(unit) else env.unit.card.unit_id)
    refused(env, client, "POST", "/api/cases", status, code, json=body)


# --- JSON bodies --------------------------------------------------------------


def test_malformed_json_wrong_content_type_and_duplicate_keys(env: Env) -> None:
    with AppClient(env.app) as client:
        for content in (b"{", b"[]", b'{"a": NaN}', b'{"a":1,"a":2}', b"\xff\xfe"):
            refused(env, client, "POST", "/api/pow", 400, "bad_request", content=content,
                    headers={"Content-Type": "application/json"})  # fmt: skip
        refused(env, client, "POST", "/api/pow", 400, "bad_request", content=b"{}",
                headers={"Content-Type": "text/plain"})  # fmt: skip
        refused(env, client, "POST", "/api/pow", 400, "bad_request", json={"extra": 1})


def test_a_json_body_over_the_cap_is_refused_before_parsing(env: Env) -> None:
    with AppClient(env.app) as client:
        big = b'{"pow": "' + b"a" * (70 * 1024) + b'"}'
        refused(env, client, "POST", "/api/uploads", 413, "too_large", content=big,
                headers={"Content-Type": "application/json"})  # fmt: skip
        huge = b" " * (4 << 20)
        refused(env, client, "POST", "/api/cases", 413, "too_large", content=huge,
                headers={"Content-Type": "application/json"})  # fmt: skip


@pytest.mark.parametrize(
    "change",
    [
        {"case_id": "AAAA"},  # wrong length
        {"case_id": "not base64!"},
        {"case_id": 123},
        {"selector": b64u_encode(b"x" * 31)},
        {"validator": b64u_encode(b"x" * 33)},
        {"reporter_public_key": b64u_encode(b"x" * 1215)},
        {"reporter_public_key": b64u_encode(b"\xff" * 1216)},  # not a valid key
        {"unit_id": "Inspektorat Demo"},
        {"unit_id": ["inspektorat-demo"]},
        {"attachments": {}},
        {"attachments": [{"item_id": b64u_encode(b"a" * 16), "size": True}]},
        {"attachments": [{"item_id": b64u_encode(b"a" * 16), "size": 5000}]},  # implausible
        {"tip": {"item_id": b64u_encode(b"a" * 16)}},
        {"tip": {"item_id": b64u_encode(b"a" * 16), "envelope": "AAAA"}},
        {"tip": "text"},
        {"surprise": 1},
        {"upload": None},
    ],
)
def test_wrong_fields_of_a_case(env: Env, change: dict[str, Any]) -> None:
    report = Submission(env.unit)
    with AppClient(env.app) as client:
        body = report.case_body(open_upload(client), pow=case_pow(client))
        body.update(change)
        post_case(env, client, body, 400, "bad_request")


def test_missing_fields_of_a_case(env: Env) -> None:
    report = Submission(env.unit)
    with AppClient(env.app) as client:
        token = open_upload(client)
        for name in ("upload", "case_id", "selector", "tip", "attachments"):
            body = report.case_body(token, pow=case_pow(client))
            del body[name]
            post_case(env, client, body, 400, "bad_request")


def test_truncated_padded_wrong_recipient_and_oversized_envelopes(env: Env) -> None:
    report = Submission(env.unit)
    with AppClient(env.app) as client:
        token = open_upload(client)
        body = report.case_body(token, pow=case_pow(client))
        tip = report.sealed("tip", b"{}")
        raw = __import__("crypto.b64", fromlist=["x"]).b64u_decode(tip["envelope"])
        for bad in (raw[:-1], raw + b"\x00", raw[:100], b"NOTPELU" + raw[7:]):
            body["tip"] = {"item_id": tip["item_id"], "envelope": b64u_encode(bad)}
            post_case(env, client, body, 400, "bad_request")
        # sealed to the unit only: the reporter could not read it back
        body["tip"] = report.sealed("tip", b"{}", to_reporter=False)
        post_case(env, client, body, 400, "bad_request")
        # an envelope over the inline limit
        body["tip"] = {"item_id": tip["item_id"], "envelope": "A" * (2 << 20)}
        post_case(env, client, body, 413, "too_large")


def test_unknown_unit_and_unknown_upload_session(env: Env) -> None:
    report = Submission(env.unit)
    with AppClient(env.app) as client:
        token = open_upload(client)
        body = report.case_body(token, pow=case_pow(client))
        body["unit_id"] = "inspektorat-lain"
        post_case(env, client, body, 404, "not_found")
        body = report.case_body("A" * 43, pow=case_pow(client))
        post_case(env, client, body, 404, "not_found")


def test_existing_case_id_is_a_conflict(env: Env) -> None:
    report = Submission(env.unit)
    with AppClient(env.app) as client:
        assert (
            client.post(
                "/api/cases", json=report.case_body(open_upload(client), pow=case_pow(client))
            ).status_code
            == 201
        )
        again = Submission(env.unit, case_id=report.case_id)
        post_case(
            env, client, again.case_body(open_upload(client), pow=case_pow(client)), 409, "conflict"
        )


def test_attachments_must_match_the_session_exactly(env: Env) -> None:
    report = Submission(env.unit)
    with AppClient(env.app) as client:
        token = open_upload(client)
        att_id, att = report.attachment(b"scan")
        put_envelope(client, token, att_id, att, PIECE)
        body = report.case_body(token, pow=case_pow(client))
        post_case(env, client, body, 400, "bad_request")  # left over in the session
        body["attachments"] = [{"item_id": b64u_encode(att_id), "size": len(att) + 4096}]
        post_case(env, client, body, 400, "bad_request")  # wrong size
        body["attachments"] = [{"item_id": b64u_encode(b"z" * 16), "size": len(att)}]
        post_case(env, client, body, 400, "bad_request")  # never uploaded


# --- proof of work ------------------------------------------------------------


def test_missing_forged_and_replayed_proof_of_work(env: Env) -> None:
    with AppClient(env.app) as client:
        refused(env, client, "POST", "/api/uploads", 400, "bad_request", json={})
        refused(env, client, "POST", "/api/uploads", 400, "pow_required",
                json={"pow": {"challenge": "AAAA", "nonce": "AAAAAAAAAAA"}})  # fmt: skip
        refused(env, client, "POST", "/api/uploads", 400, "pow_required",
                json={"pow": {"challenge": 1, "nonce": "x"}})  # fmt: skip
        solution = solved_pow(client)
        assert client.post("/api/uploads", json={"pow": solution}).status_code == 200
        refused(env, client, "POST", "/api/uploads", 400, "pow_spent", json={"pow": solution})


# --- upload pieces ------------------------------------------------------------


def piece_url(token: str, item_id: bytes, index: int) -> str:
    return f"/api/uploads/{token}/{b64u_encode(item_id)}/{index}"


def test_pieces_out_of_order_oversized_or_malformed(env: Env) -> None:
    report = Submission(env.unit)
    big = bytes(3 * envelope.CHUNK_SIZE)
    att_id, att = report.attachment(big)
    header = envelope.header_size(1) + envelope.MAC_SIZE
    with AppClient(env.app) as client:
        token = open_upload(client)
        url = piece_url(token, att_id, 0)
        refused(env, client, "PUT", piece_url(token, att_id, 1), 409, "conflict",
                content=att[header + PIECE : header + 2 * PIECE], headers=OCTETS)  # fmt: skip
        refused(env, client, "PUT", url, 413, "too_large", content=att[: header + PIECE + 9500],
                headers=OCTETS)  # fmt: skip
        refused(env, client, "PUT", url, 400, "bad_request", content=b"PLAINTEXT" * 10,
                headers=OCTETS)  # fmt: skip
        refused(env, client, "PUT", url, 400, "bad_request", content=b"", headers=OCTETS)
        refused(env, client, "PUT", url, 400, "bad_request", content=att[:10], headers=OCTETS)
        refused(env, client, "PUT", url, 400, "bad_request", content=att[: header + PIECE])
        refused(env, client, "PUT", piece_url(token, att_id, -1), 400, "bad_request",
                content=att[:100], headers=OCTETS)  # fmt: skip
        refused(env, client, "PUT", piece_url(token, b"short", 0), 400, "bad_request",
                content=att[:100], headers=OCTETS)  # fmt: skip
        refused(env, client, "PUT", piece_url("B" * 43, att_id, 0), 404, "not_found",
                content=att[: header + PIECE], headers=OCTETS)  # fmt: skip
        # in order: fine; the same piece again: out of order
        assert client.put(url, content=att[: header + PIECE], headers=OCTETS).status_code == 200
        refused(env, client, "PUT", url, 409, "conflict", content=att[: header + PIECE],
                headers=OCTETS)  # fmt: skip
        refused(env, client, "PUT", piece_url(token, att_id, 1), 413, "too_large",
                content=att[header + PIECE : header + 2 * PIECE + 1], headers=OCTETS)  # fmt: skip


def test_a_lying_content_length_is_cut_off(env: Env) -> None:
    report = Submission(env.unit)
    att_id, att = report.attachment(b"x")
    with AppClient(env.app) as client:
        token = open_upload(client)

        def body() -> Iterator[bytes]:
            yield att
            yield b"\x00" * 100

        # more bytes than declared: cut off at the declared length
        refused(env, client, "PUT", piece_url(token, att_id, 0), 413, "too_large",
                content=body(), headers={**OCTETS, "Content-Length": str(len(att))})  # fmt: skip
        # fewer bytes than declared: the piece is dropped
        refused(
            env,
            client,
            "PUT",
            piece_url(token, att_id, 0),
            400,
            "bad_request",
            content=iter([att[:4000]]),
            headers={**OCTETS, "Content-Length": str(len(att))},
        )


def test_an_upload_over_the_limit_is_refused_without_buffering(tmp_path: Path) -> None:
    """A 64 MiB stream to a 1 MiB-per-file server: cut off early, memory stays small."""
    env = make_env(tmp_path, attachment_mib=1)
    report = Submission(env.unit)
    att_id, att = report.attachment(b"y" * 100)
    sent = 0

    def endless() -> Iterator[bytes]:
        nonlocal sent
        yield att[:200]
        block = bytes(1 << 16)
        for _ in range(1024):
            sent += len(block)
            yield block

    with AppClient(env.app) as client:
        token = open_upload(client)
        tracemalloc.start()
        try:
            refused(env, client, "PUT", piece_url(token, att_id, 0), 413, "too_large",
                    content=endless(), headers=OCTETS)  # fmt: skip
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 8 << 20, peak
    assert sent < 4 << 20, sent  # the server stopped reading at the limit


def test_pieces_after_the_session_expired(tmp_path: Path) -> None:
    import datetime as dt

    day = [dt.date(2026, 11, 23)]
    env = make_env(tmp_path, today=lambda: day[0])
    report = Submission(env.unit)
    att_id, att = report.attachment(b"late")
    with AppClient(env.app) as client:
        token = open_upload(client)
        day[0] += dt.timedelta(days=3)
        env.store.sweep()
        refused(env, client, "PUT", piece_url(token, att_id, 0), 404, "not_found",
                content=att, headers=OCTETS)  # fmt: skip
        post_case(env, client, report.case_body(token, pow=case_pow(client)), 404, "not_found")


# --- error answers ------------------------------------------------------------


def test_english_on_request_and_no_exception_text(env: Env) -> None:
    with AppClient(env.app) as client:
        answer = client.post("/api/cases?lang=en", json={"upload": 1})
        assert answer.status_code == 400
        assert answer.json()["message"].startswith(MESSAGES["bad_request"][1])
        missing = client.get("/api/nothing-here")
        assert missing.status_code == 404 and missing.json()["error"] == "not_found"
        assert client.get("/api/cases").status_code == 405


def test_a_server_error_says_nothing_more(env: Env) -> None:
    class Broken:
        def __getattr__(self, name: str) -> Any:
            def boom(*args: Any, **kwargs: Any) -> Any:
                raise RuntimeError("SECRET-INTERNAL-DETAIL /var/lib/peluit")

            return boom

    env.app.state.vault = Broken()
    with AppClient(env.app) as client:
        answer = client.get("/api/instance")
    assert answer.status_code == 500
    assert answer.json() == {"error": "server_error", "message": MESSAGES["server_error"][0]}
    assert "SECRET" not in answer.text


def test_describe_maps_every_project_error_without_its_text() -> None:
    from vault import errors as vault_errors
    from web.errors import describe

    samples = [
        (vault_errors.NotFound("secret 1"), 404, "not_found"),
        (vault_errors.Conflict("secret 2"), 409, "conflict"),
        (vault_errors.LimitExceeded("secret 3"), 413, "too_large"),
        (vault_errors.DailyCeiling(limit=1), 429, "unit_full"),
        (vault_errors.BadInput("secret 4", field="secret"), 400, "bad_request"),
        (ValueError("secret 5"), 500, "server_error"),
    ]
    for exc, status, code in samples:
        for lang in ("id", "en"):
            got = describe(exc, lang)
            assert got[:2] == (status, code)
            assert "secret" not in got[2].lower()
    assert json.dumps(MESSAGES, ensure_ascii=False)  # every message is plain text


def test_the_units_daily_ceiling_is_unit_full(env: Env) -> None:
    env.store.update_unit_settings(env.unit.card.unit_id, daily_case_ceiling=0)
    report = Submission(env.unit)
    with AppClient(env.app) as client:
        body = report.case_body(open_upload(client), pow=case_pow(client))
        post_case(env, client, body, 429, "unit_full")
