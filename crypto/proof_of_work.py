"""The proof-of-work puzzle both sides share (docs/spec/reporter-api-v1.md).

A solution is an 8-byte nonce such that
``SHA-256("peluit/pow/v1/solution" || 0x00 || challenge || nonce)`` starts
with ``difficulty`` zero bits. The server (``web/proof_of_work.py``) makes
and checks challenges; the command-line client and the tests solve them here.
"""

from __future__ import annotations

import hashlib
from typing import Final

from crypto import labels

NONCE_SIZE: Final = 8
MAX_DIFFICULTY: Final = 40


def leading_zero_bits(digest: bytes) -> int:
    """Number of leading zero bits of ``digest``."""
    return len(digest) * 8 - int.from_bytes(digest, "big").bit_length()


def solution_digest(challenge: bytes, nonce: bytes) -> bytes:
    return hashlib.sha256(labels.POW_SOLUTION + b"\x00" + challenge + nonce).digest()


def solve(challenge: bytes, difficulty: int) -> bytes:
    """Find a nonce for ``challenge`` (expected ``2**difficulty`` hashes)."""
    if not 0 <= difficulty <= MAX_DIFFICULTY:
        raise ValueError("the server asks for an impossible proof of work")
    base = hashlib.sha256(labels.POW_SOLUTION + b"\x00" + challenge)
    counter = 0
    while True:
        nonce = counter.to_bytes(NONCE_SIZE, "big")
        attempt = base.copy()
        attempt.update(nonce)
        if leading_zero_bits(attempt.digest()) >= difficulty:
            return nonce
        counter += 1
