"""The console's in-memory state and its way to the store.

Sessions and the sign-in throttle live in memory (a restart signs everyone
out, the safe direction). The store is the vault's console interface
(:mod:`vault.console_store`), which checks roles again for every call: the
web layer's checks are the first fence, not the only one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from vault.staff import LoginThrottle
from vault.staff_sessions import SessionStore

MIB = 1 << 20


@dataclass
class ConsoleState:
    store: Any
    sessions: SessionStore = field(default_factory=SessionStore)
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    reply_bundle_max: int = 80 * MIB
    card_max: int = 64 * 1024
    page_size: int = 25
    temp_dir: Path | None = None
    password_change_pending: set[int] = field(default_factory=set)
    """Accounts that must change their password, cached at sign-in from the database."""


def install(app: Starlette, store: Any) -> ConsoleState:
    """Uploads and exports are spooled in the data folder's staging area (same disk)."""
    state = ConsoleState(store=store)
    spool_folder = getattr(app.state.vault, "spool_folder", None)
    if spool_folder is not None:
        state.temp_dir = Path(spool_folder())
    app.state.console = state
    return state


def console(request: Request) -> ConsoleState:
    state: ConsoleState = request.app.state.console
    return state


async def call(func: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a blocking (fsyncing) store call off the event loop."""
    return await run_in_threadpool(func, *args, **kwargs)
