"""common/: what every layer shares, checked once (real files, real SQLite)."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from common.cli_language import language
from common.durable_file import fsync_file, write_atomic
from common.same_origin import local_path
from common.security_headers import SHARED_HEADERS, replace_headers
from common.sqlite_files import PRAGMAS, transaction
from crypto.b64 import WrongLength, b64u_encode, b64u_field
from crypto.errors import FormatError
from vault.database import opened as vault_opened
from workstation.database import connect as workstation_connect

PRAGMA_NAMES = [name for name, _ in PRAGMAS]


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("/kasus/ab?saved=1", "/kasus/ab?saved=1"),
        ("/", "/"),
        ("//evil.example/x", "/"),
        ("/\\evil.example/x", "/"),  # a browser reads a backslash as a slash
        ("https://evil.example/", "/"),
        ("kasus", "/"),
        ("", "/"),
    ],
)
def test_a_redirect_stays_on_this_origin(given: str, kept: str) -> None:
    assert local_path(given) == kept


def test_shared_headers_replace_what_the_app_set_and_drop_the_banner() -> None:
    app = [(b"server", b"uvicorn"), (b"x-frame-options", b"SAMEORIGIN"), (b"etag", b"1")]
    added = [(b"referrer-policy", b"no-referrer"), *SHARED_HEADERS]
    headers = replace_headers(app, added)
    assert headers == [(b"etag", b"1"), *added]
    assert dict(headers)[b"x-frame-options"] == b"DENY"


@pytest.mark.parametrize(
    ("env", "lang"),
    [
        ({"LANG": "id_ID.UTF-8"}, "id"),
        ({"LC_ALL": "en_GB.UTF-8", "LANG": "id_ID.UTF-8"}, "en"),
        ({"LC_MESSAGES": "id", "LANG": "en_US.UTF-8"}, "id"),
        ({}, "en"),
    ],
)
def test_the_command_lines_choose_their_language_alike(
    env: dict[str, str], lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert language() == lang


@pytest.mark.sqlite_only  # reads the SQLite pragmas of the vault file
def test_vault_and_workstation_databases_get_the_same_pragmas(tmp_path: Path) -> None:
    with vault_opened(tmp_path / "vault.sqlite3") as db:
        online = {name: db.execute(f"PRAGMA {name}").fetchone()[0] for name in PRAGMA_NAMES}
    conn = workstation_connect(tmp_path / "workstation.sqlite")
    try:
        offline = {name: conn.execute(f"PRAGMA {name}").fetchone()[0] for name in PRAGMA_NAMES}
    finally:
        conn.close()
    assert offline == online
    assert online["journal_mode"] == "wal" and online["synchronous"] == 2  # FULL
    assert online["secure_delete"] == 1 and online["trusted_schema"] == 0
    for name in ("vault.sqlite3", "workstation.sqlite"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600


def test_a_commit_that_fails_is_rolled_back(tmp_path: Path) -> None:
    """A deferred foreign key fails at COMMIT: nothing stays, and no transaction is left open."""
    conn = workstation_connect(tmp_path / "workstation.sqlite")
    try:
        conn.executescript(
            "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
            "CREATE TABLE child (parent INTEGER REFERENCES parent DEFERRABLE INITIALLY DEFERRED);"
        )
        with pytest.raises(sqlite3.IntegrityError), transaction(conn):
            conn.execute("INSERT INTO child VALUES (7)")
        assert not conn.in_transaction
        assert conn.execute("SELECT count(*) FROM child").fetchone()[0] == 0
        with transaction(conn):
            conn.execute("INSERT INTO parent VALUES (7)")
            conn.execute("INSERT INTO child VALUES (7)")
        assert conn.execute("SELECT count(*) FROM child").fetchone()[0] == 1
    finally:
        conn.close()


def test_an_atomic_write_keeps_its_mode_and_replaces_only_when_asked(tmp_path: Path) -> None:
    card = tmp_path / "unit-card.json"
    write_atomic(card, [b"one"], mode=0o644)
    assert stat.S_IMODE(card.stat().st_mode) == 0o644 & ~_umask()
    with pytest.raises(FileExistsError):
        write_atomic(card, [b"two"])
    write_atomic(card, [b"three"], replace=True)
    assert card.read_bytes() == b"three"
    assert [p.name for p in tmp_path.iterdir()] == ["unit-card.json"]  # no temporary left


def test_fsync_file_refuses_a_symbolic_link(tmp_path: Path) -> None:
    (tmp_path / "real").write_bytes(b"x")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    fsync_file(tmp_path / "real")
    with pytest.raises(OSError):
        fsync_file(tmp_path / "link")


def test_a_base64url_field_says_which_check_failed() -> None:
    fields: dict[str, object] = {"key": b64u_encode(bytes(32)), "bad": "a+b/", "number": 7}
    assert b64u_field(fields, "key", 32) == bytes(32)
    assert b64u_field(fields, "key") == bytes(32)
    with pytest.raises(WrongLength):
        b64u_field(fields, "key", 31)
    for name in ("bad", "number"):
        with pytest.raises(FormatError) as caught:
            b64u_field(fields, name)
        assert not isinstance(caught.value, WrongLength)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
