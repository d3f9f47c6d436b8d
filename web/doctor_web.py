"""``peluit doctor``'s checks of what the world sees: the public origin, HTTPS, access logs.

The HTTPS check fetches the public page through the proxy (``--url``, else
``PELUIT_PUBLIC_URL``) and looks for HSTS and Peluit's own strict headers
(proof that the proxy passes them through). Whether the proxy keeps an
access log cannot be seen from outside; where its configuration is on this
machine (Caddy's /etc/caddy/Caddyfile, nginx's /etc/nginx), it is read.
"""

from __future__ import annotations

import re
import ssl
import urllib.error
import urllib.request
from pathlib import Path

from web.doctor_checks import Context, Finding, ok, problem, skipped

DEFAULT_PROXY_CONFIGS = (
    Path("/etc/caddy/Caddyfile"),
    Path("/etc/nginx/nginx.conf"),
    Path("/etc/nginx/sites-enabled"),
    Path("/etc/nginx/conf.d"),
)
TIMEOUT_SECONDS = 10


def check_public_url(ctx: Context) -> list[Finding]:
    origin = ctx.settings.public_url
    if origin is None:
        return [
            problem(
                "public_url",
                "PELUIT_PUBLIC_URL belum diatur",
                "PELUIT_PUBLIC_URL is not set",
                "atur PELUIT_PUBLIC_URL=https://… (atau http://….onion) di /etc/peluit/peluit.env",
                "set PELUIT_PUBLIC_URL=https://… (or http://….onion) in /etc/peluit/peluit.env",
            )
        ]
    if origin.is_loopback:
        return [
            problem(
                "public_url",
                f"PELUIT_PUBLIC_URL {origin} hanya untuk uji lokal",
                f"PELUIT_PUBLIC_URL {origin} is for a local test only",
                "atur alamat https atau .onion yang sebenarnya",
                "set the real https or .onion address",
            )
        ]
    kind = "https" if origin.https else ".onion"
    return [ok("public_url", f"{origin} ({kind})", f"{origin} ({kind})")]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def check_https(ctx: Context) -> list[Finding]:
    origin = ctx.settings.public_url
    url = ctx.url or (str(origin) if origin is not None and origin.https else None)
    if url is None:
        return [
            skipped("https", "tidak ada alamat https untuk diperiksa", "no https address to check")
        ]
    if not url.startswith("https://"):
        return [
            problem(
                "https",
                f"{url} bukan https",
                f"{url} is not https",
                "beri --url https://…",
                "give --url https://…",
            )
        ]
    page = url.rstrip("/") + "/id/"
    context = ssl.create_default_context(cafile=str(ctx.ca_file) if ctx.ca_file else None)
    opener = urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=context), _NoRedirect()
    )
    try:
        with opener.open(page, timeout=TIMEOUT_SECONDS) as response:
            status, headers = response.status, response.headers
    except urllib.error.HTTPError as answered:
        status, headers = answered.code, answered.headers
    except (urllib.error.URLError, OSError, ssl.SSLError) as failed:
        reason = getattr(failed, "reason", failed)
        return [
            problem(
                "https",
                f"{page} tidak dapat dijangkau: {reason}",
                f"{page} cannot be reached: {reason}",
                "periksa proxy (systemctl status caddy), DNS dan sertifikat",
                "check the proxy (systemctl status caddy), DNS and the certificate",
            )
        ]
    found = []
    if status != 200:
        found.append(
            problem(
                "https",
                f"{page} menjawab {status}",
                f"{page} answered {status}",
                "periksa proxy dan peluit.service",
                "check the proxy and peluit.service",
            )
        )
    if "max-age=" not in (headers.get("strict-transport-security") or ""):
        found.append(
            problem(
                "https",
                f"{page} tanpa HSTS",
                f"{page} sends no HSTS",
                "PELUIT_PUBLIC_URL=https://… (Peluit mengirim HSTS) atau tambahkan di proxy",
                "PELUIT_PUBLIC_URL=https://… (Peluit then sends HSTS) or add it in the proxy",
            )
        )
    if "script-src 'self'" not in (headers.get("content-security-policy") or ""):
        found.append(
            problem(
                "https",
                f"{page} tanpa Content-Security-Policy Peluit: proxy menggantinya?",
                f"{page} lacks Peluit's Content-Security-Policy: does the proxy replace it?",
                "jangan tambahkan atau ganti header di proxy selain HSTS",
                "add or replace no header in the proxy except HSTS",
            )
        )
    return found or [ok("https", f"{page}: 200, HSTS, CSP", f"{page}: 200, HSTS, CSP")]


def _config_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.is_file())
        elif path.is_file():
            files.append(path)
    return files


def _strip_comments(text: str) -> str:
    return "\n".join(line.split("#", 1)[0] for line in text.splitlines())


def _logs_access(path: Path, text: str) -> bool:
    body = _strip_comments(text)
    if path.name == "Caddyfile" or "caddy" in str(path):
        # a `log` directive turns access logs on, unless it discards them
        for match in re.finditer(r"(?m)^\s*log\b[^\n{]*(\{[^}]*\})?", body):
            if "output discard" not in (match.group(1) or ""):
                return True
        return False
    # nginx: any access_log that is not "off"
    return any(value != "off" for value in re.findall(r"\baccess_log\s+([^;\s]+)", body))


def check_access_log(ctx: Context) -> list[Finding]:
    if ctx.settings.access_log:
        return [
            problem(
                "access_log",
                "PELUIT_ACCESS_LOG=1: Peluit mencatat alamat pengunjung",
                "PELUIT_ACCESS_LOG=1: Peluit logs visitors' addresses",
                "hapus PELUIT_ACCESS_LOG atau atur 0",
                "remove PELUIT_ACCESS_LOG or set it to 0",
            )
        ]
    files = _config_files(ctx.proxy_configs)
    if not files:
        return [
            ok(
                "access_log",
                "Peluit tanpa log akses (konfigurasi proxy tidak ditemukan di sini)",
                "Peluit keeps no access log (no proxy configuration found here)",
            )
        ]
    logging = [str(p) for p in files if _logs_access(p, p.read_text(errors="replace"))]
    if logging:
        names = ", ".join(logging)
        return [
            problem(
                "access_log",
                f"proxy mencatat log akses: {names}",
                f"the proxy keeps an access log: {names}",
                "nginx: access_log off; Caddy: hapus baris log",
                "nginx: access_log off; Caddy: remove the log line",
            )
        ]
    return [ok("access_log", "tanpa log akses", "no access log")]
