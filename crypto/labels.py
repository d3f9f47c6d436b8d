"""Every domain-separation label of the project, in one place.

Full-path style: ``peluit/<area>/v<version>/<purpose>``. Mirrored in
``web/js/labels.js``. ``tests/test_crypto_labels.py`` checks that they are
distinct and well formed.
"""

from __future__ import annotations

from typing import Final

# Envelope (docs/spec/envelope-v1.md)
ENVELOPE_KEY_ID: Final = b"peluit/envelope/v1/key-id"
ENVELOPE_WRAP: Final = b"peluit/envelope/v1/wrap"
ENVELOPE_HEADER: Final = b"peluit/envelope/v1/header"
ENVELOPE_PAYLOAD: Final = b"peluit/envelope/v1/payload"

# Receipt derivation (docs/spec/receipt-v1.md)
RECEIPT_SELECTOR: Final = b"peluit/receipt/v1/selector"
RECEIPT_VALIDATOR: Final = b"peluit/receipt/v1/validator"
RECEIPT_XWING_SEED: Final = b"peluit/receipt/v1/xwing-seed"
RECEIPT_VALIDATOR_HASH: Final = b"peluit/receipt/v1/validator-hash"

# Signatures (docs/spec/unit-card-v1.md)
SIG_UNIT_CARD: Final = b"peluit/unit-card/v1"
SIG_REPLY: Final = b"peluit/reply/v1"
SIG_ACK_TEMPLATE: Final = b"peluit/ack-template/v1"
SIG_REPLY_BUNDLE: Final = b"peluit/reply-bundle/v1"
SIG_EXPORT_BUNDLE: Final = b"peluit/export-bundle/v1"
SIG_FORWARD: Final = b"peluit/forward/v1"  # docs/spec/forwarding-v1.md

# Unit card fingerprint (docs/spec/unit-card-v1.md)
CARD_FINGERPRINT: Final = b"peluit/unit-card/v1/fingerprint"

# Key file AEAD associated data (docs/spec/key-file-v1.md)
KEY_FILE: Final = b"peluit/key-file/v1"

# Workstation-local keys (docs/spec/workstation-store-v1.md)
WORKSTATION_STORE: Final = b"peluit/workstation/v1/store"
WORKSTATION_BACKUP: Final = b"peluit/workstation/v1/backup"

# Proof of work before an upload session (docs/spec/reporter-api-v1.md)
POW_CHALLENGE: Final = b"peluit/pow/v1"
POW_SOLUTION: Final = b"peluit/pow/v1/solution"
# A receipt lookup's pass for the reads that follow it (docs/spec/reporter-api-v1.md)
LOOKUP_PASS: Final = b"peluit/lookup-pass/v1"

ALL_LABELS: Final[tuple[bytes, ...]] = (
    ENVELOPE_KEY_ID,
    ENVELOPE_WRAP,
    ENVELOPE_HEADER,
    ENVELOPE_PAYLOAD,
    RECEIPT_SELECTOR,
    RECEIPT_VALIDATOR,
    RECEIPT_XWING_SEED,
    RECEIPT_VALIDATOR_HASH,
    SIG_UNIT_CARD,
    SIG_REPLY,
    SIG_ACK_TEMPLATE,
    SIG_REPLY_BUNDLE,
    SIG_EXPORT_BUNDLE,
    SIG_FORWARD,
    CARD_FINGERPRINT,
    KEY_FILE,
    POW_CHALLENGE,
    POW_SOLUTION,
    LOOKUP_PASS,
    WORKSTATION_STORE,
    WORKSTATION_BACKUP,
)
