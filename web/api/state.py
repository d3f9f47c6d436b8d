"""The API's in-memory state: proof-of-work keys, spent set and prices.

Nothing here is persisted: a restart forgets open challenges and recent
volumes, and the keys behind both rotate daily.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from crypto import envelope
from web.api.lookup_pass import LookupPasses
from web.api.pricing import LOOKUP_WINDOW_SECONDS, WRITE_WINDOW_SECONDS, PowPolicy, Volumes
from web.pow_price import Pricing, WindowCounter
from web.proof_of_work import ProofOfWork
from web.rate_limit import PeerKeyer
from web.settings import Limits, Settings


@dataclass
class ApiState:
    pow: ProofOfWork
    policy: PowPolicy
    limits: Limits
    passes: LookupPasses
    lookup_delay: float = 0.25
    """Seconds before a failed lookup is answered (asyncio.sleep: the server is not held)."""

    @property
    def attachment_envelope_max(self) -> int:
        """Largest attachment envelope: the plaintext limit sealed to the most recipients."""
        return envelope.sealed_size(self.limits.attachment_bytes, envelope.MAX_RECIPIENTS)

    @property
    def message_envelope_max(self) -> int:
        return envelope.sealed_size(self.limits.message_bytes, envelope.MAX_RECIPIENTS)


def make_policy(settings: Settings, pow_: ProofOfWork) -> PowPolicy:
    base, cap = settings.pow_difficulty, max(settings.pow_difficulty, settings.pow_max_difficulty)
    return PowPolicy(
        pow=pow_,
        writes=Pricing(base, cap, WindowCounter(WRITE_WINDOW_SECONDS)),
        lookups=Pricing(base, cap, WindowCounter(LOOKUP_WINDOW_SECONDS)),
        keyer=PeerKeyer(),
        volumes=Volumes(
            lookup_failures_per_peer=settings.lookup_failures_per_peer,
            lookup_failures=settings.lookup_failures_total,
        ),
    )


def install(app: Starlette) -> None:
    settings: Settings = app.state.settings
    pow_ = ProofOfWork(settings.pow_difficulty)
    app.state.api = ApiState(
        pow=pow_,
        policy=make_policy(settings, pow_),
        limits=settings.limits,
        passes=LookupPasses(),
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
