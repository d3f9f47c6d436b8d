"""The API's state: proof-of-work keys, spent set and prices.

Nothing here is persisted: it lives in this process's memory, or in the
memory of the Redis several processes share (web/shared_state/); a restart
(of the process, or of Redis) forgets open challenges and recent volumes,
and the keys behind both rotate daily.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from crypto import envelope
from web.api.lookup_pass import LookupPasses
from web.api.pricing import LOOKUP_WINDOW_SECONDS, WRITE_WINDOW_SECONDS, PowPolicy, Volumes
from web.pow_price import Pricing, VolumeCounter, WindowCounter
from web.proof_of_work import ProofOfWork
from web.rate_limit import PeerKeyer
from web.settings import Limits, Settings
from web.shared_state.local import LoopPiecesInFlight, PiecesInFlight

if TYPE_CHECKING:
    # web.shared_state imports web.api.pricing, so web.api and this module:
    # at run time the type is only an annotation (a cycle otherwise).
    from web.shared_state import SharedState


@dataclass
class ApiState:
    pow: ProofOfWork
    policy: PowPolicy
    limits: Limits
    passes: LookupPasses
    in_flight: PiecesInFlight = field(default_factory=LoopPiecesInFlight)
    """Upload sessions with a piece being received (one at a time each)."""
    lookup_delay: float = 0.25
    """Seconds before a failed lookup is answered (asyncio.sleep: the server is not held)."""

    @property
    def attachment_envelope_max(self) -> int:
        """Largest attachment envelope: the plaintext limit sealed to the most recipients."""
        return envelope.sealed_size(self.limits.attachment_bytes, envelope.MAX_RECIPIENTS)

    @property
    def message_envelope_max(self) -> int:
        return envelope.sealed_size(self.limits.message_bytes, envelope.MAX_RECIPIENTS)


def make_policy(
    settings: Settings, pow_: ProofOfWork, shared: SharedState | None = None
) -> PowPolicy:
    base, cap = settings.pow_difficulty, max(settings.pow_difficulty, settings.pow_max_difficulty)
    writes: VolumeCounter = WindowCounter(WRITE_WINDOW_SECONDS)
    lookups: VolumeCounter = WindowCounter(LOOKUP_WINDOW_SECONDS)
    if shared is not None:
        writes, lookups = shared.write_volumes, shared.lookup_volumes
    return PowPolicy(
        pow=pow_,
        writes=Pricing(base, cap, writes),
        lookups=Pricing(base, cap, lookups),
        keyer=PeerKeyer(keyring=shared.peer_keys if shared is not None else None),
        volumes=Volumes(
            lookup_failures_per_peer=settings.lookup_failures_per_peer,
            lookup_failures=settings.lookup_failures_total,
        ),
    )


def install(app: Starlette) -> None:
    settings: Settings = app.state.settings
    shared: SharedState = app.state.shared
    pow_ = ProofOfWork(settings.pow_difficulty, keyring=shared.challenge_keys, spent=shared.spent)
    app.state.api = ApiState(
        pow=pow_,
        policy=make_policy(settings, pow_, shared),
        limits=settings.limits,
        passes=LookupPasses(keyring=shared.pass_keys),
        in_flight=shared.in_flight,
        lookup_delay=settings.lookup_delay_seconds,
    )


def api_state(request: Request) -> ApiState:
    state: ApiState = request.app.state.api
    return state


def client_address(request: Request) -> str | None:
    """Only ever an HMAC input (web/rate_limit.py), never kept."""
    return request.client.host if request.client else None


def vault(request: Request) -> Any:
    """The store, only through the ``vault.store.VaultStore`` interface."""
    return request.app.state.vault


async def call(func: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a (blocking, fsyncing) store call off the event loop."""
    return await run_in_threadpool(func, *args, **kwargs)
