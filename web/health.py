"""``GET /healthz``: does the vault answer? For a reverse proxy or a monitor.

The answer says nothing about reports, ever: ``200`` with the body ``ok``
when the database answers a read (the registered units, through the store
interface), ``503`` with the body ``unavailable`` otherwise. No counters,
no times, no version: the body and headers are the same before and after
any number of reports, so a monitor (or whoever can reach it) learns only
"up" or "down". ``HEAD`` answers the same without a body.

The read runs in a worker thread so that a database stuck behind a lock
never blocks the event loop. Its exception is never shown.
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


async def healthz(request: Request) -> PlainTextResponse:
    if await run_in_threadpool(_database_answers, request):
        return PlainTextResponse(OK)
    log.warning("health check: the database does not answer")
    return PlainTextResponse(UNAVAILABLE, status_code=503)


def routes() -> list[Route]:
    return [Route("/healthz", healthz, methods=["GET", "HEAD"])]
