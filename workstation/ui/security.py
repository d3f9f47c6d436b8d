"""Loopback-only serving: the allowed Host headers, the Origin check and the headers.

One pure ASGI middleware, in front of everything: a request whose ``Host``
is not ours is answered 421 before any route runs (DNS rebinding), a POST
whose ``Origin`` is another site is answered 403, and every response gets
the same strict Content-Security-Policy as the online pages, without any
script source at all.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from workstation.errors import Refused

LOOPBACK_HOSTS = ("127.0.0.1", "::1")
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
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

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        host = headers.get(b"host", b"").decode("latin-1").lower()
        origin = headers.get(b"origin")
        if host not in self.hosts:
            await _plain(send, 421, b"wrong Host header: this UI answers only on loopback")
            return
        foreign = origin is not None and origin.decode("latin-1").lower() not in self.origins
        if scope["method"] != "GET" and foreign:
            await _plain(send, 403, b"request from another site refused")
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in HEADERS} | {b"server"}
                kept = [(k, v) for k, v in message.get("headers", []) if k not in names]
                message["headers"] = kept + HEADERS
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
