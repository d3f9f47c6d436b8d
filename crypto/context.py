"""The envelope context: where an envelope belongs (docs/spec/envelope-v1.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from crypto.errors import FormatError
from crypto.framing import lp

KINDS: Final = frozenset({"tip", "attachment", "identity", "message", "reply", "forward"})
ID_SIZE: Final = 16
_UNIT_ID = re.compile(r"[a-z0-9-]{1,64}\Z")


def is_unit_id(value: object) -> bool:
    """True when ``value`` is 1 to 64 characters of ``[a-z0-9-]``."""
    return isinstance(value, str) and _UNIT_ID.match(value) is not None


@dataclass(frozen=True)
class Context:
    """Associated data binding an envelope to its unit, case, kind and item.

    ``encode()`` gives ``lp(unit_id) || case_id || lp(kind) || item_id``.
    Construction validates every field and raises :class:`FormatError`.
    """

    unit_id: str
    case_id: bytes
    kind: str
    item_id: bytes

    def __post_init__(self) -> None:
        if not is_unit_id(self.unit_id):
            raise FormatError("A unit id is 1 to 64 characters of a-z, 0-9 and '-'.")
        if not isinstance(self.case_id, bytes) or len(self.case_id) != ID_SIZE:
            raise FormatError("A case id has 16 bytes.")
        if self.kind not in KINDS:
            raise FormatError("Unknown envelope kind.")
        if not isinstance(self.item_id, bytes) or len(self.item_id) != ID_SIZE:
            raise FormatError("An item id has 16 bytes.")

    def encode(self) -> bytes:
        return (
            lp(self.unit_id.encode("ascii"))
            + self.case_id
            + lp(self.kind.encode("ascii"))
            + self.item_id
        )
