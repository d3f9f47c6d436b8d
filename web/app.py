"""The online vault as one Starlette application.

``create_app`` wires the pieces: the store (only through the narrow
``vault.store.VaultStore`` interface), the reporter pages, the JSON API, the
static bundles and the security headers. Nothing here decrypts anything.
The ephemeral state (sessions, throttles, proof-of-work keys) is one
:class:`web.shared_state.SharedState`: this process's memory, or Redis's
for several processes (``PELUIT_STATE_URL``, docs/scale.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from web import api, console, errors, health, pages, reporter_tool, slash_redirect
from web.security_headers import SecurityHeaders
from web.settings import Settings
from web.shared_state import SharedState, open_shared_state

STATIC_DIR = Path(__file__).resolve().parent / "static"


def open_default_store(settings: Settings) -> Any:
    """The store the settings name: SQLite in the data folder, or PostgreSQL."""
    from vault.limits import Limits as VaultLimits
    from vault.store import open_store, select_engine

    if settings.database_url:
        select_engine(settings.database_url)
    limits = VaultLimits(
        attachment_plaintext_max=settings.limits.attachment_bytes,
        report_plaintext_max=settings.limits.report_bytes,
    )
    return open_store(settings.data_dir, limits=limits)


def _hsts(settings: Settings) -> bool:
    origin = settings.public_url
    return origin is not None and origin.hsts


def create_app(
    settings: Settings | None = None, *, store: Any = None, shared: SharedState | None = None
) -> Starlette:
    """The app; ``shared`` (the ephemeral state) from ``PELUIT_STATE_URL`` unless given."""
    settings = settings or Settings.from_env()
    if shared is None:
        shared = open_shared_state(settings.state_url, piece_seconds=settings.limits.piece_seconds)
    vault = store if store is not None else open_default_store(settings)
    app = Starlette(
        debug=False,  # the 500 page never says more than "server error"
        routes=[
            *health.routes(),  # GET /healthz: "ok" or 503, nothing about reports
            Mount("/api", routes=api.routes()),
            Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
            *console.routes(),  # /konsol and /en/konsol, before the pages' /{lang}/...
            *reporter_tool.routes(),  # GET /unduh/peluit-report.pyz
            *pages.routes(),
        ],
        middleware=[Middleware(SecurityHeaders, hsts=_hsts(settings))],
        exception_handlers=errors.handlers(),
    )
    app.state.settings = settings
    app.state.shared = shared
    app.state.vault = vault
    api.install(app)
    console.install(app)
    slash_redirect.install(app.router)  # a path in Location, never the Host header
    return app
