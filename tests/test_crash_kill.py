"""SIGKILL at random moments under concurrent submissions loses no acknowledged report.

A real ``peluit serve`` process on 127.0.0.1 (bench/live_server.py) takes
reports from eight client threads that use the reporter client's code
(bench/reporter_load.py: proof of work, a real receipt code, a sealed tip).
At a random moment the server is killed with SIGKILL, then started again on
the same data folder, ``KILLS`` times. After every restart:

- every report that was acknowledged (``201``) so far is found with its
  receipt through the API, and its tip decrypts with the unit key and holds
  the report's marker;
- the folder is whole (vault/consistency.py): ``integrity_check`` ok, every
  envelope row has its ciphertext pieces of the right size, every piece
  belongs to an envelope or a staged upload, no case without its tip;
- no file exists per report (the ciphertext is rows), so none keeps a time.

In the ``PELUIT_TEST_BACKEND=postgres`` run the server (started with this
process's environment) writes to the test's PostgreSQL database, and the
checks read that database: no SQLite file appears in the data folder.

Proof of work is 8 bits here instead of 16: the clients solve thousands of
challenges in pure Python; the server's verification path is the same.
"""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path

import pytest

from bench.live_server import LiveServer, prepare_data
from bench.reporter_load import PreparedReport, prepare_report, read_back, send_report
from crypto.b64 import b64u_decode
from reporter.http_client import ApiClient
from vault.consistency import check_folder
from vault.database import is_postgres

pytestmark = pytest.mark.slow

KILLS = 12
CLIENTS = 8
FIXED_NAMES = {
    "vault.sqlite3",
    "vault.sqlite3-wal",
    "vault.sqlite3-shm",
    "vault.sqlite3-writer.lock",
    "staging",
    "pepper",
    "instance_salt",
    "serving.lock",
}


class Load:
    """Client threads submitting until told to stop; acknowledged reports are kept."""

    def __init__(self, base: str, card: object, salt: bytes) -> None:
        self.base, self.card, self.salt = base, card, salt
        self.acknowledged: list[PreparedReport] = []
        self.failures = 0
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def worker(self) -> None:
        client = ApiClient(self.base)
        while not self.stop.is_set():
            try:
                report = prepare_report(client, self.card, self.salt)  # type: ignore[arg-type]
                answer = send_report(client, report)
            except Exception:  # the server was killed under us: not acknowledged
                with self.lock:
                    self.failures += 1
                time.sleep(0.05)
                continue
            assert answer["status"] == "diterima"
            with self.lock:
                self.acknowledged.append(report)

    def run_until_killed(self, server: LiveServer, after: float) -> None:
        self.stop.clear()
        threads = [threading.Thread(target=self.worker) for _ in range(CLIENTS)]
        for thread in threads:
            thread.start()
        time.sleep(after)
        server.kill()
        self.stop.set()
        for thread in threads:
            thread.join(timeout=180)
            assert not thread.is_alive()


def check_everything(server: LiveServer, data: Path, load: Load, unit_key: object) -> None:
    for report in load.acknowledged:
        case = read_back(server.base, report, unit_key)  # type: ignore[arg-type]
        assert report.marker.encode() in case["tip"]
        assert case["status"] == "diterima"
    report = check_folder(data)
    assert report.ok, report.problems
    assert report.cases >= len(load.acknowledged)
    names = {p.name for p in data.rglob("*")}
    per_report = names - FIXED_NAMES - {"cuti_bersama.json", "staff_key"}
    assert per_report == set(), "a file was made for a report"
    if is_postgres():  # the server wrote to PostgreSQL, as the checks above read it
        assert not {"vault.sqlite3", "vault.sqlite3-wal"} & names


def test_sigkill_under_load_loses_no_acknowledged_report(tmp_path: Path) -> None:
    data = tmp_path / "var"
    unit = prepare_data(data)
    log = tmp_path / "server.log"
    server = LiveServer(data, env={"PELUIT_POW_BITS": "8"}, log=log)
    server.start()
    salt = b64u_decode(ApiClient(server.base).json("GET", "/api/instance")["instance_salt"])
    load = Load(server.base, unit.card, salt)
    rng = random.Random()
    acknowledged_per_round = []
    try:
        for _ in range(KILLS):
            before = len(load.acknowledged)
            load.run_until_killed(server, after=rng.uniform(0.5, 2.5))
            acknowledged_per_round.append(len(load.acknowledged) - before)
            server.start()  # same data folder, same port; the startup sweep runs
            check_everything(server, data, load, unit.xwing)
    finally:
        server.stop()
    print(
        f"kills={KILLS} acknowledged={len(load.acknowledged)} per round={acknowledged_per_round}"
        f" failed attempts={load.failures}"
    )
    assert server.starts == KILLS + 1
    assert len(load.acknowledged) >= KILLS  # the load really ran between kills
    assert "Traceback" not in log.read_text(errors="replace")
