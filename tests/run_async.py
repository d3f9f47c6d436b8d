"""Run a coroutine function to completion from synchronous test code.

Normally it runs right here, in the calling thread (an app that keeps
thread-bound resources between requests, like the workstation UI's SQLite
connection, then sees the thread the test itself uses). Playwright's
synchronous API, though, keeps an event loop running in the main thread for
the whole browser session, and ``anyio.run`` refuses to start a second one
there: while a browser session is open, calls go to one long-lived worker
thread instead. ``tests/conftest.py`` runs the browser tests last.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import anyio

T = TypeVar("T")

_WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="asgi-test-client")


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def run_async(function: Callable[..., Awaitable[T]], *args: Any) -> T:
    if not _loop_running():
        return anyio.run(function, *args)
    return _WORKER.submit(anyio.run, function, *args).result()
