"""Floods and oversized or trickling uploads cost the server almost nothing.

- Submissions without a valid proof of work (garbage, a real challenge with a
  wrong nonce, a replayed solution): every one is refused (400) before
  anything is written: the data folder (every row and file) is unchanged, no
  upload session exists, the spent-challenge set grows only by real solutions.
- ``POST /api/cases`` without a session: refused, nothing stored.
- An oversized piece is refused from its ``Content-Length`` before it is
  read; one sent without a length is cut off at the limit, with nothing kept,
  and the server's memory (tracemalloc) stays within a few MiB while 40 MiB
  are pushed at it.
- A piece that trickles in (a byte at a time) or stalls is cut off with
  ``408 timeout`` and nothing is kept; the piece then goes through when sent properly.
  (The test sets the idle and total limits to fractions of a second; the
  defaults are 60 s and 300 s.)
"""

from __future__ import annotations

import asyncio
import os
import tracemalloc
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from app_fixtures import (
    TEST_POW_BITS,
    UNIT_ID,
    AppClient,
    Submission,
    case_pow,
    make_env,
    make_unit,
    message_pow,
    open_upload,
    put_envelope,
    solved_pow,
)

from crypto.b64 import b64u_decode, b64u_encode
from crypto.envelope import CHUNK_SIZE
from crypto.proof_of_work import leading_zero_bits, solution_digest
from vault.limits import Limits
from web.api.pricing import Volumes

OCTETS = {"Content-Type": "application/octet-stream"}


