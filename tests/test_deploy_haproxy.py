"""deploy/haproxy.cfg.example, checked and run by Debian's real HAProxy.

``haproxy -c`` accepts the file as it is (only the certificate path points
at a test certificate). Then HAProxy runs it in front of two recording
apps standing in for two Peluit machines, rewritten only as
:func:`haproxy_config_for_test` says, and on the wire: the visitor's
address never reaches a machine, the Host passes as it is, exactly one
HSTS header, no Server banner, plain http is redirected, a large body
passes whole, and requests reach both machines (no sticky sessions: the
state is shared in Redis).
"""

from __future__ import annotations

import json
import secrets
import ssl
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser.conftest import serve_app
from deploy_fixtures import DEPLOY, free_port, recorder, self_signed, stop, wait_for_port

HAPROXY = "/usr/sbin/haproxy"
EXAMPLE = DEPLOY / "haproxy.cfg.example"
CERT = "/etc/haproxy/certs/peluit.pem"
SERVERS = ["10.0.0.11:8000", "10.0.0.12:8000", "10.0.0.13:8000"]
FORWARDING = {"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-real-ip", "forwarded"}


def certificate_file(folder: Path) -> tuple[Path, Path]:
    """HAProxy's one-file certificate and key, and the certificate alone (for the client)."""
    cert, key = self_signed(folder)
    pem = folder / "peluit.pem"
    pem.write_bytes(cert.read_bytes() + key.read_bytes())
    return pem, cert


def haproxy_config_for_test(
    folder: Path, https_port: int, http_port: int, upstreams: list[str]
) -> Path:
    """The example with: the test certificate, high ports on 127.0.0.1, the test's
    upstreams in place of the first servers (the rest dropped), and no user switch
    or daemon mode (HAProxy stays a child of the test)."""
    pem, _ = certificate_file(folder)
    text = EXAMPLE.read_text()
    replacements = [
        (f"crt {CERT} ", f"crt {pem} "),
        ("\tbind :80\n", f"\tbind 127.0.0.1:{http_port}\n"),
        ("\tbind :443 ", f"\tbind 127.0.0.1:{https_port} "),
        ("\tuser haproxy\n", ""),
        ("\tgroup haproxy\n", ""),
        ("\tdaemon\n", ""),
    ]
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    lines = []
    for line in text.splitlines():
        server = next((s for s in SERVERS if f" {s} " in line), None)
        if server is None:
            lines.append(line)
        elif SERVERS.index(server) < len(upstreams):
            lines.append(line.replace(server, upstreams[SERVERS.index(server)]))
    config = folder / "haproxy.cfg"
    config.write_text("\n".join(lines) + "\n")
    return config


def test_haproxy_c_accepts_the_example(tmp_path: Path) -> None:
    pem, _ = certificate_file(tmp_path)
    config = tmp_path / "haproxy.cfg"
    config.write_text(EXAMPLE.read_text().replace(CERT, str(pem)))
    checked = subprocess.run(
        [HAPROXY, "-c", "-f", str(config)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Configuration file is valid" in checked.stdout + checked.stderr
    assert "WARNING" not in checked.stdout + checked.stderr


def test_the_example_logs_nothing_and_forwards_no_address() -> None:
    text = EXAMPLE.read_text()
    directives = [line.strip() for line in text.splitlines() if not line.startswith("#")]
    assert not [d for d in directives if d.split(" ")[0] == "log"]
    assert not [d for d in directives if "forwardfor" in d or d.startswith("cookie")]


def tagged(name: str) -> Any:
    """The recording app, saying which machine answered (``x-machine``)."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        async def named(message: Any) -> None:
            if message["type"] == "http.response.start":
                message = {
                    **message,
                    "headers": [*message["headers"], (b"x-machine", name.encode())],
                }
            await send(message)

        await recorder(scope, receive, named)

    return app


@dataclass
class HAProxy:
    base: str
    http_port: int
    ca: Path


@contextmanager
def run_haproxy(folder: Path) -> Iterator[HAProxy]:
    with ExitStack() as stack:
        upstreams = [
            stack.enter_context(serve_app(tagged(n), csp=None)).removeprefix("http://")
            for n in ("a", "b")
        ]
        https_port, http_port = free_port(), free_port()
        config = haproxy_config_for_test(folder, https_port, http_port, upstreams)
        output = folder / "haproxy-output.txt"
        with output.open("wb") as out:
            proc = subprocess.Popen(
                [HAPROXY, "-db", "-f", str(config)], stdout=out, stderr=subprocess.STDOUT
            )
        try:
            wait_for_port(https_port, proc)
            yield HAProxy(f"https://localhost:{https_port}", http_port, folder / "cert.pem")
        finally:
            stop(proc)
        assert b"GET /" not in output.read_bytes(), "HAProxy logged a request"


@pytest.fixture(scope="module")
def haproxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HAProxy]:
    with run_haproxy(tmp_path_factory.mktemp("haproxy")) as running:
        yield running


def client(proxy: HAProxy) -> httpx.Client:
    return httpx.Client(verify=ssl.create_default_context(cafile=str(proxy.ca)))


def test_the_visitor_address_never_reaches_a_machine(haproxy: HAProxy) -> None:
    spoofed = {"X-Forwarded-For": "203.0.113.9", "X-Real-IP": "203.0.113.9",
               "Forwarded": "for=203.0.113.9"}  # fmt: skip
    with client(haproxy) as http:
        answer = http.get(haproxy.base + "/x", headers=spoofed)
    assert answer.status_code == 200
    seen = dict(answer.json()["headers"])
    assert not FORWARDING & set(seen), seen
    assert "203.0.113.9" not in json.dumps(seen)
    assert seen["host"] == haproxy.base.removeprefix("https://")


@pytest.mark.parametrize("path", ["/plain", "/with-hsts"])
def test_exactly_one_hsts_and_no_banner(haproxy: HAProxy, path: str) -> None:
    with client(haproxy) as http:
        answer = http.get(haproxy.base + path)
    assert answer.headers.get_list("strict-transport-security") == ["max-age=31536000"]
    assert answer.headers.get("x-frame-options") == "DENY"  # the app's own headers pass
    assert "server" not in answer.headers


def test_requests_reach_every_machine_and_large_bodies_pass(haproxy: HAProxy) -> None:
    body = secrets.token_bytes(3 << 20)
    machines = set()
    with client(haproxy) as http:
        for _ in range(8):
            answer = http.put(haproxy.base + "/api/uploads/x/y/0", content=body)
            assert answer.status_code == 200 and answer.json()["size"] == len(body)
            machines.add(answer.headers["x-machine"])
    assert machines == {"a", "b"}


def test_plain_http_is_redirected_to_https(haproxy: HAProxy) -> None:
    answer = httpx.get(f"http://localhost:{haproxy.http_port}/id/cek")
    assert answer.status_code == 301
    location = answer.headers["location"]
    assert location.startswith("https://localhost") and location.endswith("/id/cek")
