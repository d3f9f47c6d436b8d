"""The reporter API over HTTP, with nothing but the standard library.

Only ciphertext and derived values go through this module: it never sees a
receipt code or plaintext. Plain ``http://`` is allowed only to a loopback
address or a ``.onion`` host; everything else must be ``https://``.

Every write and every receipt lookup pays a proof of work
(docs/spec/reporter-api-v1.md). This layer pays for the callers: a JSON
``POST`` to a paid path without a ``pow`` field gets one solved for its
purpose (``case`` for the body's unit) at the price the server names; if the
price rose while solving (``pow_required``), it pays once more. The ``pass``
a lookup answers with pays for the item downloads that follow.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, BinaryIO, Final

from crypto.b64 import b64u_decode, b64u_encode
from crypto.errors import FormatError, PeluitError
from crypto.proof_of_work import solve
from reporter.words import t

USER_AGENT: Final = "peluit-report/1"
TIMEOUT: Final = 120.0
MAX_JSON_ANSWER: Final = 4 << 20
_LOOPBACK: Final = frozenset({"localhost", "127.0.0.1", "::1"})
# What each paid path's proof of work is for (web/api/pricing.py).
PAID: Final[dict[str, str]] = {
    "/api/uploads": "upload",
    "/api/cases": "case",
    "/api/case": "lookup",
    "/api/case/messages": "message",
}
PAY_ATTEMPTS: Final = 3


class ReporterError(PeluitError):
    """A failure to show on the command line: ``user_message`` and an optional hint."""

    def __init__(self, message: str, hint: str = "", code: str = "") -> None:
        super().__init__(message)
        self.hint = hint
        self.code = code


# The server's error codes with a hint for someone at the command line (words: "hint.CODE").
HINTS: Final = frozenset(
    {"not_found", "rate_limited", "unit_full", "storage_full", "pow_required", "pow_spent",
     "too_large", "conflict", "case_day_full"}
)  # fmt: skip


def check_server_url(url: str) -> str:
    """Return the base URL without a trailing slash, or raise :class:`ReporterError`."""
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise ReporterError(t("url.https"))
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ReporterError(t("url.plain"))
    if parts.scheme == "http" and host not in _LOOPBACK and not host.endswith(".onion"):
        raise ReporterError(t("url.http"), hint=t("url.http.hint"))
    return url.rstrip("/")


class ApiClient:
    def __init__(self, base_url: str, authorization: str | None = None) -> None:
        self.base = check_server_url(base_url)
        self.authorization = authorization
        self.sent_bodies: list[bytes] | None = None  # tests may record what leaves
        self.lookup_pass: str | None = None

    def solve_pow(self, purpose: str, unit_id: str | None = None) -> dict[str, str]:
        """A challenge for ``purpose`` from the server, solved here."""
        ask = {"purpose": purpose, **({"unit_id": unit_id} if unit_id else {})}
        data = self._plain_json("POST", "/api/pow", ask)
        try:
            challenge = b64u_decode(data["challenge"])
            nonce = solve(challenge, int(data["difficulty"]))
        except (KeyError, TypeError, ValueError, FormatError):
            raise ReporterError(t("server.pow")) from None
        return {"challenge": data["challenge"], "nonce": b64u_encode(nonce)}

    def _request(
        self, method: str, path: str, body: bytes | None, content_type: str | None
    ) -> urllib.request.Request:
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if content_type:
            headers["Content-Type"] = content_type
        if self.authorization:
            headers["Authorization"] = self.authorization
        if self.sent_bodies is not None and body is not None:
            self.sent_bodies.append(body)
        return urllib.request.Request(  # noqa: S310 (scheme checked in check_server_url)
            self.base + path, data=body, headers=headers, method=method
        )

    def _open(self, request: urllib.request.Request) -> Any:
        try:
            return urllib.request.urlopen(request, timeout=TIMEOUT)  # noqa: S310
        except urllib.error.HTTPError as exc:
            raise _server_error(exc) from None
        except (urllib.error.URLError, OSError):
            raise ReporterError(
                t("server.unreachable"), hint=t("server.unreachable.hint")
            ) from None

    def json(self, method: str, path: str, payload: Any = None) -> Any:
        """One JSON request; a paid path without a proof of work gets one (see above)."""
        purpose = PAID.get(path) if method == "POST" else None
        if purpose is None or (isinstance(payload, dict) and "pow" in payload):
            return self._plain_json(method, path, payload)
        for attempt in range(PAY_ATTEMPTS):
            unit = payload.get("unit_id") if isinstance(payload, dict) else None
            pow_ = self.solve_pow(purpose, unit if isinstance(unit, str) else None)
            paid = {**(payload if isinstance(payload, dict) else {}), "pow": pow_}
            try:
                data = self._plain_json(method, path, paid)
            except ReporterError as exc:
                if exc.code != "pow_required" or attempt == PAY_ATTEMPTS - 1:
                    raise
                continue  # the price rose while we solved: pay the new one
            if purpose == "lookup" and isinstance(data, dict):
                found = data.get("pass")
                self.lookup_pass = found if isinstance(found, str) else None
            return data
        raise ReporterError(t("server.pow_refused"))  # not reached

    def _plain_json(self, method: str, path: str, payload: Any = None) -> Any:
        body = None if payload is None else json.dumps(payload).encode("utf-8")
        ctype = None if body is None else "application/json"
        if method == "POST" and body is None:
            body = b""
        with self._open(self._request(method, path, body, ctype)) as answer:
            data = answer.read(MAX_JSON_ANSWER + 1)
        if len(data) > MAX_JSON_ANSWER:
            raise ReporterError(t("server.too_large"))
        try:
            return json.loads(data)
        except ValueError:
            raise ReporterError(t("server.not_json")) from None

    def put_bytes(self, path: str, body: bytes) -> Any:
        request = self._request("PUT", path, body, "application/octet-stream")
        with self._open(request) as answer:
            data = answer.read(MAX_JSON_ANSWER)
        return json.loads(data)

    def download(self, path: str, dst: BinaryIO, max_bytes: int) -> int:
        """POST the lookup's pass (or a proof of work) and copy the answer to ``dst``."""
        paid = {"pass": self.lookup_pass} if self.lookup_pass else {"pow": self.solve_pow("lookup")}
        body = json.dumps(paid).encode("utf-8")
        total = 0
        with self._open(self._request("POST", path, body, "application/json")) as answer:
            while piece := answer.read(1 << 16):
                total += len(piece)
                if total > max_bytes:
                    raise ReporterError(t("server.item_too_large"))
                dst.write(piece)
        return total


def _server_error(exc: urllib.error.HTTPError) -> ReporterError:
    code = ""
    try:
        data = json.loads(exc.read(64 * 1024))
        code = data.get("error", "") if isinstance(data, dict) else ""
    except (ValueError, OSError):
        pass
    code = code if isinstance(code, str) and code.isascii() and len(code) < 40 else ""
    message = t("server.refused", status=f"{exc.code} {code}".strip())
    return ReporterError(message, hint=t(f"hint.{code}") if code in HINTS else "", code=code)
