"""Quick acknowledgements: the JSON the inspector's browser needs, and the sealed reply.

GET gives the case's unit keys, the reporter's public key and the unit's
signed templates (public material only). POST takes ``{"template_id",
"item_id", "envelope"}``: the server cannot read or alter the text, so the
console store checks only the role (an inspector of the case's unit), that
the template exists for the unit and that the envelope looks like an
envelope v1, then stores it as a unit reply and audits it in one
transaction.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from common.strict_json import load_object
from crypto.b64 import b64u_decode, b64u_encode
from web.console.auth import guard, require_csrf, staff_of
from web.console.routes_cases import _case_id
from web.console.state import call, console
from web.errors import BadRequest, TooLarge
from web.request_body import bounded_chunks

BODY_MAX = 2 * 1024 * 1024


@guard("inspector", form=False, json=True)
async def material(request: Request) -> Response:
    staff = staff_of(request)
    case_id = _case_id(request)
    store = console(request).store
    summary = await call(store.case_summary, staff.session.user, case_id)
    vault = request.app.state.vault
    case = await call(vault.get_case, case_id)
    unit = await call(vault.get_unit, summary.row.unit_id)
    templates = await call(store.ack_templates, staff.session.user, case_id)
    return JSONResponse(
        {
            "unit_id": unit.unit_id,
            "case_id": b64u_encode(bytes.fromhex(case_id)),
            "reporter_public_key": b64u_encode(case.reporter_public_key),
            "unit_xwing_public_key": b64u_encode(unit.xwing_public_key),
            "unit_ed25519_public_key": b64u_encode(unit.ed25519_public_key),
            "templates": [
                {
                    "template_id": t.template_id,
                    "text": t.text,
                    "signature": b64u_encode(t.signature),
                }
                for t in templates
            ],
        }
    )


async def _json_body(request: Request) -> dict[str, object]:
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise BadRequest("content-type")
    body = bytearray()
    async for chunk in bounded_chunks(request):
        body.extend(chunk)
        if len(body) > BODY_MAX:
            raise TooLarge()
    try:
        return load_object(bytes(body))
    except ValueError:
        raise BadRequest("body") from None


@guard("inspector", form=False, json=True)
async def send(request: Request) -> Response:
    staff = staff_of(request)
    require_csrf(request, request.headers.get("x-csrf-token"))
    case_id = _case_id(request)
    doc = await _json_body(request)
    if set(doc) != {"template_id", "item_id", "envelope"}:
        raise BadRequest("body")
    template_id, item, envelope = doc["template_id"], doc["item_id"], doc["envelope"]
    if not all(isinstance(v, str) for v in (template_id, item, envelope)):
        raise BadRequest("body")
    try:
        item_id = b64u_decode(str(item))
        sealed = b64u_decode(str(envelope))
    except Exception:
        raise BadRequest("envelope") from None
    if len(item_id) != 16:
        raise BadRequest("item_id")
    await call(
        console(request).store.send_template,
        staff.session.user,
        case_id,
        str(template_id),
        item_id,
        sealed,
    )
    return JSONResponse({"sent": True, "template_id": template_id}, 200)
