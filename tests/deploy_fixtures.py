"""Real proxies in front of real servers, for the deployment tests.

The project's own configuration files (``deploy/``) are used as they are,
with only what a test must change rewritten, each change named here:

- Caddy: the site name becomes ``https://localhost:PORT`` with
  ``tls internal`` (Caddy's own local certificate authority, since no public
  certificate can be had here), high ports on 127.0.0.1, no admin endpoint,
  no attempt to add its CA to the system's trust store; its data and config
  folders live in the test's temporary folder (``XDG_DATA_HOME``,
  ``XDG_CONFIG_HOME``), so the system's Caddy is never touched.
- nginx: the site name, the certificate paths and the upstream; the rest of
  nginx's main configuration (pid file, temp folders) points into the
  temporary folder.
- upstream ``127.0.0.1:8000`` becomes the test server's port.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
CADDYFILE = DEPLOY / "caddy" / "Caddyfile"
SITE = "lapor.example.go.id"
UPSTREAM = "127.0.0.1:8000"


def stop(proc: subprocess.Popen[bytes]) -> None:
    """End a server the test started: politely, then for sure after 15 s."""
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args!r} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


def caddyfile_for_test(
    https_port: int, http_port: int, upstream: str, source: Path = CADDYFILE, site: str = SITE
) -> str:
    text = source.read_text()
    assert text.count(f"{site} {{") == 1 and text.count(f"reverse_proxy {UPSTREAM}") == 1
    assert text.count("\n{\n") == 1, "the global options block"
    text = text.replace(
        "\n{\n",
        f"\n{{\n\tadmin off\n\thttp_port {http_port}\n\thttps_port {https_port}\n"
        "\tskip_install_trust\n\tdefault_bind 127.0.0.1\n",
    )
    text = text.replace(f"{site} {{", f"https://localhost:{https_port} {{\n\ttls internal")
    return text.replace(f"reverse_proxy {UPSTREAM}", f"reverse_proxy {upstream}")


@dataclass
class Caddy:
    base: str
    folder: Path
    http_port: int
    output: Path
    """Everything Caddy wrote to stdout and stderr (its only log)."""

    @property
    def root_ca(self) -> Path:
        """The certificate of Caddy's local authority (``tls internal``)."""
        return self.folder / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"

    def log_text(self) -> str:
        return self.output.read_text(errors="replace")


