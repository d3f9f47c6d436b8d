"""Receipt code errors (docs/spec/receipt-v1.md, "Normalisation and errors")."""

from __future__ import annotations

from crypto.errors import PeluitError


class ReceiptError(PeluitError):
    """Base of every receipt code error."""

    default_message = "This receipt code cannot be used."


class InvalidReceiptCode(ReceiptError):
    """Not a Peluit receipt code (wrong length, characters or profile)."""

    default_message = "This is not a Peluit receipt code."


class ReceiptTypo(ReceiptError):
    """The Damm check failed: most likely one digit was mistyped."""

    default_message = "Check the code: one digit looks wrong."


WRONG_LENGTH = "A receipt code has 24 digits."
NOT_A_CODE = "This is not a Peluit receipt code."
