"""``GET /healthz``: does the vault answer? For a reverse proxy or a monitor.

The answer says nothing about reports, ever: ``200`` with the body ``ok``
when the database answers a read (the registered units, through the store
interface) and, when the ephemeral state is shared (``PELUIT_STATE_URL``),
Redis answers a ``PING``; ``503`` with the body ``unavailable`` otherwise:
a node that lost Redis refuses every proof of work, so the balancer should
send its traffic elsewhere. No counters,
no times, no version: the body and headers are the same before and after
any number of reports, so a monitor (or whoever can reach it) learns only
"up" or "down". ``HEAD`` answers the same without a body.

Both run in a worker thread so that a database stuck behind a lock or a
Redis that does not answer never blocks the event loop; the ``PING`` waits
at most the client's one-second time-out, and not at all while the
client's circuit breaker is open (web/shared_state/redis_connection.py).
Their exceptions are never shown.
"""

from __future__ import annotations

import logging

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from crypto.errors import PeluitError
from vault.errors import STORAGE_ERRORS

OK = "ok\n"
UNAVAILABLE = "unavailable\n"

log = logging.getLogger("peluit.health")

# The storage engine's own errors (whichever engine) and the store's.
_NO_ANSWER: tuple[type[BaseException], ...] = (*STORAGE_ERRORS, PeluitError)


def _database_answers(request: Request) -> bool:
    try:
        request.app.state.vault.list_units()
    except _NO_ANSWER:
        return False
    return True


def _state_answers(request: Request) -> bool:
    shared = getattr(request.app.state, "shared", None)
    if shared is None or not shared.shared:
        return True  # the state is in this process's memory
    # Imported here: the Redis client is the optional "scale" extra.
    from web.shared_state.redis_connection import answers

    return answers(shared.client)


def _what_fails(request: Request) -> str | None:
    if not _database_answers(request):
        return "the database"
    if not _state_answers(request):
        return "the shared state (Redis)"
    return None


async def healthz(request: Request) -> PlainTextResponse:
    failing = await run_in_threadpool(_what_fails, request)
    if failing is None:
        return PlainTextResponse(OK)
    log.warning("health check: %s does not answer", failing)
    return PlainTextResponse(UNAVAILABLE, status_code=503)


def routes() -> list[Route]:
    return [Route("/healthz", healthz, methods=["GET", "HEAD"])]
