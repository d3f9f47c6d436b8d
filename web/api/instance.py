"""``GET /api/instance`` and ``POST /api/pow``."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse

from crypto import envelope
from crypto.b64 import b64u_encode
from web.api.state import api_state, call, vault
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
    exact_fields(await read_json(request), set())
    pow_ = api_state(request).pow
    return JSONResponse({"challenge": b64u_encode(pow_.issue()), "difficulty": pow_.difficulty})
