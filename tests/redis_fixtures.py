"""A real ``redis-server`` for the tests: unprivileged, on a unix socket, nothing on disk.

The server itself is started by bench/redis_server.py (shared with the
ingest benchmark): Debian's ``redis-server`` with ``port 0`` (no TCP), a
unix socket in a new temporary folder, ``save ""``, ``appendonly no``
and ``maxmemory-policy noeviction`` (what docs/scale.md asks of
production), as ``nobody`` when the tests run as root. Here
:func:`start_redis` turns a server that cannot start into a test failure.

Fixtures (registered in conftest.py): ``redis_server`` once per session,
``redis_url`` per test after a ``FLUSHALL``, so no test sees another's keys.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench import redis_server as _shared
from bench.redis_server import REDIS_SERVER, RedisServer

__all__ = ["REDIS_SERVER", "RedisServer", "redis_server", "redis_url", "start_redis"]


def start_redis(*config: str) -> RedisServer:
    """A fresh server; ``config`` adds ``--name value`` pairs (e.g. ``"--save", "60 1"``)."""
    try:
        return _shared.start_redis(*config)
    except _shared.RedisNotStarted as failed:
        pytest.fail(str(failed))


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    server = start_redis()
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """The session's server, emptied (``FLUSHALL``) for this test."""
    redis_server.client().flushall()
    return redis_server.url
