"""The primary dies, the synchronous standby is promoted: nothing acknowledged is lost.

docs/scale.md's shape for a national deployment: PostgreSQL primary with a
synchronous standby (``synchronous_standby_names``), so every commit, and
so every report acknowledged with 201, is on two machines' disks before the
reporter hears of it. The server processes name both in one libpq URL
(``host=primary,standby`` with ``target_session_attrs=read-write``): after
the standby is promoted their pools reconnect to it with no change of
setting and no restart.

Here both are real PostgreSQL 15 servers on unix sockets (tests/pg_server.py);
the primary is killed as a power cut would (``pg_ctl stop -m immediate``),
the standby promoted (``pg_ctl promote``). The report acknowledged before
is found by its receipt afterwards; while no primary answers, the server
refuses with 503 and stores nothing; then the same report is accepted.
"""

from __future__ import annotations

import time
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
from pg_server import PgServer, running_server, standby_of
from pg_server import available as pg_available

from vault import database

pytestmark = pytest.mark.slow


@pytest.fixture
def primary() -> Iterator[PgServer]:
    if not pg_available():
        pytest.skip("PostgreSQL 15 is not installed (apt-get install postgresql)")
    with running_server() as server:
        yield server
    database.close_pools()


def make_synchronous(primary: PgServer, standby_name: str) -> None:
    """Name the standby in ``synchronous_standby_names``, then wait until it is ``sync``.

    Only once the standby streams: from this point on every commit on the
    primary waits for it, so a database created before would wait forever.
    Bounded: 30 s.
    """
    primary.admin(f"ALTER SYSTEM SET synchronous_standby_names = '{standby_name}'")
    primary.admin("SELECT pg_reload_conf()")
    for _ in range(300):
        if primary.read("postgres", "SELECT sync_state FROM pg_stat_replication") == [("sync",)]:
            return
        time.sleep(0.1)
    raise AssertionError("the standby never became synchronous")


def found(client: AppClient, report: Submission) -> int:
    return client.post(
        "/api/case", json=lookup_body(client), headers=report.authorization()
    ).status_code


def test_the_promoted_standby_holds_every_acknowledged_report(
    tmp_path: Path, primary: PgServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = primary.new_database().split("?", 1)[0].rsplit("/", 1)[1]
    with standby_of(primary, "standby1") as standby:
        make_synchronous(primary, "standby1")
        monkeypatch.setenv(
            database.DATABASE_URL_ENV,
            f"postgresql:///{name}?host={primary.folder},{standby.folder}"
            f"&user={primary.user}&target_session_attrs=read-write",
        )
        env = make_env(tmp_path)
        first, second = Submission(env.unit), Submission(env.unit)
        with AppClient(env.app) as client:
            assert send_report(client, first)[0] == 201

            primary.stop("immediate")
            assert send_report(client, second)[0] == 503  # no primary: the standby is read-only
            # read-write only: the pool takes no connection to the standby, and
            # the health check says so to the load balancer
            assert client.get("/healthz").status_code == 503

            standby.promote()
            assert healthy_again(client)
            assert send_report(client, second)[0] == 201  # the very report refused before
            assert found(client, first) == 200
            assert found(client, second) == 200
        assert standby.read(name, "SELECT count(*) FROM cases") == [(2,)]
