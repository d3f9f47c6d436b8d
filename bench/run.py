"""Run every benchmark and write one table: bench/results/results.md and results.json.

Run: .venv/bin/python -m bench.run [--quick] [--skip NAME ...]

Each benchmark runs as its own process, one after the other (they would
disturb each other's numbers), and writes its JSON into bench/results/;
this runner then reads them all and writes a single table of figures, each
with the baseline measured in the same run on the same machine, the ratio,
the target and whether it was met. A benchmark that fails is listed as
failed; the others still run. ``--quick`` uses small sizes (minutes, not an
hour); its figures are indicative only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"

# name -> (module, full arguments, quick arguments)
BENCHMARKS: dict[str, tuple[str, list[str], list[str]]] = {
    "crypto": ("bench.bench_crypto", [], []),
    "ingest": ("bench.bench_ingest", ["--matrix"], ["--quick"]),
    "large_upload": ("bench.bench_large_upload", [], ["--quick"]),
    "scale": ("bench.bench_scale", [], ["--quick"]),
    "workstation": ("bench.bench_workstation", [], ["--tips", "200", "--attachment-mib", "32"]),
    "browser": ("bench.bench_browser", ["--mib", "100"], ["--mib", "16"]),
    "browser_page": ("bench.bench_browser_page", [], ["--mib", "16", "--runs", "1"]),
}

Row = tuple[str, str, str, str, str, bool | None]  # figure, value, baseline, ratio, target, met


def _load(name: str) -> dict[str, Any] | None:
    path = RESULTS / f"{name}.json"
    if not path.is_file():
        return None
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def rows_ingest(d: dict[str, Any]) -> list[Row]:
    return [*rows_ingest_sqlite(d), *rows_ingest_configs(d)]


def rows_ingest_configs(d: dict[str, Any]) -> list[Row]:
    """One row per configuration of ``bench_ingest --matrix``, and K=2 against K=1."""
    if len(d.get("configs", [])) < 2:
        return []
    out: list[Row] = []
    for c in d["configs"]:
        cpu = c["cpu_ms_per_report"]["server_and_database"]
        out.append(
            (
                f"ingest {c['backend']}, K={c['servers']}: reports/s (p99; CPU per report,"
                " servers + database)",
                f"{c['reports_per_s']:.0f}/s ({c['p99_ms']:.0f} ms; {cpu:.2f} ms)",
                f"no-op app, same K: {c['noop']['reports_per_s']:.0f}/s",
                _pct(c["ratio_to_noop"]),
                "CPU <= 2.65 ms",
                cpu <= 2.65 and c["errors"] == 0,
            )
        )
    for backend, ratio in d.get("scaling_k2_over_k1", {}).items():
        out.append(
            (f"ingest {backend}: K=2 over K=1", f"{ratio:.2f}x", "", "", ">= 1.6x", ratio >= 1.6)
        )
    return out


def rows_ingest_sqlite(d: dict[str, Any]) -> list[Row]:
    return [
        (
            f"ingest: reports/s, {d['clients']} clients, {d['reports']} reports "
            f"(PoW {d['pow_bits']} bits solved before the window)",
            f"{d['reports_per_s']:.0f}/s",
            f"raw SQLite WAL FULL commits {d['raw_sqlite_commits_per_s']:.0f}/s",
            _pct(d["ratio"]),
            ">= 50%",
            d["ratio"] >= 0.5,
        ),
        ("ingest: p50 latency (2 requests)", f"{d['p50_ms']:.0f} ms", "", "", "", None),
        ("ingest: p99 latency", f"{d['p99_ms']:.0f} ms", "", "", "< 100 ms", d["p99_ms"] < 100),
        ("ingest: errors", str(d["errors"]), "", "", "0", d["errors"] == 0),
        (
            "ingest: client PoW per report (one core, Python)",
            f"{d['pow_s_per_report_per_core']:.2f} s",
            "",
            "",
            "",
            None,
        ),
        (
            "keep-alive small request (Nagle/TCP_NODELAY check)",
            f"{d['keepalive_small_request_ms']:.1f} ms",
            "~40 ms if Nagle bit",
            "",
            "no 40 ms stall",
            d["keepalive_small_request_ms"] < 20,
        ),
    ]


def rows_large(d: dict[str, Any]) -> list[Row]:
    mib = d["plaintext_bytes"] >> 20
    return [
        (
            f"{mib} MiB attachment through the server (pieces + commit)",
            f"{d['server_mb_s']:.0f} MB/s",
            f"write + fsync {d['raw_write_one_fsync_mb_s']:.0f} MB/s",
            _pct(d["ratio"]),
            ">= 50%",
            d["ratio"] >= 0.5,
        ),
        (
            "server peak RSS growth during it",
            f"{d['peak_rss_growth_mib']:.0f} MiB",
            "",
            "",
            "< 64 MiB",
            d["peak_rss_growth_mib"] < 64,
        ),
    ]


def rows_scale(d: dict[str, Any]) -> list[Row]:
    n = f"{d['cases']:,}"
    out: list[Row] = []
    for key, label in (
        ("status_lookup", "POST /api/case"),
        ("console_list_page1", "console list_cases page 1"),
        ("console_list_filtered", "console list_cases by status"),
    ):
        s = d[key]
        out.append(
            (
                f"{label}, {n} cases (p50 / p99)",
                f"{s['p50_ms']:.1f} / {s['p99_ms']:.1f} ms",
                f"indexed SELECT p99 {d['raw_indexed_select']['p99_ms']:.2f} ms",
                "",
                "p99 < 50 ms",
                s["p99_ms"] < 50,
            )
        )
    if "console_list_first_ms" in d:
        out.append(
            (
                f"console list_cases, first call of a fresh store, {n} cases",
                f"{d['console_list_first_ms']:.0f} ms",
                "",
                "",
                "",
                None,
            )
        )
    return out


def rows_crypto(d: dict[str, Any]) -> list[Row]:
    e = d["envelope_100mib"]
    raw = e["bytes"] / (e["aes_gcm_encrypt_s"] + e["hpke_seal_s"]) / 1e6
    return [
        (
            "envelope seal 100 MiB (Python)",
            f"{e['seal_mb_s']:.0f} MB/s",
            f"raw AES-GCM + HPKE {raw:.0f} MB/s",
            _pct(1 / (1 + e["seal_overhead"])),
            "",
            None,
        ),
        (
            "receipt derivation profile 1 / 2 (Python)",
            f"{d['derivation_s']['1']:.2f} / {d['derivation_s']['2']:.3f} s",
            "",
            "",
            "",
            None,
        ),
    ]


def rows_workstation(d: dict[str, Any]) -> list[Row]:
    return [
        (
            f"workstation import, {d['tips']} tips + {d['attachment_mib']} MiB",
            f"{d['import_mib_s']:.0f} MiB/s",
            f"raw open {d['raw_mib_s']:.0f} MiB/s",
            _pct(d["import_vs_raw"]),
            ">= 50%",
            d["import_vs_raw"] >= 0.5,
        ),
        (
            "workstation read",
            f"{d['read_mib_s']:.0f} MiB/s",
            f"raw open {d['raw_mib_s']:.0f} MiB/s",
            _pct(d["read_vs_raw"]),
            ">= 50%",
            d["read_vs_raw"] >= 0.5,
        ),
    ]


def rows_browser(d: dict[str, Any]) -> list[Row]:
    out: list[Row] = []
    for r in d["results"]:
        b, engine = r["body"], r["engine"]
        raw = max(b["raw_one_shot_mb_s"], b["raw_chunked_mb_s"])
        out.append(
            (
                f"browser {engine}: envelope.js sealing {b['mib']} MiB (Blob)",
                f"{b['envelope_blob_mb_s']:.0f} MB/s",
                f"raw WebCrypto AES-GCM {raw:.0f} MB/s",
                _pct(b["ratio_blob"]),
                ">= 70%",
                b["ratio_blob"] >= 0.7,
            )
        )
        for profile, x in sorted(r["derive"].items()):
            out.append(
                (
                    f"browser {engine}: receipt derivation profile {profile} ({x['path']})",
                    f"{x['seconds']:.2f} s",
                    f"Argon2id alone {x['argon2_seconds']:.2f} s",
                    "",
                    "",
                    None,
                )
            )
    return out


def rows_browser_page(d: dict[str, Any]) -> list[Row]:
    out: list[Row] = []
    for r in d["results"]:
        u, engine = r["upload"], r["engine"]
        out.append(
            (
                f"browser {engine}: report page, {u['mib']} MiB attachment chosen -> "
                "last piece acknowledged",
                f"{u['page_mb_s']:.0f} MB/s",
                f"raw WebCrypto AES-GCM {u['raw_aes_gcm_mb_s']:.0f} MB/s "
                f"(PUT pieces alone {u['raw_upload_mb_s']:.0f} MB/s)",
                _pct(u["ratio"]),
                ">= 70%",
                u["ratio"] >= 0.7,
            )
        )
        ready = r["ready"]
        fcp = ready.get("fcp", {}).get("best_ms")
        out.append(
            (
                f"browser {engine}: report page, navigation start -> usable form",
                f"{ready['ready']['best_ms']:.0f} ms",
                f"first contentful paint {fcp:.0f} ms" if fcp is not None else "",
                "",
                "",
                None,
            )
        )
    return out


ROWS: dict[str, Callable[[dict[str, Any]], list[Row]]] = {
    "ingest": rows_ingest,
    "large_upload": rows_large,
    "scale": rows_scale,
    "crypto": rows_crypto,
    "workstation": rows_workstation,
    "browser": rows_browser,
    "browser_page": rows_browser_page,
}


def table(rows: list[Row]) -> str:
    lines = [
        "| figure | measured | baseline (same run) | ratio | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for figure, value, base, ratio, target, met in rows:
        mark = "" if met is None else ("met" if met else "**not met**")
        lines.append(f"| {figure} | {value} | {base} | {ratio} | {target} | {mark} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, indicative only")
    parser.add_argument("--skip", action="append", default=[], choices=sorted(BENCHMARKS))
    args = parser.parse_args()
    status: dict[str, str] = {}
    for name, (module, full, quick) in BENCHMARKS.items():
        if name in args.skip:
            status[name] = "skipped (previous results kept)"
            continue
        print(f"== {name}", file=sys.stderr, flush=True)
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", module, *(quick if args.quick else full)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            check=False,
        )
        took = time.monotonic() - started
        status[name] = (
            f"ok in {took:.0f} s" if done.returncode == 0 else f"FAILED ({done.returncode})"
        )
    rows: list[Row] = []
    collected: dict[str, Any] = {}
    for name, make in ROWS.items():
        data = _load(name)
        if data is None:
            status.setdefault(name, "no results")
            continue
        collected[name] = data
        try:
            rows.extend(make(data))
        except (KeyError, TypeError, ValueError) as odd:
            status[name] = f"results unreadable ({type(odd).__name__}: {odd})"
    header = (
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        f"; mode: {'quick' if args.quick else 'full'}.\n\n"
    )
    runs = "\n".join(f"- {name}: {state}" for name, state in status.items())
    text = f"# Benchmark results\n\n{header}{table(rows)}\n\nRuns:\n\n{runs}\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "results.md").write_text(text)
    (RESULTS / "results.json").write_text(
        json.dumps({"mode": "quick" if args.quick else "full", "status": status, "rows": rows,
                    "benchmarks": collected}, indent=1) + "\n"
    )  # fmt: skip
    print(text)


if __name__ == "__main__":
    main()
