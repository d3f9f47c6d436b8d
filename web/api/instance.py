"""``GET /api/instance`` and ``POST /api/pow``."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse

from crypto import envelope
from crypto.b64 import b64u_encode
from web.api.pricing import challenge_json, purpose_of
from web.api.state import api_state, call, client_address, vault
from web.api.validation import exact_fields, read_json


async def instance(request: Request) -> JSONResponse:
    store = vault(request)
    limits = api_state(request).limits
    salt = await call(store.instance_salt)
    units = await call(store.list_units)
    return JSONResponse(
        {
            "version": 1,
            "instance_salt": b64u_encode(salt),
            "chunk_size": envelope.CHUNK_SIZE,
            "limits": {
                "attachment_bytes": limits.attachment_bytes,
                "report_bytes": limits.report_bytes,
                "attachments": limits.attachments,
                "message_bytes": limits.message_bytes,
            },
            "units": [
                {
                    "unit_id": unit.unit_id,
                    "name": unit.name,
                    "jurisdiction": unit.jurisdiction,
                    "fingerprint": unit.fingerprint,
                    "card": json.loads(unit.card),
                    "retired": unit.retired,
                }
                for unit in units
            ],
        }
    )


async def pow_challenge(request: Request) -> JSONResponse:
    """A challenge for ``{"purpose", "unit_id"}`` at its current price (web/api/pricing.py)."""
    body = exact_fields(await read_json(request), set(), {"purpose", "unit_id"})
    purpose, unit_id = purpose_of(body)
    policy = api_state(request).policy
    challenge, bits = policy.challenge(purpose, unit_id, client_address(request))
    return JSONResponse(challenge_json(challenge, bits, purpose))
