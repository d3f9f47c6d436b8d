"""The public origin (``PELUIT_PUBLIC_URL``): what the server is called from outside.

``peluit serve`` listens on plain http behind a TLS reverse proxy (Caddy,
nginx) or a Tor onion service, so the request it sees always says ``http``.
Proxy headers (``X-Forwarded-Proto``) are not trusted: anyone who reaches
the port directly could send them. The administrator states the origin
instead, once, and the console cookie and HSTS follow it:

- ``https://host``: the console cookie is ``__Host-peluit-konsol`` with
  ``Secure``, and every response carries ``Strict-Transport-Security``;
- ``http://<56 characters>.onion``: the plain ``peluit-konsol`` cookie and no
  HSTS. Tor already encrypts and authenticates the connection end to end,
  an onion name has no plain-http twin a ``Secure`` flag could guard against,
  and HSTS over http is ignored by browsers. Tor Browser would accept a
  ``Secure`` cookie on .onion, but other Tor clients staff may use do not,
  and a refused cookie means a sign-in that silently loops;
- ``http://localhost`` / ``http://127.0.0.1`` (a test server): as .onion.

Any other plain-http origin is refused: browsers do not run WebCrypto there,
so no reporter could encrypt.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.requests import Request

HSTS_VALUE = b"max-age=31536000"
"""One year, no ``includeSubDomains`` (other sites may live under the same name), no preload."""

_LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"^(?=.{{1,253}}$)({_LABEL}\.)*{_LABEL}$")
_ONION = re.compile(r"^([a-z0-9-]+\.)*[a-z2-7]{56}\.onion$")


class OriginError(ValueError):
    """The value is not a usable public origin; ``reason_id`` / ``reason_en`` say why."""

    def __init__(self, reason_id: str, reason_en: str) -> None:
        super().__init__(reason_en)
        self.reason_id = reason_id
        self.reason_en = reason_en


@dataclass(frozen=True)
class PublicOrigin:
    scheme: str
    host: str
    port: int | None

    @classmethod
    def parse(cls, value: str) -> PublicOrigin:
        """``https://host[:port]`` or ``http://….onion`` (a trailing ``/`` is allowed)."""
        try:
            parts = urlsplit(value.strip())
            port = parts.port
        except ValueError as bad:
            raise OriginError("bukan URL yang sah", "not a valid URL") from bad
        if parts.scheme not in ("https", "http"):
            raise OriginError(
                "harus diawali https:// (atau http:// untuk .onion)",
                "must start with https:// (or http:// for a .onion)",
            )
        if parts.username or parts.password or parts.query or parts.fragment:
            raise OriginError(
                "hanya skema dan nama host, tanpa pengguna, ? atau #",
                "only a scheme and a host name, no user, ? or #",
            )
        if parts.path not in ("", "/"):
            raise OriginError(
                "tanpa path: Peluit harus dilayani di akar situs (/)",
                "no path: Peluit must be served at the site's root (/)",
            )
        host = (parts.hostname or "").lower()
        if not host:
            raise OriginError("nama host tidak ada", "the host name is missing")
        if not _is_host(host):
            raise OriginError("nama host tidak sah", "the host name is not valid")
        origin = cls(parts.scheme, host, port)
        if parts.scheme == "http" and not (origin.is_onion or origin.is_loopback):
            raise OriginError(
                "http biasa hanya untuk alamat .onion; peramban tidak mau mengenkripsi di http",
                "plain http only for a .onion address; browsers do not encrypt on http",
            )
        return origin

    @property
    def is_onion(self) -> bool:
        return bool(_ONION.match(self.host))

    @property
    def is_loopback(self) -> bool:
        return self.host in ("localhost", "127.0.0.1", "::1")

    @property
    def https(self) -> bool:
        return self.scheme == "https"

    @property
    def secure_cookie(self) -> bool:
        """``__Host-`` and ``Secure`` on the console cookie."""
        return self.https

    @property
    def hsts(self) -> bool:
        return self.https

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        port = f":{self.port}" if self.port is not None else ""
        return f"{self.scheme}://{host}{port}"


def _is_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return bool(_HOST.match(host))
    return True


def secure_transport(request: Request) -> bool:
    """Does the browser reach us over https? The configured origin says, else the request."""
    origin: PublicOrigin | None = getattr(request.app.state.settings, "public_url", None)
    if origin is not None:
        return origin.secure_cookie
    return request.url.scheme == "https"
