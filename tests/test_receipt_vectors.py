"""Every vector under tests/vectors/{receipt,receipt-parse} checked with receipts/.

The receipt vectors run the real Argon2id profiles (five derivations,
about a second in all): they are the contract with the browser.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from vector_files import read_vector, vector_files, vector_name

from crypto.b64 import b64u_decode
from receipts.derivation import (
    PROFILES,
    derive,
    derive_root,
    lookup_hash,
    validator_hash,
    validator_matches,
)
from receipts.errors import InvalidReceiptCode, ReceiptTypo
from receipts.receipt_code import parse

VECTORS = Path(__file__).parent / "vectors"


def load(kind: str) -> list[Any]:
    files = vector_files(VECTORS / kind)
    assert files, f"no {kind} vectors"
    return [pytest.param(read_vector(f), id=vector_name(f)) for f in files]


@pytest.mark.parametrize("v", load("receipt"))
def test_receipt_vector(v: dict[str, Any]) -> None:
    code = parse(v["code"])
    assert code.profile == v["profile"]
    assert PROFILES[code.profile] == (v["ops"], v["mem_kib"])
    salt = b64u_decode(v["instance_salt"])
    assert derive_root(code, salt).reveal() == b64u_decode(v["root"])
    keys = derive(code, salt)
    assert keys.selector.reveal() == b64u_decode(v["selector"])
    assert keys.validator.reveal() == b64u_decode(v["validator"])
    assert keys.xwing_seed.reveal() == b64u_decode(v["xwing_seed"])
    public = keys.public_key()
    assert public.to_bytes() == b64u_decode(v["xwing_public_key"])
    assert public.key_id() == b64u_decode(v["key_id"])
    assert lookup_hash(b64u_decode(v["pepper"]), keys.selector) == b64u_decode(v["lookup"])
    stored = b64u_decode(v["validator_hash"])
    assert validator_hash(keys.validator) == stored
    assert validator_matches(stored, keys.validator)
    assert not validator_matches(stored, keys.selector)


@pytest.mark.parametrize("v", load("receipt-parse"))
def test_receipt_parse_vector(v: dict[str, Any]) -> None:
    expect = v["expect"]
    if expect == "ok":
        code = parse(v["input"])
        assert code.digits == v["normalised"]
        assert code.grouped() == v["grouped"]
        return
    error = {"typo": ReceiptTypo, "invalid": InvalidReceiptCode}[expect]
    with pytest.raises(error) as info:
        parse(v["input"])
    assert type(info.value) is error
