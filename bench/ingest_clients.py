"""The ingest benchmark's clients: reports prepared before the window, sent by 32 threads.

- :func:`prepare_all`: both proofs of work of every report (the upload
  session's and the report's own, ``purpose: case`` for the unit) solved
  with ``reporter.transport``'s code in two processes, then every tip
  sealed and every receipt derived in this process. All of it is the
  client's cost, outside the timed window.
- :func:`send_all`: the timed window. The clients are threads spread over
  several forked processes (in one process 32 threads took turns on one
  GIL, which added several switch intervals to each measured latency);
  each thread sends its reports in turn with ``send_report`` (``POST
  /api/uploads``, ``POST /api/cases``, each a new connection as the
  reporter client makes them). ``bases`` spreads the clients round-robin
  over several addresses when there are several. Each process also
  reports the CPU time it used in the window (``time.process_time``, all
  its threads), so the benchmark can say how much of the machine the
  clients took.
"""

from __future__ import annotations

import http.client
import multiprocessing
import statistics
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from bench.reporter_load import PreparedReport, prepare_report, send_report
from crypto.unit_card import UnitCard
from reporter.http_client import ApiClient
from reporter.transport import solve_pow

CLIENTS = 32

Pow = dict[str, str]


def _solve_many(args: tuple[str, str, int]) -> list[tuple[Pow, Pow]]:
    base, unit_id, count = args
    client = ApiClient(base)
    return [(solve_pow(client), client.solve_pow("case", unit_id)) for _ in range(count)]


def prepare_all(
    base: str, card: UnitCard, salt: bytes, total: int
) -> tuple[list[PreparedReport], float]:
    """Solve both proofs of work of every report in two processes, then seal every tip.

    Returns the reports and the proof-of-work seconds per report on one core.
    """
    halves = [total // 2, total - total // 2]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(2) as pool:
        parts = pool.map(_solve_many, [(base, card.unit_id, n) for n in halves])
        solutions = [pair for part in parts for pair in part]
    pow_s = 2 * (time.perf_counter() - t0) / total
    client = ApiClient(base)
    reports = [prepare_report(client, card, salt, up, case) for up, case in solutions]
    return reports, pow_s


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


@dataclass
class Window:
    """What the clients saw in the timed window."""

    latencies: list[float]
    errors: list[str]
    seconds: float
    client_cpu_s: float
    probed: tuple[Any, Any]  # what ``probe`` read as the window opened and closed


_REPORTS: list[PreparedReport] = []  # inherited by the forked client processes


def _client_process(
    bases: list[str], indexes: list[tuple[int, list[int]]], gate: Any, out: Any
) -> None:
    """One client process: a thread per client, each sending its reports in turn."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    ready = threading.Barrier(len(indexes) + 1)

    def worker(client: int, mine: list[int]) -> None:
        api = ApiClient(bases[client % len(bases)])
        ready.wait()
        for i in mine:
            t = time.perf_counter()
            try:
                answer = send_report(api, _REPORTS[i])
                ok = answer.get("status") == "diterima"
            except Exception as failed:
                ok, answer = False, {"error": type(failed).__name__, "text": str(failed)}
            elapsed = time.perf_counter() - t
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors.append(str(answer)[:200])

    threads = [threading.Thread(target=worker, args=pair) for pair in indexes]
    for thread in threads:
        thread.start()
    gate.wait()  # every process's threads are up: go
    cpu = time.process_time()
    ready.wait()
    for thread in threads:
        thread.join()
    out.put((latencies, errors, time.process_time() - cpu))


def send_all(
    bases: list[str],
    reports: list[PreparedReport],
    processes: int,
    probe: Callable[[], Any] = lambda: None,
) -> Window:
    """Send every report from CLIENTS clients in ``processes`` processes; the timed window.

    ``probe`` (e.g. CPU clocks) is read right as the window opens and right after it closes.
    """
    global _REPORTS
    _REPORTS = reports
    ctx = multiprocessing.get_context("fork")
    gate = ctx.Barrier(processes + 1)
    out = ctx.Queue()
    clients = [(c, list(range(c, len(reports), CLIENTS))) for c in range(CLIENTS)]
    children = [
        ctx.Process(target=_client_process, args=(bases, clients[p::processes], gate, out))
        for p in range(processes)
    ]
    for child in children:
        child.start()
    gate.wait()
    before = probe()
    t0 = time.perf_counter()
    parts = [out.get() for _ in children]
    window = time.perf_counter() - t0
    after = probe()
    for child in children:
        child.join()
    return Window(
        latencies=[x for part, _, _ in parts for x in part],
        errors=[e for _, part, _ in parts for e in part],
        seconds=window,
        client_cpu_s=sum(cpu for _, _, cpu in parts),
        probed=(before, after),
    )
