"""A legitimate reporter's time to submit while a flood of each kind runs (issue 17).

Run: .venv/bin/python -m bench.bench_flood [--seconds N] [--engine E]
Prints a markdown table and writes bench/results/flood.json.

The server is a real ``peluit serve`` on 127.0.0.1 (bench/live_server.py)
with its default proof of work (16 bits, at most 20 under load) and one
unit. For each flood kind, flooder threads in this process attack the
server over loopback for at most ``--seconds`` (and a bounded number of
requests); meanwhile the real report page, in Chromium as it is and with
``--js-flags=--jitless``, sends one report as a reporter does (questionnaire,
receipt derivation, proof of work for the upload session and for the
report, send). Timed from the click on "send" to the receipt shown
("submit"), and from "continue" (receipt derivation) to the receipt shown
("whole"). The flood kinds:

- ``none``: no flood (the baseline);
- ``reports``: new reports to the same unit, each paying the current price
  (the old daily ceiling was filled this way with one 16-bit proof each);
- ``lookups``: wrong receipt codes, each paying the current lookup price;
- ``messages``: follow-up messages of 60 KB to the flooder's own cases;
- ``sign-ins``: 40 parallel staff sign-ins with wrong passwords;
- ``slow-bodies``: 100 connections trickling a JSON body a byte every 2 s.

The flooders solve their proofs of work in Python (hashlib), the same
puzzle the page solves with WebCrypto. The machine has 2 cores shared with
the browser (and, when these figures were taken, with other work).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, sync_playwright

from bench.live_server import LiveServer, prepare_data
from crypto.b64 import b64u_decode, b64u_encode
from crypto.envelope import Context, seal
from crypto.xwing import XWingPrivateKey, XWingPublicKey
from reporter.http_client import ApiClient, ReporterError
from reporter.transport import open_upload
from tests.browser.conftest import ENGINES, launch_engine

RESULTS = Path(__file__).parent / "results" / "flood.json"
MAX_REQUESTS = 5000


class Flood:
    """Flooder threads running ``attack`` until stopped, the deadline, or ``MAX_REQUESTS``."""

    def __init__(self, attack: Callable[[Flood], None], threads: int, seconds: float) -> None:
        self.attack = attack
        self.stop = threading.Event()
        self.deadline = time.monotonic() + seconds
        self.sent = 0
        self.answers: dict[str, int] = {}
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def going(self) -> bool:
        return (
            not self.stop.is_set() and time.monotonic() < self.deadline and self.sent < MAX_REQUESTS
        )

    def count(self, what: str) -> None:
        with self.lock:
            self.sent += 1
            self.answers[what] = self.answers.get(what, 0) + 1

    def _run(self) -> None:
        while self.going():
            try:
                self.attack(self)
            except (ReporterError, OSError) as exc:
                self.count(getattr(exc, "code", "") or type(exc).__name__)

    def __enter__(self) -> Flood:
        for thread in self.threads:
            thread.start()
        time.sleep(3.0)  # let the flood build up before the reporter arrives
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)


def report_body(unit: Any, upload: str) -> dict[str, Any]:
    """A well-formed report (its envelopes sealed with the crypto API)."""
    case_id, tip_id = os.urandom(16), os.urandom(16)
    _, reporter = XWingPrivateKey.generate()
    tip = seal(
        b'{"apa": "banjir"}',
        [unit.card.xwing_public_key, reporter.public_key()],
        Context(unit.card.unit_id, case_id, "tip", tip_id),
    )
    return {
        "upload": upload,
        "case_id": b64u_encode(case_id),
        "unit_id": unit.card.unit_id,
        "selector": b64u_encode(os.urandom(32)),
        "validator": b64u_encode(os.urandom(32)),
        "reporter_public_key": b64u_encode(reporter.public_key().to_bytes()),
        "tip": {"item_id": b64u_encode(tip_id), "envelope": b64u_encode(tip)},
        "attachments": [],
    }


# Left complex on purpose (C901): one closure per attack over the same server and unit, side by side
# so the attacks read as a list; their branches add up in this one function.
def attacks(  # noqa: C901
    server: LiveServer, unit: Any
) -> dict[str, tuple[Callable[[Flood], None], int]]:
    base = server.base

    def reports(flood: Flood) -> None:
        client = ApiClient(base)
        client.json("POST", "/api/cases", report_body(unit, open_upload(client)))
        flood.count("201")

    def lookups(flood: Flood) -> None:
        auth = f"Peluit {b64u_encode(os.urandom(32))}.{b64u_encode(os.urandom(32))}"
        try:
            ApiClient(base, auth).json("POST", "/api/case")
        except ReporterError as exc:
            flood.count(exc.code)

    def messages(flood: Flood) -> None:
        # A case of the flooder's own (selector and validator known), then messages to it.
        selector, validator = os.urandom(32), os.urandom(32)
        client = ApiClient(base)
        body = report_body(unit, open_upload(client))
        body["selector"], body["validator"] = b64u_encode(selector), b64u_encode(validator)
        client.json("POST", "/api/cases", body)
        reporter_key = XWingPublicKey.from_bytes(b64u_decode(body["reporter_public_key"]))
        case_id = b64u_decode(body["case_id"])
        mine = ApiClient(base, f"Peluit {b64u_encode(selector)}.{b64u_encode(validator)}")
        while flood.going():
            item = os.urandom(16)
            sealed = seal(
                b'{"text": "' + b"x" * 60_000 + b'"}',
                [unit.card.xwing_public_key, reporter_key],
                Context(unit.card.unit_id, case_id, "message", item),
            )
            message = {"item_id": b64u_encode(item), "envelope": b64u_encode(sealed)}
            try:
                mine.json(
                    "POST", "/api/case/messages",
                    {"upload": None, "message": message, "attachments": []},
                )  # fmt: skip
                flood.count("201")
            except ReporterError as exc:
                flood.count(exc.code)
                if exc.code == "case_day_full":
                    return  # a new case

    csrf = re.compile(r'name="csrf" value="([^"]+)"')

    def sign_ins(flood: Flood) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        try:
            conn.request("GET", "/konsol/masuk")
            answer = conn.getresponse()
            page = answer.read().decode()
            match = csrf.search(page)
            form = (
                f"csrf={match.group(1) if match else ''}&username=tamu{os.urandom(4).hex()}"
                "&password=salah-salah-salah&totp=123456"
            )
            conn.request(
                "POST", "/konsol/masuk", body=form,
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )  # fmt: skip
            answer = conn.getresponse()
            answer.read()
            flood.count(str(answer.status))
        finally:
            conn.close()

    def slow_bodies(flood: Flood) -> None:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(
                b"POST /api/pow HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/json\r\nContent-Length: 10000\r\n\r\n{"
            )
            flood.count("opened")
            sent = 0
            while flood.going() and sent < 9000:
                time.sleep(2.0)
                sock.sendall(b" ")
                sent += 1

    return {
        "none": (lambda flood: flood.stop.wait(1.0) and None, 1),
        "reports": (reports, 2),
        "lookups": (lookups, 2),
        "messages": (messages, 2),
        "sign-ins": (sign_ins, 40),
        "slow-bodies": (slow_bodies, 100),
    }


def submit_once(browser: Browser, url: str) -> dict[str, float]:
    ctx = browser.new_context(service_workers="block")
    try:
        page = ctx.new_page()
        page.set_default_timeout(300_000)
        page.goto(url)
        page.wait_for_function("() => document.documentElement.dataset.ready === 'true'")
        page.select_option("#q-category", index=1)
        for field in ("what", "who_name", "where", "when"):
            page.fill(f"#q-{field}", "Uji banjir")
        start = time.monotonic()
        page.click("#continue")
        page.wait_for_function("() => document.getElementById('derive-progress').value === 100")
        page.check("#saved")
        sent = time.monotonic()
        page.click("#send")
        page.wait_for_selector("#step-done", state="visible")
        done = time.monotonic()
        return {"submit_s": done - sent, "whole_s": done - start}
    finally:
        ctx.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120, help="longest a flood runs (120)")
    parser.add_argument("--engine", action="append", choices=list(ENGINES), help="only these")
    parser.add_argument("--kind", action="append", help="only these flood kinds")
    parser.add_argument(
        "--bits", type=int, default=16,
        help="the server's base proof of work (16); 20 shows what a reporter pays at the cap",
    )  # fmt: skip
    args = parser.parse_args()
    server_env = {"PELUIT_POW_BITS": str(args.bits)}
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="peluit-flood-", dir=os.environ.get("BENCH_DIR")) as d:
        folder = Path(d)
        unit = prepare_data(folder / "var")
        with sync_playwright() as pw:
            for engine in args.engine or list(ENGINES):
                browser = launch_engine(pw, engine)
                try:
                    for kind in args.kind or ["none", "reports", "lookups", "messages",
                                              "sign-ins", "slow-bodies"]:  # fmt: skip
                        # A fresh server per flood: prices start at the base again.
                        with LiveServer(folder / "var", env=server_env) as server:
                            attack, threads = attacks(server, unit)[kind]
                            url = f"{server.base}/id/lapor/{unit.card.unit_id}"
                            with Flood(attack, threads, args.seconds) as flood:
                                took = submit_once(browser, url)
                                price = ApiClient(server.base).json(
                                    "POST", "/api/pow",
                                    {"purpose": "case", "unit_id": unit.card.unit_id},
                                )["difficulty"]  # fmt: skip
                            rss = server.memory_kib()
                        row = {"engine": engine, "kind": kind, "base_bits": args.bits,
                               **took, "case_bits": price,
                               "flood_requests": flood.sent, "flood_answers": flood.answers,
                               "server_peak_rss_mib": rss.get("VmHWM", 0) / 1024}  # fmt: skip
                        print(json.dumps(row), file=sys.stderr, flush=True)
                        results.append(row)
                finally:
                    browser.close()
    print(table(results))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    out = RESULTS if args.bits == 16 else RESULTS.with_name(f"flood_{args.bits}bits.json")
    out.write_text(json.dumps({"machine": platform.machine(), "results": results}, indent=2) + "\n")


def table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| engine | flood | base bits | reporter: send -> receipt (s) | derive + send (s) "
        "| report price at the end (bits) | flood requests answered | server peak RSS (MiB) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['engine']} | {r['kind']} | {r['base_bits']} | {r['submit_s']:.1f} "
            f"| {r['whole_s']:.1f} "
            f"| {r['case_bits']} | {r['flood_requests']} | {r['server_peak_rss_mib']:.0f} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
