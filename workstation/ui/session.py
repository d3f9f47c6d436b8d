"""The one session of a UI run: the open Desk, its random token and its CSRF token.

Tokens come from :mod:`secrets` when the passphrase opens the key file and
live only in this process. A new login replaces the session (and closes the
old Desk); logging out closes the Desk, so the private keys leave memory as far
as Python lets them (see SECURITY.md: Python cannot wipe memory).
The login form carries its own token, an HMAC under a key made for this run,
because there is no session yet to hold one.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from crypto.secret import SecretStr
from workstation.desk import Desk

COOKIE = "peluit-ws"


class CsrfRefused(Exception):
    """A POST without the session's token."""


@dataclass
class UiState:
    folder: Path
    today: datetime.date | None = None
    desk: Desk | None = None
    _token: str = ""
    csrf: str = ""
    _login_key: bytes = field(default_factory=lambda: secrets.token_bytes(32))

    def __repr__(self) -> str:
        return f"UiState(folder={str(self.folder)!r}, open={self.desk is not None}, ***)"

    # --- login ------------------------------------------------------------------

    def login_token(self) -> str:
        nonce = secrets.token_urlsafe(16)
        return f"{nonce}.{self._mac(nonce)}"

    def check_login_token(self, token: str | None) -> None:
        nonce, _, mac = (token or "").partition(".")
        if not nonce or not hmac.compare_digest(self._mac(nonce).encode(), mac.encode()):
            raise CsrfRefused()

    def _mac(self, nonce: str) -> str:
        return hmac.new(self._login_key, nonce.encode(), hashlib.sha256).hexdigest()[:32]

    def log_in(self, passphrase: SecretStr) -> str:
        """Open the Desk (``WrongPassphrase`` if wrong); return the new session token."""
        desk = Desk.open(self.folder, passphrase, today=self.today)
        self.log_out()
        self.desk = desk
        self._token = secrets.token_urlsafe(32)
        self.csrf = secrets.token_urlsafe(32)
        return self._token

    def log_out(self) -> None:
        if self.desk is not None:
            self.desk.close()
        self.desk, self._token, self.csrf = None, "", ""

    # --- each request -----------------------------------------------------------

    def desk_for(self, token: str | None) -> Desk | None:
        """The Desk when ``token`` is this session's, else ``None``."""
        if self.desk is None or not token or not self._token:
            return None
        if not hmac.compare_digest(token.encode(), self._token.encode()):
            return None
        return self.desk

    def check_csrf(self, given: str | None) -> None:
        expected = self.csrf.encode()
        if not expected or not given or not hmac.compare_digest(given.encode(), expected):
            raise CsrfRefused()
