"""Browser test fixtures: real headless Chromium in two engines, real servers.

Reusable by every end-to-end test:

- ``playwright_instance``: one Playwright per session.
- ``browser``: parametrized over two engines, ``"chromium"`` (as it is) and
  ``"chromium-jitless"`` (``--js-flags=--jitless``: no JIT and no WebAssembly,
  the Tor Browser *Safer* case). ``browser.engine`` names the engine.
- ``context`` / ``page``: fresh per test. The page collects console errors,
  page errors and every request URL (``page.peluit``); the test fails at
  teardown if a console error or a CSP violation was seen, and on any request
  to another origin than the served one(s).
- ``serve_static(directory)`` / ``serve_app(app)``: run uvicorn on 127.0.0.1 at
  a free port in a background thread, with the strict CSP on every response.
- ``static_server``: ``web/static`` served at ``/``.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import uvicorn
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    sync_playwright,
)

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "web" / "static"
CHROMIUM = "/usr/bin/chromium"

CSP = (
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; "
    "connect-src 'self'; img-src 'self'; style-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]

BASE_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ENGINES = {
    "chromium": BASE_ARGS,
    "chromium-jitless": [*BASE_ARGS, "--js-flags=--jitless"],
}


def launch_engine(pw: Playwright, engine: str) -> Browser:
    """Launch the system Chromium in one of the two engines."""
    return pw.chromium.launch(executable_path=CHROMIUM, args=ENGINES[engine], headless=True)


class SecurityHeaders:
    """ASGI middleware adding the strict CSP (and friends) to every HTTP response."""

    def __init__(self, app: Any, csp: str = CSP) -> None:
        self.app = app
        self.headers = [(b"content-security-policy", csp.encode()), *SECURITY_HEADERS]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def loopback_socket() -> socket.socket:
    """A TCP socket bound to 127.0.0.1 at a free port (for an app that must know its port)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def serve_app(
    app: Any, *, csp: str | None = CSP, sock: socket.socket | None = None
) -> Iterator[str]:
    """Serve an ASGI app on 127.0.0.1 at a free port; yields the base URL (no trailing /).

    Every response gets ``csp`` as its Content-Security-Policy (``None``: the
    app sets its own headers). ``sock``: serve on this bound socket instead.
    """
    sock = sock or loopback_socket()
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        SecurityHeaders(app, csp) if csp is not None else app,
        log_level="warning",
        access_log=False,
        lifespan="off",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True)
    thread.start()
    try:
        for _ in range(500):
            if server.started:
                break
            threading.Event().wait(0.01)
        else:
            raise RuntimeError("test server did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextmanager
def serve_static(directory: Path, *, csp: str = CSP) -> Iterator[str]:
    """Serve a directory (Starlette StaticFiles) with the strict CSP (or ``csp``)."""
    from starlette.applications import Starlette
    from starlette.routing import Mount
    from starlette.staticfiles import StaticFiles

    app = Starlette(routes=[Mount("/", StaticFiles(directory=str(directory), html=True))])
    with serve_app(app, csp=csp) as url:
        yield url


@dataclass
class PageRecord:
    """What a page did: console errors, page errors, CSP violations, requests."""

    console_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    allowed_origins: set[str] = field(default_factory=set)

    def foreign_requests(self) -> list[str]:
        out = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob", "about"):
                out.append(url)  # our CSP allows none of these either
                continue
            if f"{parts.scheme}://{parts.netloc}" not in self.allowed_origins:
                out.append(url)
        return out


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session", params=list(ENGINES))
def browser(request: pytest.FixtureRequest, playwright_instance: Playwright) -> Iterator[Browser]:
    """A running browser of one engine; ``browser.engine`` is its name."""
    engine = request.param
    b = launch_engine(playwright_instance, engine)
    b.engine = engine  # type: ignore[attr-defined]
    yield b
    b.close()


@pytest.fixture
def engine(browser: Browser) -> str:
    return browser.engine  # type: ignore[attr-defined,no-any-return]


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(service_workers="block")
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A fresh page recording console errors, CSP violations and requests.

    Tests call ``page.peluit.allowed_origins.add(base_url)`` (``open_page`` does).
    """
    record = PageRecord()
    pg = context.new_page()
    pg.peluit = record  # type: ignore[attr-defined]

    def on_console(msg: ConsoleMessage) -> None:
        if msg.type == "error":
            text = msg.text
            if msg.location.get("url", "").endswith("/favicon.ico"):
                return  # the browser's own favicon probe, not the page
            if "Content Security Policy" in text or "Content-Security-Policy" in text:
                record.csp_violations.append(text)
            else:
                record.console_errors.append(text)

    pg.on("console", on_console)
    pg.on("pageerror", lambda exc: record.page_errors.append(str(exc)))
    context.on("request", lambda req: record.requests.append(req.url))
    pg.on("worker", lambda w: w.on("console", on_console))
    yield pg
    problems = []
    if record.csp_violations:
        problems.append(f"CSP violations: {record.csp_violations}")
    if record.console_errors:
        problems.append(f"console errors: {record.console_errors}")
    if record.page_errors:
        problems.append(f"page errors: {record.page_errors}")
    foreign = record.foreign_requests()
    if foreign:
        problems.append(f"requests to other origins: {foreign}")
    if problems:
        pytest.fail("; ".join(problems))


@pytest.fixture(scope="session")
def static_server() -> Iterator[str]:
    """``web/static`` served at ``/`` with the strict CSP; the base URL."""
    with serve_static(STATIC) as url:
        yield url


def open_page(page: Page, base_url: str, path: str) -> None:
    """Navigate and allow requests to ``base_url``'s origin."""
    page.peluit.allowed_origins.add(base_url)  # type: ignore[attr-defined]
    page.goto(base_url + path)


def assert_engine(page: Page, engine: str) -> None:
    """Prove which engine runs: no WebAssembly without the JIT, WebAssembly otherwise."""
    kind = page.evaluate("typeof WebAssembly")
    if engine == "chromium-jitless":
        assert kind == "undefined", "the jitless engine must have no WebAssembly"
    else:
        assert kind == "object"


@pytest.fixture
def selftest_page(page: Page, static_server: str, engine: str) -> Page:
    """The self-test page loaded, with ``window.peluitTest`` ready."""
    open_page(page, static_server, "/selftest.html")
    page.wait_for_function("() => document.documentElement.dataset.selftest === 'ready'")
    assert_engine(page, engine)
    return page


Call = Callable[..., Any]


def call(page: Page, expression: str, *args: Any) -> Any:
    """Evaluate ``(...args) => <expression>(...args)`` in the page and return the result."""
    return page.evaluate(f"(args) => {expression}(...args)", list(args))
