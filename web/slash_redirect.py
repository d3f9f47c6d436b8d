"""The missing-slash redirect, answered with a path instead of a URL made from ``Host``.

Starlette's routers redirect ``/konsol`` to ``/konsol/`` (and ``/id/panduan/``
to ``/id/panduan``) with an absolute ``Location`` built from the request's
``Host`` header, so a request with ``Host: evil.example`` is sent to
``http://evil.example/...``: harmless for a browser, which sent its own Host,
but a cache or proxy in front that keys on the path alone would keep and
serve that redirect to everyone. :func:`install` turns the routers' own
redirect off and puts :class:`SlashRedirect` in as their fallback: the same
rule (the other spelling must match a route), a ``Location`` that is a path
on this site, and nothing for a path that a browser would read as another
host (``//host`` or ``/\\host``).
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import RedirectResponse
from starlette.routing import Match, Mount, Router
from starlette.types import Receive, Scope, Send

# What may stay unescaped in the Location path (RFC 3986 pchar and "/").
PATH_SAFE = "/:@!$&'()*+,;=-._~"


class SlashRedirect:
    """A router's fallback: 307 to the path with its last slash added or removed."""

    def __init__(self, router: Router) -> None:
        self.router = router

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        location = self.location(scope)
        if location is None:
            await self.router.not_found(scope, receive, send)
            return
        await RedirectResponse(location, status_code=307)(scope, receive, send)

    def location(self, scope: Scope) -> str | None:
        path: str = scope["path"]
        if scope["type"] != "http" or path in ("", "/") or path[1:2] in ("/", "\\"):
            return None
        other = path.rstrip("/") if path.endswith("/") else path + "/"
        if not other.startswith("/") or other[1:2] in ("/", "\\"):
            return None
        toggled = {**scope, "path": other}
        if not any(route.matches(toggled)[0] is not Match.NONE for route in self.router.routes):
            return None
        query = scope.get("query_string", b"").decode("latin-1")
        return quote(other, safe=PATH_SAFE) + (f"?{query}" if query else "")


def install(router: Router) -> None:
    """Use :class:`SlashRedirect` in ``router`` and every router mounted in it."""
    router.redirect_slashes = False
    router.default = SlashRedirect(router)
    for route in router.routes:
        if isinstance(route, Mount) and isinstance(route.app, Router):
            install(route.app)
