"""Run a coroutine function to completion from synchronous test code.

Playwright's synchronous API keeps an event loop running in the main thread
for the whole browser session, and ``anyio.run`` refuses to start a second
one there. Running the coroutine in a short-lived worker thread works
whether or not a browser session is open, so test order never matters.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import anyio

T = TypeVar("T")


def run_async(function: Callable[..., Awaitable[T]], *args: Any) -> T:
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(anyio.run, function, *args).result()
