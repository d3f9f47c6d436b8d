"""``peluit serve --workers N``: several processes on one port, one data folder, one Redis.

A real ``peluit serve --workers 2`` (bench/live_server.py) on a real Redis
(tests/redis_fixtures.py) takes reports from concurrent clients; every
acknowledged report reads back whole. Without ``PELUIT_STATE_URL`` more than
one worker is refused before anything starts.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from bench.live_server import LiveServer, prepare_data
from bench.reporter_load import PreparedReport, prepare_report, read_back, send_report
from crypto.b64 import b64u_decode
from reporter.http_client import ApiClient
from vault.consistency import check_folder
from web.cli import main

pytestmark = pytest.mark.slow

CLIENTS = 4
REPORTS_EACH = 3


def test_two_workers_with_redis_take_reports(tmp_path: Path, redis_url: str) -> None:
    data = tmp_path / "var"
    unit = prepare_data(data)
    env = {"PELUIT_POW_BITS": "8", "PELUIT_POW_MAX_BITS": "12", "PELUIT_STATE_URL": redis_url}
    server = LiveServer(data, env=env, log=tmp_path / "serve.log", serve_args=("--workers", "2"))
    server.start()
    try:
        assert len(server.worker_pids()) == 2
        salt = b64u_decode(ApiClient(server.base).json("GET", "/api/instance")["instance_salt"])
        sent: list[PreparedReport] = []
        lock = threading.Lock()

        def reporter() -> None:
            client = ApiClient(server.base)
            for _ in range(REPORTS_EACH):
                report = prepare_report(client, unit.card, salt)
                assert send_report(client, report)["status"] == "diterima"
                with lock:
                    sent.append(report)

        threads = [threading.Thread(target=reporter) for _ in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        assert len(sent) == CLIENTS * REPORTS_EACH
        for report in sent:  # each lookup may land on either worker
            case = read_back(server.base, report, unit.xwing)
            assert report.marker.encode() in case["tip"]
    finally:
        server.stop()
    assert check_folder(data).ok


def test_several_workers_without_shared_state_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PELUIT_STATE_URL", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    data = tmp_path / "var"
    prepare_data(data)
    assert main(["--data", str(data), "serve", "--workers", "2"]) == 1
    err = capsys.readouterr().err
    assert "error: --workers 2 needs PELUIT_STATE_URL" in err
    assert "hint: set PELUIT_STATE_URL" in err
    monkeypatch.setenv("LANG", "id_ID.UTF-8")
    assert main(["--data", str(data), "serve", "--workers", "2"]) == 1
    assert "error: --workers 2 memerlukan PELUIT_STATE_URL" in capsys.readouterr().err


def test_a_redis_that_writes_to_disk_stops_serve(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from redis_fixtures import start_redis

    server = start_redis("--appendonly", "yes")
    try:
        monkeypatch.setenv("PELUIT_STATE_URL", server.url)
        data = tmp_path / "var"
        prepare_data(data)
        assert main(["--data", str(data), "serve", "--workers", "2"]) == 1
        err = capsys.readouterr().err
        assert 'error: Redis writes to disk: run it with save "" and appendonly no' in err
        assert "error: Redis menyimpan ke disk" in err
    finally:
        server.stop()
