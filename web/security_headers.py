"""Security headers on every response, as one pure ASGI middleware.

The Content-Security-Policy allows scripts only from our own origin
(``'wasm-unsafe-eval'`` lets libsodium.js compile its WebAssembly where the
browser has it), no inline script, no other origin for anything. ``Strict-Transport-Security``
only when ``PELUIT_PUBLIC_URL`` is https (web/public_origin.py): the server
itself sees plain http behind its TLS proxy. The headers the workstation's
UI shares are :mod:`common.security_headers`.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from common.security_headers import SHARED_HEADERS, replace_headers
from web.public_origin import HSTS_VALUE

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "worker-src 'self'",
        "connect-src 'self'",
        "img-src 'self' blob: data:",
        "style-src 'self'",
        "font-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)

HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"referrer-policy", b"no-referrer"),
    *SHARED_HEADERS,
    (b"cross-origin-embedder-policy", b"require-corp"),
    (
        b"permissions-policy",
        b"camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
        b"interest-cohort=(), browsing-topics=()",
    ),
]

NO_STORE = (b"cache-control", b"no-store")
# Static assets may be kept but must be revalidated (their SRI hashes change
# with each release); everything else is no-store so that nothing a reporter
# saw stays in the browser's cache.
REVALIDATE_PREFIX = "/static/"


# The staff console's own forms must carry their real Origin (the console
# refuses "Origin: null", see web.console.auth.same_origin), so its pages send
# a referrer to this origin only; never to another site, like every page.
CONSOLE_PREFIXES = ("/konsol/", "/en/konsol/")
SAME_ORIGIN_REFERRER = (b"referrer-policy", b"same-origin")


def _for_console(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    return [SAME_ORIGIN_REFERRER if k == b"referrer-policy" else (k, v) for k, v in headers]


class SecurityHeaders:
    """``hsts``: add ``Strict-Transport-Security`` (the public origin is https)."""

    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        self.added = [*HEADERS, (b"strict-transport-security", HSTS_VALUE)] if hsts else HEADERS
        self.console_added = _for_console(self.added)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith(REVALIDATE_PREFIX)
        console = scope["path"].startswith(CONSOLE_PREFIXES)
        added = self.console_added if console else self.added

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                cache = (b"cache-control", b"no-cache") if static else NO_STORE
                message["headers"] = replace_headers(message.get("headers", []), [*added, cache])
            await send(message)

        await self.app(scope, receive, send_with_headers)
