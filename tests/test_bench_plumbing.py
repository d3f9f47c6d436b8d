"""The ingest benchmark's own parts work (bench/bench_ingest.py); no timing is asserted.

- the no-op baseline app, served by uvicorn with two workers like
  ``peluit serve --workers 2``, answers the benchmark's two requests the
  way Peluit does, and its worker processes are found for the CPU count;
- the process-tree CPU reading covers children (PostgreSQL's backends,
  uvicorn's workers);
- the raw PostgreSQL baseline really commits rows over the unix socket.
"""

from __future__ import annotations

import os
import subprocess
import sys

import psycopg
import pytest
from pg_server import PgServer

from bench.noop_app import NoopServer
from bench.proc_cpu import cpu_seconds, descendants, tree_cpu_seconds
from bench.raw_commits import raw_postgres_commits
from reporter.http_client import ApiClient

pytestmark = pytest.mark.slow


def test_the_noop_app_answers_the_two_requests_with_two_workers() -> None:
    with NoopServer(2) as server:
        workers = server.worker_pids()
        assert len(workers) == 2
        assert set(workers) <= set(descendants(server.pid))
        client = ApiClient(server.base)
        paid = {"challenge": "AAAA", "nonce": "AAAA"}
        opened = client.json("POST", "/api/uploads", {"pow": paid})
        created = client.json("POST", "/api/cases", {"upload": opened["upload"], "pow": paid})
        assert created["status"] == "diterima"
        assert tree_cpu_seconds(server.pid) >= cpu_seconds(server.pid, reaped=False)


def test_the_tree_of_a_process_holds_its_live_children() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"],
                             stdin=subprocess.PIPE)  # fmt: skip
    try:
        assert child.pid in descendants(os.getpid())
    finally:
        child.communicate(b"")
    assert child.pid not in descendants(os.getpid())


def test_the_raw_postgres_baseline_commits_rows(pg_server: PgServer) -> None:
    url = pg_server.new_database()
    try:
        assert raw_postgres_commits(url, 0.2, 6500) > 0
        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT count(*), min(length(body)) FROM raw_commits").fetchone()
        assert row is not None and row[0] >= 1 and row[1] == 6500
    finally:
        pg_server.drop_database(url)
