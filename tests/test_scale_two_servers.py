"""Two real ``peluit serve`` processes on one PostgreSQL and one Redis (docs/scale.md).

The deployment shape of several machines, on one: two child processes
(bench/live_server.py), each on its own port and its own data folder (a copy
of the first: the same pepper, instance salt and staff key, as docs/scale.md
asks of every machine), the same ``PELUIT_DATABASE_URL`` (a PostgreSQL 15 the
tests start, tests/pg_server.py) and the same ``PELUIT_STATE_URL`` (a real
``redis-server``, tests/redis_fixtures.py). It runs in the SQLite run of the
suite too, so every run proves this shape:

- a proof of work spent on A is refused on B;
- a staff session opened on A works on B, and signing out on A ends it on B;
- a report sent to A is found by its receipt on B;
- N+k reports sent at once to both at a daily ceiling of N: exactly N taken,
  their references dense.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyotp
import pytest
from app_fixtures import Submission, case_pow, lookup_body, solved_pow
from threads_at_once import at_once

from bench.live_server import UNIT_ID as UNIT
from bench.live_server import LiveServer, UnitKeys, prepare_data
from vault import staff
from vault.database import DATABASE_URL_ENV, opened

pytestmark = pytest.mark.slow

CEILING = 7  # one report before, then N = 6 of N + k = 12 sent at once
AT_ONCE, EXTRA = 6, 6
PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
COOKIE = "peluit-konsol"  # plain http on 127.0.0.1 (web/console/auth.py)


@dataclass
class Cluster:
    a: LiveServer
    b: LiveServer
    unit: UnitKeys
    data: Path
    totp: pyotp.TOTP


@pytest.fixture
def cluster(
    tmp_path: Path, pg_url: str, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Cluster]:
    monkeypatch.setenv(DATABASE_URL_ENV, pg_url)  # this process's own checks, too
    data_a, data_b = tmp_path / "a", tmp_path / "b"
    unit = prepare_data(data_a, ceiling=CEILING)
    with opened(data_a / "vault.sqlite3") as db:
        _, secret = staff.create_user(db, "ani", "inspector", unit_ids=(UNIT,), password=PASSWORD)
    shutil.copytree(data_a, data_b, ignore=shutil.ignore_patterns("serving.lock"))
    env = {
        "PELUIT_POW_BITS": "8",
        "PELUIT_POW_MAX_BITS": "12",
        DATABASE_URL_ENV: pg_url,
        "PELUIT_STATE_URL": redis_url,
    }
    a = LiveServer(data_a, env=env, log=tmp_path / "a.log")
    b = LiveServer(data_b, env=env, log=tmp_path / "b.log")
    a.start()
    try:
        b.start()
        yield Cluster(a, b, unit, data_a, pyotp.TOTP(secret.reveal()))
    finally:
        b.stop()
        a.stop()
    for log in ("a.log", "b.log"):
        assert "Traceback" not in (tmp_path / log).read_text(errors="replace")
    # Neither process made a SQLite vault of its own: both wrote to PostgreSQL.
    assert not list(tmp_path.rglob("vault.sqlite3*"))


def client(server: LiveServer) -> httpx.Client:
    return httpx.Client(base_url=server.base, timeout=60)


def submit(on: httpx.Client, report: Submission) -> httpx.Response:
    opened_upload = on.post("/api/uploads", json={"pow": solved_pow(on)})
    assert opened_upload.status_code == 200, opened_upload.text
    body = report.case_body(opened_upload.json()["upload"], pow=case_pow(on, UNIT))
    return on.post("/api/cases", json=body)


def csrf(on: httpx.Client, page: str, cookie: str | None = None) -> str:
    headers = {"Cookie": f"{COOKIE}={cookie}"} if cookie else {}
    found = CSRF.search(on.get(page, headers=headers).text)
    assert found, f"no CSRF token on {page}"
    return found.group(1)


def test_two_server_processes_share_one_postgresql_and_one_redis(cluster: Cluster) -> None:
    with client(cluster.a) as on_a, client(cluster.b) as on_b:
        # A proof of work spent on A is refused on B.
        paid = solved_pow(on_a)
        assert on_a.post("/api/uploads", json={"pow": paid}).status_code == 200
        again = on_b.post("/api/uploads", json={"pow": paid})
        assert again.status_code == 400 and again.json()["error"] == "pow_spent"

        # A staff session opened on A works on B until signed out on A.
        form = {"username": "ani", "password": PASSWORD, "totp": cluster.totp.now()}
        signed_in = on_a.post("/konsol/masuk", data={"csrf": csrf(on_a, "/konsol/masuk"), **form})
        assert signed_in.status_code == 303, signed_in.text
        session = signed_in.cookies[COOKIE]
        on_a.cookies.clear()  # each request names its session itself
        cases = on_b.get("/konsol/kasus", headers={"Cookie": f"{COOKIE}={session}"})
        assert cases.status_code == 200
        out = on_a.post(
            "/konsol/keluar",
            data={"csrf": csrf(on_b, "/konsol/kasus", session)},
            headers={"Cookie": f"{COOKIE}={session}"},
        )
        assert out.status_code == 303
        ended = on_b.get("/konsol/kasus", headers={"Cookie": f"{COOKIE}={session}"})
        assert ended.status_code == 303 and ended.headers["location"].endswith("/masuk")

        # A report sent to A is found by its receipt on B.
        report = Submission(cluster.unit)  # type: ignore[arg-type]  # a card and keys
        assert submit(on_a, report).status_code == 201
        found = on_b.post("/api/case", json=lookup_body(on_b), headers=report.authorization())
        assert found.status_code == 200, found.text
        assert found.json()["status"] == "diterima"

        # N + k reports at once to both processes: the ceiling holds exactly.
        ready = []
        for i in range(AT_ONCE + EXTRA):
            on = (on_a, on_b)[i % 2]
            upload = on.post("/api/uploads", json={"pow": solved_pow(on)})
            assert upload.status_code == 200, upload.text
            sub = Submission(cluster.unit)  # type: ignore[arg-type]
            ready.append((on, sub.case_body(upload.json()["upload"], pow=case_pow(on, UNIT))))
        answers = at_once([(lambda on=on, b=b: on.post("/api/cases", json=b)) for on, b in ready])
    assert all(isinstance(a, httpx.Response) for a in answers), answers
    codes = sorted(a.status_code for a in answers)  # type: ignore[attr-defined]
    assert codes == [201] * AT_ONCE + [429] * EXTRA
    with opened(cluster.data / "vault.sqlite3") as db:
        references = [r[0] for r in db.execute("SELECT reference FROM cases ORDER BY reference")]
    year = references[0].split("-")[1]
    assert references == [f"WBS-{year}-{n:04d}" for n in range(1, CEILING + 1)]
