"""The connection to Redis, the check that it keeps nothing on disk, and its failures.

``PELUIT_STATE_URL`` names the server: ``unix:///run/redis-peluit/redis.sock``
or ``redis://127.0.0.1:6379``. At start :func:`connect` asks Redis for its
persistence settings (``CONFIG GET save`` and ``CONFIG GET appendonly``) and
refuses to go on unless both are off: exact times and address-derived keys
must stay in memory (docs/scale.md). It also asks for
``maxmemory-policy`` and refuses anything but ``noeviction``: an evicted
lock-out, spent mark or volume counter would fail open, while a full
``noeviction`` Redis refuses writes, which become a 503. A Redis that
refuses ``CONFIG`` (a managed service that renamed it) is refused too: its
settings cannot be checked.

Every call the implementations make goes through :func:`answering`: a Redis
that does not answer (down, timed out, out of memory) becomes
:class:`web.errors.StateUnavailable`, a 503 that stores nothing.

The client is synchronous and is called on the event loop, so a Redis that
does not answer holds the whole loop for up to ``TIMEOUT_SECONDS`` a call.
:func:`answering` therefore keeps a small circuit breaker per client: after
a time-out or a lost connection it answers ``StateUnavailable`` at once,
without asking Redis, for ``BREAKER_SECONDS``; then the next call tries
again (and opens it again if Redis still does not answer). A Redis that is
gone costs each event loop one time-out per ``BREAKER_SECONDS``, not one
per request. An error Redis answers (out of memory, a refused command)
does not open it: Redis is there.
"""

from __future__ import annotations

import contextlib
import time
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import redis
import redis.exceptions

from web.errors import StateUnavailable

# A Redis on the same machine or the same rack answers in well under a
# millisecond; one that takes a second is down for our purposes.
TIMEOUT_SECONDS = 1.0
PREFIX = "peluit:"
# How far apart the machines' clocks may be (docs/scale.md asks NTP): a key
# whose end a machine computes from its own clock lives this much longer in
# Redis, and every lifetime given to Redis is relative (EX/PX, never an
# absolute EXAT that Redis's own clock may already see as past).
SKEW_SECONDS = 300
# After a time-out, how long every call answers 503 without asking Redis.
BREAKER_SECONDS = 5.0


class StateRefused(Exception):
    """Redis cannot be used as Peluit's shared state; ``lines()`` says why in both languages."""

    def __init__(self, indonesian: str, english: str) -> None:
        super().__init__(english)
        self.indonesian = indonesian
        self.english = english

    def lines(self) -> list[str]:
        return [self.indonesian, self.english]


@dataclass
class Breaker:
    """Open (answer 503 without asking) until ``open_until`` on ``clock``."""

    seconds: float = BREAKER_SECONDS
    clock: Callable[[], float] = time.monotonic
    open_until: float = float("-inf")
    trips: int = 0
    """How many times it opened (for tests and a curious operator)."""

    def is_open(self) -> bool:
        return self.clock() < self.open_until

    def trip(self) -> None:
        self.open_until = self.clock() + self.seconds
        self.trips += 1


_BREAKERS: weakref.WeakKeyDictionary[Any, Breaker] = weakref.WeakKeyDictionary()


def breaker(client: Any) -> Breaker:
    """The breaker of ``client`` (one per client, made on first use)."""
    found = _BREAKERS.get(client)
    if found is None:
        found = _BREAKERS.setdefault(client, Breaker(BREAKER_SECONDS))
    return found


@contextlib.contextmanager
def answering(client: Any) -> Iterator[None]:
    """Turn any Redis failure into :class:`StateUnavailable` (503, fail closed).

    While ``client``'s breaker is open, raise it at once, before the block
    runs; a time-out or a lost connection opens it.
    """
    guard = breaker(client)
    if guard.is_open():
        raise StateUnavailable()
    try:
        yield
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
        guard.trip()
        raise StateUnavailable() from None
    except redis.exceptions.RedisError:
        raise StateUnavailable() from None


def answers(client: Any) -> bool:
    """Does Redis answer a ``PING`` (through the breaker)? For ``/healthz``, off the loop."""
    try:
        with answering(client):
            return bool(client.ping())
    except StateUnavailable:
        return False


def connect(url: str) -> Any:
    """A client for ``url`` whose server keeps nothing on disk; :class:`StateRefused` if not."""
    try:
        client = redis.Redis.from_url(
            url,
            socket_timeout=TIMEOUT_SECONDS,
            socket_connect_timeout=TIMEOUT_SECONDS,
            health_check_interval=30,
        )
    except ValueError:
        raise StateRefused(  # the URL itself is not repeated: it may hold a password
            "PELUIT_STATE_URL tidak dapat dibaca",
            "PELUIT_STATE_URL cannot be read",
        ) from None
    check_memory_only(client)
    return client


def check_memory_only(client: Any) -> None:
    """Refuse a Redis with RDB snapshots (``save``), an append-only file, or eviction on."""
    try:
        save = client.config_get("save").get("save", None)
        appendonly = client.config_get("appendonly").get("appendonly", None)
        policy = client.config_get("maxmemory-policy").get("maxmemory-policy", None)
    except redis.exceptions.ConnectionError as down:
        raise StateRefused(
            f"Redis di PELUIT_STATE_URL tidak menjawab ({type(down).__name__})",
            f"Redis at PELUIT_STATE_URL does not answer ({type(down).__name__})",
        ) from None
    except redis.exceptions.RedisError:
        raise StateRefused(
            "Redis menolak CONFIG GET, jadi tidak dapat dipastikan bahwa ia tidak menyimpan"
            " apa pun ke disk",
            "Redis refuses CONFIG GET, so Peluit cannot check that it keeps nothing on disk",
        ) from None
    if save is None or appendonly is None:
        raise StateRefused(
            "Redis tidak menyebut pengaturan save/appendonly-nya",
            "Redis does not report its save/appendonly settings",
        )
    if _text(save).strip() != "" or _text(appendonly).strip().lower() != "no":
        raise StateRefused(
            'Redis menyimpan ke disk: jalankan dengan save "" dan appendonly no (docs/scale.md)',
            'Redis writes to disk: run it with save "" and appendonly no (docs/scale.md)',
        )
    if policy is None or _text(policy).strip().lower() != "noeviction":
        raise StateRefused(
            "Redis boleh menghapus kunci saat memorinya penuh (kunci akun dan tantangan"
            " terpakai bisa hilang): jalankan dengan maxmemory-policy noeviction"
            " (docs/scale.md)",
            "Redis may evict keys when its memory is full (lock-outs and spent challenges"
            " could vanish): run it with maxmemory-policy noeviction (docs/scale.md)",
        )


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
