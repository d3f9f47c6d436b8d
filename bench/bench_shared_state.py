"""A report's write with the state in memory and in Redis (docs/scale.md).

Run: .venv/bin/python -m bench.bench_shared_state --state-url unix:///PATH/redis.sock [--reports N]

The same real ``peluit serve`` (one process, bench/live_server.py) on a
fresh data folder twice: once with ``PELUIT_STATE_URL`` unset (the state in
its memory), once with it set to the given Redis (which must run with
``save ""`` and ``appendonly no``). One client, sequential reports; each
timed report is ``POST /api/uploads`` (spends a proof of work: the spent
set, the price counters, the challenge keys) then ``POST /api/cases``
(another proof of work, then the durable write). Proofs of work are solved
before the timed window (the client's cost), at the test difficulty of 8
bits. Prints the median and p99 of the two requests together, and the
server's CPU time per report. A quick local measurement, not a test.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench.bench_ingest import percentile
from bench.live_server import LiveServer, prepare_data
from bench.reporter_load import prepare_report, send_report
from crypto.b64 import b64u_decode
from reporter.http_client import ApiClient


def measure(state_url: str, reports: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="peluit-bench-state-") as folder:
        data = Path(folder) / "var"
        unit = prepare_data(data)
        env = {"PELUIT_POW_BITS": "8", "PELUIT_POW_MAX_BITS": "12", "PELUIT_STATE_URL": state_url}
        with LiveServer(data, env=env) as server:
            client = ApiClient(server.base)
            salt = b64u_decode(client.json("GET", "/api/instance")["instance_salt"])
            prepared = [prepare_report(client, unit.card, salt) for _ in range(reports)]
            for report in prepared[:5]:  # warm-up, not timed
                send_report(client, report)
            cpu = server.cpu_seconds()
            times = []
            for report in prepared[5:]:
                started = time.perf_counter()
                send_report(client, report)
                times.append(time.perf_counter() - started)
            cpu = server.cpu_seconds() - cpu
    return {
        "p50_ms": percentile(times, 50) * 1000,
        "p99_ms": percentile(times, 99) * 1000,
        "mean_ms": sum(times) / len(times) * 1000,
        "cpu_ms_per_report": cpu / len(times) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--state-url", required=True)
    parser.add_argument("--reports", type=int, default=205)
    args = parser.parse_args()
    for name, url in (
        ("memory", ""),
        ("redis", args.state_url),
        ("memory", ""),
        ("redis", args.state_url),
    ):
        result = measure(url, args.reports)
        print(name, " ".join(f"{k}={v:.2f}" for k, v in result.items()), flush=True)


if __name__ == "__main__":
    main()
