"""SIGKILL of one worker of ``peluit serve --workers 2`` under load loses no acknowledged report.

A real ``peluit serve --workers 2`` (bench/live_server.py) with a real Redis
takes reports from the client threads of tests/test_crash_kill.py; the vault
is SQLite, or PostgreSQL in the ``PELUIT_TEST_BACKEND=postgres`` run. At a
random moment one worker (not the master) is killed with SIGKILL, ``KILLS``
times. What uvicorn 0.54's supervisor does then, and what this test holds
it to:

- the other worker keeps serving: the listening socket is shared, so the
  very next connection goes to it. A report sent right after the kill is
  acknowledged while the master is held (SIGSTOP, then SIGCONT), so no
  replacement can have answered it;
- the master stays up and replaces the dead worker: it checks its workers
  every half second, and a worker that is gone (exit code -9, not a failed
  start) is started again, so there are two workers again, one of them new;
- every report acknowledged so far reads back whole through the API (from
  either worker), and the vault is consistent (vault/consistency.py).
"""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from pathlib import Path

import pytest
from test_crash_kill import CLIENTS, Load, check_everything

from bench.live_server import LiveServer, prepare_data
from bench.reporter_load import prepare_report, send_report
from crypto.b64 import b64u_decode
from reporter.http_client import ApiClient
from vault.consistency import check_folder

pytestmark = pytest.mark.slow

KILLS = 4
RESTART_SECONDS = 60.0


def replaced(server: LiveServer, dead: int) -> list[int]:
    """Wait until the master runs two workers again, ``dead`` not among them."""
    deadline = time.monotonic() + RESTART_SECONDS
    while time.monotonic() < deadline:
        workers = server.worker_pids()
        if len(workers) == 2 and dead not in workers:
            return workers
        time.sleep(0.05)
    raise AssertionError(f"the master did not replace worker {dead}: {server.worker_pids()}")


def test_sigkill_of_one_worker_under_load_loses_no_acknowledged_report(
    tmp_path: Path, redis_url: str
) -> None:
    data = tmp_path / "var"
    unit = prepare_data(data)
    log = tmp_path / "server.log"
    env = {"PELUIT_POW_BITS": "8", "PELUIT_POW_MAX_BITS": "12", "PELUIT_STATE_URL": redis_url}
    server = LiveServer(data, env=env, log=log, serve_args=("--workers", "2"))
    server.start()
    rng = random.Random()
    try:
        salt = b64u_decode(ApiClient(server.base).json("GET", "/api/instance")["instance_salt"])
        load = Load(server.base, unit.card, salt)
        threads = [threading.Thread(target=load.worker) for _ in range(CLIENTS)]
        for thread in threads:
            thread.start()
        probe = ApiClient(server.base)
        try:
            for _ in range(KILLS):
                time.sleep(rng.uniform(0.5, 2.0))
                workers = server.worker_pids()
                assert len(workers) == 2, workers
                victim = rng.choice(workers)
                report = prepare_report(probe, unit.card, salt)  # paid for before the kill
                os.kill(server.pid, signal.SIGSTOP)  # the master waits: no replacement yet
                try:
                    os.kill(victim, signal.SIGKILL)
                    assert send_report(probe, report)["status"] == "diterima"
                    assert server.worker_pids() == [w for w in workers if w != victim]
                finally:
                    os.kill(server.pid, signal.SIGCONT)
                with load.lock:
                    load.acknowledged.append(report)
                assert replaced(server, victim) != workers
                assert server.proc is not None and server.proc.poll() is None  # the master
        finally:
            load.stop.set()
            for thread in threads:
                thread.join(timeout=180)
        assert not any(thread.is_alive() for thread in threads)
        check_everything(server, data, load, unit.xwing)
    finally:
        server.stop()
    print(f"kills={KILLS} acknowledged={len(load.acknowledged)} failed={load.failures}")
    assert len(load.acknowledged) >= 2 * KILLS  # the load really ran
    assert check_folder(data).ok
    assert "Traceback" not in log.read_text(errors="replace")
