"""``POST /api/cases``: a new report, committed whole or not at all.

Every field is checked here before the store is asked anything that writes:
exact fields, base64url, exact lengths, a reporter key that parses, a tip
(and identity) that looks like an envelope v1 sealed to both the unit's key
and the reporter's key, attachments that match the upload session exactly.
The store then checks again and commits the case, its rows and its blobs in
one transaction (``409`` for an existing case id, ``429 unit_full`` at the
unit's daily ceiling).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from crypto.context import is_unit_id
from crypto.errors import FormatError
from crypto.secret import SecretBytes
from crypto.unit_card import UnitCard
from crypto.xwing import XWingPublicKey
from vault.cases import NewCase
from web.api.state import api_state, call, vault
from web.api.uploads import check_token
from web.api.validation import (
    ID_SIZE,
    INLINE_ENVELOPE_MAX,
    MIB,
    PUBLIC_KEY_SIZE,
    SECRET_SIZE,
    attachment_list,
    b64_field,
    envelope_field,
    exact_fields,
    read_json,
)
from web.errors import BadRequest

CASES_BODY = 3 * MIB  # a tip and an identity envelope of 1 MiB each, in base64url
REQUIRED = {
    "upload", "case_id", "unit_id", "selector", "validator", "reporter_public_key", "tip",
    "attachments",
}  # fmt: skip


def check_attachments_match(
    sizes: dict[str, int], attachments: list[tuple[bytes, int]]
) -> list[str]:
    """Every named file uploaded completely, none left over; return the item ids (hex)."""
    named = {item.hex(): size for item, size in attachments}
    if named != sizes:
        raise BadRequest("attachments")
    return [item.hex() for item, _ in attachments]


async def create_case(request: Request) -> JSONResponse:
    body = exact_fields(await read_json(request, CASES_BODY), REQUIRED, {"identity"})
    state = api_state(request)
    store = vault(request)
    if not isinstance(body["upload"], str):
        raise BadRequest("upload")
    token = check_token(body["upload"])
    case_id = b64_field(body, "case_id", ID_SIZE)
    unit_id = body["unit_id"]
    if not is_unit_id(unit_id):
        raise BadRequest("unit_id")
    selector = b64_field(body, "selector", SECRET_SIZE)
    validator = b64_field(body, "validator", SECRET_SIZE)
    reporter_key = b64_field(body, "reporter_public_key", PUBLIC_KEY_SIZE)
    try:
        XWingPublicKey.from_bytes(reporter_key)
    except FormatError:
        raise BadRequest("reporter_public_key") from None
    attachments = attachment_list(body, state.limits.attachments, state.attachment_envelope_max)

    unit = await call(store.get_unit, unit_id)  # 404 for an unknown unit
    recipients = [unit.xwing_public_key, reporter_key]
    tip_id, tip = envelope_field(body["tip"], "tip", INLINE_ENVELOPE_MAX, recipients)
    identity_id: bytes | None = None
    identity: bytes | None = None
    if "identity" in body:
        # A card with a custodian key: the identity is sealed to the custodian
        # instead of the unit (docs/spec/unit-card-v1.md).
        custodian = UnitCard.parse(unit.card).custodian_xwing_public_key
        identity_key = custodian.to_bytes() if custodian else unit.xwing_public_key
        identity_id, identity = envelope_field(
            body["identity"], "identity", INLINE_ENVELOPE_MAX, [identity_key, reporter_key]
        )
    ids = [tip_id, *([identity_id] if identity_id else []), *(a for a, _ in attachments)]
    if len(set(ids)) != len(ids):
        raise BadRequest("item_id")

    sizes = await call(store.upload_sizes, token)  # 404 for no session (no proof of work)
    attachment_ids = check_attachments_match(sizes, attachments)
    new = NewCase(
        case_id=case_id,
        unit_id=unit_id,
        selector=SecretBytes(selector),
        validator=SecretBytes(validator),
        reporter_public_key=reporter_key,
        tip_item_id=tip_id,
        tip=tip,
        identity_item_id=identity_id,
        identity=identity,
        upload_token=token,
        attachment_item_ids=attachment_ids,
    )
    created: Any = await call(store.create_case, new)
    return JSONResponse(
        {"case_ref": created.reference, "status": "diterima", "submitted": created.submitted_day},
        status_code=201,
    )
