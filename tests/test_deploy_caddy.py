"""The project's Caddyfile, run by Debian's real Caddy, in front of a recording app.

What the proxy must (and must not) do, checked on the wire: the visitor's
address never reaches Peluit (no X-Forwarded-For or friends), the Host is
passed as it is (the console's same-origin check needs it), a body larger
than an upload piece passes whole, exactly one HSTS header even when the app
sends its own, the app's own headers pass untouched and no second
Content-Security-Policy is added, no ``Server`` banner, plain http is
redirected to https, and Caddy writes no access log.
"""

from __future__ import annotations

import json
import secrets
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser.conftest import serve_app
from deploy_fixtures import Caddy, run_caddy

APP_CSP = b"default-src 'none'; script-src 'self'"
FORWARDING = {
    "x-forwarded-for",
    "x-forwarded-proto",
    "x-forwarded-host",
    "x-real-ip",
    "forwarded",
    "via",
}


async def recorder(scope: Any, receive: Any, send: Any) -> None:
    """Answers with what it was sent: the headers and the body's size."""
    if scope["type"] != "http":
        return
    size = 0
    while True:
        message = await receive()
        size += len(message.get("body", b""))
        if not message.get("more_body"):
            break
    seen = {"headers": [[k.decode(), v.decode()] for k, v in scope["headers"]], "size": size}
    headers = [
        (b"content-type", b"application/json"),
        (b"content-security-policy", APP_CSP),
        (b"x-frame-options", b"DENY"),
    ]
    if scope["path"] == "/with-hsts":
        headers.append((b"strict-transport-security", b"max-age=63072000"))
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": json.dumps(seen).encode()})


@pytest.fixture(scope="module")
def caddy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Caddy]:
    with serve_app(recorder, csp=None) as upstream:
        folder = tmp_path_factory.mktemp("caddy")
        with run_caddy(folder, upstream.removeprefix("http://")) as proxy:
            yield proxy


def client(caddy: Caddy) -> httpx.Client:
    # Caddy's own local authority is the only one trusted: a real TLS check.
    return httpx.Client(verify=ssl.create_default_context(cafile=str(caddy.root_ca)))


def test_the_visitor_address_never_reaches_the_app(caddy: Caddy) -> None:
    spoofed = {
        "X-Forwarded-For": "203.0.113.9",
        "X-Real-IP": "203.0.113.9",
        "Forwarded": "for=203.0.113.9",
    }
    with client(caddy) as http:
        answer = http.get(caddy.base + "/x", headers=spoofed)
    assert answer.status_code == 200
    seen = dict(answer.json()["headers"])
    assert not FORWARDING & set(seen), seen
    assert "203.0.113.9" not in json.dumps(seen)
    assert seen["host"] == caddy.base.removeprefix("https://")


def test_a_large_body_passes_whole(caddy: Caddy) -> None:
    body = secrets.token_bytes(3 << 20)  # three 1 MiB upload pieces and more
    with client(caddy) as http:
        answer = http.put(caddy.base + "/api/uploads/x/y/0", content=body)
    assert answer.status_code == 200 and answer.json()["size"] == len(body)


@pytest.mark.parametrize("path", ["/plain", "/with-hsts"])
def test_exactly_one_hsts_and_the_apps_own_headers(caddy: Caddy, path: str) -> None:
    with client(caddy) as http:
        answer = http.get(caddy.base + path)
    assert answer.headers.get_list("strict-transport-security") == ["max-age=31536000"]
    assert answer.headers.get_list("content-security-policy") == [APP_CSP.decode()]
    assert answer.headers.get_list("x-frame-options") == ["DENY"]
    assert "server" not in answer.headers


def test_plain_http_is_redirected_to_https(caddy: Caddy) -> None:
    config = (caddy.folder / "Caddyfile").read_text()
    http_port = int(config.split("http_port ")[1].split()[0])
    answer = httpx.get(f"http://localhost:{http_port}/id/cek")
    assert answer.status_code in (301, 308)
    # Caddy names no port in the redirect (443 in production); the test's
    # high port is not carried over, so only the scheme, host and path count.
    assert answer.headers["location"] == "https://localhost/id/cek"


def test_caddy_writes_no_access_log(caddy: Caddy) -> None:
    marker = f"/marker-{secrets.token_hex(8)}"
    with client(caddy) as http:
        assert http.get(caddy.base + marker).status_code == 200
    assert marker not in caddy.log_text()
    assert "handled request" not in caddy.log_text()
    written = [p for p in Path(caddy.folder).rglob("*") if p.is_file()]
    assert not [p for p in written if marker.encode() in p.read_bytes()]
