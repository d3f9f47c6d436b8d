"""The workstation's errors: each names what failed in words an inspector can act on.

All derive from :class:`crypto.errors.PeluitError`, so ``user_message`` is
always safe to print (it never holds a secret or decrypted text).
"""

from __future__ import annotations

from crypto.errors import PeluitError


class WorkstationError(PeluitError):
    """Base class of the workstation's own errors; ``hint`` says what to do instead."""

    default_message = "the workstation could not do this"

    def __init__(self, user_message: str | None = None, *, hint: str | None = None) -> None:
        super().__init__(user_message)
        self.hint = hint


class NotInitialised(WorkstationError):
    """The folder holds no key file."""

    default_message = "this folder holds no unit key file"


class UnknownCase(WorkstationError):
    default_message = "no such case on this workstation"


class UnknownItem(WorkstationError):
    default_message = "no such item in this case"


class Refused(WorkstationError):
    """A request the workstation will not carry out (overwrite, bad code, ...)."""


class BundleRejected(WorkstationError):
    """A bundle failed a check; nothing of it was applied. ``check`` names the check."""

    def __init__(self, check: str, detail: str = "") -> None:
        self.check = check
        text = f"bundle rejected: {check}" + (f" ({detail})" if detail else "")
        super().__init__(text + "; nothing was imported")


class BackupError(WorkstationError):
    """Shamir shares or a backup file that cannot rebuild the keys."""


class CustodianRequired(WorkstationError):
    default_message = (
        "this identity is sealed to the custodian's key: the custodian's key file "
        "and passphrase are needed"
    )
