"""Two nodes taking writes at the same time still act as one server (docs/scale.md).

Two real apps (A and B) on one vault and one real ``redis-server``, as in
tests/test_scale_two_nodes.py; on ``PELUIT_TEST_BACKEND=postgres`` both
nodes' stores are on the same PostgreSQL database (in one process they share
its connection pool, but each store commits through its own group
committer's connection, so the two contend for the write lock as two
processes would). The requests go through the API and the console of both
nodes from threads released together (tests/threads_at_once.py), so the
writers really overlap:

- N+k new reports at a unit's daily ceiling of N: exactly N are accepted;
- the case references stay unique and dense;
- the audit chain verifies after staff actions on A and B at once;
- a report sent to A is found by its receipt on B and exported from B.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import httpx
from app_fixtures import (
    UNIT_ID,
    AppClient,
    Env,
    Submission,
    case_pow,
    lookup_body,
    open_upload,
)
from console_fixtures import Console, add_account
from test_scale_two_nodes import submit, two_nodes
from threads_at_once import at_once

from crypto.bundle import BundleReader, Kind
from crypto.context import Context
from crypto.envelope import open_envelope
from vault import audit_log
from vault.database import is_postgres, opened


def ready_reports(nodes: tuple[Env, Env], count: int) -> list[tuple[AppClient, dict[str, Any]]]:
    """``count`` reports, each paid for and with its upload open, alternately on A and B.

    Each from its own address, as separate reporters would send them.
    """
    ready = []
    for i in range(count):
        client = AppClient(nodes[i % 2].app, peer=f"192.0.2.{10 + i}")
        body = Submission(nodes[0].unit).case_body(open_upload(client), pow=case_pow(client))
        ready.append((client, body))
    return ready


def send_at_once(ready: list[tuple[AppClient, dict[str, Any]]]) -> list[httpx.Response]:
    answers = at_once([(lambda c=c, b=b: c.post("/api/cases", json=b)) for c, b in ready])
    assert all(isinstance(a, httpx.Response) for a in answers), answers
    return answers  # type: ignore[return-value]


def count_cases(env: Env) -> int:
    with opened(env.data / "vault.sqlite3") as db:
        count: int = db.execute("SELECT count(*) FROM cases").fetchone()[0]
    if is_postgres():  # both nodes wrote to the run's PostgreSQL database
        assert not (env.data / "vault.sqlite3").exists()
    return count


def test_n_plus_k_reports_at_a_ceiling_of_n_split_over_a_and_b(
    tmp_path: Path, redis_url: str
) -> None:
    ceiling, extra = 6, 6
    a, b = two_nodes(tmp_path, redis_url)
    a.store.update_unit_settings(UNIT_ID, daily_case_ceiling=ceiling)
    answers = send_at_once(ready_reports((a, b), ceiling + extra))
    codes = sorted(answer.status_code for answer in answers)
    assert codes == [201] * ceiling + [429] * extra, [a.text for a in answers]
    assert {a.json()["error"] for a in answers if a.status_code == 429} == {"unit_full"}
    assert count_cases(a) == ceiling


def test_references_stay_unique_and_dense_when_a_and_b_take_reports_at_once(
    tmp_path: Path, redis_url: str
) -> None:
    count = 12
    a, b = two_nodes(tmp_path, redis_url)
    answers = send_at_once(ready_reports((a, b), count))
    assert [answer.status_code for answer in answers] == [201] * count, [a.text for a in answers]
    year = answers[0].json()["submitted"][:4]
    references = sorted(answer.json()["case_ref"] for answer in answers)
    assert references == [f"WBS-{year}-{n:04d}" for n in range(1, count + 1)]
    assert count_cases(b) == count


def test_the_audit_chain_verifies_after_staff_actions_on_a_and_b_at_once(
    tmp_path: Path, redis_url: str
) -> None:
    count = 10
    a, b = two_nodes(tmp_path, redis_url)
    reports = [Submission(a.unit) for _ in range(count)]
    with AppClient(a.app) as on_a:
        for report in reports:
            submit(on_a, report)
    ani = add_account(a, "ani", "inspector", (UNIT_ID,))
    signed_in = Console(a)
    assert signed_in.login(ani).status_code == 303
    csrf = signed_in.csrf("/konsol/kasus")
    with opened(a.data / "vault.sqlite3") as db:
        before = audit_log.verify(db)
    assert before.ok, before.line()

    def change(index: int, report: Submission) -> int:
        node = Console((a, b)[index % 2])  # one session, its requests spread over A and B
        node.cookies = dict(signed_in.cookies)
        answer = node.post(
            f"/konsol/kasus/{report.case_id.hex()}/status",
            data={"status": "diverifikasi", "csrf": csrf},
        )
        return answer.status_code

    results = at_once([(lambda i=i, r=r: change(i, r)) for i, r in enumerate(reports)])
    assert results == [303] * count
    with opened(a.data / "vault.sqlite3") as db:
        after = audit_log.verify(db)
        changes = db.execute(
            "SELECT seq FROM audit_log WHERE action = 'status_change' ORDER BY seq"
        ).fetchall()
        seconds = db.execute("SELECT count(*) FROM status_events WHERE seq = 2").fetchone()[0]
    assert after.ok, after.line()
    assert after.count == before.count + count
    assert [row[0] for row in changes] == list(range(before.count + 1, after.count + 1))
    assert seconds == count


def test_a_report_sent_to_a_is_found_and_exported_on_b(tmp_path: Path, redis_url: str) -> None:
    a, b = two_nodes(tmp_path, redis_url)
    report = Submission(a.unit)
    with AppClient(a.app) as on_a, AppClient(b.app) as on_b:
        submit(on_a, report)
        found = on_b.post("/api/case", json=lookup_body(on_b), headers=report.authorization())
        assert found.status_code == 200, found.text
    ani = add_account(a, "ani", "inspector", (UNIT_ID,))
    console_b = Console(b)
    assert console_b.login(ani).status_code == 303
    answer = console_b.post(
        "/konsol/pertukaran/ekspor", data={"csrf": console_b.csrf(), "unit_id": UNIT_ID}
    )
    assert answer.status_code == 200, answer.text
    reader = BundleReader(io.BytesIO(answer.content), Kind.EXPORT, io.BytesIO)
    entries = list(reader.entries())
    assert reader.header["unit_id"] == UNIT_ID and reader.header["export_seq"] == 1
    assert entries[0].meta["case_id"] == report.case_id.hex()
    tip = next(e for e in entries if e.name == "envelope" and e.meta["kind"] == "tip")
    context = Context(UNIT_ID, report.case_id, "tip", bytes.fromhex(tip.meta["item_id"]))
    assert open_envelope(tip.data.read(), [a.unit.xwing], context) == b'{"apa": "uji"}'
