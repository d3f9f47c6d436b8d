"""Suite-wide test ordering: the real-browser tests run last.

Playwright's session keeps an event loop in the main thread until the end of
the run; running every other test first keeps them in a plain thread, and
gives the fast feedback first. Every test under ``tests/browser/`` is a
browser test whether or not its module says so (two files that forgot the
marker once ran first and broke every later test that runs an event loop).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pg_server import PgServer, backend, running_server
from pg_server import available as pg_available

from vault import database

BROWSER_FOLDER = Path(__file__).resolve().parent / "browser"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if BROWSER_FOLDER in item.path.parents and item.get_closest_marker("browser") is None:
            item.add_marker(pytest.mark.browser)
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


# The real redis-server the shared-state tests use (tests/redis_fixtures.py).
from redis_fixtures import redis_server, redis_url  # noqa: E402, F401

# --- the vault's database: SQLite (default) or PostgreSQL ----------------------------
# PELUIT_TEST_BACKEND=postgres runs every test's vault on a real PostgreSQL 15
# (tests/pg_server.py): one server for the session, a fresh database per test,
# found by the vault through PELUIT_DATABASE_URL.


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A running PostgreSQL 15 with a migrated template (skips if not installed)."""
    if not pg_available():
        pytest.skip("PostgreSQL 15 is not installed (apt-get install postgresql)")
    with running_server() as server:
        yield server


@pytest.fixture(scope="module")
def own_pg_server() -> Iterator[PgServer]:
    """A PostgreSQL 15 for one test module alone, which its tests may stop, crash or block."""
    if not pg_available():
        pytest.skip("PostgreSQL 15 is not installed (apt-get install postgresql)")
    with running_server() as server:
        yield server


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A fresh migrated PostgreSQL database of this test's own."""
    url = pg_server.new_database()
    try:
        yield url
    finally:
        database.select_database(None)  # a command run in the test selected it for the process
        database.close_pools()
        pg_server.drop_database(url)


@pytest.fixture(autouse=True)
def vault_backend(request: pytest.FixtureRequest) -> Iterator[str]:
    """The vault's backend for this test; on PostgreSQL a fresh database in the environment.

    Its own MonkeyPatch: a test's ``monkeypatch.undo()`` must not undo the backend.
    """
    with pytest.MonkeyPatch.context() as patch:
        if backend() == "postgres" and request.node.get_closest_marker("browser") is None:
            if request.node.get_closest_marker("sqlite_only") is not None:
                pytest.skip("looks into SQLite's own files (sqlite_only)")
            patch.setenv(database.DATABASE_URL_ENV, request.getfixturevalue("pg_url"))
            yield "postgres"
        else:
            patch.delenv(database.DATABASE_URL_ENV, raising=False)
            yield "sqlite"
