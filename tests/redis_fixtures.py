"""A real ``redis-server`` for the tests: unprivileged, on a unix socket, nothing on disk.

:func:`start_redis` runs Debian's ``redis-server`` with ``port 0`` (no TCP),
a unix socket in a new temporary folder, ``save ""`` and ``appendonly no``
(what docs/scale.md asks of production), as ``nobody`` when the tests run
as root (``runuser``), as the test user otherwise. The socket is mode 0700:
only its owner (and root) can connect.

Fixtures (registered in conftest.py): ``redis_server`` once per session,
``redis_url`` per test after a ``FLUSHALL``, so no test sees another's keys.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

REDIS_SERVER = "/usr/bin/redis-server"


@dataclass
class RedisServer:
    folder: Path
    process: subprocess.Popen[bytes]

    @property
    def socket(self) -> Path:
        return self.folder / "redis.sock"

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def client(self) -> redis.Redis:
        return redis.Redis(unix_socket_path=str(self.socket), socket_timeout=2)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        if self.process.stderr is not None:
            self.process.stderr.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def start_redis(*config: str) -> RedisServer:
    """A fresh server; ``config`` adds ``--name value`` pairs (e.g. ``"--save", "60 1"``)."""
    if not os.access(REDIS_SERVER, os.X_OK):
        pytest.fail("redis-server is missing: run scripts/setup --dev (apt: redis-server)")
    folder = Path(tempfile.mkdtemp(prefix="peluit-redis-"))
    command = [
        REDIS_SERVER,
        "--port", "0",
        "--unixsocket", str(folder / "redis.sock"),
        "--unixsocketperm", "700",
        "--save", "",
        "--appendonly", "no",
        "--dir", str(folder),
        "--logfile", "",
        "--daemonize", "no",
        *config,
    ]  # fmt: skip
    if os.geteuid() == 0:
        os.chown(folder, _nobody(), -1)
        command = ["runuser", "-u", "nobody", "--", *command]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = RedisServer(folder, process)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            err = process.stderr.read().decode() if process.stderr else ""
            server.stop()
            pytest.fail(f"redis-server did not start: {err}")
        with contextlib.suppress(redis.exceptions.RedisError, OSError):
            if server.socket.exists() and server.client().ping():
                return server
        time.sleep(0.02)
    server.stop()
    pytest.fail("redis-server did not answer within 10 seconds")


def _nobody() -> int:
    import pwd

    return pwd.getpwnam("nobody").pw_uid


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
