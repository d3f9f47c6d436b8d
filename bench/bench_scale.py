"""Status lookups and console listings with 100,000 cases in the vault.

Run: .venv/bin/python -m bench.bench_scale [--quick]
Writes bench/results/scale.json.

- Filling: 100,000 cases (10,000 with --quick), each with its tip row and
  first status event, inserted in one ``write_transaction`` through the
  vault's own connection (vault/database.py, every pragma) with the same
  columns ``vault/cases.py`` writes: ``lookup = HMAC(pepper, selector)``
  from ``receipts.derivation.lookup_hash`` with the data folder's real
  pepper, ``validator_hash(validator)``, a real X-Wing public key (one,
  reused), days spread over a year. Blobs are not written: neither
  measured path reads them.
- Status lookups: ``POST /api/case`` over HTTP to a real ``peluit serve``
  with the selector and validator of random existing cases, one client,
  sequential; p50/p99 of the whole request.
- Console listings: ``SqliteConsoleStore.list_cases`` (what ``GET
  /konsol/kasus`` calls; the HTTP page adds its template) for an inspector,
  page 1 of 50, and filtered by status; p50/p99.
- Baseline, same run: one indexed ``SELECT`` by ``lookup`` on the same file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.bench_ingest import percentile
from bench.live_server import LiveServer, prepare_data
from crypto.b64 import b64u_encode
from crypto.xwing import XWingPrivateKey
from receipts.derivation import lookup_hash, validator_hash
from reporter.http_client import ApiClient
from vault.data_folder import DataFolder
from vault.database import opened, write_transaction

RESULTS = Path(__file__).parent / "results" / "scale.json"


def fill(data: Path, unit_id: str, count: int) -> list[tuple[bytes, bytes]]:
    """Insert ``count`` cases; return (selector, validator) of every 500th."""
    pepper = DataFolder(data).pepper()
    public = XWingPrivateKey.generate()[1].public_key().to_bytes()
    start = dt.date(2026, 1, 5)
    kept = []
    with opened(data / "vault.sqlite3") as db, write_transaction(db):
        for n in range(count):
            selector, validator = secrets.token_bytes(32), secrets.token_bytes(32)
            case_id = secrets.token_hex(16)
            day = (start + dt.timedelta(days=n % 360)).isoformat()
            db.conn.execute(
                "INSERT INTO cases (case_id, unit_id, reference, lookup, validator_hash,"
                " reporter_public_key, status, submitted_day, status_day)"
                " VALUES (?, ?, ?, ?, ?, ?, 'diterima', ?, ?)",
                [
                    case_id, unit_id, f"WBS-2026-{n + 1:06d}", lookup_hash(pepper, selector),
                    validator_hash(validator), public, day, day,
                ],
            )  # fmt: skip
            db.conn.execute(
                "INSERT INTO envelopes (item_id, case_id, seq, kind, author, size, day)"
                " VALUES (?, ?, 1, 'tip', 'reporter', 6523, ?)",
                [secrets.token_hex(16), case_id, day],
            )
            db.conn.execute(
                "INSERT INTO status_events (case_id, seq, status, day)"
                " VALUES (?, 1, 'diterima', ?)",
                [case_id, day],
            )
            if n % 500 == 0:
                kept.append((selector, validator))
    return kept


def timed(fn: Any, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def stats(times: list[float]) -> dict[str, float]:
    return {"p50_ms": 1000 * percentile(times, 50), "p99_ms": 1000 * percentile(times, 99)}


def run(quick: bool) -> dict[str, Any]:
    count = 10_000 if quick else 100_000
    with tempfile.TemporaryDirectory(prefix="peluit-scale-", dir=os.environ.get("BENCH_DIR")) as d:
        data = Path(d) / "var"
        unit = prepare_data(data)
        t = time.perf_counter()
        kept = fill(data, unit.card.unit_id, count)
        fill_s = time.perf_counter() - t

        raw_db = sqlite3.connect(data / "vault.sqlite3")
        pepper = DataFolder(data).pepper()
        lookups = [lookup_hash(pepper, s) for s, _ in kept]
        i = iter(range(10**9))
        raw = timed(
            lambda: raw_db.execute(
                "SELECT * FROM cases WHERE lookup = ?", [lookups[next(i) % len(lookups)]]
            ).fetchone(),
            400,
        )
        raw_db.close()

        from vault import staff
        from vault.console_store import open_console_store

        with opened(data / "vault.sqlite3") as db:
            admin, _secret = staff.create_user(
                db, "bench-inspector", "inspector", unit_ids=[unit.card.unit_id], password="x" * 16
            )
        console = open_console_store(data)
        # The first listing of a fresh store pays one-off costs (the holiday
        # calendar's years, the first connection): reported on its own, then
        # 200 listings of each kind (they page in SQL: about 20 ms each).
        first = timed(lambda: console.list_cases(admin, page=1, per_page=50), 1)
        runs = 200
        listing = timed(lambda: console.list_cases(admin, page=1, per_page=50), runs)
        filtered = timed(lambda: console.list_cases(admin, status="diterima", page=3), runs)

        with LiveServer(data) as server:
            times = []
            for n in range(400):
                selector, validator = kept[n % len(kept)]
                auth = f"Peluit {b64u_encode(selector)}.{b64u_encode(validator)}"
                client = ApiClient(server.base, auth)
                t = time.perf_counter()
                case = client.json("POST", "/api/case")
                times.append(time.perf_counter() - t)
                assert case["status"] == "diterima"
    return {
        "cases": count,
        "fill_s": fill_s,
        "fill_cases_per_s": count / fill_s,
        "status_lookup": stats(times),
        "raw_indexed_select": stats(raw),
        "console_list_first_ms": 1000 * first[0],
        "console_list_page1": stats(listing),
        "console_list_filtered": stats(filtered),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 cases instead of 100,000")
    result = run(parser.parse_args().quick)
    print(json.dumps(result, indent=2))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
