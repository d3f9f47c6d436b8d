"""Unit cards: a unit's public keys, self-signed (docs/spec/unit-card-v1.md)."""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any, Final

from common.strict_json import load_object
from crypto import labels
from crypto.b64 import WrongLength, b64u_encode, b64u_field
from crypto.context import is_unit_id
from crypto.errors import CardError, FormatError, SignatureError
from crypto.framing import lp
from crypto.signing import PUBLIC_KEY_SIZE, SIGNATURE_SIZE, SigningKey, VerifyKey
from crypto.xwing import PUBLIC_KEY_SIZE as XWING_PUBLIC_KEY_SIZE
from crypto.xwing import XWingPublicKey

FORMAT: Final = "peluit-unit-card"
VERSION: Final = 1
MAX_CARD_SIZE: Final = 16 * 1024
MAX_NAME: Final = 200
MAX_JURISDICTION: Final = 2000
FIELDS: Final = frozenset(
    {
        "format",
        "version",
        "unit_id",
        "name",
        "jurisdiction",
        "created",
        "xwing_public_key",
        "ed25519_public_key",
        "signature",
    }
)
OPTIONAL_FIELDS: Final = frozenset({"custodian_xwing_public_key"})
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def _check_text(unit_id: object, name: object, jurisdiction: object) -> None:
    if not is_unit_id(unit_id):
        raise CardError("The card's unit id is not 1 to 64 characters of a-z, 0-9 and '-'.")
    if not isinstance(name, str) or not 1 <= len(name) <= MAX_NAME:
        raise CardError("The card's name must be 1 to 200 characters.")
    if not isinstance(jurisdiction, str) or len(jurisdiction) > MAX_JURISDICTION:
        raise CardError("The card's jurisdiction must be at most 2000 characters.")


def _parse_date(value: object) -> datetime.date:
    if not isinstance(value, str) or not _DATE.match(value):
        raise CardError("The card's creation date is not YYYY-MM-DD.")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CardError("The card's creation date is not YYYY-MM-DD.") from None


def _binary(fields: dict[str, Any], name: str, size: int) -> bytes:
    try:
        return b64u_field(fields, name, size)
    except WrongLength:
        raise CardError(f"The card's {name} has the wrong length.") from None
    except FormatError:
        raise CardError(f"The card's {name} is not base64url.") from None


