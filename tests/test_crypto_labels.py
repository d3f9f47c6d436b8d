"""Every label of the project is distinct and full-path style."""

from __future__ import annotations

import re

from crypto import labels

LABEL = re.compile(rb"peluit(/[a-z0-9-]+)+\Z")


def test_labels_distinct_and_well_formed() -> None:
    declared = {
        name: value
        for name, value in vars(labels).items()
        if name.isupper() and isinstance(value, bytes)
    }
    assert set(declared.values()) == set(labels.ALL_LABELS)
    assert len(labels.ALL_LABELS) == len(set(labels.ALL_LABELS)) == len(declared)
    for value in labels.ALL_LABELS:
        assert LABEL.match(value), value
        assert b"/v1" in value


def test_spec_values() -> None:
    assert labels.ENVELOPE_WRAP == b"peluit/envelope/v1/wrap"
    assert labels.RECEIPT_VALIDATOR_HASH == b"peluit/receipt/v1/validator-hash"
    assert labels.CARD_FINGERPRINT == b"peluit/unit-card/v1/fingerprint"
    assert labels.KEY_FILE == b"peluit/key-file/v1"
