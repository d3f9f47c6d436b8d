"""PADMÉ padding with a 4096-byte floor (docs/spec/envelope-v1.md, "Padding")."""

from __future__ import annotations

MIN_PADDED = 4096


def padme(length: int) -> int:
    """PADMÉ (Nikitin et al. 2019): round ``length`` up, leaking O(log log L) bits."""
    if length < 0:
        raise ValueError("length must not be negative")
    if length < 2:
        return length
    e = length.bit_length() - 1
    s = e.bit_length()  # floor(log2 e) + 1
    mask = (1 << (e - s)) - 1
    return (length + mask) & ~mask


def padded_size(length: int) -> int:
    """Padded size of a stream of ``length`` bytes: ``padme(max(length, 4096))``."""
    return padme(max(length, MIN_PADDED))
