"""A 1 GiB attachment streamed through a real ``peluit serve``, and the server's memory.

Run: .venv/bin/python -m bench.bench_large_upload [--quick] [--urllib]
Writes bench/results/large_upload.json.

- The attachment envelope (1 GiB of plaintext sealed to the unit, 1 MiB
  chunks) is sealed into a file before the timed window, then sent the way
  the browser sends it: ``PUT /api/uploads/<token>/<item>/<index>``, piece
  0 = header, MAC and first chunk, then one ``chunk + 16`` byte piece per
  request, in order, one after another on one keep-alive connection (what
  ``fetch`` does on one origin); then ``POST /api/cases`` commits the case
  with it. The window covers the pieces and the commit.
- The client must not be what is measured: each request's head is written
  by ``http.client`` and its body handed to the kernel with ``sendfile``
  from the sealed file (no copy through Python), and the client's and the
  server's CPU seconds in the window are reported. ``--urllib`` sends
  through ``reporter.http_client.ApiClient`` instead (the command-line
  reporter's way: urllib, a new connection per piece) for comparison.
- Baseline, same run, same folder: writing the same bytes to a new file in
  1 MiB writes and one fsync at the end, best of a run before and one after
  the upload (and, for reference, one fsync per piece, which is what the
  staging area did until 2026-11-23 so that a 200 answer meant the piece
  was on disk; now a piece is made durable when the case is committed),
  and the same writes each followed by ``posix_fadvise(DONTNEED)`` (which
  starts the piece's writeback at once, as staging does since 2026-11-23):
  the ratio target is against the plain write + fsync, the other two are
  shown so the ratio can be read honestly.
- Memory: ``VmRSS`` of the server before the upload and ``VmHWM`` (peak)
  after it, from ``/proc/<pid>/status``; the peak is reset (``clear_refs``)
  just before the window, so the start's own peak is not counted (before
  2026-11-23 it was: the growth then read about 41-49 MiB whatever the
  upload did).
"""

from __future__ import annotations

import argparse
import http.client
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


class PieceSender:
    """One keep-alive connection; each piece's body goes by ``sendfile``."""

    def __init__(self, port: int, source: Path) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.source = source.open("rb")

    def put(self, path: str, offset: int, length: int) -> Any:
        conn = self.conn
        conn.putrequest("PUT", path, skip_accept_encoding=True)
        conn.putheader("Content-Type", "application/octet-stream")
        conn.putheader("Content-Length", str(length))
        conn.endheaders()
        assert conn.sock is not None
        sent = conn.sock.sendfile(self.source, offset, length)
        assert sent == length, sent
        answer = conn.getresponse()
        data = answer.read()
        assert answer.status == 200, (answer.status, data)
        return json.loads(data)

    def close(self) -> None:
        self.conn.close()
        self.source.close()


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def baseline(source: Path, folder: Path, fsync_each: bool, fadvise: bool = False) -> float:
    """Seconds to copy ``source`` into a new file in ``folder`` piece by piece, durably
    (``fadvise``: start each piece's writeback at once, as staging does)."""
    target = folder / "baseline.bin"
    plan = pieces(source)
    start = time.perf_counter()
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with source.open("rb") as src:
        for offset, length in plan:
            src.seek(offset)
            os.write(fd, src.read(length))
            if fadvise:
                os.posix_fadvise(fd, offset, length, os.POSIX_FADV_DONTNEED)
            if fsync_each:
                os.fsync(fd)
        os.fsync(fd)
    os.close(fd)
    elapsed = time.perf_counter() - start
    target.unlink()
    return elapsed


def run(quick: bool, use_urllib: bool = False) -> dict[str, Any]:
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
            # Forget the peak of the server's start (templates, bundles): the
            # peak read after the window is then the upload's own.
            Path(f"/proc/{server.pid}/clear_refs").write_text("5")
            rss_before = server.memory_kib()
            sender = PieceSender(server.port, sealed)
            server_cpu, client_cpu = _cpu_seconds(server.pid), _cpu_seconds(os.getpid())
            start = time.perf_counter()
            with sealed.open("rb") as src:
                for index, (offset, length) in enumerate(plan):
                    if use_urllib:
                        src.seek(offset)
                        answer = client.put_bytes(f"{path}/{index}", src.read(length))
                    else:
                        answer = sender.put(f"{path}/{index}", offset, length)
                    assert answer["received"] == offset + length, answer
            upload_s = time.perf_counter() - start
            body = {**report.body, "upload": token}
            body["attachments"] = [{"item_id": b64u_encode(item_id), "size": size}]
            created = client.json("POST", "/api/cases", body)
            total_s = time.perf_counter() - start
            server_cpu = _cpu_seconds(server.pid) - server_cpu
            client_cpu = _cpu_seconds(os.getpid()) - client_cpu
            sender.close()
            mem_after = server.memory_kib()
        raw_once = min(raw_before, baseline(sealed, folder, fsync_each=False))
        raw_each = baseline(sealed, folder, fsync_each=True)
        raw_fadvise = baseline(sealed, folder, fsync_each=False, fadvise=True)
    growth_kib = mem_after["VmHWM"] - rss_before["VmRSS"]
    return {
        "plaintext_bytes": plaintext,
        "envelope_bytes": size,
        "pieces": len(plan),
        "case_ref": created.get("case_ref"),
        "client": "urllib, a connection per piece" if use_urllib else "keep-alive, sendfile",
        "upload_s": upload_s,
        "upload_and_commit_s": total_s,
        "server_mb_s": size / total_s / 1e6,
        "raw_write_one_fsync_mb_s": size / raw_once / 1e6,
        "raw_write_fsync_per_piece_mb_s": size / raw_each / 1e6,
        "raw_write_fadvise_one_fsync_mb_s": size / raw_fadvise / 1e6,
        "ratio": raw_once / total_s,
        "ratio_vs_fsync_per_piece": raw_each / total_s,
        "ratio_vs_fadvise": raw_fadvise / total_s,
        "server_cpu_s": server_cpu,
        "client_cpu_s": client_cpu,
        "rss_before_kib": rss_before["VmRSS"],
        "peak_after_kib": mem_after["VmHWM"],
        "peak_rss_growth_mib": growth_kib / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="256 MiB instead of 1 GiB")
    parser.add_argument(
        "--urllib", action="store_true", help="send through the reporter's urllib client"
    )
    args = parser.parse_args()
    result = run(args.quick, args.urllib)
    print(json.dumps(result, indent=2))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
