"""The console's ephemeral state and its way to the store.

Sessions, the sign-in throttle, the sign-in form's key and the "must change
password" cache live in memory: this process's, or the memory of the Redis
several processes share (web/shared_state/, docs/scale.md). A restart signs
everyone out, the safe direction. The store is the vault's console interface
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

from vault.staff import LoginThrottle, SignInThrottle
from vault.staff_sessions import Sessions, SessionStore
from web.rotating_keys import KeyRing, MemoryKeyRing
from web.shared_state import SharedState
from web.shared_state.local import PasswordChanges

MIB = 1 << 20


@dataclass
class ConsoleState:
    store: Any
    sessions: Sessions = field(default_factory=SessionStore)
    throttle: SignInThrottle = field(default_factory=LoginThrottle)
    reply_bundle_max: int = 80 * MIB
    card_max: int = 64 * 1024
    page_size: int = 25
    temp_dir: Path | None = None
    password_change_pending: PasswordChanges = field(default_factory=lambda: set[int]())
    """Accounts that must change their password, cached at sign-in from the database."""
    login_keys: KeyRing = field(default_factory=MemoryKeyRing)
    """The sign-in form's token key (there is no session yet)."""


def install(app: Starlette, store: Any, shared: SharedState) -> ConsoleState:
    """Uploads and exports are spooled in the data folder's staging area (same disk)."""
    state = ConsoleState(
        store=store,
        sessions=shared.sessions,
        throttle=shared.throttle,
        password_change_pending=shared.password_changes,
        login_keys=shared.login_keys,
    )
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
