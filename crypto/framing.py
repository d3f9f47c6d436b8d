"""Length-prefixed framing shared by the formats: ``lp(x) = u32(len(x)) || x``."""

from __future__ import annotations


def u32(value: int) -> bytes:
    """Big-endian unsigned 32-bit integer."""
    return value.to_bytes(4, "big")


def lp(data: bytes) -> bytes:
    """Length-prefixed bytes: ``u32(len(data)) || data``."""
    return u32(len(data)) + data
