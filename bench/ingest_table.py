"""The ingest benchmark's results as bench/run.py reads them and as a table on stdout."""

from __future__ import annotations

from typing import Any


def flat(first: dict[str, Any]) -> dict[str, Any]:
    """The keys bench/run.py has always read, from an SQLite configuration."""
    return {
        **{
            k: first[k]
            for k in (
                "clients",
                "reports",
                "accepted",
                "errors",
                "reports_per_s",
                "p50_ms",
                "p99_ms",
                "pow_bits",
                "pow_s_per_report_per_core",
                "tip_ciphertext_bytes",
                "keepalive_small_request_ms",
            )
        },
        "raw_sqlite_commits_per_s": first["raw_commits_per_s"],
        "ratio": first["ratio_to_raw_commits"],
        "server_cpu_ms_per_report": first["cpu_ms_per_report"]["server"],
        "pow_in_window": False,
    }


def table(configs: list[dict[str, Any]]) -> str:
    head = (
        "| backend | K | reports/s | p50 | p99 | errors | CPU ms/report: server + db (clients)"
        " | cores busy: ours / clients / other work | raw commits/s | vs raw | no-op reports/s"
        " (CPU ms/report) | vs no-op | worker shares |"
    )
    lines = [head, "|" + "---|" * 13]
    for c in configs:
        cpu, cores, noop = c["cpu_ms_per_report"], c["cores_busy"], c["noop"]
        shares = "/".join(f"{100 * s:.0f}%" for s in c["worker_cpu_share"])
        lines.append(
            f"| {c['backend']} | {c['servers']} | {c['reports_per_s']:.0f} | {c['p50_ms']:.0f} ms"
            f" | {c['p99_ms']:.0f} ms | {c['errors']} | {cpu['server_and_database']:.2f}"
            f" ({cpu['clients']:.2f}) | {cores['server_and_database']:.2f} / {cores['clients']:.2f}"
            f" / {cores['other_work']:.2f} | {c['raw_commits_per_s']:.0f}"
            f" | {100 * c['ratio_to_raw_commits']:.0f}% | {noop['reports_per_s']:.0f}"
            f" ({noop['cpu_ms_per_report']['server']:.2f}) | {100 * c['ratio_to_noop']:.0f}%"
            f" | {shares} |"
        )
    return "\n".join(lines)


def scaling(configs: list[dict[str, Any]]) -> dict[str, float]:
    rate = {(c["backend"], c["servers"]): c["reports_per_s"] for c in configs}
    return {
        b: rate[(b, 2)] / rate[(b, 1)]
        for b in ("sqlite", "postgres")
        if (b, 1) in rate and (b, 2) in rate
    }
