"""docs/scale.md's sample Redis configuration, run as it is written.

The block under "Redis must keep nothing on disk" is what an administrator
copies. Here a real ``redis-server`` starts from that block (only the
socket's folder and the password changed), Peluit connects as the ACL user
the block defines and runs every operation it needs, and the commands that
would put Redis's memory on disk or change its settings are refused to it.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import secrets
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from redis_fixtures import REDIS_SERVER

from common.days import jakarta_today
from vault.staff import Role, StaffUser
from web.doctor_checks import Context
from web.doctor_machine import check_shared_state
from web.settings import Settings
from web.shared_state import open_shared_state
from web.shared_state.redis_connection import answers

ROOT = Path(__file__).resolve().parent.parent
SOCKET = "/run/redis-peluit/redis.sock"


def sample_config() -> str:
    text = (ROOT / "docs" / "scale.md").read_text()
    section = text.split("### Redis must keep nothing on disk", 1)[1].split("\n### ", 1)[0]
    found = re.search(r"\n```\n(.*?)\n```\n", section, re.S)
    assert found, "docs/scale.md: no sample configuration"
    return found.group(1)


@contextlib.contextmanager
def redis_from_the_docs() -> Iterator[tuple[str, Path]]:
    """A redis-server on the sample configuration; yields (Peluit's URL, socket)."""
    folder = Path(tempfile.mkdtemp(prefix="peluit-redis-doc-"))
    password = secrets.token_hex(16)
    socket = folder / "redis.sock"
    config = sample_config().replace(SOCKET, str(socket)).replace(">PASSWORD", f">{password}")
    (folder / "peluit.conf").write_text(
        f'{config}\ndir {folder}\nlogfile ""\ndaemonize no\nunixsocketperm 700\n'
    )
    command = [REDIS_SERVER, str(folder / "peluit.conf")]
    if os.geteuid() == 0:  # as tests/redis_fixtures.py: never as root
        os.chown(folder, pwd.getpwnam("nobody").pw_uid, -1)
        os.chown(folder / "peluit.conf", pwd.getpwnam("nobody").pw_uid, -1)
        command = ["runuser", "-u", "nobody", "--", *command]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"unix://peluit:{password}@{socket}"
    try:
        deadline = time.monotonic() + 10
        while not socket.exists():
            assert process.poll() is None, process.stderr.read() if process.stderr else b""
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.02)
        yield url, socket
    finally:
        process.terminate()
        process.wait(10)
        if process.stderr is not None:
            process.stderr.close()
        shutil.rmtree(folder, ignore_errors=True)


def test_the_sample_config_names_the_settings_peluit_needs() -> None:
    lines = sample_config().splitlines()
    for needed in (
        'save ""',
        "appendonly no",
        "maxmemory-policy noeviction",
        "repl-diskless-sync yes",
        "repl-diskless-load on-empty-db",
        "rdb-del-sync-files yes",
        "user default off",
    ):
        assert needed in lines, needed


@pytest.mark.skipif(not os.access(REDIS_SERVER, os.X_OK), reason="no redis-server")
def test_peluit_runs_as_the_sample_acl_user_which_cannot_touch_the_disk() -> None:
    with redis_from_the_docs() as (url, socket):
        shared = open_shared_state(url)  # CONFIG GET allowed: the no-disk checks pass
        client = shared.client
        minute = int(time.time() // 60)
        assert shared.spent.spend(b"challenge", minute + 15, minute)
        assert not shared.spent.spend(b"challenge", minute + 15, minute)
        assert shared.spent.count() == 1
        shared.lookup_volumes.add(b"peer")
        assert shared.lookup_volumes.recent(b"peer") == 1
        assert len(shared.challenge_keys.live()) >= 1
        ani = StaffUser(7, "ani", Role("inspector"), (), False)
        token, _ = shared.sessions.create(ani)
        session = shared.sessions.get(token)
        assert session is not None and shared.sessions.touch(session) is not None
        assert len(shared.sessions) == 1
        assert shared.sessions.destroy_user(7) == 1
        assert not shared.throttle.failed("ani") and shared.throttle.locked_for("ani") == 0
        shared.throttle.succeeded("ani")
        shared.password_changes.add(7)
        assert 7 in shared.password_changes
        assert shared.in_flight.claim("upload") and not shared.in_flight.claim("upload")
        shared.in_flight.release("upload")
        assert shared.in_flight.claim("upload")
        assert answers(client)
        for refused in (
            ("BGSAVE",),
            ("SAVE",),
            ("CONFIG", "SET", "save", "60 1"),
            ("FLUSHALL",),
            ("DEBUG", "SLEEP", "0"),
            ("SET", "elsewhere", "x"),  # only keys under peluit:
        ):
            with pytest.raises(redis.exceptions.ResponseError) as no:
                client.execute_command(*refused)
            # The ACL refuses it (DEBUG is also off in Redis 7 by default).
            assert "permission" in str(no.value) or refused[0] == "DEBUG", no.value
        # The default user is off: without the password, nothing.
        anonymous = redis.Redis(
            unix_socket_path=str(socket), socket_timeout=2, retry=Retry(NoBackoff(), 0)
        )
        with pytest.raises(redis.exceptions.AuthenticationError):
            anonymous.ping()
        client.close()
        # peluit doctor, as the same user: settings, clock and all.
        (found,) = check_shared_state(Context(Settings(state_url=url), jakarta_today()))
        assert found.ok, found.what.en
