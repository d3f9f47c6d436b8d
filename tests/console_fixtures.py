"""Staff accounts and a signed-in console client on the real app (see app_fixtures)."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

import httpx
import pyotp
from app_fixtures import AppClient, Env, make_unit

from vault import staff
from vault.database import opened

PASSWORD = "correct horse battery"


@dataclass
class Account:
    username: str
    role: str
    totp: pyotp.TOTP
    password: str = PASSWORD
    user_id: int = 0

    def code(self, offset_steps: int = 0) -> str:
        """A current code; ``offset_steps`` = 1 gives the next step's (each step signs in once)."""
        return self.totp.at(time.time() + 30 * offset_steps)


def add_account(env: Env, username: str, role: str, units: tuple[str, ...] = ()) -> Account:
    with opened(env.data / "vault.sqlite3") as db:
        user, secret = staff.create_user(db, username, role, unit_ids=units, password=PASSWORD)
    return Account(username, role, pyotp.TOTP(secret.reveal()), user_id=user.user_id)


def add_unit(env: Env, unit_id: str) -> Any:
    other = make_unit(unit_id)
    env.store.register_unit(other.card.to_json())
    return other


CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class Console:
    """A browser-like client: keeps the session cookie, reads CSRF tokens from pages."""

    def __init__(self, env: Env) -> None:
        self.client = AppClient(env.app)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = self.client.request(method, url, headers=headers, **kwargs)
        for name, value in response.cookies.items():
            if value:
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        for header in response.headers.get_list("set-cookie"):
            if "max-age=0" in header.lower() or "expires=thu, 01 jan 1970" in header.lower():
                self.cookies.pop(header.split("=", 1)[0], None)
        return response

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def csrf(self, page: str = "/konsol/sandi") -> str:
        match = CSRF.search(self.get(page).text)
        assert match, "no CSRF token on the page"
        return match.group(1)

    def login(
        self, account: Account, *, step: int = 0, change_password: bool = False
    ) -> httpx.Response:
        token = CSRF.search(self.get("/konsol/masuk").text)
        assert token
        return self.post(
            "/konsol/masuk",
            data={
                "csrf": token.group(1),
                "username": account.username,
                "password": account.password,
                "totp": account.code(step),
            },
        )
