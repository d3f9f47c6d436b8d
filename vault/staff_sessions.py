"""Staff console sessions, kept in memory only.

A session token is 32 random bytes (base64url), given to the browser once;
the store keys sessions by SHA-256 of the token, so a memory dump or a debug
listing of the store does not hold usable tokens. A session ends after 15
idle minutes or 8 hours in all, whichever comes first, or at sign-out.
Each session has its own CSRF token, compared in constant time.

Why memory: sign-in times are exact times, and the design keeps no exact
time anywhere persistent. A restart signs everyone out, which is the safe
direction. :class:`SessionStore` keeps them in this process; several
server processes share them in Redis, which also keeps them in memory only
(web/shared_state/redis_staff.py, docs/scale.md), behind the same
:class:`Sessions` interface.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Protocol

from vault.staff import StaffUser

TOKEN_BYTES = 32


@dataclass(frozen=True)
class Session:
    user: StaffUser
    csrf: str = field(repr=False)
    created: float = field(repr=False)
    last_seen: float = field(repr=False)
    key: str = field(repr=False)


def _key(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def session_key(token: str) -> str:
    """What a session is known by: SHA-256 of its token, hex (never the token itself)."""
    return _key(token)


def token_is_plausible(token: object) -> bool:
    return isinstance(token, str) and 0 < len(token) <= 128


def csrf_matches(session: Session, token: str | None) -> bool:
    """True when ``token`` is this session's CSRF token (constant-time)."""
    if not isinstance(token, str) or not token:
        return False
    return hmac.compare_digest(session.csrf.encode(), token.encode("utf-8", "surrogatepass"))


class Sessions(Protocol):
    """Where console sessions live: this process (:class:`SessionStore`) or Redis."""

    def create(self, user: StaffUser) -> tuple[str, str]:
        """A new session for ``user``; return ``(token, csrf)`` (the token only here)."""
        ...

    def get(self, token: str | None) -> Session | None:
        """The live session for ``token``, or ``None``."""
        ...

    def touch(self, session: Session) -> Session | None:
        """Mark activity now (restarts the idle timer, never the absolute one)."""
        ...

    def destroy(self, session_or_token: Session | str) -> None: ...

    def destroy_user(self, user_id: int) -> int:
        """End every session of an account; return how many."""
        ...

    def check_csrf(self, session: Session, token: str | None) -> bool: ...


class SessionStore:
    """Sessions by hashed token, with idle and absolute expiry on an injectable clock."""

    def __init__(
        self,
        idle_seconds: float = 900,
        absolute_seconds: float = 28800,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_sessions: int = 10_000,
    ) -> None:
        self.idle_seconds = idle_seconds
        self.absolute_seconds = absolute_seconds
        self.clock = clock
        self.max_sessions = max_sessions
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def create(self, user: StaffUser) -> tuple[str, str]:
        """A new session for ``user``; return ``(token, csrf)`` (the token only here)."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        csrf = secrets.token_urlsafe(TOKEN_BYTES)
        now = self.clock()
        key = _key(token)
        with self._lock:
            self._expire(now)
            if len(self._sessions) >= self.max_sessions:
                oldest = min(self._sessions.values(), key=lambda s: s.last_seen)
                del self._sessions[oldest.key]
            self._sessions[key] = Session(user, csrf, now, now, key)
        return token, csrf

    def _alive(self, session: Session, now: float) -> bool:
        return (
            now - session.last_seen < self.idle_seconds
            and now - session.created < self.absolute_seconds
        )

    def _expire(self, now: float) -> None:
        for key in [k for k, s in self._sessions.items() if not self._alive(s, now)]:
            del self._sessions[key]

    def get(self, token: str | None) -> Session | None:
        """The live session for ``token``, or ``None`` (an expired one is dropped)."""
        if not isinstance(token, str) or not token or len(token) > 128:
            return None
        key, now = _key(token), self.clock()
        with self._lock:
            session = self._sessions.get(key)
            if session is None:
                return None
            if not self._alive(session, now):
                del self._sessions[key]
                return None
            return session

    def touch(self, session: Session) -> Session | None:
        """Mark activity now (restarts the idle timer, never the absolute one)."""
        now = self.clock()
        with self._lock:
            current = self._sessions.get(session.key)
            if current is None or not self._alive(current, now):
                self._sessions.pop(session.key, None)
                return None
            fresh = replace(current, last_seen=now)
            self._sessions[session.key] = fresh
            return fresh

    def destroy(self, session_or_token: Session | str) -> None:
        key = (
            session_or_token.key
            if isinstance(session_or_token, Session)
            else _key(session_or_token)
        )
        with self._lock:
            self._sessions.pop(key, None)

    def destroy_user(self, user_id: int) -> int:
        """End every session of an account (disabled, password changed); return how many."""
        with self._lock:
            keys = [k for k, s in self._sessions.items() if s.user.user_id == user_id]
            for key in keys:
                del self._sessions[key]
        return len(keys)

    def check_csrf(self, session: Session, token: str | None) -> bool:
        """True when ``token`` is this session's CSRF token (constant-time)."""
        return csrf_matches(session, token)

    def __len__(self) -> int:
        with self._lock:
            self._expire(self.clock())
            return len(self._sessions)
