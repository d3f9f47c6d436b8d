"""ASGI middleware keeping every HTTP request body as the app received it.

Playwright's ``Request.post_data_buffer`` is empty for a ``fetch`` whose body
is a Blob (the reporter's pages send attachment pieces as Blobs, see
web/js/pages/api.js), so tests that check what left the browser read the
bodies here, at the server, where every byte that was sent arrives.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    body: bytes


class RecordBodies:
    """Wrap an ASGI app; ``received`` lists each HTTP request with its whole body."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.received: list[Received] = []
        self._lock = threading.Lock()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        parts: list[bytes] = []

        async def recording_receive() -> Any:
            message = await receive()
            if message["type"] == "http.request":
                parts.append(message.get("body", b""))
            return message

        try:
            await self.app(scope, recording_receive, send)
        finally:
            with self._lock:
                self.received.append(Received(scope["method"], scope["path"], b"".join(parts)))

    def bodies(self) -> list[bytes]:
        with self._lock:
            return [r.body for r in self.received]
