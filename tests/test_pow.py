"""Proof of work: stateless challenges, single use, expiry, key rotation.

Difficulty 8 bits in these tests: the pure-Python solver needs about 256
hashes, and verification does not depend on the difficulty.
"""

from __future__ import annotations

import pytest

from crypto.proof_of_work import leading_zero_bits, solution_digest, solve
from crypto.proof_of_work import solve as client_solve
from web.errors import PowRequired, PowSpent
from web.proof_of_work import CHALLENGE_SIZE, ProofOfWork


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_solution_is_accepted_once() -> None:
    pow_ = ProofOfWork(8, clock=Clock())
    challenge = pow_.issue()
    assert len(challenge) == CHALLENGE_SIZE
    nonce = solve(challenge, 8)
    assert leading_zero_bits(solution_digest(challenge, nonce)) >= 8
    pow_.verify(challenge, nonce)
    with pytest.raises(PowSpent):
        pow_.verify(challenge, nonce)


def test_the_command_line_solver_satisfies_the_server() -> None:
    pow_ = ProofOfWork(10, clock=Clock())
    challenge = pow_.issue()
    pow_.verify(challenge, client_solve(challenge, 10))


def test_wrong_nonce_forged_or_altered_challenge_is_refused() -> None:
    pow_ = ProofOfWork(8, clock=Clock())
    challenge = pow_.issue()
    nonce = solve(challenge, 8)
    bad = next(n for n in (i.to_bytes(8, "big") for i in range(10_000))
               if leading_zero_bits(solution_digest(challenge, n)) < 8)  # fmt: skip
    with pytest.raises(PowRequired):
        pow_.verify(challenge, bad)
    # lowering the difficulty byte breaks the HMAC
    easier = challenge[:20] + bytes([0]) + challenge[21:]
    with pytest.raises(PowRequired):
        pow_.verify(easier, nonce)
    with pytest.raises(PowRequired):
        pow_.verify(challenge[:-1], nonce)
    with pytest.raises(PowRequired):
        ProofOfWork(8, clock=Clock()).verify(challenge, nonce)  # another server's key


def test_a_challenge_expires_after_fifteen_minutes_and_is_forgotten() -> None:
    clock = Clock()
    pow_ = ProofOfWork(8, clock=clock)
    challenge = pow_.issue()
    nonce = solve(challenge, 8)
    clock.now += 15 * 60 + 60
    with pytest.raises(PowRequired):
        pow_.verify(challenge, nonce)
    fresh = pow_.issue()
    pow_.verify(fresh, solve(fresh, 8))
    clock.now += 16 * 60
    other = pow_.issue()
    pow_.verify(other, solve(other, 8))
    assert pow_.spent_count() == 1  # the first spent challenge expired and was dropped


def test_key_rotates_daily_and_yesterdays_challenges_survive_the_grace() -> None:
    clock = Clock()
    pow_ = ProofOfWork(8, clock=clock)
    challenge = pow_.issue()
    clock.now += 24 * 3600 - 60  # issued a minute before rotation
    late = pow_.issue()
    clock.now += 120  # the key has rotated
    pow_.verify(late, solve(late, 8))
    with pytest.raises(PowRequired):
        pow_.verify(challenge, solve(challenge, 8))  # long expired anyway
