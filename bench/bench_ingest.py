"""Ingest under load: 32 reporter clients against real ``peluit serve`` processes.

Run: .venv/bin/python -m bench.bench_ingest [--quick] [--backend sqlite|postgres]
         [--servers K] [--layout workers|ports] [--pow-bits B]
     .venv/bin/python -m bench.bench_ingest --matrix [--quick] [--pow-bits B]
Writes bench/results/ingest.json (``--matrix``: every configuration under
``"configs"``, the first one, SQLite with one server, also at the top level
where bench/run.py reads it) and prints a short table.

One configuration:

- **Servers**: ``--servers K`` server processes. ``--layout workers`` (the
  default) is ``peluit serve --workers K``: uvicorn's supervisor and K
  spawned workers sharing one listening socket, the kernel handing each new
  connection to whichever worker accepts first. That is what one machine
  runs (docs/scale.md), so it answers the issue's question, "does a second
  process use the second core?", including the one cost a deployment pays
  and an idealised setup would hide: an uneven share of connections between
  the workers (the per-process CPU shows it). ``--layout ports`` starts K
  separate ``peluit serve`` processes on their own ports with the clients
  spread evenly over them (what K machines behind a balancer look like,
  minus the balancer). K > 1 needs the shared state: a ``redis-server``
  (memory only, bench/redis_server.py) is started for the run; K = 1 keeps
  the state in the process's memory, today's default (``--state redis``
  uses Redis for K = 1 too).
- **Backend**: ``sqlite`` (the data folder) or ``postgres``: a PostgreSQL 15
  started as the tests start it (bench/postgres_server.py: unix socket,
  ``fsync`` on), a fresh migrated database per configuration.
- **Clients** (bench/ingest_clients.py): 32 threads in ``--processes`` (4)
  forked processes. Both proofs of work of every report (the upload
  session's and the report's own) are solved before the timed window (the
  client's cost; challenges live 15 minutes), its cost shown separately.
  Inside the window each report is ``POST /api/uploads`` then ``POST
  /api/cases`` (tip of about 6.5 KB ciphertext), durable before ``201``.
- **Proof-of-work price**: the server runs with ``PELUIT_POW_BITS`` and
  ``PELUIT_POW_MAX_BITS`` both at ``--pow-bits`` (16, the default price):
  the price does not rise with volume. Otherwise 640 reports to one unit
  are, by design, a flood (20 reports per unit in 10 minutes at the base
  price, one more bit per doubling, up to 20 bits): the prepared
  solutions stop being accepted after about 40, and every later report
  solves a 17-20 bit puzzle inside the window, which measures the client's
  pure-Python SHA-256, not the server (before 2026-12-03 this benchmark
  did that: 5 reports/s). The server's check costs one hash whatever the
  bits; ``--pow-bits 12`` only makes the preparation sixteen times shorter.
- **CPU** from /proc (bench/proc_cpu.py), over the window: every server
  process (supervisor and workers, each worker's share listed), the
  database's processes (PostgreSQL's postmaster and all its backends and
  helpers; SQLite runs inside the servers), Redis, the client processes,
  and the whole machine (``/proc/stat``), so what other work on the
  machine took shows too.
- **Baselines, same run, next to each configuration**: single-row commits
  per second on the configuration's engine (bench/raw_commits.py, same
  payload), and the same two requests from the same clients against an app
  that does nothing (bench/noop_app.py), served by the same uvicorn with
  the same K: the HTTP stack's ceiling on this machine.
- TCP_NODELAY (docs/design.md, implementation notes): h11 keep-alive
  connections could wait on Nagle's algorithm; asyncio sets TCP_NODELAY on
  every accepted socket since Python 3.6, which this checks by timing
  sequential keep-alive requests.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from bench.ingest_clients import CLIENTS, Window, keepalive_latency_ms, prepare_all, send_all
from bench.ingest_table import flat, scaling, table
from bench.live_server import LiveServer, prepare_data
from bench.noop_app import NoopServer
from bench.postgres_server import PgServer, running_server
from bench.proc_cpu import cpu_seconds, machine_busy_seconds, tree_cpu_seconds
from bench.raw_commits import raw_postgres_commits, raw_sqlite_commits
from bench.redis_server import start_redis
from crypto.b64 import b64u_decode
from reporter.http_client import ApiClient

RESULTS = Path(__file__).parent / "results" / "ingest.json"
MATRIX = (("sqlite", 1), ("sqlite", 2), ("postgres", 1), ("postgres", 2))
PAYLOAD = 6500


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


class Servers:
    """K server processes (one ``--workers K`` or K on their own ports) and their CPU."""

    def __init__(self, servers: list[LiveServer]) -> None:
        self.servers = servers

    @property
    def bases(self) -> list[str]:
        return [s.base for s in self.servers]

    def processes(self) -> dict[int, float]:
        """CPU seconds so far of every process that runs requests (the workers)."""
        found: dict[int, float] = {}
        for server in self.servers:
            workers = server.worker_pids() if "--workers" in server.command() else []
            for pid in workers or [server.pid]:
                found[pid] = cpu_seconds(pid)
        return found

    def cpu_seconds(self) -> float:
        return sum(tree_cpu_seconds(s.pid) for s in self.servers)

    def __enter__(self) -> Servers:
        try:
            for server in self.servers:
                server.start()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        for server in self.servers:
            server.stop()


def peluit_servers(data: Path, env: dict[str, str], k: int, layout: str) -> Servers:
    if layout == "workers":
        return Servers([LiveServer(data, env=env, serve_args=("--workers", str(k)))])
    return Servers([LiveServer(data, env=env) for _ in range(k)])


def noop_servers(k: int, layout: str) -> Servers:
    return Servers([NoopServer(k)] if layout == "workers" else [NoopServer(1) for _ in range(k)])


def measured(
    servers: Servers, others: dict[str, int], reports: list[Any], procs: int
) -> dict[str, Any]:
    """Send every report (the window) and read every CPU clock around it."""
    roots = {name: pid for name, pid in others.items() if pid}

    def clocks() -> tuple[dict[str, float], dict[int, float], float, float]:
        spent = {name: tree_cpu_seconds(pid) for name, pid in roots.items()}
        return spent, servers.processes(), servers.cpu_seconds(), machine_busy_seconds()

    window: Window = send_all(servers.bases, reports, procs, clocks)
    (spent0, workers0, server0, machine0), (spent1, workers1, server1, machine1) = window.probed
    server, machine = server1 - server0, machine1 - machine0
    spent = {name: spent1[name] - spent0[name] for name in roots}
    workers = {pid: cpu - workers0.get(pid, 0.0) for pid, cpu in workers1.items()}
    accepted = max(1, len(window.latencies))
    ours = server + sum(spent.values()) + window.client_cpu_s
    return {
        "accepted": len(window.latencies),
        "errors": len(window.errors),
        "error_samples": window.errors[:5],
        "window_s": window.seconds,
        "reports_per_s": len(window.latencies) / window.seconds,
        "p50_ms": 1000 * percentile(window.latencies, 50),
        "p99_ms": 1000 * percentile(window.latencies, 99),
        "cpu_ms_per_report": {
            "server": 1000 * server / accepted,
            **{name: 1000 * used / accepted for name, used in spent.items()},
            "server_and_database": 1000 * (server + sum(spent.values())) / accepted,
            "clients": 1000 * window.client_cpu_s / accepted,
        },
        "worker_cpu_share": sorted(
            (cpu / max(1e-9, sum(workers.values())) for cpu in workers.values()), reverse=True
        ),
        "cores_busy": {
            "server_and_database": (server + sum(spent.values())) / window.seconds,
            "clients": window.client_cpu_s / window.seconds,
            "machine": machine / window.seconds,
            "other_work": max(0.0, machine - ours) / window.seconds,
        },
    }


@contextmanager
def vault_database(pg: PgServer | None) -> Iterator[str]:
    """A fresh PostgreSQL database for one configuration (``""``: SQLite)."""
    if pg is None:
        yield ""
        return
    url = pg.new_database()
    try:
        yield url
    finally:
        pg.drop_database(url)


def prepared_data(data: Path, url: str) -> Any:
    from vault import database

    database.select_database(url or None)
    try:
        return prepare_data(data)
    finally:
        database.close_pools()  # no idle backend of this process during the window
        database.select_database(None)


def run_config(
    backend: str,
    k: int,
    *,
    quick: bool,
    layout: str = "workers",
    state: str = "",
    pow_bits: int = 16,
    processes: int = 4,
    pg: PgServer | None = None,
) -> dict[str, Any]:
    """One configuration, its two baselines next to it; ``pg`` needed for ``postgres``."""
    state = state or ("redis" if k > 1 else "memory")
    total = CLIENTS * (5 if quick else 20)
    raw_seconds = 2.0 if quick else 4.0
    with ExitStack() as stack:
        folder = Path(
            stack.enter_context(
                tempfile.TemporaryDirectory(
                    prefix="peluit-ingest-", dir=os.environ.get("BENCH_DIR")
                )
            )
        )
        url = stack.enter_context(vault_database(pg if backend == "postgres" else None))
        if url:
            raw_db = stack.enter_context(vault_database(pg))
            raw = raw_postgres_commits(raw_db, raw_seconds, PAYLOAD)
        else:
            raw = raw_sqlite_commits(folder, raw_seconds, PAYLOAD)
        env = {
            "PELUIT_POW_BITS": str(pow_bits),
            "PELUIT_POW_MAX_BITS": str(pow_bits),
            "PELUIT_DATABASE_URL": url,  # empty: SQLite, whatever the caller's environment says
            "PELUIT_STATE_URL": "",
        }
        others = {"database": pg.postmaster_pid() if url and pg else 0}
        if state == "redis":
            redis = start_redis()
            stack.callback(redis.stop)
            env["PELUIT_STATE_URL"] = redis.url
            others["redis"] = redis.process.pid
        unit = prepared_data(folder / "var", url)
        with peluit_servers(folder / "var", env, k, layout) as servers:
            client = ApiClient(servers.bases[0])
            salt = b64u_decode(client.json("GET", "/api/instance")["instance_salt"])
            reports, pow_s = prepare_all(servers.bases[0], unit.card, salt, total)
            nodelay_ms = keepalive_latency_ms(servers.servers[0].port)
            result = measured(servers, others, reports, processes)
            rss = servers.servers[0].memory_kib()
        with noop_servers(k, layout) as noop:
            baseline = measured(noop, {}, reports, processes)
    return {
        "backend": backend,
        "servers": k,
        "layout": layout,
        "state": state,
        "clients": CLIENTS,
        "client_processes": processes,
        "reports": total,
        **result,
        "raw_commits_per_s": raw,
        "ratio_to_raw_commits": result["reports_per_s"] / raw,
        "noop": baseline,
        "ratio_to_noop": result["reports_per_s"] / baseline["reports_per_s"],
        "pow_bits": pow_bits,
        "pow_s_per_report_per_core": pow_s,
        "tip_ciphertext_bytes": reports[0].tip_bytes,
        "keepalive_small_request_ms": nodelay_ms,
        "server_rss_kib": rss,
    }


def run_matrix(quick: bool, layout: str, pow_bits: int, processes: int) -> dict[str, Any]:
    from bench.postgres_server import available

    configs = []
    with ExitStack() as stack:
        pg = stack.enter_context(running_server()) if available() else None
        for backend, k in MATRIX:
            if backend == "postgres" and pg is None:
                print("postgres: PostgreSQL 15 is not installed, skipped", flush=True)
                continue
            configs.append(
                run_config(
                    backend,
                    k,
                    quick=quick,
                    layout=layout,
                    pow_bits=pow_bits,
                    processes=processes,
                    pg=pg,
                )
            )
            print(table(configs[-1:]).splitlines()[-1], flush=True)
    return {
        **flat(configs[0]),
        "configs": configs,
        "scaling_k2_over_k1": scaling(configs),
        "cores": os.cpu_count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 reports per client, not 20")
    parser.add_argument(
        "--matrix", action="store_true", help="sqlite and postgres, K = 1 and 2, in one run"
    )
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--servers", type=int, default=1, help="K server processes")
    parser.add_argument("--layout", choices=("workers", "ports"), default="workers")
    parser.add_argument(
        "--state",
        choices=("memory", "redis"),
        default="",
        help="default: memory for K = 1, redis for more",
    )
    parser.add_argument("--pow-bits", type=int, default=16)
    parser.add_argument(
        "--processes", type=int, default=4, help="client processes the 32 clients are spread over"
    )
    args = parser.parse_args()
    if not 1 <= args.processes <= CLIENTS:
        parser.error(f"--processes must be 1 to {CLIENTS}")
    if args.servers > 1 and args.state == "memory":
        parser.error("--servers above 1 needs --state redis")
    if args.matrix:
        result = run_matrix(args.quick, args.layout, args.pow_bits, args.processes)
    else:
        with ExitStack() as stack:
            pg = stack.enter_context(running_server()) if args.backend == "postgres" else None
            config = run_config(
                args.backend,
                args.servers,
                quick=args.quick,
                layout=args.layout,
                state=args.state,
                pow_bits=args.pow_bits,
                processes=args.processes,
                pg=pg,
            )
        result = {**flat(config), "configs": [config]}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(table(result["configs"]))
    if "scaling_k2_over_k1" in result:
        print("K=2 / K=1:", json.dumps(result["scaling_k2_over_k1"]))


if __name__ == "__main__":
    main()
