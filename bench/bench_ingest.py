"""Ingest under load: 32 concurrent reporter clients against a real ``peluit serve``.

Run: .venv/bin/python -m bench.bench_ingest [--quick]
Writes bench/results/ingest.json.

- The server is a child process (``python -m web.cli serve``, uvicorn's
  default h11 + asyncio loop: uvloop and httptools are not installed) on a
  data folder in the system temp dir, with the default proof of work (16 bits).
- The 32 clients are threads spread over ``--processes`` client processes
  (default 4, eight threads each; forked after the reports are prepared, so
  every process sends reports made by the same code). In one process the 32
  threads took turns on one GIL, which added up to several GIL switch
  intervals (5 ms each) to a report's measured latency; ``--processes 1``
  gives that setup back. The work per report is the same either way.
- Each client thread uses the reporter client's code (bench/reporter_load.py):
  the proof of work is solved by ``reporter.transport.solve_pow`` **before**
  the timed window (it is the client's cost; challenges live 15 minutes),
  its cost per report is measured and reported separately. Inside the
  window each report is ``POST /api/uploads`` (spends the proof of work)
  then ``POST /api/cases`` (tip of about 6.5 KB ciphertext: a 3 KB JSON tip
  padded to 4 KiB and sealed to two recipients), each durable before 201.
- Baseline, same run, same disk: single-row INSERT + COMMIT in a loop on a
  SQLite file in WAL with ``synchronous=FULL`` (payload of the same size).
- TCP_NODELAY (docs/design.md, implementation notes): h11 keep-alive connections could wait on
  Nagle's algorithm; asyncio sets TCP_NODELAY on every accepted socket since
  Python 3.6, which this checks by timing sequential keep-alive requests.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import sqlite3
import statistics
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from bench.live_server import LiveServer, prepare_data
from bench.reporter_load import PreparedReport, prepare_report, send_report
from crypto.b64 import b64u_decode
from crypto.unit_card import UnitCard
from reporter.http_client import ApiClient
from reporter.transport import solve_pow

RESULTS = Path(__file__).parent / "results" / "ingest.json"
CLIENTS = 32


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def raw_sqlite_commits(folder: Path, seconds: float, payload: int) -> float:
    """Single-row commits per second, WAL + synchronous=FULL, on ``folder``'s disk."""
    path = folder / "raw.sqlite3"
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB)")
    blob = os.urandom(payload)
    n = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (body) VALUES (?)", [blob])
        conn.execute("COMMIT")
        n += 1
    elapsed = time.perf_counter() - start
    conn.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return n / elapsed


def _solve_many(args: tuple[str, int]) -> list[dict[str, str]]:
    base, count = args
    client = ApiClient(base)
    return [solve_pow(client) for _ in range(count)]


