"""Size and count limits of the vault, with their defaults.

Limits on attachments are configured in plaintext bytes (what a reporter
understands) and enforced in ciphertext bytes, computed with
:func:`crypto.envelope.sealed_size` for the most recipients an envelope may
have, so a file that was allowed before encryption is never refused after.
"""

from __future__ import annotations

from dataclasses import dataclass

from crypto import envelope

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
    temp_grace_seconds: int = 3600
    """A blob or temporary file without a database row is left alone this long
    (it may belong to a transaction in progress in another worker)."""

    @property
    def attachment_ciphertext_max(self) -> int:
        return envelope.sealed_size(self.attachment_plaintext_max, MAX_RECIPIENTS)

    @property
    def report_ciphertext_max(self) -> int:
        return envelope.sealed_size(self.report_plaintext_max, MAX_RECIPIENTS)
