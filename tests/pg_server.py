"""A real PostgreSQL 15 for the tests: one server per session, one database per test.

``PELUIT_TEST_BACKEND=postgres`` runs the suite's vault on PostgreSQL
(tests/conftest.py). The server itself (Debian's ``postgresql-15`` as the
unprivileged ``postgres`` user, a unix socket in a temporary folder, no
TCP, ``fsync`` on, the schema migrated once into a template database) is
started by bench/postgres_server.py, which the ingest benchmark shares;
each test gets its own database copied from the template (``CREATE
DATABASE ... TEMPLATE``, a file copy: fast), and the vault's connections
find it through ``PELUIT_DATABASE_URL``.
"""

from __future__ import annotations

import os

from bench.postgres_server import (
    BIN,
    TEMPLATE,
    PgServer,
    available,
    running_server,
    standby_of,
)

__all__ = [
    "BACKEND_ENV",
    "BIN",
    "TEMPLATE",
    "PgServer",
    "available",
    "backend",
    "running_server",
    "standby_of",
]

BACKEND_ENV = "PELUIT_TEST_BACKEND"


def backend() -> str:
    """``sqlite`` (the default) or ``postgres``."""
    chosen = os.environ.get(BACKEND_ENV, "sqlite") or "sqlite"
    if chosen not in ("sqlite", "postgres"):
        raise ValueError(f"{BACKEND_ENV} must be sqlite or postgres, not {chosen!r}")
    return chosen