def test_a_flood_without_proof_of_work_writes_nothing(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    client = AppClient(env.app)
    before = env.snapshot()
    answer = client.post("/api/pow", json={}).json()
    challenge, bits = answer["challenge"], answer["difficulty"]
    # nonces that do not solve the real challenge (at 8 bits one in 256 would)
    wrong = (
        n.to_bytes(8, "big")
        for n in range(10_000)
        if leading_zero_bits(solution_digest(b64u_decode(challenge), n.to_bytes(8, "big"))) < bits
    )
    refused = []
    for i in range(300):
        pow_value: Any = [
            {"challenge": b64u_encode(os.urandom(37)), "nonce": b64u_encode(os.urandom(8))},
            {"challenge": challenge, "nonce": b64u_encode(next(wrong))},
            "x" * i,
            {},
        ][i % 4]
        response = client.post("/api/uploads", json={"pow": pow_value})
        refused.append((response.status_code, response.json()["error"]))
    sub = Submission(env.unit)
    for _ in range(50):
        response = client.post("/api/cases", json=sub.case_body("A" * 43))
        refused.append((response.status_code, response.json()["error"]))
    assert all(status in (400, 404) for status, _ in refused)
    assert all(error in ("pow_required", "bad_request", "not_found") for _, error in refused)
    assert env.app.state.api.pow.spent_count() == 0
    assert env.snapshot() == before


def test_a_replayed_solution_opens_one_session_only(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    client = AppClient(env.app)
    solution = solved_pow(client)
    assert client.post("/api/uploads", json={"pow": solution}).status_code == 200
    before = env.snapshot()
    for _ in range(100):
        response = client.post("/api/uploads", json={"pow": solution})
        assert (response.status_code, response.json()["error"]) == (400, "pow_spent")
    assert env.snapshot() == before


def _piece_zero(env: Any, sub: Submission) -> tuple[bytes, bytes]:
    item_id, data = sub.attachment(os.urandom(3 * CHUNK_SIZE))
    header = 57 + 1177
    return item_id, data[: header + CHUNK_SIZE + 16]


def test_oversized_pieces_are_refused_with_bounded_memory(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    client = AppClient(env.app)
    sub = Submission(env.unit)
    token = open_upload(client)
    item_id, piece = _piece_zero(env, sub)
    url = f"/api/uploads/{token}/{b64u_encode(item_id)}/0"
    before = env.snapshot()

    declared = client.put(
        url, content=b"x" * 10, headers={**OCTETS, "Content-Length": str(1 << 30)}
    )
    assert declared.status_code in (400, 413)

    def endless() -> Any:
        yield piece  # a genuine envelope start, then far more than a piece may hold
        block = os.urandom(1 << 20)
        for _ in range(40):
            yield block

    tracemalloc.start()
    try:
        response = client.put(url, content=endless(), headers=OCTETS)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (response.status_code, response.json()["error"]) == (413, "too_large")
    assert peak < 16 << 20, f"{peak / (1 << 20):.1f} MiB held for a 40 MiB body"
    assert env.snapshot() == before
    assert env.store.upload_sizes(token) == {}


async def _trickle(first: bytes, pause: float, count: int) -> AsyncIterator[bytes]:
    yield first[:64]
    for i in range(count):
        await asyncio.sleep(pause)
        yield first[64 + i : 65 + i]


def test_trickling_and_stalled_pieces_are_cut_off(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    settings = env.app.state.settings
    limits = replace(settings.limits, piece_idle_seconds=0.3, piece_seconds=1.0)
    env.app.state.api.limits = limits
    client = AppClient(env.app)
    sub = Submission(env.unit)
    token = open_upload(client)
    item_id, piece = _piece_zero(env, sub)
    url = f"/api/uploads/{token}/{b64u_encode(item_id)}/0"
    before = env.snapshot()

    # one byte every 0.1 s: never idle for 0.3 s, but far below the minimum rate
    trickled = client.put(url, content=_trickle(piece, 0.1, 100), headers=OCTETS)
    assert (trickled.status_code, trickled.json()["error"]) == (408, "timeout")
    # a few bytes, then silence
    stalled = client.put(url, content=_trickle(piece, 5.0, 1), headers=OCTETS)
    assert (stalled.status_code, stalled.json()["error"]) == (408, "timeout")
    assert env.snapshot() == before
    assert env.store.upload_sizes(token) == {}

    # the same piece sent properly still goes through
    answer = client.put(url, content=piece, headers=OCTETS)
    assert answer.status_code == 200 and answer.json()["received"] == len(piece)


# --- issue 17: writes pay a rising price, follow-ups are bounded per case and day ----


def _message(client: AppClient, sub: Submission, text: bytes) -> Any:
    return client.post(
        "/api/case/messages",
        headers=sub.authorization(),
        json={
            "pow": message_pow(client),
            "upload": None,
            "message": sub.sealed("message", text),
            "attachments": [],
        },
    )


def test_a_message_flood_is_bounded_per_case_and_day_and_pays_more(tmp_path: Path) -> None:
    """The issue sent 200 messages of 64 KB in 7.5 s, with no proof of work, all kept."""
    env = make_env(tmp_path)
    env.app.state.api.policy.volumes = Volumes(messages=5)
    client = AppClient(env.app)
    sub = Submission(env.unit)
    assert client.post("/api/cases", json=sub.case_body(open_upload(client), pow=case_pow(client)))
    unpaid = client.post(
        "/api/case/messages",
        headers=sub.authorization(),
        json={"upload": None, "message": sub.sealed("message", b"{}"), "attachments": []},
    )
    assert unpaid.status_code == 400  # no proof of work: refused before any lookup
    first_price = client.post("/api/pow", json={"purpose": "message"}).json()["difficulty"]
    for _ in range(Limits().case_daily_messages):
        answer = _message(client, sub, b'{"text": "' + b"x" * 60_000 + b'"}')
        assert answer.status_code == 201, answer.text
    price = client.post("/api/pow", json={"purpose": "message"}).json()["difficulty"]
    assert first_price == TEST_POW_BITS < price  # 20 messages in the window: two doublings
    before = env.snapshot()
    for _ in range(5):
        refused = client.post(
            "/api/case/messages?lang=en",
            headers=sub.authorization(),
            json={
                "pow": message_pow(client),
                "upload": None,
                "message": sub.sealed("message", b'{"text": "lagi"}'),
                "attachments": [],
            },
        )
        assert (refused.status_code, refused.json()["error"]) == (429, "case_day_full")
        assert "NOT been sent" in refused.json()["message"]
    assert env.snapshot() == before
    # another case is not affected
    other = Submission(env.unit)
    body = other.case_body(open_upload(client), pow=case_pow(client))
    assert client.post("/api/cases", json=body).status_code == 201
    assert _message(client, other, b'{"text": "halo"}').status_code == 201


def test_the_bytes_a_case_takes_in_a_day_are_bounded(tmp_path: Path) -> None:
    env = make_env(tmp_path, vault_limits=Limits(case_daily_bytes=200_000))
    client = AppClient(env.app)
    sub = Submission(env.unit)
    assert client.post("/api/cases", json=sub.case_body(open_upload(client), pow=case_pow(client)))
    sizes = []
    while True:
        answer = _message(client, sub, b'{"text": "' + b"x" * 60_000 + b'"}')
        if answer.status_code != 201:
            break
        sizes.append(answer.json()["items"][0]["size"])
    assert (answer.status_code, answer.json()["error"]) == (429, "case_day_full")
    assert 1 <= len(sizes) <= 3
    stored = sum(i.size for i in env.store.list_envelopes(sub.case_id.hex()))
    assert stored <= 200_000


def test_a_report_flood_raises_the_price_for_that_unit_only(tmp_path: Path) -> None:
    """The issue filled a unit's daily ceiling with one 16-bit proof of work per report."""
    env = make_env(tmp_path)
    other_unit = make_unit("inspektorat-lain")
    env.store.register_unit(other_unit.card.to_json())
    env.app.state.api.policy.volumes = Volumes(cases_per_unit=2, cases=1000)
    client = AppClient(env.app)

    def price(unit_id: str) -> int:
        ask = {"purpose": "case", "unit_id": unit_id}
        bits: int = client.post("/api/pow", json=ask).json()["difficulty"]
        return bits

    stale = case_pow(client)  # solved at the base price before the flood
    prices = []
    for _ in range(7):
        sub = Submission(env.unit)
        body = sub.case_body(open_upload(client), pow=case_pow(client))
        assert client.post("/api/cases", json=body).status_code == 201
        prices.append(price(UNIT_ID))
    assert prices == sorted(prices) and prices[-1] == TEST_POW_BITS + 2  # 7 = (2**3 - 1) * 2
    assert price("inspektorat-lain") == TEST_POW_BITS  # the quiet unit costs the base
    # a stock of cheap challenges gathered before the flood no longer pays
    late = Submission(env.unit).case_body(open_upload(client), pow=stale)
    answer = client.post("/api/cases", json=late)
    assert (answer.status_code, answer.json()["error"]) == (400, "pow_required")
    # an honest reporter pays the current price and gets through
    sub = Submission(env.unit)
    body = sub.case_body(open_upload(client), pow=case_pow(client))
    assert client.post("/api/cases", json=body).status_code == 201


def test_the_files_a_case_takes_in_a_day_are_bounded(tmp_path: Path) -> None:
    env = make_env(tmp_path, vault_limits=Limits(case_daily_attachments=1))
    client = AppClient(env.app)
    sub = Submission(env.unit)
    assert client.post("/api/cases", json=sub.case_body(open_upload(client), pow=case_pow(client)))
    token = open_upload(client)
    listed = []
    for _ in range(2):
        item_id, data = sub.attachment(b"lampiran")
        put_envelope(client, token, item_id, data, CHUNK_SIZE + 16)
        listed.append({"item_id": b64u_encode(item_id), "size": len(data)})
    before = env.snapshot()
    answer = client.post(
        "/api/case/messages",
        headers=sub.authorization(),
        json={
            "pow": message_pow(client),
            "upload": token,
            "message": sub.sealed("message", b'{"text": "dua berkas"}'),
            "attachments": listed,
        },
    )
    assert (answer.status_code, answer.json()["error"]) == (429, "case_day_full")
    assert env.snapshot() == before
