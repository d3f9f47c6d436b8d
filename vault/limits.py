"""Size and count limits of the vault, with their defaults.

Limits on attachments are configured in plaintext bytes (what a reporter
understands) and enforced in ciphertext bytes, computed with
:func:`crypto.envelope.sealed_size` for the most recipients an envelope may
have, so a file that was allowed before encryption is never refused after.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crypto import envelope
from vault.errors import LimitExceeded

MIB = 1 << 20
GIB = 1 << 30
MAX_RECIPIENTS = 8


@dataclass(frozen=True)
class Limits:
    attachment_plaintext_max: int = 200 * MIB
    report_plaintext_max: int = 1 * GIB
    envelope_max: int = 1 * MIB
    """Largest tip, message or identity envelope (ciphertext bytes)."""
    attachments_per_upload: int = 50
    upload_max_age_days: int = 1
    """An upload session older than this many days is removed by the sweep."""
    case_daily_messages: int = 20
    """Follow-up messages a reporter may add to one case in one day."""
    case_daily_attachments: int = 50
    """Files a reporter may add to one case in one day (those of the report itself count)."""
    case_daily_bytes: int = 1 * GIB
    """Ciphertext a reporter may add to one case in one day, tip and files included
    (plaintext: about the report limit)."""

    @property
    def attachment_ciphertext_max(self) -> int:
        return envelope.sealed_size(self.attachment_plaintext_max, MAX_RECIPIENTS)

    @property
    def report_ciphertext_max(self) -> int:
        return envelope.sealed_size(self.report_plaintext_max, MAX_RECIPIENTS)


def check_case_day(
    db: Any, case_id: str, day: str, rows: list[dict[str, Any]], limits: Limits
) -> None:
    """Refuse (``LimitExceeded``, ``case_daily_*``) what would take a case past today's bounds.

    Counts the reporter's envelopes of ``day`` already in the case plus
    ``rows`` (about to be written, in the same transaction, so two requests
    cannot both slip under a bound).
    """
    counted = db.execute(
        "SELECT count(*) FILTER (WHERE kind = 'message'),"
        " count(*) FILTER (WHERE kind = 'attachment'),"
        " coalesce(sum(size), 0) FROM envelopes"
        " WHERE case_id = ? AND author = 'reporter' AND day = ?",
        [case_id, day],
    ).fetchone()
    messages = counted[0] + sum(r["kind"] == "message" for r in rows)
    attachments = counted[1] + sum(r["kind"] == "attachment" for r in rows)
    size = counted[2] + sum(int(r["size"]) for r in rows)
    for name, value, limit in (
        ("case_daily_messages", messages, limits.case_daily_messages),
        ("case_daily_attachments", attachments, limits.case_daily_attachments),
        ("case_daily_bytes", size, limits.case_daily_bytes),
    ):
        if value > limit:
            raise LimitExceeded(
                "This report has received as much as one day allows.", limit_name=name, limit=limit
            )
