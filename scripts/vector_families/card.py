"""Unit card vectors (unit-card-v1.md): one good card and every must-reject rule."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

from crypto import labels
from crypto.b64 import b64u_encode
from crypto.framing import lp
from crypto.signing import SigningKey
from crypto.unit_card import UnitCard
from crypto.xwing import XWingPrivateKey, XWingPublicKey
from vector_families.common import det, write


@dataclass(frozen=True)
class Unit:
    """The demo unit's keys and its good card, which the other scenarios alter."""

    ed_seed: bytes
    xw_seed: bytes
    sk: SigningKey
    xpub: XWingPublicKey
    card: UnitCard

    @classmethod
    def make(cls) -> Unit:
        ed_seed = det("card/ed25519", 32)
        xw_seed = det("card/xwing", 32)
        sk = SigningKey.from_seed(ed_seed)
        xpub = XWingPrivateKey.from_seed(xw_seed).public_key()
        card = UnitCard.create(
            sk,
            xpub,
            "inspektorat-demo",
            "Inspektorat Demo",
            "Kabupaten Demo: dana desa dan pengadaan",
            datetime.date(2026, 11, 23),
        )
        return cls(ed_seed, xw_seed, sk, xpub, card)

    @property
    def text(self) -> str:
        return self.card.to_json().decode()

    @property
    def doc(self) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(self.text)
        return document

    def resigned(self, **changes: Any) -> dict[str, Any]:
        """The card with fields changed and signed again, so only the changed rule fails."""
        d = {**self.doc, **changes}
        message = b"".join(
            lp(d[f].encode()) for f in ("unit_id", "name", "jurisdiction", "created")
        )
        message += lp(self.xpub.to_bytes()) + lp(self.sk.verify_key.to_bytes())
        d["signature"] = b64u_encode(self.sk.sign(labels.SIG_UNIT_CARD, message))
        return d


def good(u: Unit) -> None:
    """The valid card, with the seeds that made it."""
    card, text, ed_seed, xw_seed = u.card, u.text, u.ed_seed, u.xw_seed
    write(
        "card",
        "ok",
        "a valid self-signed card",
        "ok",
        card=text,
        fingerprint=card.fingerprint(),
        ed25519_seed=b64u_encode(ed_seed),
        xwing_seed=b64u_encode(xw_seed),
    )


def custodian(u: Unit) -> None:
    """A card naming a custodian key, and that key dropped or added after signing."""
    sk, xpub, ed_seed, xw_seed, doc = u.sk, u.xpub, u.ed_seed, u.xw_seed, u.doc
    custodian_pub = XWingPrivateKey.from_seed(det("card/custodian", 32)).public_key()
    with_custodian = UnitCard.create(
        sk,
        xpub,
        "inspektorat-demo",
        "Inspektorat Demo",
        "Kabupaten Demo: dana desa dan pengadaan",
        datetime.date(2026, 11, 23),
        custodian_xwing_public_key=custodian_pub,
    )
    custodian_text = with_custodian.to_json().decode()
    write(
        "card",
        "ok-custodian",
        "a valid card naming a custodian key for identity sections",
        "ok",
        card=custodian_text,
        fingerprint=with_custodian.fingerprint(),
        ed25519_seed=b64u_encode(ed_seed),
        xwing_seed=b64u_encode(xw_seed),
        custodian_xwing_public_key=b64u_encode(custodian_pub.to_bytes()),
    )
    custodian_doc = json.loads(custodian_text)
    write(
        "card",
        "custodian-dropped",
        "the custodian key removed from a card that was signed with it",
        "card",
        card=json.dumps(
            {k: v for k, v in custodian_doc.items() if k != "custodian_xwing_public_key"}
        ),
    )
    write(
        "card",
        "custodian-added",
        "a custodian key added to a card that was signed without one",
        "card",
        card=json.dumps(
            {**doc, "custodian_xwing_public_key": custodian_doc["custodian_xwing_public_key"]}
        ),
    )


