"""A returning reporter: ``POST /api/case``, ``/api/case/items/<id>``, ``/api/case/messages``.

Every request carries ``Authorization: Peluit <selector>.<validator>`` and
pays before the store is asked anything:

- ``POST /api/case`` (the lookup) spends a proof of work for purpose
  ``lookup``, priced by recent failed lookups from this peer and in total
  (web/api/pricing.py). The lookup is counted as a failure before the store
  is asked and taken back when the code opens a case. On success the answer
  carries a ``pass`` (web/api/lookup_pass.py);
- ``POST /api/case/items/<id>`` carries that pass (or a proof of work for
  ``lookup``); a pass is checked against the selector before any lookup;
- ``POST /api/case/messages`` spends a proof of work for ``message``.

The store's lookup does the same work for an unknown selector and a wrong
validator (one HMAC, one indexed query, one constant-time compare against a
dummy hash when nothing was found), and both get the same ``404
not_found``. Nothing is ever refused because others guessed wrong: the
price rises, up to the cap, instead.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from crypto.b64 import b64u_encode
from crypto.secret import SecretBytes
from web.api.cases import check_attachments_match
from web.api.pricing import Spent
from web.api.state import api_state, call, client_address, vault
from web.api.uploads import check_token
from web.api.validation import (
    ID_SIZE,
    KIB,
    SECRET_SIZE,
    attachment_list,
    b64_text,
    envelope_field,
    exact_fields,
    read_json,
)
from web.errors import BadRequest, PowRequired, UnknownCase
from web.questionnaire_labels import published_words

SCHEME = "Peluit "
MESSAGES_BODY = 256 * KIB
SMALL = 1024
# Versions a case view carries (newest first kept): each is at most
# questionnaire_doc.MAX_BYTES; older reports fall back to the current labels.
PUBLISHED_VERSIONS = 20


def _credentials(request: Request) -> tuple[SecretBytes, SecretBytes]:
    header = request.headers.get("authorization", "")
    if not header.startswith(SCHEME) or header.count(".") != 1 or len(header) > 200:
        raise BadRequest("authorization")
    selector, validator = header[len(SCHEME) :].split(".")
    return (
        SecretBytes(b64_text(selector, "authorization", SECRET_SIZE)),
        SecretBytes(b64_text(validator, "authorization", SECRET_SIZE)),
    )


async def _lookup(
    request: Request, selector: SecretBytes, validator: SecretBytes, spent: Spent | None
) -> Any:
    """The case the code opens; ``404`` (after the failure delay) otherwise."""
    state = api_state(request)
    case = await call(vault(request).find_case, selector, validator)
    if case is None:
        if spent is None or spent.purpose != "lookup":
            # Guessing through another endpoint raises the lookup price all the same.
            state.policy.failed_lookup(client_address(request))
        await asyncio.sleep(state.lookup_delay)
        raise UnknownCase()
    if spent is not None:
        state.policy.refund(spent)
    return case


async def authorized_case(request: Request, body: dict[str, Any], purpose: str) -> Any:
    """Pay (``pow``, or a ``pass`` for reads), then the case the request's code opens."""
    state = api_state(request)
    selector, validator = _credentials(request)
    if purpose == "read" and "pass" in body:
        state.passes.check(body["pass"], selector)
        return await _lookup(request, selector, validator, None)
    if "pow" not in body:
        raise PowRequired()
    if purpose == "message":
        # A message is a write: priced by volume; the lookup behind it by failures.
        state.policy.spend(body["pow"], "message")
        return await _lookup(request, selector, validator, None)
    spent = state.policy.spend(body["pow"], "lookup", address=client_address(request))
    return await _lookup(request, selector, validator, spent)


def _item(info: Any) -> dict[str, Any]:
    return {
        "item_id": b64u_encode(bytes.fromhex(info.item_id)),
        "kind": info.kind,
        "author": info.author,
        "size": info.size,
        "day": info.day,
    }


async def show_case(request: Request) -> JSONResponse:
    body = exact_fields(await read_json(request, SMALL), {"pow"})
    case = await authorized_case(request, body, "lookup")
    selector, _ = _credentials(request)
    store = vault(request)
    unit = await call(store.get_unit, case.unit_id)
    items = await call(store.list_envelopes, case.case_id)
    deadline = await call(store.case_deadline, case.case_id)
    published = await call(store.published_questionnaires, case.unit_id)
    # The sealed tip names its version; the server cannot see which, so all of them.
    words = [published_words(v.digest, v.document) for v in published[-PUBLISHED_VERSIONS:]]
    return JSONResponse(
        {
            "case_id": b64u_encode(bytes.fromhex(case.case_id)),
            "unit_id": case.unit_id,
            "case_ref": case.reference,
            "status": str(case.status),
            "status_since": case.status_day,
            "deadline": deadline.to_json() if deadline is not None else None,
            "unit": {"card": _card(unit.card)},
            "items": [_item(info) for info in items],
            "questionnaires": words,
            "pass": api_state(request).passes.issue(selector),
        }
    )


def _card(card: bytes) -> Any:
    return json.loads(card)


async def read_item(request: Request) -> Response:
    body = exact_fields(await read_json(request, SMALL), set(), {"pass", "pow"})
    case = await authorized_case(request, body, "read")
    item_id = b64_text(request.path_params["item_id"], "item_id", ID_SIZE)
    blocks = await call(vault(request).stream_envelope, case.case_id, item_id.hex())
    return StreamingResponse(blocks, media_type="application/octet-stream")


async def add_message(request: Request) -> JSONResponse:
    body = exact_fields(
        await read_json(request, MESSAGES_BODY), {"pow", "upload", "message", "attachments"}
    )
    case = await authorized_case(request, body, "message")
    state = api_state(request)
    store = vault(request)
    token = body["upload"]
    if token is not None and not isinstance(token, str):
        raise BadRequest("upload")
    attachments = attachment_list(body, state.limits.attachments, state.attachment_envelope_max)
    unit = await call(store.get_unit, case.unit_id)
    recipients = [unit.xwing_public_key, case.reporter_public_key]
    item_id, message = envelope_field(
        body["message"], "message", state.message_envelope_max, recipients
    )
    if item_id in {a for a, _ in attachments}:
        raise BadRequest("item_id")
    attachment_ids: list[str] = []
    if token is not None:
        sizes = await call(store.upload_sizes, check_token(token))
        attachment_ids = check_attachments_match(sizes, attachments)
    elif attachments:
        raise BadRequest("upload")
    added = await call(
        store.append_reporter_message,
        case.case_id,
        item_id.hex(),
        message,
        upload_token=token,
        attachment_item_ids=attachment_ids,
    )
    return JSONResponse({"items": [_item(info) for info in added]}, status_code=201)
