"""The real report page in a real browser, against a real ``peluit serve``, in both engines.

Run: .venv/bin/python -m bench.bench_browser_page [--mib N] [--runs N]
Prints a markdown table and writes bench/results/browser_page.json.

The server is ``python -m web.cli serve`` on 127.0.0.1 (bench/live_server.py)
with one unit registered; the page is ``/id/lapor/<unit>`` as a reporter gets
it (the app's own CSP, bundles and SRI). Chromium as it is and with
``--js-flags=--jitless``; a fresh browser context (empty cache) per run.

- **Time to a usable form**: navigation start -> the page's ``peluit:ready``
  User Timing mark (set together with ``data-ready``, once the unit card is
  checked and the form's buttons work); also first contentful paint and the
  navigation's ``responseEnd`` / ``domContentLoadedEventEnd``. Best and
  median of ``--runs`` cold loads.
- **A 100 MiB attachment** (``--mib``, random bytes in a file on disk) given
  to the page with Playwright ``set_input_files``; the reporter's steps run
  as a reporter does them (questionnaire, receipt derivation, proof of work
  at 8 bits, send). Timed inside the page with ``performance.now()``:
  ``change`` event -> file listed (the picker's checks, no reading for a
  non-image), and ``peluit:upload-start`` -> ``peluit:upload-done``
  (attachments.js ``uploadAll``: sealing, and every piece ``PUT`` and
  acknowledged by the server). "File work" is the sum of the two: what the
  page spends on the file from the moment it is chosen to the last piece
  acknowledged, leaving out the reporter's own pace (typing, saving the
  receipt code) and the receipt derivation and proof of work, which do not
  depend on the file.
- Baselines, afterwards **in the same page** on the same ``File`` (captured
  from the ``change`` event by an init script, not by the page):
  raw WebCrypto AES-256-GCM over the same bytes in memory (the faster of one
  call and one call per 1 MiB); reading the File alone (Blob.stream(), BYOB,
  1 MiB at a time); reading + AES-GCM one after the other; and the same
  number and sizes of ``PUT`` pieces of already-made bytes to a fresh upload
  session of the same server (upload alone, no crypto).

Target (the issue): the page's encrypt-and-upload at least 70% of raw
AES-GCM over the same bytes in the same page. Best of ``--runs`` (3).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, sync_playwright

from bench.live_server import LiveServer, prepare_data
from crypto import envelope, stream
from crypto.padding import padded_size
from reporter.http_client import ApiClient
from reporter.transport import open_upload
from tests.browser.conftest import ENGINES, launch_engine

RESULTS = Path(__file__).parent / "results" / "browser_page.json"
MIB = 1 << 20

# Bench-only code run in the page before its own scripts: keeps the chosen
# File (the page clears its input) and notes when it was chosen and listed.
INIT = """
window.__bench = { change: null, listed: null, files: [] };
document.addEventListener("change", (e) => {
  const t = e.target;
  if (t && t.id === "files" && t.files && t.files.length) {
    window.__bench.change = performance.now();
    window.__bench.files = [...t.files];
  }
}, true);
document.addEventListener("DOMContentLoaded", () => {
  const list = document.getElementById("file-list");
  if (!list) return;
  new MutationObserver(() => {
    const b = window.__bench;
    if (b.listed === null && list.children.length > 0) b.listed = performance.now();
  }).observe(list, { childList: true });
});
"""

READY = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const paints = performance.getEntriesByType("paint");
  const paint = Object.fromEntries(paints.map((p) => [p.name, p.startTime]));
  return {
    ready: performance.getEntriesByName("peluit:ready")[0].startTime,
    fcp: paint["first-contentful-paint"] ?? null,
    first_paint: paint["first-paint"] ?? null,
    response_end: nav.responseEnd,
    dom_content_loaded: nav.domContentLoadedEventEnd,
    load: nav.loadEventEnd,
  };
}"""

UPLOAD = """() => {
  const at = (name) => performance.getEntriesByName(name)[0].startTime;
  return {
    change: window.__bench.change,
    listed: window.__bench.listed,
    start: at("peluit:upload-start"),
    done: at("peluit:upload-done"),
  };
}"""

