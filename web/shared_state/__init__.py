"""The server's ephemeral state: in this process's memory, or shared in Redis's.

Everything a Peluit server remembers between requests that is not in the
vault is here: the proof-of-work keys and spent challenges, the volumes
that price proofs of work, the peer key, the lookup-pass key, the console's
sessions, sign-in throttle, sign-in form key and "must change password"
cache, and the upload pieces in flight. None of it may reach a disk.

``PELUIT_STATE_URL`` unset: :func:`in_memory`, each piece in this process
(one process serves everything, as before). Set: :func:`open_shared_state`
puts every piece in one Redis that keeps nothing on disk, so several
processes and machines act as one server (docs/scale.md).

Modules: :mod:`.local` (interfaces with no older home and their
single-process versions), :mod:`.redis_connection` (connecting, the
no-disk check, failures as 503), :mod:`.redis_keys`, :mod:`.redis_reporters`,
:mod:`.redis_staff` (the Redis versions, each listing its keys).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vault.staff import LoginThrottle, SignInThrottle
from vault.staff_sessions import Sessions, SessionStore
from web.api.pricing import LOOKUP_WINDOW_SECONDS, WRITE_WINDOW_SECONDS
from web.pow_price import VolumeCounter, WindowCounter
from web.proof_of_work import (
    KEY_LIFETIME_SECONDS,
    LIFETIME_MINUTES,
    MemorySpent,
    SpentChallenges,
    challenge_keys,
)
from web.rotating_keys import KeyRing, MemoryKeyRing
from web.shared_state.local import LoopPiecesInFlight, PasswordChanges, PiecesInFlight

DAY = 86400
PASS_GRACE_SECONDS = 30 * 60  # a lookup pass lives 30 minutes (web/api/lookup_pass.py)
LOGIN_FORM_GRACE_SECONDS = 8 * 3600  # a sign-in page left open for a working day


@dataclass
class SharedState:
    challenge_keys: KeyRing
    spent: SpentChallenges
    write_volumes: VolumeCounter
    lookup_volumes: VolumeCounter
    peer_keys: KeyRing | None
    """``None``: the process's own :class:`web.rate_limit.PeerKeyer` key."""
    pass_keys: KeyRing
    login_keys: KeyRing
    sessions: Sessions
    throttle: SignInThrottle
    password_changes: PasswordChanges
    in_flight: PiecesInFlight
    client: Any = field(default=None, repr=False)
    """The Redis client, or ``None`` in memory."""

    @property
    def shared(self) -> bool:
        return self.client is not None


def in_memory() -> SharedState:
    """Today's single-process state: each piece in this process's memory."""
    return SharedState(
        challenge_keys=challenge_keys(),
        spent=MemorySpent(),
        write_volumes=WindowCounter(WRITE_WINDOW_SECONDS),
        lookup_volumes=WindowCounter(LOOKUP_WINDOW_SECONDS),
        peer_keys=None,
        pass_keys=MemoryKeyRing(),
        login_keys=MemoryKeyRing(),
        sessions=SessionStore(),
        throttle=LoginThrottle(),
        password_changes=set(),
        in_flight=LoopPiecesInFlight(),
    )


def open_shared_state(url: str | None, *, piece_seconds: float = 300.0) -> SharedState:
    """:func:`in_memory` for no URL; else every piece in Redis at ``url`` (checked: no disk).

    Raises :class:`.redis_connection.StateRefused` when Redis cannot be used.
    """
    if not url:
        return in_memory()
    from web.shared_state.redis_connection import connect
    from web.shared_state.redis_keys import RedisKeyRing
    from web.shared_state.redis_reporters import (
        RedisPiecesInFlight,
        RedisSpent,
        RedisWindowCounter,
    )
    from web.shared_state.redis_staff import (
        RedisLoginThrottle,
        RedisPasswordChanges,
        RedisSessions,
    )

    client = connect(url)
    return SharedState(
        challenge_keys=RedisKeyRing(client, "pow", KEY_LIFETIME_SECONDS, LIFETIME_MINUTES * 60),
        spent=RedisSpent(client),
        write_volumes=RedisWindowCounter(client, "writes", WRITE_WINDOW_SECONDS),
        lookup_volumes=RedisWindowCounter(client, "lookups", LOOKUP_WINDOW_SECONDS),
        peer_keys=RedisKeyRing(client, "peer", DAY, 0),
        pass_keys=RedisKeyRing(client, "lookup-pass", DAY, PASS_GRACE_SECONDS),
        login_keys=RedisKeyRing(client, "sign-in-form", DAY, LOGIN_FORM_GRACE_SECONDS),
        sessions=RedisSessions(client),
        throttle=RedisLoginThrottle(client),
        password_changes=RedisPasswordChanges(client),
        in_flight=RedisPiecesInFlight(client, piece_seconds + 60),
        client=client,
    )
