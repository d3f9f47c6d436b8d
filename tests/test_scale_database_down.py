"""PostgreSQL stopped under a running server: a clear 503, nothing half-stored, and back after.

A national deployment's vault is one PostgreSQL (docs/scale.md); when it
goes away (a restart, a failover to the standby) every server process
loses its connections at once. What a reporter must get then is the
answer SQLite's single file never needed: "may not have been stored, send
the same report again" (503 ``storage_unavailable`` with ``Retry-After``;
a commit cut off may have been kept, and the same report sent again is
answered with its stored reference, vault/cases.py), quickly, not a generic
server error after a long wait. Once PostgreSQL is back, the same server
process, with no restart, takes the very same report (its first attempt
left nothing behind) and still finds the report made before.

This runs on its own PostgreSQL server (tests/pg_server.py), which it stops
and starts, whichever backend the rest of the suite uses.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from app_fixtures import (
    AppClient,
    Submission,
    healthy_again,
    lookup_body,
    make_env,
    send_report,
)
from pg_server import PgServer

from vault import database

pytestmark = pytest.mark.slow


@pytest.fixture
def on_own_server(own_pg_server: PgServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[PgServer]:
    url = own_pg_server.new_database()
    monkeypatch.setenv(database.DATABASE_URL_ENV, url)
    try:
        yield own_pg_server
    finally:
        own_pg_server.start()  # a failed test may leave it stopped
        database.close_pools()
        own_pg_server.drop_database(url)


def found(client: AppClient, report: Submission) -> int:
    return client.post(
        "/api/case", json=lookup_body(client), headers=report.authorization()
    ).status_code


def test_a_stopped_database_answers_503_and_the_report_goes_in_once_it_is_back(
    tmp_path: Path, on_own_server: PgServer
) -> None:
    env = make_env(tmp_path)
    before, during = Submission(env.unit), Submission(env.unit)
    with AppClient(env.app) as client:
        status, body = send_report(client, before)
        assert status == 201, body

        on_own_server.stop()
        status, body = send_report(client, during)
        assert status == 503, body
        assert body["error"] == "storage_unavailable"
        # Not "nothing was stored": a commit cut off may have been kept.
        assert "mungkin belum tersimpan" in body["message"]
        assert "laporan yang sama" in body["message"]
        assert client.get("/healthz").status_code == 503
        lookup = client.post("/api/case", json=lookup_body(client),
                             headers=before.authorization())  # fmt: skip
        assert lookup.status_code == 503
        assert lookup.headers["Retry-After"] == "60"

        on_own_server.start()
        assert healthy_again(client)
        status, body = send_report(client, during)  # the same report again, as the browser retries
        assert status == 201, body
        assert found(client, before) == 200
        assert found(client, during) == 200


def test_a_database_crash_mid_flight_loses_nothing_acknowledged(
    tmp_path: Path, on_own_server: PgServer
) -> None:
    """``immediate``: PostgreSQL dies without a goodbye, as on a power cut."""
    env = make_env(tmp_path)
    reports = [Submission(env.unit) for _ in range(3)]
    with AppClient(env.app) as client:
        assert send_report(client, reports[0])[0] == 201
        on_own_server.stop("immediate")
        assert send_report(client, reports[1])[0] == 503
        on_own_server.start()
        assert healthy_again(client)
        for report in reports[1:]:
            status, body = send_report(client, report)
            assert status == 201, body
        assert [found(client, r) for r in reports] == [200, 200, 200]
