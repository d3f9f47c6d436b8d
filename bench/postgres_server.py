"""A real PostgreSQL 15 started for a benchmark or the tests, and stopped after.

Debian's ``postgresql-15`` run as the unprivileged ``postgres`` user
(``runuser``; the current user when not root) in a temporary folder: no
TCP at all (``listen_addresses=''``), a unix socket in that folder,
``fsync`` on and the log as quiet as in production (no error ``DETAIL``
nor failed statement: docs/scale.md). The vault's schema is migrated once into a
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
        self.data = folder / "data"

    def start(self) -> None:
        """Start the server (``pg_ctl start -w``); nothing if it runs already."""
        if self.running():
            return
        options = (
            f"-c listen_addresses='' -c unix_socket_directories={self.folder}"
            " -c fsync=on -c max_connections=300 -c shared_buffers=32MB"
            # Quiet as docs/scale.md asks of production (doctor's pg_quiet).
            " -c log_error_verbosity=terse -c log_min_error_statement=panic"
        )
        subprocess.run(
            _as_user(self.user, BIN / "pg_ctl", "-D", self.data, "-o", options, "-w",
                     "-l", self.folder / "server.log", "start"),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True,
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: ``fast`` ends every session at once, ``immediate`` is a crash."""
        if self.running():
            subprocess.run(
                _as_user(self.user, BIN / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop"),
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
            )  # fmt: skip

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def promote(self) -> None:
        """Make this standby the primary (``pg_ctl promote -w``)."""
        subprocess.run(
            _as_user(self.user, BIN / "pg_ctl", "-D", self.data, "-w", "promote"),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True,
        )  # fmt: skip

    def read(self, database: str, sql: str) -> list[tuple[object, ...]]:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            return list(conn.execute(sql.encode()).fetchall())

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
    folder = _own_folder(user, "peluit-pg-")
    data = folder / "data"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "check": True}
    try:
        subprocess.run(
            _as_user(user, BIN / "initdb", "-D", data, "-A", "trust", "-U", user,
                     "--locale=C", "-E", "UTF8"),
            **quiet,  # type: ignore[call-overload]
        )  # fmt: skip
        server = PgServer(folder, user)
        server.start()
        server.admin(f"CREATE DATABASE {TEMPLATE}")
        _migrate(server.url(TEMPLATE))
        yield server
    finally:
        PgServer(folder, user).stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def standby_of(primary: PgServer, name: str = "standby1") -> Iterator[PgServer]:
    """A streaming standby of ``primary`` (``pg_basebackup -R``), on its own socket folder.

    It connects as ``application_name=name``, the name the primary's
    ``synchronous_standby_names`` lists to wait for it on every commit.
    """
    folder = _own_folder(primary.user, "peluit-pg-standby-")
    standby = PgServer(folder, primary.user)
    try:
        conninfo = f"host={primary.folder} user={primary.user} application_name={name}"
        subprocess.run(
            _as_user(primary.user, BIN / "pg_basebackup", "-D", standby.data, "-R",
                     "-X", "stream", "-c", "fast", "-d", conninfo),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True,
        )  # fmt: skip
        standby.start()
        yield standby
    finally:
        standby.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)


def _own_folder(user: str, prefix: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    if os.geteuid() == 0:
        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    return folder


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
