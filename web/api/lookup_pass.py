"""A receipt lookup's pass: the reads that follow a paid lookup need no new proof of work.

``POST /api/case`` spends a proof of work and, when the code opens a case,
answers with a *pass*: ``expiry (u32, minutes since the Unix epoch) ||
HMAC-SHA256(key, LOOKUP_PASS || expiry || selector)[0:16]``, base64url. Item
reads (``POST /api/case/items/<id>``) carry it instead of a proof of work.
The pass names the selector, so it is checked *before* any lookup: it
opens nothing for a guesser, who would need the selector it was made for
(a valid code) to use it. The key lives in memory only (a restart voids
every pass; the page then looks the case up again): this process's, or
Redis's shared by several processes (a :class:`web.rotating_keys.KeyRing`
whose previous key stays one pass lifetime).
"""

from __future__ import annotations

import hashlib
import hmac
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from crypto import labels
from crypto.b64 import b64u_decode, b64u_encode
from crypto.errors import FormatError
from crypto.secret import SecretBytes
from web.errors import PowRequired
from web.rotating_keys import KeyRing, MemoryKeyRing

LIFETIME_MINUTES: Final = 30
TAG_SIZE: Final = 16
PASS_SIZE: Final = 4 + TAG_SIZE


@dataclass
class LookupPasses:
    clock: Callable[[], float] = time.time
    keyring: KeyRing = field(default_factory=MemoryKeyRing)

    @staticmethod
    def _tag(key: bytes, expiry: bytes, selector: SecretBytes) -> bytes:
        mac = hmac.new(key, labels.LOOKUP_PASS + expiry, hashlib.sha256)
        mac.update(selector.reveal())
        return mac.digest()[:TAG_SIZE]

    def issue(self, selector: SecretBytes) -> str:
        expiry = struct.pack(">I", int(self.clock() // 60) + LIFETIME_MINUTES)
        return b64u_encode(expiry + self._tag(self.keyring.live()[0], expiry, selector))

    def check(self, value: object, selector: SecretBytes) -> None:
        """Raise :class:`PowRequired` unless ``value`` is a live pass for ``selector``."""
        if not isinstance(value, str) or len(value) > 40:
            raise PowRequired()
        try:
            raw = b64u_decode(value)
        except FormatError:
            raise PowRequired() from None
        if len(raw) != PASS_SIZE:
            raise PowRequired()
        expiry, tag = raw[:4], raw[4:]
        (minute,) = struct.unpack(">I", expiry)
        genuine = False
        for key in self.keyring.live():
            genuine |= hmac.compare_digest(self._tag(key, expiry, selector), tag)
        if minute <= int(self.clock() // 60) or not genuine:
            raise PowRequired()
