"""A real ``redis-server``: unprivileged, on a unix socket, nothing on disk.

:func:`start_redis` runs Debian's ``redis-server`` with ``port 0`` (no TCP),
a unix socket in a new temporary folder, ``save ""``, ``appendonly no``
and ``maxmemory-policy noeviction`` (what docs/scale.md asks of
production), as ``nobody`` when run as root (``runuser``), as the current
user otherwise. The socket is mode 0700:
only its owner (and root) can connect. The tests use it through
tests/redis_fixtures.py, the ingest benchmark directly; :attr:`RedisServer.process`
is the root of its processes, whose CPU time the benchmark reads.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import redis

REDIS_SERVER = "/usr/bin/redis-server"


class RedisNotStarted(RuntimeError):
    """``redis-server`` is missing, exited, or did not answer in time."""


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
    """A fresh server; ``config`` adds ``--name value`` pairs (e.g. ``"--save", "60 1"``).

    Raises :class:`RedisNotStarted` when it cannot run.
    """
    if not os.access(REDIS_SERVER, os.X_OK):
        raise RedisNotStarted(
            "redis-server is missing: run scripts/setup --dev (apt: redis-server)"
        )
    folder = Path(tempfile.mkdtemp(prefix="peluit-redis-"))
    command = [
        REDIS_SERVER,
        "--port", "0",
        "--unixsocket", str(folder / "redis.sock"),
        "--unixsocketperm", "700",
        "--save", "",
        "--appendonly", "no",
        "--maxmemory-policy", "noeviction",
        "--dir", str(folder),
        "--logfile", "",
        "--daemonize", "no",
        *config,
    ]  # fmt: skip
    if os.geteuid() == 0:
        os.chown(folder, pwd.getpwnam("nobody").pw_uid, -1)
        command = ["runuser", "-u", "nobody", "--", *command]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = RedisServer(folder, process)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            err = process.stderr.read().decode() if process.stderr else ""
            server.stop()
            raise RedisNotStarted(f"redis-server did not start: {err}")
        with contextlib.suppress(redis.exceptions.RedisError, OSError):
            if server.socket.exists() and server.client().ping():
                return server
        time.sleep(0.02)
    server.stop()
    raise RedisNotStarted("redis-server did not answer within 10 seconds")
