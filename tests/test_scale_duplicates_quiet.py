"""Copies of one report (or message) racing each other on two nodes stay out of any log.

A double click, or a browser or proxy retry landing on the other node, sends
the same ``POST /api/cases`` twice at once. Both requests pass the cheap
checks made before the write lock; the store checks again under the lock
(vault/cases.py), so the second never reaches a unique constraint. On
PostgreSQL a violated constraint is an ``ERROR`` in the server's own log,
with the colliding key (a case id, a lookup hash, an item id) in its
``DETAIL`` line and a timestamp in its prefix (docs/scale.md, "What
PostgreSQL learns about reporters"): these tests read that log
(tests/pg_server.py's ``server.log``) after each race.

The same report sent again is answered ``201`` with the stored reference
(a reporter whose answer was lost may safely send it again); another
report's case id or receipt is still ``409``.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from app_fixtures import AppClient, Env, Submission, case_pow, message_pow, open_upload
from pg_server import PgServer
from test_scale_two_nodes import submit, two_nodes
from threads_at_once import at_once

from crypto.b64 import b64u_decode
from vault.database import is_postgres, opened

COPIES = 4


class ServerLog:
    """What PostgreSQL's server log gained since this was made (nothing on SQLite)."""

    def __init__(self, server: PgServer | None) -> None:
        self.path = server.folder / "server.log" if server is not None else None
        self.start = self.path.stat().st_size if self.path is not None else 0

    def since(self) -> str:
        if self.path is None:
            return ""
        with self.path.open("rb") as log:
            log.seek(self.start)
            return log.read().decode("utf-8", "replace")


@pytest.fixture
def server_log(request: pytest.FixtureRequest) -> Iterator[ServerLog]:
    server = request.getfixturevalue("pg_server") if is_postgres() else None
    yield ServerLog(server)


def at_once_on(
    nodes: tuple[Env, Env], path: str, bodies: list[dict[str, Any]], **kwargs: Any
) -> list[httpx.Response]:
    clients = [AppClient(nodes[i % 2].app, peer=f"192.0.2.{20 + i}") for i in range(len(bodies))]
    answers = at_once(
        [
            (lambda c=c, b=b: c.post(path, json=b, **kwargs))
            for c, b in zip(clients, bodies, strict=True)
        ]
    )
    assert all(isinstance(a, httpx.Response) for a in answers), answers
    return answers  # type: ignore[return-value]


def paid_bodies(nodes: tuple[Env, Env], reports: list[Submission]) -> list[dict[str, Any]]:
    """One body per report, each with its own upload session and proof of work."""
    bodies = []
    for i, report in enumerate(reports):
        client = AppClient(nodes[i % 2].app, peer=f"192.0.2.{40 + i}")
        bodies.append(report.case_body(open_upload(client), pow=case_pow(client)))
    return bodies


def stored(env: Env) -> list[tuple[str, bytes]]:
    with opened(env.data / "vault.sqlite3") as db:
        rows = db.execute("SELECT case_id, lookup FROM cases").fetchall()
    return [(row[0], bytes(row[1])) for row in rows]


def assert_quiet(log: ServerLog, secrets_seen: list[str]) -> None:
    text = log.since()
    assert "ERROR" not in text, text
    for value in secrets_seen:
        assert value not in text


def test_the_same_report_sent_at_once_is_one_case_and_every_copy_gets_its_reference(
    tmp_path: Path, redis_url: str, server_log: ServerLog
) -> None:
    nodes = two_nodes(tmp_path, redis_url)
    report = Submission(nodes[0].unit)
    answers = at_once_on(nodes, "/api/cases", paid_bodies(nodes, [report] * COPIES))
    assert [a.status_code for a in answers] == [201] * COPIES, [a.text for a in answers]
    assert len({a.json()["case_ref"] for a in answers}) == 1
    assert len({a.json()["submitted"] for a in answers}) == 1
    [(case_id, lookup)] = stored(nodes[0])
    assert case_id == report.case_id.hex()
    assert_quiet(server_log, [case_id, lookup.hex()])


def test_another_reports_case_id_or_receipt_at_once_is_409_and_stays_out_of_the_log(
    tmp_path: Path, redis_url: str, server_log: ServerLog
) -> None:
    nodes = two_nodes(tmp_path, redis_url)
    first, second = Submission(nodes[0].unit), Submission(nodes[0].unit)
    # One case id with four receipts; then one receipt with four case ids.
    same_id = [replace(first, selector=secrets.token_bytes(32)) for _ in range(COPIES - 1)]
    same_receipt = [replace(second, case_id=secrets.token_bytes(16)) for _ in range(COPIES - 1)]
    sent = [first, *same_id, second, *same_receipt]
    for reports in ([first, *same_id], [second, *same_receipt]):
        answers = at_once_on(nodes, "/api/cases", paid_bodies(nodes, reports))
        codes = sorted(a.status_code for a in answers)
        assert codes == [201] + [409] * (COPIES - 1), [a.text for a in answers]
        assert {a.json()["error"] for a in answers if a.status_code == 409} == {"conflict"}
    cases = stored(nodes[0])
    ids = {case_id for case_id, _ in cases}
    assert len(cases) == 2 and first.case_id.hex() in ids
    assert len(ids & {r.case_id.hex() for r in (second, *same_receipt)}) == 1
    assert_quiet(
        server_log,
        [*(r.case_id.hex() for r in sent), *(lookup.hex() for _, lookup in cases)],
    )


def test_a_message_sent_twice_at_once_is_stored_once_and_stays_out_of_the_log(
    tmp_path: Path, redis_url: str, server_log: ServerLog
) -> None:
    nodes = two_nodes(tmp_path, redis_url)
    report = Submission(nodes[0].unit)
    with AppClient(nodes[0].app) as client:
        submit(client, report)
    message = report.sealed("message", b'{"text": "ada bukti baru"}')
    bodies = []
    for i in range(COPIES):
        client = AppClient(nodes[i % 2].app, peer=f"192.0.2.{60 + i}")
        bodies.append(
            {"pow": message_pow(client), "upload": None, "message": message, "attachments": []}
        )
    answers = at_once_on(nodes, "/api/case/messages", bodies, headers=report.authorization())
    codes = sorted(a.status_code for a in answers)
    assert codes == [201] + [409] * (COPIES - 1), [a.text for a in answers]
    item_hex = b64u_decode(message["item_id"]).hex()
    with opened(nodes[0].data / "vault.sqlite3") as db:
        kinds = db.execute("SELECT kind FROM envelopes ORDER BY seq").fetchall()
    assert [k[0] for k in kinds] == ["tip", "message"]
    assert_quiet(server_log, [report.case_id.hex(), item_hex])