def prepare_all(
    base: str, card: UnitCard, salt: bytes, total: int
) -> tuple[list[PreparedReport], float]:
    """Solve every proof of work in two processes (two cores), then seal every tip.

    Returns the reports and the proof-of-work seconds per report on one core.
    """
    halves = [total // 2, total - total // 2]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(2) as pool:
        solutions = [s for part in pool.map(_solve_many, [(base, n) for n in halves]) for s in part]
    pow_s = 2 * (time.perf_counter() - t0) / total
    client = ApiClient(base)
    return [prepare_report(client, card, salt, s) for s in solutions], pow_s


def keepalive_latency_ms(port: int, n: int = 50) -> float:
    """Median time of a small POST on one keep-alive connection (Nagle would show ~40 ms)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    times = []
    for _ in range(n):
        start = time.perf_counter()
        conn.request("POST", "/api/pow", body=b"{}", headers={"Content-Type": "application/json"})
        conn.getresponse().read()
        times.append(time.perf_counter() - start)
    conn.close()
    return 1000 * statistics.median(times)


_REPORTS: list[PreparedReport] = []  # inherited by the forked client processes


def _client_process(base: str, indexes: list[list[int]], gate: Any, out: Any) -> None:
    """One client process: a thread per client, each sending its reports in turn."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    ready = threading.Barrier(len(indexes) + 1)

    def worker(mine: list[int]) -> None:
        api = ApiClient(base)
        ready.wait()
        for i in mine:
            t = time.perf_counter()
            try:
                answer = send_report(api, _REPORTS[i])
                ok = answer.get("status") == "diterima"
            except Exception as failed:
                ok, answer = False, {"error": type(failed).__name__}
            elapsed = time.perf_counter() - t
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors.append(str(answer)[:200])

    threads = [threading.Thread(target=worker, args=(mine,)) for mine in indexes]
    for thread in threads:
        thread.start()
    gate.wait()  # every process's threads are up: go
    ready.wait()
    for thread in threads:
        thread.join()
    out.put((latencies, errors))


def send_all(
    base: str, reports: list[PreparedReport], processes: int
) -> tuple[list[float], list[str], float]:
    """Send every report from CLIENTS clients in ``processes`` processes; the timed window."""
    global _REPORTS
    _REPORTS = reports
    ctx = multiprocessing.get_context("fork")
    gate = ctx.Barrier(processes + 1)
    out = ctx.Queue()
    clients = [list(range(c, len(reports), CLIENTS)) for c in range(CLIENTS)]
    children = [
        ctx.Process(target=_client_process, args=(base, clients[p::processes], gate, out))
        for p in range(processes)
    ]
    for child in children:
        child.start()
    gate.wait()
    t0 = time.perf_counter()
    parts = [out.get() for _ in children]
    window = time.perf_counter() - t0
    for child in children:
        child.join()
    latencies = [x for part, _ in parts for x in part]
    errors = [e for _, part in parts for e in part]
    return latencies, errors, window


def run(quick: bool, processes: int = 4) -> dict[str, Any]:
    per_client = 5 if quick else 20
    total = CLIENTS * per_client
    with tempfile.TemporaryDirectory(prefix="peluit-ingest-", dir=os.environ.get("BENCH_DIR")) as d:
        folder = Path(d)
        raw = raw_sqlite_commits(folder, 3.0 if quick else 6.0, 6500)
        data = folder / "var"
        unit = prepare_data(data)
        server = LiveServer(data)
        with server:
            base = server.base
            client = ApiClient(base)
            salt = b64u_decode(client.json("GET", "/api/instance")["instance_salt"])
            difficulty = client.json("POST", "/api/pow", {})["difficulty"]
            reports, pow_s = prepare_all(base, unit.card, salt, total)
            nodelay_ms = keepalive_latency_ms(server.port)

            c0 = server.cpu_seconds()
            latencies, errors, window = send_all(base, reports, processes)
            cpu = server.cpu_seconds() - c0
            rss = server.memory_kib()
        rate = len(latencies) / window
        return {
            "clients": CLIENTS,
            "reports": total,
            "accepted": len(latencies),
            "errors": len(errors),
            "error_samples": errors[:5],
            "window_s": window,
            "reports_per_s": rate,
            "p50_ms": 1000 * percentile(latencies, 50),
            "p99_ms": 1000 * percentile(latencies, 99),
            "raw_sqlite_commits_per_s": raw,
            "ratio": rate / raw,
            "pow_bits": difficulty,
            "pow_s_per_report_per_core": pow_s,
            "tip_ciphertext_bytes": reports[0].tip_bytes,
            "keepalive_small_request_ms": nodelay_ms,
            "client_processes": processes,
            "server_cpu_ms_per_report": 1000 * cpu / max(1, len(latencies)),
            "server_rss_kib": rss,
            "pow_in_window": False,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 reports per client, not 20")
    parser.add_argument(
        "--processes", type=int, default=4, help="client processes the 32 clients are spread over"
    )
    args = parser.parse_args()
    if not 1 <= args.processes <= CLIENTS:
        parser.error(f"--processes must be 1 to {CLIENTS}")
    result = run(args.quick, args.processes)
    print(json.dumps(result, indent=2))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
