"""``POST /api/cases``: a new report, committed whole or not at all.

Every field is checked here before the store is asked anything that writes:
exact fields, base64url, exact lengths, a reporter key that parses, a tip
(and identity) that looks like an envelope v1 sealed to both the unit's key
and the reporter's key, attachments that match the upload session exactly.
The store then checks again and commits the case, its rows and its blobs in
one transaction (``409`` for a case id or receipt of another report,
``429 unit_full`` at the unit's daily ceiling, a storage guard set by the
unit's administrator). The same report sent again (the same case id, unit,
selector and validator) is answered ``201`` with what is stored, so a
reporter whose answer was lost can safely send it again.
The request spends a proof of work for purpose ``case`` and this unit
(web/api/pricing.py), checked after the cheap field checks and before any
work on envelopes or storage.
"""

from __future__ import annotations

from dataclasses import dataclass
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
    "pow", "upload", "case_id", "unit_id", "selector", "validator", "reporter_public_key",
    "tip", "attachments",
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
    if not isinstance(body["upload"], str):
        raise BadRequest("upload")
    token = check_token(body["upload"])
    case_id = b64_field(body, "case_id", ID_SIZE)
    unit_id = body["unit_id"]
    if not is_unit_id(unit_id):
        raise BadRequest("unit_id")
    # Priced per unit and in total: a flood of reports to one unit costs its sender more.
    state.policy.spend(body["pow"], "case", unit_id)
    selector = b64_field(body, "selector", SECRET_SIZE)
    validator = b64_field(body, "validator", SECRET_SIZE)
    reporter_key = b64_field(body, "reporter_public_key", PUBLIC_KEY_SIZE)
    try:
        XWingPublicKey.from_bytes(reporter_key)
    except FormatError:
        raise BadRequest("reporter_public_key") from None
    attachments = attachment_list(body, state.limits.attachments, state.attachment_envelope_max)
    fields = _CaseFields(
        body, token, case_id, unit_id, selector, validator, reporter_key, attachments
    )
    # One trip to a worker thread for the unit, the session and the commit
    # (each trip costs a thread switch and the GIL handed back and forth).
    created: Any = await call(_create_in_thread, vault(request), fields)
    return JSONResponse(
        {"case_ref": created.reference, "status": "diterima", "submitted": created.submitted_day},
        status_code=201,
    )


@dataclass(frozen=True)
class _CaseFields:
    body: dict[str, Any]
    token: str
    case_id: bytes
    unit_id: str
    selector: bytes
    validator: bytes
    reporter_key: bytes
    attachments: list[tuple[bytes, int]]


def _create_in_thread(store: Any, f: _CaseFields) -> Any:
    """Runs in a worker thread: check the envelopes against the unit, then commit."""
    unit = store.get_unit(f.unit_id)  # 404 for an unknown unit
    # The same report sent again (its answer was lost, or its commit's fate
    # unknown): the stored answer, before the upload session, which the
    # first commit used up. Another report's id or receipt: 409.
    receipt = SecretBytes(f.selector), SecretBytes(f.validator)
    same = store.same_report(f.case_id, f.unit_id, *receipt)
    if same is not None:
        return same
    recipients = [unit.xwing_public_key, f.reporter_key]
    tip_id, tip = envelope_field(f.body["tip"], "tip", INLINE_ENVELOPE_MAX, recipients)
    identity_id: bytes | None = None
    identity: bytes | None = None
    if "identity" in f.body:
        # A card with a custodian key: the identity is sealed to the custodian
        # instead of the unit (docs/spec/unit-card-v1.md).
        custodian = UnitCard.parse(unit.card).custodian_xwing_public_key
        identity_key = custodian.to_bytes() if custodian else unit.xwing_public_key
        identity_id, identity = envelope_field(
            f.body["identity"], "identity", INLINE_ENVELOPE_MAX, [identity_key, f.reporter_key]
        )
    ids = [tip_id, *([identity_id] if identity_id else []), *(a for a, _ in f.attachments)]
    if len(set(ids)) != len(ids):
        raise BadRequest("item_id")

    sizes = store.upload_sizes(f.token)  # 404 for no session (no proof of work)
    attachment_ids = check_attachments_match(sizes, f.attachments)
    new = NewCase(
        case_id=f.case_id,
        unit_id=f.unit_id,
        selector=SecretBytes(f.selector),
        validator=SecretBytes(f.validator),
        reporter_public_key=f.reporter_key,
        tip_item_id=tip_id,
        tip=tip,
        identity_item_id=identity_id,
        identity=identity,
        upload_token=f.token,
        attachment_item_ids=attachment_ids,
    )
    return store.create_case(new)
