"""``peluit user add`` / ``user list`` / ``deadlines close-due`` through the real CLI."""

from __future__ import annotations

import datetime as dt
import io
import time
from pathlib import Path

import pyotp
import pytest
from test_lifecycle_fixtures import UNIT_A, Vault

from vault import staff
from vault.staff import LoginThrottle
from web.cli import main


def test_user_add_reads_the_password_from_stdin_and_prints_the_totp_uri(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = Vault(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO("kuda-baterai-benar-staples\n"))
    code = main(
        ["--data", str(vault.path), "user", "add", "ani", "--role", "inspector", "--unit", UNIT_A]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[0] == f"user ani added: inspector, units {UNIT_A}"
    uri = out.splitlines()[-1]
    assert uri.startswith("otpauth://totp/Peluit:ani?")
    assert "\u2588" in out or "\u2580" in out  # the QR code's blocks
    secret = pyotp.parse_uri(uri).secret
    now = time.time()
    with vault.db() as db:
        user = staff.authenticate(
            db,
            "ani",
            "kuda-baterai-benar-staples",
            pyotp.TOTP(secret).at(now),
            now=lambda: now,
            throttle=LoginThrottle(),
        )
    assert user.unit_ids == (UNIT_A,)
    assert main(["--data", str(vault.path), "user", "list"]) == 0
    assert capsys.readouterr().out == f"ani\tinspector\t{UNIT_A}\tactive\n"


def test_user_add_refuses_a_short_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = Vault(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO("pendek\n"))
    assert main(["--data", str(vault.path), "user", "add", "ani", "--role", "auditor"]) == 1
    assert capsys.readouterr().err.startswith("error: a password must be 12 to 1024")
    assert vault.rows("SELECT count(*) FROM staff_users") == [(0,)]


def test_deadlines_close_due(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    vault = Vault(tmp_path, day=dt.date(2020, 1, 6))
    case = vault.new_case()
    vault.move(case, "dilimpahkan", day=dt.date(2020, 1, 7))  # auto close long past
    assert main(["--data", str(vault.path), "deadlines", "close-due"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "1 cases closed"
    assert vault.rows("SELECT status FROM cases") == [("ditutup",)]


def test_user_add_says_the_password_rule_before_asking(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a terminal the length rule comes first, not after the password was typed twice."""
    import getpass
    import sys

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    seen: list[str] = []

    def ask(prompt: str = "") -> str:
        seen.append(capsys.readouterr().err)
        return "pendek"

    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr(getpass, "getpass", ask)
    assert main(["--data", str(tmp_path / "var"), "user", "add", "siti", "--role", "auditor"]) != 0
    assert "a password is 12 to 1024 characters long" in seen[0]