def rejected(u: Unit) -> None:
    """Each must-reject rule, one changed field each (re-signed where only the rule fails)."""
    sk, xpub, card, doc, resigned = u.sk, u.xpub, u.card, u.doc, u.resigned
    other = SigningKey.from_seed(det("card/other", 32))
    bad_sig = sk.sign(labels.SIG_REPLY, b"x")
    cases: dict[str, tuple[str, Any]] = {
        "name-changed": (
            "display name changed after signing",
            {**doc, "name": "Inspektorat Palsu"},
        ),
        "signature-flipped": (
            "a signature byte flipped",
            {**doc, "signature": b64u_encode(bytes([1]) + bytes(card.signature[1:]))},
        ),
        "wrong-label": (
            "signature made under another label",
            {**doc, "signature": b64u_encode(bad_sig)},
        ),
        "other-ed25519-key": (
            "another unit's verify key in the card",
            {**doc, "ed25519_public_key": b64u_encode(other.verify_key.to_bytes())},
        ),
        "xwing-swapped": (
            "X-Wing key replaced",
            {
                **doc,
                "xwing_public_key": b64u_encode(
                    XWingPrivateKey.from_seed(det("card/x2", 32)).public_key().to_bytes()
                ),
            },
        ),
        "extra-field": ("an unknown extra field", {**doc, "comment": "hello"}),
        "missing-field": (
            "jurisdiction missing",
            {k: v for k, v in doc.items() if k != "jurisdiction"},
        ),
        "bad-format": ("unknown format", {**doc, "format": "peluit-unit-cart"}),
        "version-2": ("unknown version", {**doc, "version": 2}),
        "version-string": ("version as a string", {**doc, "version": "1"}),
        "unit-id-uppercase": (
            "unit id with capitals (re-signed)",
            resigned(unit_id="Inspektorat-Demo"),
        ),
        "unit-id-long": ("unit id of 65 characters (re-signed)", resigned(unit_id="a" * 65)),
        "name-empty": ("empty name (re-signed)", resigned(name="")),
        "name-long": ("name of 201 characters (re-signed)", resigned(name="N" * 201)),
        "jurisdiction-long": (
            "jurisdiction of 2001 characters (re-signed)",
            resigned(jurisdiction="j" * 2001),
        ),
        "created-impossible": ("created 2026-02-30 (re-signed)", resigned(created="2026-02-30")),
        "created-datetime": (
            "created with a time (re-signed)",
            resigned(created="2026-11-23T10:00:00"),
        ),
        "xwing-short": (
            "X-Wing key of 1215 bytes",
            {**doc, "xwing_public_key": b64u_encode(xpub.to_bytes()[:-1])},
        ),
        "ed25519-padded": (
            "base64 with padding",
            {**doc, "ed25519_public_key": doc["ed25519_public_key"] + "="},
        ),
        "signature-std-b64": (
            "signature in standard base64 alphabet",
            {
                **doc,
                "signature": doc["signature"].replace("-", "+").replace("_", "/")
                + ("+" if "-" not in doc["signature"] and "_" not in doc["signature"] else ""),
            },
        ),
    }
    for name, (description, document) in cases.items():
        write(
            "card",
            name,
            description,
            "card",
            card=json.dumps(document, indent=2, ensure_ascii=False) + "\n",
        )


def malformed(u: Unit) -> None:
    """Cards that are not JSON, repeat a key, or pass the size bound."""
    text = u.text
    write(
        "card",
        "too-large",
        "a valid card padded with whitespace past 16 KiB",
        "card",
        card=text.rstrip("\n") + " " * (16 * 1024 - len(text.encode()) + 1) + "\n",
    )
    write(
        "card",
        "duplicate-key",
        "the name field twice",
        "card",
        card=text.replace('"name":', '"name": "Inspektorat Palsu",\n  "name":', 1),
    )
    write("card", "not-json", "not JSON at all", "card", card="peluit card")


# --- replies -----------------------------------------------------------------


def cards() -> None:
    unit = Unit.make()
    for generate in (good, custodian, rejected, malformed):
        generate(unit)
