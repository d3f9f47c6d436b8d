"""Solving the server's proof of work (docs/spec/reporter-api-v1.md, "Proof of work").

A solution is an 8-byte nonce such that
``SHA-256("peluit/pow/v1/solution" || 0x00 || challenge || nonce)`` starts with
``difficulty`` zero bits. The layering keeps ``reporter/`` away from ``web/``,
so these lines mirror ``web/proof_of_work.solve``; a test checks that the
server accepts what this solver finds.
"""

from __future__ import annotations

import hashlib
from typing import Final

from crypto import labels

SOLUTION_LABEL: Final = labels.POW_SOLUTION
NONCE_SIZE: Final = 8
MAX_DIFFICULTY: Final = 40


def _zero_bits(digest: bytes) -> int:
    return len(digest) * 8 - int.from_bytes(digest, "big").bit_length()


def solve(challenge: bytes, difficulty: int) -> bytes:
    """Find a nonce (about ``2**difficulty`` SHA-256 computations)."""
    if not 0 <= difficulty <= MAX_DIFFICULTY:
        raise ValueError("the server asks for an impossible proof of work")
    base = hashlib.sha256(SOLUTION_LABEL + b"\x00" + challenge)
    counter = 0
    while True:
        nonce = counter.to_bytes(NONCE_SIZE, "big")
        attempt = base.copy()
        attempt.update(nonce)
        if _zero_bits(attempt.digest()) >= difficulty:
            return nonce
        counter += 1
