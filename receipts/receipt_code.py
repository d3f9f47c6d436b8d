"""Receipt codes: 24 digits, profile first, Damm check digit last (docs/spec/receipt-v1.md)."""

from __future__ import annotations

import hmac
import secrets
from typing import Final, NoReturn

from receipts.errors import NOT_A_CODE, WRONG_LENGTH, InvalidReceiptCode, ReceiptTypo

LENGTH: Final = 24
RANDOM_DIGITS: Final = 22
PROFILES_ALLOWED: Final = frozenset({1, 2})
# Whitespace as Unicode 14.0 defines it (White_Space, which is Python 3.11's
# str.isspace), then - ‐ ‑ – — . _ : all removed by normalisation.
WHITESPACE: Final = frozenset(
    "\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
SEPARATORS: Final = WHITESPACE | frozenset("-\u2010\u2011\u2013\u2014._")

# The zero of every run of ten decimal digits (general category Nd) in
# Unicode 14.0. The spec pins this table so that every implementation accepts
# the same digits whatever Unicode version its runtime has (browsers already
# know newer scripts' digits); a digit outside it makes the code invalid.
# fmt: off
DIGIT_ZEROS: Final = (
    0x0030, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6,
    0x0C66, 0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0,
    0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620,
    0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10, 0x104A0, 0x10D30, 0x11066,
    0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650, 0x116C0, 0x11730,
    0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50, 0x1D7CE,
    0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
)
# fmt: on
_DIGIT_VALUE: Final = {chr(zero + i): i for zero in DIGIT_ZEROS for i in range(10)}

# Damm (2004), the totally anti-symmetric quasigroup of order 10 used everywhere.
DAMM_TABLE: Final = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)


def _damm_interim(digits: str) -> int:
    interim = 0
    for ch in digits:
        interim = DAMM_TABLE[interim][ord(ch) - 48]
    return interim


def damm_check_digit(digits: str) -> str:
    """The Damm check digit of a string of ASCII digits."""
    if not digits.isascii() or not digits.isdigit():
        raise ValueError("ASCII digits only")
    return str(_damm_interim(digits))


class ReceiptCode:
    """A well-formed receipt code. The repr is masked; ``.digits`` reveals it."""

    __slots__ = ("_digits",)

    def __init__(self, digits: str) -> None:
        """Wrap 24 ASCII digits that already passed :func:`parse`'s checks."""
        if len(digits) != LENGTH or not digits.isascii() or not digits.isdigit():
            raise InvalidReceiptCode(WRONG_LENGTH)
        if _damm_interim(digits) != 0:
            raise ReceiptTypo()
        if int(digits[0]) not in PROFILES_ALLOWED:
            raise InvalidReceiptCode(NOT_A_CODE)
        self._digits = digits

    @property
    def digits(self) -> str:
        """The 24 ASCII digits (an explicit reveal of the secret)."""
        return self._digits

    @property
    def profile(self) -> int:
        """The KDF profile named by the first digit."""
        return int(self._digits[0])

    def grouped(self) -> str:
        """Six groups of four digits separated by a space (reveals the secret)."""
        return " ".join(self._digits[i : i + 4] for i in range(0, LENGTH, 4))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ReceiptCode):
            return hmac.compare_digest(self._digits.encode(), other._digits.encode())
        return NotImplemented

    def __hash__(self) -> int:
        raise TypeError("ReceiptCode is not hashable")

    def __repr__(self) -> str:
        return f"ReceiptCode(profile={self.profile}, ***)"

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        raise TypeError("ReceiptCode cannot be pickled")


def _random_digits(count: int) -> str:
    """Uniform decimal digits: a byte below 250 gives ``byte % 10``, others are dropped."""
    out: list[str] = []
    while len(out) < count:
        for byte in secrets.token_bytes(count):
            if byte < 250 and len(out) < count:
                out.append(str(byte % 10))
    return "".join(out)


def generate(profile: int) -> ReceiptCode:
    """A fresh receipt code for KDF profile 1 or 2."""
    if profile not in PROFILES_ALLOWED:
        raise ValueError("profile must be 1 or 2")
    body = str(profile) + _random_digits(RANDOM_DIGITS)
    return ReceiptCode(body + damm_check_digit(body))


def normalise(text: str) -> str:
    """Unicode digits to ASCII, separators removed; anything else is invalid."""
    out: list[str] = []
    for ch in text:
        if ch in SEPARATORS:
            continue
        value = _DIGIT_VALUE.get(ch)
        if value is None:
            raise InvalidReceiptCode(NOT_A_CODE)
        out.append(str(value))
    return "".join(out)


def parse(text: str) -> ReceiptCode:
    """Normalise and check what a reporter typed.

    Raises :class:`InvalidReceiptCode` (wrong length, stray characters,
    unknown profile) or :class:`ReceiptTypo` (Damm check failed), in the
    order of the spec's table.
    """
    digits = normalise(text)
    if len(digits) != LENGTH:
        raise InvalidReceiptCode(WRONG_LENGTH)
    return ReceiptCode(digits)
