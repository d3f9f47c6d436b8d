"""The project's Caddyfile and nginx site, run by Debian's real Caddy and nginx.

Each proxy stands in front of a recording app (what it was sent, answered
back) with the project's file, rewritten only as tests/deploy_fixtures.py
says (test certificates, high ports on 127.0.0.1, temp folders).

What the proxy must (and must not) do, checked on the wire: the visitor's
address never reaches Peluit (no X-Forwarded-For or friends), the Host is
passed as it is (the console's same-origin check needs it), a body larger
than an upload piece passes whole, exactly one HSTS header even when the app
sends its own, the app's own headers pass untouched and no second
Content-Security-Policy is added, no ``Server`` banner (nginx: no version),
plain http is redirected to https, and the proxy writes no access log.
"""

from __future__ import annotations

import json
import secrets
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from browser.conftest import serve_app
from deploy_fixtures import (
    APP_CSP,
    Caddy,
    Nginx,
    nginx_config_for_test,
    recorder,
    run_caddy,
    run_nginx,
)

FORWARDING = {
    "x-forwarded-for",
    "x-forwarded-proto",
    "x-forwarded-host",
    "x-real-ip",
    "forwarded",
    "via",
}

Proxy = Caddy | Nginx


@pytest.fixture(scope="module", params=["caddy", "nginx"])
def proxy(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Proxy]:
    run = run_caddy if request.param == "caddy" else run_nginx
    with serve_app(recorder, csp=None) as upstream:
        folder = tmp_path_factory.mktemp(request.param)
        with run(folder, upstream.removeprefix("http://")) as running:
            yield running


def client(proxy: Proxy) -> httpx.Client:
    # Only the proxy's own certificate (authority) is trusted: a real TLS check.
    ca = proxy.root_ca if isinstance(proxy, Caddy) else proxy.ca
    return httpx.Client(verify=ssl.create_default_context(cafile=str(ca)))


def test_the_visitor_address_never_reaches_the_app(proxy: Proxy) -> None:
    spoofed = {
        "X-Forwarded-For": "203.0.113.9",
        "X-Real-IP": "203.0.113.9",
        "Forwarded": "for=203.0.113.9",
    }
    with client(proxy) as http:
        answer = http.get(proxy.base + "/x", headers=spoofed)
    assert answer.status_code == 200
    seen = dict(answer.json()["headers"])
    assert not FORWARDING & set(seen), seen
    assert "203.0.113.9" not in json.dumps(seen)
    assert seen["host"] == proxy.base.removeprefix("https://")


def test_a_large_body_passes_whole(proxy: Proxy) -> None:
    body = secrets.token_bytes(3 << 20)  # three 1 MiB upload pieces and more
    with client(proxy) as http:
        answer = http.put(proxy.base + "/api/uploads/x/y/0", content=body)
    assert answer.status_code == 200 and answer.json()["size"] == len(body)


@pytest.mark.parametrize("path", ["/plain", "/with-hsts"])
def test_exactly_one_hsts_and_the_apps_own_headers(proxy: Proxy, path: str) -> None:
    with client(proxy) as http:
        answer = http.get(proxy.base + path)
    assert answer.headers.get_list("strict-transport-security") == ["max-age=31536000"]
    assert answer.headers.get_list("content-security-policy") == [APP_CSP.decode()]
    assert answer.headers.get_list("x-frame-options") == ["DENY"]
    # Caddy sends no banner; nginx cannot drop its own without an extra
    # module, but names no version.
    assert answer.headers.get("server") in (None, "nginx")


def test_plain_http_is_redirected_to_https(proxy: Proxy) -> None:
    answer = httpx.get(f"http://localhost:{proxy.http_port}/id/cek")
    assert answer.status_code in (301, 308)
    # Neither names a port in the redirect (443 in production); the test's
    # high port is not carried over, so only the scheme, host and path count.
    assert answer.headers["location"] == "https://localhost/id/cek"


def test_the_proxy_writes_no_access_log(proxy: Proxy) -> None:
    marker = f"/marker-{secrets.token_hex(8)}"
    with client(proxy) as http:
        assert http.get(proxy.base + marker).status_code == 200
    assert marker not in proxy.log_text()
    assert "handled request" not in proxy.log_text()
    written = [p for p in Path(proxy.folder).rglob("*") if p.is_file()]
    assert not [p for p in written if marker.encode() in p.read_bytes()]


def test_nginx_t_accepts_the_site(tmp_path: Path) -> None:
    """``nginx -t`` on the project's site file, with a test certificate."""
    main = nginx_config_for_test(tmp_path, 8443, 8080, "127.0.0.1:8000")
    checked = subprocess.run(
        ["/usr/sbin/nginx", "-t", "-c", str(main), "-p", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr and "test is successful" in checked.stderr
