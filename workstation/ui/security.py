"""Loopback-only serving: the allowed Host headers, the Origin check and the headers.

One pure ASGI middleware, in front of everything: a request whose ``Host``
is not ours is answered 421 before any route runs (DNS rebinding), a POST
that does not come from our own origin is answered 403, and every response
gets the same strict Content-Security-Policy as the online pages, without
any script source at all, and the headers every Peluit page shares
(:mod:`common.security_headers`).

"Our own origin" is checked on what a browser sends: ``Origin`` when there is
one (``null`` is refused: that is what a page that hides its origin sends),
else ``Referer``. The pages are served with ``Referrer-Policy: same-origin``
so that the browser names our origin on our own forms; with ``no-referrer``
Chromium sends ``Origin: null`` even there, and the UI refused its own
unlock form. No referrer ever goes to another site. A request with neither
header (not a browser) is left to the CSRF token, which every POST needs.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from common.security_headers import SHARED_HEADERS, replace_headers
from workstation.errors import Refused

LOOPBACK_HOSTS = ("127.0.0.1", "::1")
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
# Plain text, before any route or template: Indonesian first, then English.
WRONG_HOST = (
    b"Nama host salah: antarmuka ini hanya menjawab di loopback.\n"
    b"Wrong Host header: this UI answers only on loopback.\n"
)
FOREIGN = b"Permintaan dari situs lain ditolak.\nRequest from another site refused.\n"
HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"referrer-policy", b"same-origin"),
    *SHARED_HEADERS,
    (b"cache-control", b"no-store"),
]


def check_bind(host: str) -> str:
    """The address to bind; :class:`Refused` for anything but loopback."""
    if host not in LOOPBACK_HOSTS:
        raise Refused(f"the workstation UI listens on 127.0.0.1 or ::1 only, never on {host!r}")
    return host


def allowed_hosts(host: str, port: int) -> frozenset[str]:
    shown = f"[{host}]" if ":" in host else host
    return frozenset({f"{shown}:{port}", f"localhost:{port}"})


class LoopbackGuard:
    def __init__(self, app: ASGIApp, host: str, port: int) -> None:
        self.app = app
        self.hosts = allowed_hosts(check_bind(host), port)
        self.origins = frozenset(f"http://{h}" for h in self.hosts)

    def from_us(self, origin: bytes | None, referer: bytes | None) -> bool:
        """Whether a browser says the request comes from one of our pages."""
        if origin is not None:
            return origin.decode("latin-1").lower() in self.origins
        if referer is not None:
            text = referer.decode("latin-1").lower()
            return any(text.startswith(f"{mine}/") for mine in self.origins)
        return True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        host = headers.get(b"host", b"").decode("latin-1").lower()
        if host not in self.hosts:
            await _plain(send, 421, WRONG_HOST)
            return
        if scope["method"] not in ("GET", "HEAD") and not self.from_us(
            headers.get(b"origin"), headers.get(b"referer")
        ):
            await _plain(send, 403, FOREIGN)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = replace_headers(message.get("headers", []), HEADERS)
            await send(message)

        await self.app(scope, receive, with_headers)


async def _plain(send: Send, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), *HEADERS],
        }
    )
    await send({"type": "http.response.body", "body": body})
