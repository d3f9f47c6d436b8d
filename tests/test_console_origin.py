"""The console's origin checks and redirects on the real app: nothing trusts the Host header.

- Sign-in (and every console POST) refuses ``Origin: null``: a page that hides
  its origin (``Referrer-Policy: no-referrer``, a sandboxed frame, a ``data:``
  page) is exactly the cross-site case the check is for. The console's own
  pages are served with ``Referrer-Policy: same-origin``, so a browser sends
  their real origin on their own forms (the browser tests sign in that way).
- The missing-slash redirect answers with a path, never with an absolute URL
  built from the ``Host`` header (cache poisoning behind a careless proxy).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from app_fixtures import AppClient, Env, make_env
from console_fixtures import CSRF, Account, Console, add_account

UNIT = "inspektorat-demo"


@pytest.fixture
def env(tmp_path: Path) -> Env:
    return make_env(tmp_path)


@pytest.fixture
def inspector(env: Env) -> Account:
    return add_account(env, "ines", "inspector", (UNIT,))


def _sign_in(console: Console, account: Account, headers: dict[str, str]) -> object:
    token = CSRF.search(console.get("/konsol/masuk").text)
    assert token
    form = {"csrf": token.group(1), "username": account.username,
            "password": account.password, "totp": account.code()}  # fmt: skip
    return console.post("/konsol/masuk", data=form, headers=headers)


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "null"},
        {"Origin": "https://evil.example"},
        {"Origin": "http://testserver.evil"},
        {"Referer": "https://evil.example/konsol/masuk"},
        {"Referer": "http://testserver.evil/konsol/masuk"},
    ],
)
def test_sign_in_from_a_hidden_or_foreign_origin_is_refused(
    env: Env, inspector: Account, headers: dict[str, str]
) -> None:
    console = Console(env)
    answer = _sign_in(console, inspector, headers)
    assert answer.status_code == 403  # type: ignore[attr-defined]
    text = answer.text  # type: ignore[attr-defined]
    assert "kedaluwarsa" in text or "expired" in text
    assert console.cookies == {}
    assert console.get("/konsol/kasus").headers["location"] == "/konsol/masuk"


@pytest.mark.parametrize(
    "headers",
    [{"Origin": "http://testserver"}, {"Referer": "http://testserver/konsol/masuk"}, {}],
)
def test_sign_in_from_our_own_origin_works(
    env: Env, inspector: Account, headers: dict[str, str]
) -> None:
    console = Console(env)
    answer = _sign_in(console, inspector, headers)
    assert answer.status_code == 303 and console.cookies  # type: ignore[attr-defined]
    assert console.get("/konsol/kasus").status_code == 200


def test_a_signed_in_post_with_origin_null_changes_nothing(env: Env, inspector: Account) -> None:
    console = Console(env)
    assert console.login(inspector).status_code == 303
    before = env.snapshot()
    answer = console.post("/konsol/keluar", data={"csrf": console.csrf()},
                          headers={"Origin": "null"})  # fmt: skip
    assert answer.status_code == 403
    assert env.snapshot() == before
    assert console.get("/konsol/kasus").status_code == 200  # still signed in


def test_console_pages_send_their_origin_and_reporter_pages_send_nothing(env: Env) -> None:
    client = AppClient(env.app)
    for path in ("/konsol/masuk", "/en/konsol/masuk"):
        page = client.get(path)
        assert page.headers["referrer-policy"] == "same-origin"
        assert "no-referrer" not in page.text  # a <meta> would override the header
    assert client.get("/id/").headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/konsol", "/konsol/"),
        ("/en/konsol", "/en/konsol/"),
        ("/id", "/id/"),
        ("/id/panduan/", "/id/panduan"),
        ("/konsol?x=1", "/konsol/?x=1"),
    ],
)
def test_the_missing_slash_redirect_never_names_the_host(
    env: Env, path: str, location: str
) -> None:
    client = AppClient(env.app)
    answer = client.get(path, headers={"Host": "evil.example"}, follow_redirects=False)
    assert answer.status_code in (307, 308)
    assert answer.headers["location"] == location
    assert "evil" not in answer.headers["location"]


@pytest.mark.parametrize("path", ["//evil.example", "//evil.example/", "/\\evil.example"])
def test_no_redirect_to_another_host_through_the_path(env: Env, path: str) -> None:
    client = AppClient(env.app)
    answer = client.get(path, follow_redirects=False)
    location = answer.headers.get("location", "")
    assert not location.startswith("//") and not location.startswith("/\\")
    assert "evil.example" not in location
