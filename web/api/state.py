"""The API's in-memory state: proof-of-work keys and spent set, the lookup throttle.

Nothing here is persisted: a restart forgets open challenges and failure
counts, and the keys behind both rotate daily.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from crypto import envelope
from web.proof_of_work import ProofOfWork
from web.rate_limit import LookupThrottle
from web.settings import Limits, Settings


@dataclass
class ApiState:
    pow: ProofOfWork
    throttle: LookupThrottle
    limits: Limits

    @property
    def attachment_envelope_max(self) -> int:
        """Largest attachment envelope: the plaintext limit sealed to the most recipients."""
        return envelope.sealed_size(self.limits.attachment_bytes, envelope.MAX_RECIPIENTS)

    @property
    def message_envelope_max(self) -> int:
        return envelope.sealed_size(self.limits.message_bytes, envelope.MAX_RECIPIENTS)


def install(app: Starlette) -> None:
    settings: Settings = app.state.settings
    app.state.api = ApiState(
        pow=ProofOfWork(settings.pow_difficulty),
        throttle=LookupThrottle(
            per_peer=settings.lookup_failures_per_peer,
            total=settings.lookup_failures_total,
            base_delay=settings.lookup_delay_seconds,
        ),
        limits=settings.limits,
    )


def api_state(request: Request) -> ApiState:
    state: ApiState = request.app.state.api
    return state


def vault(request: Request) -> Any:
    """The store, only through the ``vault.store.VaultStore`` interface."""
    return request.app.state.vault


async def call(func: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a (blocking, fsyncing) store call off the event loop."""
    return await run_in_threadpool(func, *args, **kwargs)
