"""Reading a request body with a deadline, and without a traceback when the client leaves.

Every body the app reads goes through :func:`bounded_chunks`: a body that
sends nothing for ``idle`` seconds, or takes longer than ``total`` seconds
in all, is cut off with :class:`web.errors.UploadTimeout` (``408``); a client
that disconnects mid-body ends the request with :class:`ClientGone`, an
error of the project's hierarchy that is answered (to nobody) like any other
refusal instead of escaping as an unexpected exception with a traceback in
the log. The deadlines are the upload piece limits (``Limits.piece_idle_seconds``,
``Limits.piece_seconds``: 60 s and 300 s by default).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import anyio
from starlette.requests import ClientDisconnect, Request

from web.errors import ClientGone, UploadTimeout
from web.settings import Limits


def body_limits(request: Request) -> Limits:
    """The limits in force: the API's (tests may change them) or the settings'."""
    api = getattr(request.app.state, "api", None)
    limits = getattr(api, "limits", None)
    if isinstance(limits, Limits):
        return limits
    settings_limits: Limits = request.app.state.settings.limits
    return settings_limits


async def bounded_chunks(
    request: Request, idle: float | None = None, total: float | None = None
) -> AsyncIterator[bytes]:
    """The body's chunks as they arrive, within the deadlines."""
    limits = body_limits(request)
    idle = limits.piece_idle_seconds if idle is None else idle
    total = limits.piece_seconds if total is None else total
    deadline = anyio.current_time() + total
    chunks = request.stream().__aiter__()
    while True:
        wait = min(deadline, anyio.current_time() + idle) - anyio.current_time()
        with anyio.move_on_after(max(0.0, wait)) as scope:
            try:
                chunk = await chunks.__anext__()
            except StopAsyncIteration:
                return
            except ClientDisconnect:
                raise ClientGone() from None
        if scope.cancelled_caught:
            raise UploadTimeout()
        yield chunk