# Baselines over the captured File, same page. Milliseconds.
BASELINES = """async ([token, item, pieces]) => {
  const CHUNK = 1048576;
  const file = window.__bench.files[0];
  const key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt"]);
  const iv = (i) => {
    const n = new Uint8Array(12);
    new DataView(n.buffer).setUint32(8, i);
    return n;
  };
  const seal = (i, bytes) => crypto.subtle.encrypt({ name: "AES-GCM", iv: iv(i) }, key, bytes);
  const byob = () => {
    const reader = file.stream().getReader({ mode: "byob" });
    return async (n) => {
      let buffer = new ArrayBuffer(n), filled = 0;
      while (filled < n) {
        const { done, value } = await reader.read(new Uint8Array(buffer, filled, n - filled));
        if (done) break;
        buffer = value.buffer; filled += value.byteLength;
      }
      return new Uint8Array(buffer, 0, filled);
    };
  };
  const chunks = Math.ceil(file.size / CHUNK);
  let t0 = performance.now();
  let read = byob();
  for (let i = 0; i < chunks; i++) await read(CHUNK);
  const readOnly = performance.now() - t0;
  t0 = performance.now();
  read = byob();
  for (let i = 0; i < chunks; i++) await seal(i, await read(CHUNK));
  const readEncrypt = performance.now() - t0;
  const data = new Uint8Array(await file.arrayBuffer());
  t0 = performance.now();
  await seal(0, data);
  const rawOneShot = performance.now() - t0;
  t0 = performance.now();
  for (let i = 0; i < chunks; i++) {
    await seal(i, data.subarray(i * CHUNK, (i + 1) * CHUNK));
  }
  const rawChunked = performance.now() - t0;
  // Upload alone: the same piece sizes, bytes made beforehand (an envelope's
  // first bytes so the server takes piece 0), sequential PUTs each wrapped in
  // a Blob as the page does (the fastest body Chromium sends; pages/api.js).
  const first = data.slice(0, pieces[0]);
  first.set(new TextEncoder().encode("PELUITE"), 0); first[7] = 1; first[24] = 1;
  const bodies = pieces.map((size, i) => (i === 0 ? first : data.subarray(0, size)));
  t0 = performance.now();
  for (const [i, bytes] of bodies.entries()) {
    const r = await fetch(`/api/uploads/${token}/${item}/${i}?lang=id`, {
      method: "PUT",
      body: new Blob([bytes]),
      headers: { "content-type": "application/octet-stream" },
      credentials: "omit", cache: "no-store",
    });
    if (!r.ok) throw new Error(`PUT ${i}: ${r.status}`);
    await r.json();
  }
  const upload = performance.now() - t0;
  return { readOnly, readEncrypt, rawOneShot, rawChunked, upload, bytes: file.size };
}"""


def piece_sizes(length: int) -> list[int]:
    """Sizes of the PUT pieces the page sends for a ``length``-byte attachment, one recipient."""
    head = envelope.header_size(1) + envelope.MAC_SIZE
    body = stream.body_size(padded_size(8 + length), envelope.CHUNK_SIZE)
    piece = envelope.CHUNK_SIZE + stream.TAG_SIZE
    sizes = [head + min(piece, body)]
    body -= min(piece, body)
    while body > 0:
        sizes.append(min(piece, body))
        body -= sizes[-1]
    return sizes


