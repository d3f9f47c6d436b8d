"""Reports made and sent the way the command-line reporter client does it.

Used by the ingest benchmark and the crash tests. Each report follows
docs/spec/reporter-api-v1.md with the reporter client's own code
(``reporter.transport.solve_pow``, ``reporter.http_client.ApiClient``):

1. :func:`prepare_report`: fetch a proof-of-work challenge and solve it
   (``reporter.transport.solve_pow``, at the server's difficulty; the
   report's own proof of work too when given: ``case_pow``), make a
   real receipt code and derive its keys (profile 2: Argon2id 8 MiB, one
   pass; the server cannot tell profiles apart), seal the tip to the unit
   and the reporter's key. All of this is the client's work.
2. :func:`send_report`: ``POST /api/uploads`` (spends the proof of work) and
   ``POST /api/cases``; a report counts as received only on ``201``. The
   case's proof of work is the prepared ``case_pow``, or else the client
   asks for one and solves it right then (``ApiClient.json`` pays).

:func:`read_back` is the reporter coming back with the receipt: lookup
(``POST /api/case``), download of every item, and the unit (the test holding
its private key) decrypting the tip.
"""

from __future__ import annotations

import io
import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from crypto import envelope
from crypto.b64 import b64u_decode, b64u_encode
from crypto.unit_card import UnitCard
from crypto.xwing import XWingPrivateKey
from receipts.derivation import ReceiptKeys, derive
from receipts.receipt_code import ReceiptCode, generate
from reporter.http_client import ApiClient
from reporter.transport import solve_pow

KDF_PROFILE = 2


@dataclass
class PreparedReport:
    code: ReceiptCode = field(repr=False)
    keys: ReceiptKeys = field(repr=False)
    pow: dict[str, str]
    body: dict[str, Any] = field(repr=False)
    marker: str
    tip_bytes: int
    case_pow: dict[str, str] | None = None


def make_tip(marker: str, size: int = 3000) -> bytes:
    """A JSON tip of about ``size`` bytes carrying a unique marker."""
    filler = secrets.token_hex(max(0, size - 200) // 2)
    return json.dumps({"answers": {"what": f"Laporan uji {marker}", "how": filler}}).encode()


def prepare_report(
    client: ApiClient,
    card: UnitCard,
    salt: bytes,
    pow_solution: dict[str, str] | None = None,
    case_pow: dict[str, str] | None = None,
) -> PreparedReport:
    """Everything a reporter does before sending (the client's cost, not the server's).

    ``pow_solution`` may come from :func:`reporter.transport.solve_pow` run
    elsewhere (in another process: receipt codes refuse to be pickled).
    """
    pow_solution = pow_solution or solve_pow(client)
    code = generate(KDF_PROFILE)
    keys = derive(code, salt)
    case_id = secrets.token_bytes(16)
    marker = secrets.token_hex(8)
    tip_id = secrets.token_bytes(16)
    ctx = envelope.Context(card.unit_id, case_id, "tip", tip_id)
    sealed = envelope.seal(make_tip(marker), [card.xwing_public_key, keys.public_key()], ctx)
    body = {
        "case_id": b64u_encode(case_id),
        "unit_id": card.unit_id,
        "selector": b64u_encode(keys.selector.reveal()),
        "validator": b64u_encode(keys.validator.reveal()),
        "reporter_public_key": b64u_encode(keys.public_key().to_bytes()),
        "tip": {"item_id": b64u_encode(tip_id), "envelope": b64u_encode(sealed)},
        "attachments": [],
    }
    return PreparedReport(code, keys, pow_solution, body, marker, len(sealed), case_pow)


def send_report(client: ApiClient, report: PreparedReport) -> dict[str, Any]:
    """Open the upload session with the proof of work, then create the case (201)."""
    opened = client.json("POST", "/api/uploads", {"pow": report.pow})
    case = {"upload": opened["upload"], **report.body}
    if report.case_pow is not None:
        case["pow"] = report.case_pow
    answer: dict[str, Any] = client.json("POST", "/api/cases", case)
    return answer


def authorization(keys: ReceiptKeys) -> str:
    selector = b64u_encode(keys.selector.reveal())
    return f"Peluit {selector}.{b64u_encode(keys.validator.reveal())}"


def read_back(base: str, report: PreparedReport, unit_key: XWingPrivateKey) -> dict[str, Any]:
    """Look the case up with the receipt's keys and decrypt its tip with the unit key.

    Returns the case as the API gives it plus ``"tip"``: the decrypted tip.
    Raises (``ReporterError``, ``DecryptionError``) if anything is missing or wrong.
    """
    client = ApiClient(base, authorization(report.keys))
    case: dict[str, Any] = client.json("POST", "/api/case")
    case_id = b64u_decode(case["case_id"])
    (tip,) = [item for item in case["items"] if item["kind"] == "tip"]
    item_id = b64u_decode(tip["item_id"])
    blob = io.BytesIO()
    got = client.download(f"/api/case/items/{tip['item_id']}", blob, int(tip["size"]))
    if got != int(tip["size"]):
        raise ValueError("the tip's size does not match")
    ctx = envelope.Context(case["unit_id"], case_id, "tip", item_id)
    case["tip"] = envelope.open_envelope(blob.getvalue(), [unit_key], ctx)
    return case
