"""A 1 GiB attachment streamed through a real ``peluit serve``, and the server's memory.

Run: .venv/bin/python -m bench.bench_large_upload [--quick]
Writes bench/results/large_upload.json.

- The attachment envelope (1 GiB of plaintext sealed to the unit, 1 MiB
  chunks) is sealed into a file before the timed window, then sent the way
  the browser and the reporter client send it: ``PUT
  /api/uploads/<token>/<item>/<index>``, piece 0 = header, MAC and first
  chunk, then one ``chunk + 16`` byte piece per request, in order; then
  ``POST /api/cases`` commits the case with it. The window covers the
  pieces and the commit.
- Baseline, same run, same folder: writing the same bytes to a new file in
  1 MiB writes and one fsync at the end, best of a run before and one after
  the upload (and, for reference, one fsync per
  piece, which is what the staging area does so that a 200 answer means
  the piece is on disk).
- Memory: ``VmRSS`` of the server before the upload and ``VmHWM`` (peak)
  after it, from ``/proc/<pid>/status``.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.live_server import LiveServer, prepare_data
from bench.reporter_load import prepare_report
from crypto import envelope
from crypto.b64 import b64u_decode, b64u_encode
from reporter.http_client import ApiClient

RESULTS = Path(__file__).parent / "results" / "large_upload.json"
MIB = 1 << 20
PIECE = envelope.CHUNK_SIZE + 16


class _Plaintext:
    """``size`` bytes of a repeated random block, readable like a file."""

    def __init__(self, size: int) -> None:
        self.left = size
        self.block = os.urandom(MIB)

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        out = (self.block * (n // MIB + 1))[:n]
        self.left -= n
        return out


def pieces(path: Path) -> list[tuple[int, int]]:
    """(offset, length) of each piece of a sealed envelope file."""
    size = path.stat().st_size
    with path.open("rb") as f:
        head = f.read(25)  # magic (8), nonce (16), recipient count (1)
    first = envelope.header_size(head[24]) + envelope.MAC_SIZE + PIECE
    out = [(0, min(first, size))]
    offset = first
    while offset < size:
        out.append((offset, min(PIECE, size - offset)))
        offset += PIECE
    return out


def baseline(source: Path, folder: Path, fsync_each: bool) -> float:
    """Seconds to copy ``source`` into a new file in ``folder`` piece by piece, durably."""
    target = folder / "baseline.bin"
    plan = pieces(source)
    start = time.perf_counter()
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with source.open("rb") as src:
        for offset, length in plan:
            src.seek(offset)
            os.write(fd, src.read(length))
            if fsync_each:
                os.fsync(fd)
        os.fsync(fd)
    os.close(fd)
    elapsed = time.perf_counter() - start
    target.unlink()
    return elapsed


def run(quick: bool) -> dict[str, Any]:
    plaintext = (256 if quick else 1024) * MIB
    env = {"PELUIT_ATTACHMENT_MIB": "1100", "PELUIT_REPORT_MIB": "1100"}
    with tempfile.TemporaryDirectory(prefix="peluit-large-", dir=os.environ.get("BENCH_DIR")) as d:
        folder = Path(d)
        data = folder / "var"
        unit = prepare_data(data)
        sealed = folder / "attachment.envelope"
        with LiveServer(data, env=env) as server:
            client = ApiClient(server.base)
            salt = b64u_decode(client.json("GET", "/api/instance")["instance_salt"])
            report = prepare_report(client, unit.card, salt)
            case_id = b64u_decode(report.body["case_id"])
            item_id = os.urandom(16)
            ctx = envelope.Context(unit.card.unit_id, case_id, "attachment", item_id)
            with sealed.open("wb") as out:
                source: Any = _Plaintext(plaintext)  # file-like: read(n) only
                size = envelope.seal_stream(
                    source, plaintext, out, [unit.card.xwing_public_key], ctx
                )
            plan = pieces(sealed)
            raw_before = baseline(sealed, folder, fsync_each=False)
            token = client.json("POST", "/api/uploads", {"pow": report.pow})["upload"]
            path = f"/api/uploads/{token}/{b64u_encode(item_id)}"
            rss_before = server.memory_kib()
            start = time.perf_counter()
            with sealed.open("rb") as src:
                for index, (offset, length) in enumerate(plan):
                    src.seek(offset)
                    answer = client.put_bytes(f"{path}/{index}", src.read(length))
                    assert answer["received"] == offset + length, answer
            upload_s = time.perf_counter() - start
            body = {**report.body, "upload": token}
            body["attachments"] = [{"item_id": b64u_encode(item_id), "size": size}]
            created = client.json("POST", "/api/cases", body)
            total_s = time.perf_counter() - start
            mem_after = server.memory_kib()
        raw_once = min(raw_before, baseline(sealed, folder, fsync_each=False))
        raw_each = baseline(sealed, folder, fsync_each=True)
    growth_kib = mem_after["VmHWM"] - rss_before["VmRSS"]
    return {
        "plaintext_bytes": plaintext,
        "envelope_bytes": size,
        "pieces": len(plan),
        "case_ref": created.get("case_ref"),
        "upload_s": upload_s,
        "upload_and_commit_s": total_s,
        "server_mb_s": size / total_s / 1e6,
        "raw_write_one_fsync_mb_s": size / raw_once / 1e6,
        "raw_write_fsync_per_piece_mb_s": size / raw_each / 1e6,
        "ratio": raw_once / total_s,
        "ratio_vs_fsync_per_piece": raw_each / total_s,
        "rss_before_kib": rss_before["VmRSS"],
        "peak_after_kib": mem_after["VmHWM"],
        "peak_rss_growth_mib": growth_kib / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="256 MiB instead of 1 GiB")
    result = run(parser.parse_args().quick)
    print(json.dumps(result, indent=2))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
