"""A real PostgreSQL 15 started for a benchmark or the tests, and stopped after.

Debian's ``postgresql-15`` run as the unprivileged ``postgres`` user
(``runuser``; the current user when not root) in a temporary folder: no
TCP at all (``listen_addresses=''``), a unix socket in that folder,
``fsync`` on as in production. The vault's schema is migrated once into a
template database; :meth:`PgServer.new_database` copies it (``CREATE
DATABASE ... TEMPLATE``, a file copy: fast). The tests use it through
tests/pg_server.py, the ingest benchmark directly (bench/bench_ingest.py),
which also reads the CPU time of every server process
(:meth:`PgServer.postmaster_pid`).
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BIN = Path("/usr/lib/postgresql/15/bin")
TEMPLATE = "peluit_template"


def available() -> bool:
    return (BIN / "pg_ctl").is_file()


class PgServer:
    """A running server in ``folder``; :meth:`url` names one of its databases."""

    def __init__(self, folder: Path, user: str) -> None:
        self.folder = folder
        self.user = user

    def url(self, database: str) -> str:
        return f"postgresql:///{database}?host={self.folder}&user={self.user}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(sql.encode())

    def new_database(self, template: str = TEMPLATE) -> str:
        """A fresh database from the migrated template; return its URL."""
        name = f"t_{secrets.token_hex(8)}"
        self.admin(f"CREATE DATABASE {name} TEMPLATE {template}")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.split("?", 1)[0].rsplit("/", 1)[1]
        self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def postmaster_pid(self) -> int:
        """The server's first process; every backend and helper process is its child."""
        return int((self.folder / "data" / "postmaster.pid").read_text().split()[0])


def _as_user(user: str, *command: str | Path) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", user, "--", *map(str, command)]
    return [str(part) for part in command]


@contextmanager
def running_server() -> Iterator[PgServer]:
    """Start a server (initdb, pg_ctl) and migrate the template; stop and remove it after."""
    user = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    folder = Path(tempfile.mkdtemp(prefix="peluit-pg-"))
    data = folder / "data"
    if os.geteuid() == 0:
        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "check": True}
    try:
        subprocess.run(
            _as_user(user, BIN / "initdb", "-D", data, "-A", "trust", "-U", user,
                     "--locale=C", "-E", "UTF8"),
            **quiet,  # type: ignore[call-overload]
        )  # fmt: skip
        options = (
            f"-c listen_addresses='' -c unix_socket_directories={folder}"
            " -c fsync=on -c max_connections=300 -c shared_buffers=32MB"
        )
        subprocess.run(
            _as_user(user, BIN / "pg_ctl", "-D", data, "-o", options, "-w",
                     "-l", folder / "server.log", "start"),
            **quiet,  # type: ignore[call-overload]
        )  # fmt: skip
        server = PgServer(folder, user)
        server.admin(f"CREATE DATABASE {TEMPLATE}")
        _migrate(server.url(TEMPLATE))
        yield server
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                _as_user(user, BIN / "pg_ctl", "-D", data, "-m", "immediate", "stop"),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            )
        shutil.rmtree(folder, ignore_errors=True)


def _migrate(url: str) -> None:
    from vault import database
    from vault.schema import migrate

    database.select_database(url)
    try:
        db = database.connect(Path("unused"))
        try:
            migrate(db)
        finally:
            db.close()
    finally:
        database.select_database(None)
