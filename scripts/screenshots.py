"""Screenshots of every page and state, in Indonesian and English, on a phone and a desktop.

Run: scripts/screenshots [--out DIR] [--only PATTERN ...] [--langs id,en] [--sizes phone,desktop]

What it does, with nothing but the real programs:

1. a temporary data folder: a demo unit (``peluit-ws init --demo``), a second
   unit that is retired, a staff administrator and an inspector whose TOTP
   secrets it reads from ``peluit user add``;
2. ``peluit serve`` and ``peluit-ws ui`` on 127.0.0.1 at free ports;
3. Chromium (Playwright, the engine of the browser tests) walks the reporter's
   pages, the console and the workstation UI the way people do: a report is
   sent, exported, imported on the workstation, answered with a question,
   brought back online, read and answered by the reporter;
4. every page and state is saved as ``<area>-<page>-<state>-<lang>-<size>.png``
   in ``--out`` (default ``var/screenshots``), with an ``index.html`` listing
   them side by side, for a person to look at each one, and the text each
   page showed in ``text/<name>.txt`` (to search: ``grep -l 2026- text/*``).

``--only`` takes shell patterns on the name without language and size
(``reporter-home-*``); a part of the walk whose screens are all left out is
skipped when nothing later depends on it. See docs/screenshots.md.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyotp
from playwright.sync_api import sync_playwright
from screenshot_reporter import insecure_tour, reporter_tour, status_tour
from screenshot_tours import (
    BIN,
    BROWSER_ARGS,
    CHROMIUM,
    LANGS,
    RETIRED,
    ROOT,
    SIZES,
    STAFF_PASSWORD,
    UNIT,
    Shots,
    World,
    admin_tour,
    console_answered_tour,
    console_sign_in_tour,
    inspector_import,
    inspector_tour,
    needs_case,
    ws_tour,
)

OTHER_PASSPHRASE = "kuda merah terbang jauh sekali pagi"  # noqa: S105 (a throwaway unit)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(args: list[str], env: dict[str, str], stdin: str = "") -> str:
    done = subprocess.run(args, env=env, input=stdin, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"error: {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def add_staff(world: World, name: str, role: str, *units: str) -> None:
    """``peluit user add``; the TOTP secret read from the otpauth:// line it prints."""
    args = [str(BIN / "peluit"), "user", "add", name, "--role", role]
    for unit in units:
        args += ["--unit", unit]
    out = run(args, world.env, STAFF_PASSWORD + "\n")
    secret = re.search(r"secret=([A-Z2-7]+)", out)
    if not secret:
        raise SystemExit(f"error: no TOTP secret in the output of {' '.join(args)}")
    world.totp[name] = pyotp.TOTP(secret.group(1))


def make_world(folder: Path) -> World:
    env = {
        **os.environ,
        "PELUIT_DATA": str(folder / "var"),
        "PELUIT_POW_BITS": "8",  # the same low difficulty as the tests: many sends
        "LANG": "C.UTF-8",
    }
    world = World(folder, env)
    peluit, ws = str(BIN / "peluit"), str(BIN / "peluit-ws")
    run([ws, "init", str(world.workstation), "--demo"], env)
    demo = (world.workstation / "DEMO-PASSPHRASE.txt").read_text().splitlines()
    world.passphrase = demo[1].strip()
    run([peluit, "unit", "add", str(world.workstation / "unit-card.json")], env)
    old = folder / "ws-old"
    run([ws, "init", str(old), "--unit-id", RETIRED, "--name", "Inspektorat Lama"], env,
        OTHER_PASSPHRASE + "\n")  # fmt: skip
    run([peluit, "unit", "add", str(old / "unit-card.json")], env)
    run([peluit, "unit", "retire", RETIRED, "--to", UNIT], env)
    add_staff(world, "admin", "admin")
    add_staff(world, "ines", "inspector", UNIT)
    add_staff(world, "audit", "auditor")
    return world


@contextmanager
def server(args: list[str], env: dict[str, str], port: int, log: Path) -> Iterator[str]:
    """Start a server program, wait until its port answers, stop it at the end."""
    with log.open("wb") as out:
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            for _ in range(300):
                if proc.poll() is not None:
                    raise SystemExit(f"error: {args[0]} stopped:\n{log.read_text()}")
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            else:
                raise SystemExit(f"error: {args[0]} did not start")
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def write_index(shots: Shots) -> None:
    rows = "\n".join(
        f'<figure><a href="{html.escape(n)}"><img src="{html.escape(n)}" loading="lazy" '
        f'width="240"></a><figcaption>{html.escape(n)}</figcaption></figure>'
        for n in sorted(shots.taken)
    )
    (shots.out / "index.html").write_text(
        "<!doctype html><meta charset=utf-8><title>Peluit screenshots</title>"
        "<style>body{font-family:sans-serif}figure{display:inline-block;vertical-align:top;"
        "margin:8px;width:240px}img{border:1px solid #999;max-height:480px;object-fit:cover;"
        "object-position:top}figcaption{font-size:12px;word-break:break-all}</style>"
        f"<h1>Peluit: {len(shots.taken)} screenshots</h1>\n{rows}\n"
    )


def tour(world: World, shots: Shots) -> None:
    console_port, ws_port = free_port(), free_port()
    peluit_serve = [str(BIN / "peluit"), "serve", "--port", str(console_port)]
    ws_ui = [str(BIN / "peluit-ws"), "ui", str(world.workstation), "--port", str(ws_port)]
    with (
        server(peluit_serve, world.env, console_port, world.folder / "serve.log") as site,
        server(ws_ui, world.env, ws_port, world.folder / "ui.log") as desk,
        sync_playwright() as pw,
    ):
        world.site, world.desk = site, desk
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            reporter_tour(browser, world, shots)
            insecure_tour(pw, world, shots)
            console_sign_in_tour(browser, world, shots)
            if needs_case(shots):
                bundle = inspector_tour(browser, world, shots)
                replies = ws_tour(browser, world, shots, bundle)
                inspector_import(browser, world, shots, replies)
                status_tour(browser, world, shots)
                console_answered_tour(browser, world, shots)
            admin_tour(browser, world, shots)  # last: the dashboard and log have something
        finally:
            browser.close()


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="scripts/screenshots", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "screenshots")
    parser.add_argument("--only", action="append", default=[], help="a name pattern (repeatable)")
    parser.add_argument("--langs", default="id,en")
    parser.add_argument("--sizes", default="phone,desktop")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    # Stopped with SIGTERM: still stop the servers and the browser (the finally blocks).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    langs = [x for x in args.langs.split(",") if x]
    sizes = [x for x in args.sizes.split(",") if x]
    if not set(langs) <= set(LANGS) or not set(sizes) <= set(SIZES) or not langs or not sizes:
        print(f"error: --langs from {','.join(LANGS)}, --sizes from {','.join(SIZES)}")
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    for old in [*args.out.glob("*.png"), *args.out.glob("text/*.txt")]:
        old.unlink()
    shots = Shots(args.out, args.only, langs, sizes)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="peluit-screens-") as tmp:
        world = make_world(Path(tmp))
        tour(world, shots)
    write_index(shots)
    print(f"{len(shots.taken)} screenshots in {args.out} ({time.monotonic() - started:.0f} s)")
    print(f"look at each one: {args.out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
