"""A holder for secret bytes whose repr never shows them."""

from __future__ import annotations

import hmac
from typing import NoReturn


class SecretBytes:
    """Secret bytes: masked ``repr``/``str``, constant-time ``==``, no pickling.

    Python cannot wipe memory; this type only keeps secrets out of logs,
    tracebacks and error pages. Call :meth:`reveal` where the raw bytes are
    really needed.
    """

    __slots__ = ("_value",)

    def __init__(self, value: bytes | bytearray | memoryview) -> None:
        self._value = bytes(value)

    def reveal(self) -> bytes:
        """Return the raw secret bytes."""
        return self._value

    def __len__(self) -> int:
        return len(self._value)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SecretBytes):
            return hmac.compare_digest(self._value, other._value)
        return NotImplemented

    def __hash__(self) -> int:
        # Hashing would leak through a dict's behaviour less than a repr,
        # but there is no use for it: secrets are not dictionary keys.
        raise TypeError("SecretBytes is not hashable")

    def __repr__(self) -> str:
        return "SecretBytes(***)"

    __str__ = __repr__

    def __bytes__(self) -> NoReturn:
        raise TypeError("use .reveal() to get the raw secret bytes")

    def __reduce__(self) -> NoReturn:
        raise TypeError("SecretBytes cannot be pickled")

    def __reduce_ex__(self, protocol: object) -> NoReturn:
        raise TypeError("SecretBytes cannot be pickled")

    def __copy__(self) -> SecretBytes:
        return self

    def __deepcopy__(self, memo: object) -> SecretBytes:
        return self


class SecretStr:
    """A secret text (a passphrase): masked ``repr``/``str``, no pickling."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """Return the raw secret text."""
        return self._value

    def __len__(self) -> int:
        return len(self._value)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SecretStr):
            return hmac.compare_digest(self._value.encode(), other._value.encode())
        return NotImplemented

    def __hash__(self) -> int:
        raise TypeError("SecretStr is not hashable")

    def __repr__(self) -> str:
        return "SecretStr(***)"

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        raise TypeError("SecretStr cannot be pickled")

    def __reduce_ex__(self, protocol: object) -> NoReturn:
        raise TypeError("SecretStr cannot be pickled")