def open_report(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_function("() => document.documentElement.dataset.ready === 'true'")


def readiness(browser: Browser, url: str) -> dict[str, Any]:
    ctx = browser.new_context(service_workers="block")
    try:
        page = ctx.new_page()
        open_report(page, url)
        got: dict[str, Any] = page.evaluate(READY)
        return got
    finally:
        ctx.close()


def upload_run(
    browser: Browser, url: str, file: Path, server: LiveServer, sizes: list[int]
) -> dict[str, Any]:
    ctx = browser.new_context(service_workers="block")
    try:
        page = ctx.new_page()
        page.set_default_timeout(600_000)
        page.add_init_script(INIT)
        open_report(page, url)
        page.select_option("#q-category", index=1)
        for field in ("what", "who_name", "where", "when"):
            page.fill(f"#q-{field}", "Uji beban")
        page.set_input_files("#files", str(file))
        page.wait_for_function("() => document.querySelectorAll('#file-list li').length === 1")
        page.click("#continue")
        page.wait_for_function("() => document.getElementById('derive-progress').value === 100")
        page.check("#saved")
        page.click("#send")
        page.wait_for_selector("#step-done", state="visible")
        marks: dict[str, Any] = page.evaluate(UPLOAD)
        took = marks["done"] - marks["start"]
        print(f"  page upload: {took:.0f} ms", file=sys.stderr, flush=True)
        token = open_upload(ApiClient(server.base))
        item = "A" * 22  # 16 bytes, base64url
        base: dict[str, Any] = page.evaluate(BASELINES, [token, item, sizes])
        print(f"  baselines: {base}", file=sys.stderr, flush=True)
        return {**marks, **base}
    finally:
        ctx.close()


def run_engine(
    pw: Any, engine: str, server: LiveServer, url: str, file: Path, runs: int
) -> dict[str, Any]:
    print(f"== {engine}", file=sys.stderr, flush=True)
    browser = launch_engine(pw, engine)
    try:
        loads = [readiness(browser, url) for _ in range(runs)]
        sizes = piece_sizes(file.stat().st_size)
        ups = [upload_run(browser, url, file, server, sizes) for _ in range(runs)]
    finally:
        browser.close()
    mb = file.stat().st_size / 1e6
    for u in ups:
        u["picker_ms"] = u["listed"] - u["change"]
        u["upload_ms"] = u["done"] - u["start"]
        u["file_work_ms"] = u["picker_ms"] + u["upload_ms"]
        u["raw_ms"] = min(u["rawOneShot"], u["rawChunked"])
    best = {k: min(u[k] for u in ups) for k in (
        "picker_ms", "upload_ms", "file_work_ms", "raw_ms", "rawOneShot", "rawChunked",
        "readOnly", "readEncrypt", "upload")}  # fmt: skip
    ready = {k: [x[k] for x in loads] for k in loads[0]}
    return {
        "engine": engine,
        "ready": {
            k: {"best_ms": min(v), "median_ms": statistics.median(v), "runs": v}
            for k, v in ready.items()
            if all(x is not None for x in v)
        },
        "upload": {
            "mib": file.stat().st_size // MIB,
            "pieces": len(sizes),
            "page_mb_s": mb / (best["file_work_ms"] / 1000),
            "page_upload_phase_mb_s": mb / (best["upload_ms"] / 1000),
            "picker_ms": best["picker_ms"],
            "raw_aes_gcm_mb_s": mb / (best["raw_ms"] / 1000),
            "raw_read_mb_s": mb / (best["readOnly"] / 1000),
            "raw_read_then_aes_gcm_mb_s": mb / (best["readEncrypt"] / 1000),
            "raw_upload_mb_s": mb / (best["upload"] / 1000),
            "ratio": best["raw_ms"] / best["file_work_ms"],
            "ratio_vs_upload_alone": best["upload"] / best["file_work_ms"],
            "runs": ups,
        },
    }


def table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| engine | ready (best / median ms) | first contentful paint (ms) "
        "| page: file chosen -> last piece acknowledged (MB/s) | raw AES-GCM, same bytes (MB/s) "
        "| page / raw | raw File read (MB/s) | File read + AES-GCM (MB/s) "
        "| PUT pieces alone (MB/s) | page / PUT alone |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        rd, u = r["ready"], r["upload"]
        fcp = rd.get("fcp", {}).get("best_ms")
        lines.append(
            f"| {r['engine']} | {rd['ready']['best_ms']:.0f} / {rd['ready']['median_ms']:.0f} "
            f"| {fcp:.0f} | {u['page_mb_s']:.0f} | {u['raw_aes_gcm_mb_s']:.0f} "
            f"| {100 * u['ratio']:.0f}% | {u['raw_read_mb_s']:.0f} "
            f"| {u['raw_read_then_aes_gcm_mb_s']:.0f} | {u['raw_upload_mb_s']:.0f} "
            f"| {100 * u['ratio_vs_upload_alone']:.0f}% |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=100, help="attachment size in MiB (100)")
    parser.add_argument("--runs", type=int, default=3, help="runs per engine, best taken (3)")
    parser.add_argument("--engine", action="append", choices=list(ENGINES), help="only these")
    args = parser.parse_args()
    env = {"PELUIT_POW_BITS": "8", "PELUIT_ATTACHMENT_MIB": str(max(200, args.mib + 1))}
    results = []
    with tempfile.TemporaryDirectory(prefix="peluit-page-", dir=os.environ.get("BENCH_DIR")) as d:
        folder = Path(d)
        unit = prepare_data(folder / "var")
        file = folder / "bukti-rekaman.bin"
        with file.open("wb") as out:
            for _ in range(args.mib):
                out.write(os.urandom(MIB))
        with LiveServer(folder / "var", env=env) as server, sync_playwright() as pw:
            url = f"{server.base}/id/lapor/{unit.card.unit_id}"
            for engine in args.engine or list(ENGINES):
                results.append(run_engine(pw, engine, server, url, file, args.runs))
    print(table(results))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {"machine": platform.machine(), "python": platform.python_version(),
             "results": results},
            indent=2,
        )
        + "\n"
    )  # fmt: skip


if __name__ == "__main__":
    main()
