"""What the console shares between processes: sessions, the sign-in throttle, password flags.

Keys (all under ``peluit:``, in memory only):

- ``session:<H>``: one console session, ``H`` = SHA-256 of its cookie's
  token (vault/staff_sessions.py; the token is never sent to Redis). A hash
  of ``user`` (id, username, role, units), ``csrf``, ``created`` and
  ``last_seen`` (exact times, as the single process keeps them in its
  memory, read from Redis's own clock so that every machine agrees); its
  time to live is the idle timeout, renewed on each request but never past
  the absolute one;
- ``user-sessions:<user id>``: the ``H`` of that account's sessions, so
  disabling the account or changing its password ends them all;
- ``signin:failures:<U>`` and ``signin:locked:<U>``: failed sign-ins in a
  row and the lock they earned, ``U`` = SHA-256 of the username; failures
  are forgotten a day after the last one, a lock when it ends;
- ``password-change``: the ids of accounts that must choose a new password
  (a cache of the database's flag, filled at sign-in); kept as long as a
  session can live after the last sign-in that added to it.
"""

from __future__ import annotations

import hashlib
import json
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from vault.staff import AccountLocked, LoginThrottle, Role, StaffUser
from vault.staff_sessions import (
    TOKEN_BYTES,
    Session,
    csrf_matches,
    session_key,
    token_is_plausible,
)
from web.shared_state.redis_connection import PREFIX, answering

FAILURES_KEPT_SECONDS = 86400

# Renew a session's idle timer only if it still exists: a sign-out on
# another process between our read and this write must stay a sign-out.
# The time is Redis's own (TIME), as at creation: one clock for every
# machine, so a machine whose clock is behind cannot stretch the absolute
# limit. ARGV: idle and absolute seconds. Returns the new last_seen, or
# nothing when the session is gone or over.
_TOUCH = """
local created = redis.call('HGET', KEYS[1], 'created')
if not created then return false end
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local left = math.min(tonumber(ARGV[1]), tonumber(ARGV[2]) - (now - tonumber(created)))
if left <= 0 then
  redis.call('DEL', KEYS[1])
  return false
end
local seen = string.format('%.6f', now)
redis.call('HSET', KEYS[1], 'last_seen', seen)
redis.call('PEXPIRE', KEYS[1], math.ceil(left * 1000))
return seen
"""


def _text(value: bytes | None) -> str:
    return value.decode() if value is not None else ""


