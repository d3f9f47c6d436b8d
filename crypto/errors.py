"""The project-wide exception hierarchy.

Every error carries ``user_message``, a short text that is safe to show to a
reporter or an inspector. Details for staff stay in other attributes; no
secret ever goes into a message or into ``args``.
"""

from __future__ import annotations


class PeluitError(Exception):
    """Base class of every error Peluit raises on purpose."""

    default_message = "Something went wrong."

    def __init__(self, user_message: str | None = None) -> None:
        self.user_message: str = user_message or self.default_message
        super().__init__(self.user_message)


class DecryptionError(PeluitError):
    """Any failure to open an envelope. One message, whatever the cause."""

    default_message = "This item could not be decrypted."

    def __init__(self) -> None:
        super().__init__(self.default_message)


class FormatError(PeluitError):
    """Malformed encoded data (base64url, lengths, fields)."""

    default_message = "The data is malformed."


class SignatureError(PeluitError):
    """A signature that does not verify."""

    default_message = "The signature does not verify."


class CardError(PeluitError):
    """A unit card that breaks a must-reject rule."""

    default_message = "This unit card is not valid."


class KeyFileError(PeluitError):
    """A key file that cannot be read."""

    default_message = "This key file is not valid."


class WrongPassphrase(KeyFileError):
    """The key file's AEAD did not open."""

    default_message = "wrong passphrase, or the key file was altered"