@dataclass(frozen=True)
class UnitCard:
    """A parsed, verified unit card."""

    unit_id: str
    name: str
    jurisdiction: str
    created: datetime.date
    xwing_public_key: XWingPublicKey
    ed25519_public_key: VerifyKey
    signature: bytes
    custodian_xwing_public_key: XWingPublicKey | None = None
    """Identity sections are sealed to this key instead of the unit's, if set."""

    @staticmethod
    def signed_message(
        unit_id: str,
        name: str,
        jurisdiction: str,
        created: datetime.date,
        xwing_public_key: XWingPublicKey,
        ed25519_public_key: VerifyKey,
        custodian_xwing_public_key: XWingPublicKey | None = None,
    ) -> bytes:
        """The message under the card's signature (the custodian key only when present)."""
        message = (
            lp(unit_id.encode("utf-8"))
            + lp(name.encode("utf-8"))
            + lp(jurisdiction.encode("utf-8"))
            + lp(created.isoformat().encode("ascii"))
            + lp(xwing_public_key.to_bytes())
            + lp(ed25519_public_key.to_bytes())
        )
        if custodian_xwing_public_key is not None:
            message += lp(custodian_xwing_public_key.to_bytes())
        return message

    @classmethod
    def create(
        cls,
        signing_key: SigningKey,
        xwing_public_key: XWingPublicKey,
        unit_id: str,
        name: str,
        jurisdiction: str,
        created: datetime.date,
        custodian_xwing_public_key: XWingPublicKey | None = None,
    ) -> UnitCard:
        """Make and sign a card; raise :class:`CardError` if a field breaks a rule."""
        _check_text(unit_id, name, jurisdiction)
        verify_key = signing_key.verify_key
        custodian = custodian_xwing_public_key
        message = cls.signed_message(
            unit_id, name, jurisdiction, created, xwing_public_key, verify_key, custodian
        )
        signature = signing_key.sign(labels.SIG_UNIT_CARD, message)
        card = cls(
            unit_id, name, jurisdiction, created, xwing_public_key, verify_key, signature, custodian
        )
        if len(card.to_json()) > MAX_CARD_SIZE:
            raise CardError("The card is larger than 16 KiB.")
        return card

    @classmethod
    def parse(cls, data: bytes) -> UnitCard:
        """Parse and verify a card file; raise :class:`CardError` on any must-reject rule."""
        if len(data) > MAX_CARD_SIZE:
            raise CardError("The card is larger than 16 KiB.")
        try:
            fields = load_object(data)
        except ValueError:
            raise CardError("The card is not a UTF-8 JSON object.") from None
        if not FIELDS <= set(fields) <= FIELDS | OPTIONAL_FIELDS:
            raise CardError("The card has missing or unknown fields.")
        if fields["format"] != FORMAT:
            raise CardError("Unknown card format.")
        if type(fields["version"]) is not int or fields["version"] != VERSION:
            raise CardError("Unknown card version.")
        unit_id, name, jurisdiction = fields["unit_id"], fields["name"], fields["jurisdiction"]
        _check_text(unit_id, name, jurisdiction)
        created = _parse_date(fields["created"])
        raw_xwing = _binary(fields, "xwing_public_key", XWING_PUBLIC_KEY_SIZE)
        raw_ed = _binary(fields, "ed25519_public_key", PUBLIC_KEY_SIZE)
        signature = _binary(fields, "signature", SIGNATURE_SIZE)
        raw_custodian = None
        if "custodian_xwing_public_key" in fields:
            raw_custodian = _binary(fields, "custodian_xwing_public_key", XWING_PUBLIC_KEY_SIZE)
        try:
            xwing_public_key = XWingPublicKey.from_bytes(raw_xwing)
            verify_key = VerifyKey.from_bytes(raw_ed)
            custodian = XWingPublicKey.from_bytes(raw_custodian) if raw_custodian else None
        except FormatError:
            raise CardError("The card holds an invalid public key.") from None
        message = cls.signed_message(
            unit_id, name, jurisdiction, created, xwing_public_key, verify_key, custodian
        )
        try:
            verify_key.verify(labels.SIG_UNIT_CARD, message, signature)
        except SignatureError:
            raise CardError("The card's signature does not verify.") from None
        return cls(
            unit_id, name, jurisdiction, created, xwing_public_key, verify_key, signature, custodian
        )

    def to_json(self) -> bytes:
        """The card file (UTF-8 JSON, fields in spec order, trailing newline)."""
        document = {
            "format": FORMAT,
            "version": VERSION,
            "unit_id": self.unit_id,
            "name": self.name,
            "jurisdiction": self.jurisdiction,
            "created": self.created.isoformat(),
            "xwing_public_key": b64u_encode(self.xwing_public_key.to_bytes()),
            "ed25519_public_key": b64u_encode(self.ed25519_public_key.to_bytes()),
            "signature": b64u_encode(self.signature),
        }
        if self.custodian_xwing_public_key is not None:
            document["custodian_xwing_public_key"] = b64u_encode(
                self.custodian_xwing_public_key.to_bytes()
            )
        return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    def fingerprint(self) -> str:
        """The grouped fingerprint people compare: ``"abcd efgh ..."`` (8 groups of 4)."""
        digest = hashlib.sha256(
            labels.CARD_FINGERPRINT
            + b"\x00"
            + self.ed25519_public_key.to_bytes()
            + self.xwing_public_key.to_bytes()
        ).digest()[:20]
        text = base64.b32encode(digest).decode("ascii").lower()
        return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