@contextmanager
def run_caddy(
    folder: Path,
    upstream: str,
    https_port: int | None = None,
    *,
    source: Path = CADDYFILE,
    site: str = SITE,
) -> Iterator[Caddy]:
    """Caddy with the project's Caddyfile (or an installed copy) in front of ``upstream``."""
    folder.mkdir(parents=True, exist_ok=True)
    https_port, http_port = https_port or free_port(), free_port()
    config = folder / "Caddyfile"
    config.write_text(caddyfile_for_test(https_port, http_port, upstream, source, site))
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(folder),
        "XDG_DATA_HOME": str(folder / "data"),
        "XDG_CONFIG_HOME": str(folder / "config"),
    }
    output = folder / "caddy-output.txt"
    with output.open("wb") as out:
        proc = subprocess.Popen(
            ["/usr/bin/caddy", "run", "--config", str(config), "--adapter", "caddyfile"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=folder,
        )
    caddy = Caddy(f"https://localhost:{https_port}", folder, http_port, output)
    try:
        wait_for_port(https_port, proc)
        deadline = time.monotonic() + 30
        while not caddy.root_ca.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        yield caddy
    finally:
        stop(proc)


NGINX_SITE = DEPLOY / "nginx" / "peluit.conf"
APP_CSP = b"default-src 'none'; script-src 'self'"


async def recorder(scope: Any, receive: Any, send: Any) -> None:
    """An upstream app that answers with what it was sent: the headers and the body's size.

    It sends a CSP and X-Frame-Options of its own, as Peluit does, and an
    HSTS header of its own on ``/with-hsts``.
    """
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


def self_signed(folder: Path, name: str = "localhost") -> tuple[Path, Path]:
    """A test certificate and key for ``name`` (nginx -t and the test client)."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@contextmanager
def serve_tls(app: Any, cert: Path, key: Path, *, lifespan: str = "auto") -> Iterator[str]:
    """``app`` over TLS on a free loopback port (uvicorn in a thread); yields its base URL."""
    import threading

    import uvicorn

    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", access_log=False,
        lifespan=lifespan, ssl_certfile=str(cert), ssl_keyfile=str(key),  # type: ignore[arg-type]
    )  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the TLS server did not start"
        time.sleep(0.05)
    try:
        yield f"https://localhost:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def nginx_config_for_test(
    folder: Path,
    https_port: int,
    http_port: int,
    upstream: str,
    *,
    site_file: Path = NGINX_SITE,
    name: str = SITE,
) -> Path:
    """The project's site file with test ports and certificate, in a main config of our own.

    The main config also keeps an http-level access log, as Debian's
    nginx.conf does, to show that the site's ``access_log off`` wins.
    """
    cert, key = self_signed(folder)
    site = site_file.read_text()
    replacements = [
        ("listen [::]:80 default_server;", ""),
        ("listen [::]:443 ssl default_server;", ""),
        ("listen [::]:80;", ""),
        ("listen [::]:443 ssl http2;", ""),
        ("listen 80 default_server;", f"listen 127.0.0.1:{http_port} default_server;"),
        ("listen 443 ssl default_server;", f"listen 127.0.0.1:{https_port} ssl default_server;"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        (f"/etc/letsencrypt/live/{name}/fullchain.pem", str(cert)),
        (f"/etc/letsencrypt/live/{name}/privkey.pem", str(key)),
        (name, "localhost"),
        (f"proxy_pass http://{UPSTREAM};", f"proxy_pass http://{upstream};"),
    ]
    for old, new in replacements:
        assert old in site, old
        site = site.replace(old, new)
    (folder / "peluit.conf").write_text(site)
    temps = "\n".join(
        f"\t{kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = folder / "nginx.conf"
    main.write_text(
        f"user root;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'};\n"
        f"events {{}}\nhttp {{\n{temps}\n\taccess_log {folder / 'access.log'};\n"
        f"\tinclude {folder / 'peluit.conf'};\n}}\n"
    )
    return main


@dataclass
class Nginx:
    base: str
    folder: Path
    ca: Path
    http_port: int

    def log_text(self) -> str:
        return "".join(
            p.read_text(errors="replace") for p in self.folder.glob("*.log") if p.is_file()
        )


@contextmanager
def run_nginx(
    folder: Path, upstream: str, *, source: Path = NGINX_SITE, site: str = SITE
) -> Iterator[Nginx]:
    """nginx with the project's site file (or an installed copy) in front of ``upstream``."""
    folder.mkdir(parents=True, exist_ok=True)
    https_port, http_port = free_port(), free_port()
    main = nginx_config_for_test(
        folder, https_port, http_port, upstream, site_file=source, name=site
    )
    with (folder / "stderr.log").open("wb") as err:
        proc = subprocess.Popen(
            ["/usr/sbin/nginx", "-c", str(main), "-p", str(folder), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    try:
        wait_for_port(https_port, proc)
        yield Nginx(f"https://localhost:{https_port}", folder, folder / "cert.pem", http_port)
    finally:
        stop(proc)


def wait_for_file(path: Path, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.stat().st_size > 0:
            return
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args!r} exited with {proc.returncode}")
        time.sleep(0.05)
    raise RuntimeError(f"{path} did not appear")


def trust_in_nss(home: Path, ca: Path) -> None:
    """A user NSS database under ``home`` that trusts ``ca`` (Chromium reads ~/.pki/nssdb).

    Chromium on Linux trusts the roots a user added there, so a browser
    started with ``HOME=home`` checks Caddy's certificate for real, with no
    ``--ignore-certificate-errors`` and no ``ignore_https_errors``.
    """
    nssdb = home / ".pki" / "nssdb"
    nssdb.mkdir(parents=True, exist_ok=True)
    db = f"sql:{nssdb}"
    subprocess.run(["certutil", "-N", "-d", db, "--empty-password"], check=True)
    subprocess.run(
        ["certutil", "-A", "-d", db, "-n", "caddy-test-root", "-t", "C,,", "-i", str(ca)],
        check=True,
    )
