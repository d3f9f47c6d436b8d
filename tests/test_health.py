"""``GET /healthz``: up or down, and nothing else.

A proxy or a monitor may poll it every few seconds, possibly from another
machine: whatever it answers must not change with the vault's activity (no
counters, no times, no version). The real app on a real SQLite file.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from app_fixtures import AppClient, Submission, case_pow, make_env, open_upload


def snapshot(response: httpx.Response) -> tuple[int, bytes, list[tuple[str, str]]]:
    headers = sorted(response.headers.items())
    return response.status_code, response.content, headers


def submit(client: AppClient, env: object) -> None:
    report = Submission(env.unit)  # type: ignore[attr-defined]
    token = open_upload(client)
    pow_ = case_pow(client, env.unit.card.unit_id)  # type: ignore[attr-defined]
    created = client.post("/api/cases", json=report.case_body(token, pow=pow_))
    assert created.status_code == 201, created.text


def test_healthz_says_ok_and_the_same_before_and_after_reports(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    with AppClient(env.app) as client:
        before = client.get("/healthz")
        assert before.status_code == 200
        assert before.text == "ok\n"
        assert before.headers["content-type"].startswith("text/plain")
        assert before.headers["cache-control"] == "no-store"
        for _ in range(3):
            submit(client, env)
        after = client.get("/healthz")
        assert snapshot(after) == snapshot(before)
        head = client.request("HEAD", "/healthz")
        assert head.status_code == 200 and head.content == b""


@pytest.mark.sqlite_only
def test_healthz_is_503_when_the_database_does_not_answer(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    # The data folder goes away under the running app (an unmounted disk):
    # the next read cannot open the database.
    env.data.rename(tmp_path / "unmounted")
    with AppClient(env.app) as client:
        down = client.get("/healthz")
    assert down.status_code == 503
    assert down.text == "unavailable\n"
    assert "sqlite" not in down.text.lower() and str(tmp_path) not in down.text


def test_healthz_needs_no_proof_of_work_and_sets_no_cookie(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    with AppClient(env.app) as client:
        answers = [client.get("/healthz") for _ in range(30)]
    assert {a.status_code for a in answers} == {200}
    assert all("set-cookie" not in a.headers for a in answers)