@dataclass
class RedisSessions:
    """:class:`vault.staff_sessions.Sessions` in Redis, on Redis's clock (shared by machines).

    ``created`` and ``last_seen`` come from Redis's ``TIME``, so every
    machine agrees; ``clock`` (this machine's) only decides early that a
    session read back is over, which at worst ends it sooner.
    """

    client: Any
    idle_seconds: float = 900
    absolute_seconds: float = 28800
    clock: Callable[[], float] = time.time

    def _name(self, key: str) -> str:
        return f"{PREFIX}session:{key}"

    def _user_set(self, user_id: int) -> str:
        return f"{PREFIX}user-sessions:{user_id}"

    def _ttl_ms(self, created: float, now: float) -> int:
        left = min(self.idle_seconds, self.absolute_seconds - (now - created))
        return max(1, math.ceil(left * 1000))

    def create(self, user: StaffUser) -> tuple[str, str]:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        csrf = secrets.token_urlsafe(TOKEN_BYTES)
        key = session_key(token)
        described = json.dumps(
            [user.user_id, user.username, str(user.role), list(user.unit_ids), user.disabled]
        )
        with answering(self.client):
            seconds, micros = self.client.time()
            now = seconds + micros / 1_000_000
            pipe = self.client.pipeline(transaction=True)
            pipe.hset(
                self._name(key),
                mapping={"user": described, "csrf": csrf, "created": now, "last_seen": now},
            )
            pipe.pexpire(self._name(key), self._ttl_ms(now, now))
            pipe.sadd(self._user_set(user.user_id), key)
            pipe.expire(self._user_set(user.user_id), int(self.absolute_seconds) + 1)
            pipe.execute()
        return token, csrf

    def _session(self, key: str, fields: dict[bytes, bytes]) -> Session:
        user_id, username, role, units, disabled = json.loads(fields[b"user"])
        user = StaffUser(int(user_id), username, Role(role), tuple(units), bool(disabled))
        return Session(
            user,
            _text(fields.get(b"csrf")),
            float(fields[b"created"]),
            float(fields[b"last_seen"]),
            key,
        )

    def _alive(self, session: Session, now: float) -> bool:
        return (
            now - session.last_seen < self.idle_seconds
            and now - session.created < self.absolute_seconds
        )

    def get(self, token: str | None) -> Session | None:
        if not isinstance(token, str) or not token_is_plausible(token):
            return None
        key = session_key(token)
        with answering(self.client):
            fields = self.client.hgetall(self._name(key))
        if not fields or b"user" not in fields:
            return None
        session = self._session(key, fields)
        if not self._alive(session, self.clock()):
            self.destroy(session)
            return None
        return session

    def touch(self, session: Session) -> Session | None:
        now = self.clock()
        if not self._alive(session, now):
            self.destroy(session)
            return None
        with answering(self.client):
            seen = self.client.eval(
                _TOUCH, 1, self._name(session.key), self.idle_seconds, self.absolute_seconds
            )
        if seen is None:
            return None
        return Session(session.user, session.csrf, session.created, float(seen), session.key)

    def destroy(self, session_or_token: Session | str) -> None:
        if isinstance(session_or_token, Session):
            key = session_or_token.key
            user_id: int | None = session_or_token.user.user_id
        else:
            key, user_id = session_key(session_or_token), None
        with answering(self.client):
            pipe = self.client.pipeline(transaction=True)
            pipe.delete(self._name(key))
            if user_id is not None:
                pipe.srem(self._user_set(user_id), key)
            pipe.execute()

    def destroy_user(self, user_id: int) -> int:
        with answering(self.client):
            keys = [k.decode() for k in self.client.smembers(self._user_set(user_id))]
            pipe = self.client.pipeline(transaction=True)
            for key in keys:
                pipe.delete(self._name(key))
            pipe.delete(self._user_set(user_id))
            ended = pipe.execute()[: len(keys)]
        return sum(int(n) for n in ended)

    def check_csrf(self, session: Session, token: str | None) -> bool:
        return csrf_matches(session, token)

    def __len__(self) -> int:
        with answering(self.client):
            return sum(1 for _ in self.client.scan_iter(f"{PREFIX}session:*", count=1000))


class RedisLoginThrottle:
    """:class:`vault.staff.SignInThrottle` in Redis; the same rule as :class:`LoginThrottle`."""

    def __init__(self, client: Any, rule: LoginThrottle | None = None) -> None:
        self.client = client
        self.rule = rule or LoginThrottle()

    def _names(self, username: str) -> tuple[str, str]:
        digest = hashlib.sha256(username.encode("utf-8", "surrogatepass")).hexdigest()
        return f"{PREFIX}signin:failures:{digest}", f"{PREFIX}signin:locked:{digest}"

    def check(self, username: str) -> None:
        seconds = self.locked_for(username)
        if seconds > 0:
            raise AccountLocked(seconds)

    def failed(self, username: str) -> bool:
        failures, locked = self._names(username)
        with answering(self.client):
            pipe = self.client.pipeline(transaction=True)
            pipe.incr(failures)
            pipe.expire(failures, FAILURES_KEPT_SECONDS)
            count = int(pipe.execute()[0])
            seconds = self.rule.lock_seconds(count)
            if seconds:
                self.client.set(locked, b"", px=math.ceil(seconds * 1000))
        return bool(seconds)

    def locked_for(self, username: str) -> int:
        with answering(self.client):
            left = int(self.client.pttl(self._names(username)[1]))
        return max(0, math.ceil(left / 1000)) if left > 0 else 0

    def succeeded(self, username: str) -> None:
        with answering(self.client):
            self.client.delete(self._names(username)[0])


@dataclass
class RedisPasswordChanges:
    """Accounts that must change their password (``add``, ``discard``, ``in``), shared."""

    client: Any
    name: str = f"{PREFIX}password-change"
    kept_seconds: int = 28800  # a session's absolute lifetime: the cache outlives none

    def add(self, user_id: int) -> None:
        with answering(self.client):
            pipe = self.client.pipeline(transaction=True)
            pipe.sadd(self.name, user_id)
            pipe.expire(self.name, self.kept_seconds)
            pipe.execute()

    def discard(self, user_id: int) -> None:
        with answering(self.client):
            self.client.srem(self.name, user_id)

    def __contains__(self, user_id: object) -> bool:
        with answering(self.client):
            return bool(self.client.sismember(self.name, str(user_id)))
