"""Inspectorate units: their signed public cards and per-unit settings.

A unit is registered from its self-signed card (docs/spec/unit-card-v1.md).
The Ed25519 key is the unit's identity: an id, once registered, never
changes hands. A new card with the same Ed25519 key (a key rotation, or a
new display name) replaces the old one only when the caller says it is a
rotation; a card under a different Ed25519 key is always refused.
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from crypto.unit_card import UnitCard
from vault.audit_log import joined_transaction
from vault.database import write_transaction
from vault.errors import BadInput, Conflict, NotFound

DEFAULT_RETENTION_DAYS = 730
DEFAULT_DAILY_CASE_CEILING = 200
DEFAULT_QUESTIONNAIRE = "wbs-default"


@dataclass(frozen=True)
class Unit:
    unit_id: str
    name: str
    jurisdiction: str
    card_created: str
    fingerprint: str
    xwing_public_key: bytes
    ed25519_public_key: bytes
    card: bytes
    """The signed card file, served as is to browsers (they verify it)."""
    retired_day: str | None = None
    """Set when the unit was retired (vault/unit_lifetime.py): no new reports."""
    forward_unit: str | None = None
    forward_url: str | None = None
    """Where a retired unit's reporters should go: another unit here, an https address."""

    @property
    def retired(self) -> bool:
        return self.retired_day is not None


@dataclass(frozen=True)
class UnitSettings:
    unit_id: str
    retention_days: int = DEFAULT_RETENTION_DAYS
    daily_case_ceiling: int = DEFAULT_DAILY_CASE_CEILING
    questionnaire: str = DEFAULT_QUESTIONNAIRE


_UNIT_COLUMNS = (
    "unit_id, name, jurisdiction, card_created, fingerprint,"
    " xwing_public_key, ed25519_public_key, card, retired_day, forward_unit, forward_url"
)


def _unit(row: dict[str, Any]) -> Unit:
    return Unit(**row)


def register_unit(db: Database, card_bytes: bytes, *, today: dt.date, rotation: bool) -> Unit:
    """Register a card, or with ``rotation=True`` replace a unit's card.

    Raises :class:`crypto.errors.CardError` (its message is clear) for a card
    that does not parse or verify, :class:`Conflict` for an id held by another
    key or a change that is not declared as a rotation. Inside the caller's
    transaction if one is open (the console commits the audit entry with it).
    """
    card = UnitCard.parse(bytes(card_bytes))
    ed_key = card.ed25519_public_key.to_bytes()
    values = {
        "unit_id": card.unit_id,
        "name": card.name,
        "jurisdiction": card.jurisdiction,
        "card_created": card.created.isoformat(),
        "fingerprint": card.fingerprint(),
        "xwing_public_key": card.xwing_public_key.to_bytes(),
        "ed25519_public_key": ed_key,
        "card": card.to_json(),
        "card_day": today.isoformat(),
    }
    with joined_transaction(db):
        rows = list(db.query("SELECT * FROM units WHERE unit_id = ?", [card.unit_id]))
        if not rows:
            db.conn.execute(
                "INSERT INTO units (unit_id, name, jurisdiction, card_created, fingerprint,"
                " xwing_public_key, ed25519_public_key, card, registered_day, card_day)"
                " VALUES (:unit_id, :name, :jurisdiction, :card_created, :fingerprint,"
                " :xwing_public_key, :ed25519_public_key, :card, :card_day, :card_day)",
                values,
            )
            db.conn.execute("INSERT INTO unit_settings (unit_id) VALUES (?)", [card.unit_id])
        else:
            old = rows[0]
            if not hmac.compare_digest(old["ed25519_public_key"], ed_key):
                raise Conflict(
                    "This unit id is already registered with a different signing key.",
                    what="unit_key",
                )
            unchanged = old["card"] == values["card"]
            if not unchanged and not rotation:
                raise Conflict(
                    "This unit is already registered; a new card must be sent as a rotation.",
                    what="unit_rotation",
                )
            if not unchanged and card.created.isoformat() < old["card_created"]:
                raise Conflict("This card is older than the unit's current card.", what="card")
            if unchanged:  # the same card again: nothing to do
                return get_unit(db, card.unit_id)
            db.conn.execute(
                "UPDATE units SET name = :name, jurisdiction = :jurisdiction,"
                " card_created = :card_created, fingerprint = :fingerprint,"
                " xwing_public_key = :xwing_public_key, card = :card, card_day = :card_day"
                " WHERE unit_id = :unit_id",
                values,
            )
    return get_unit(db, card.unit_id)


def get_unit(db: Database, unit_id: str) -> Unit:
    rows = list(db.query(f"SELECT {_UNIT_COLUMNS} FROM units WHERE unit_id = ?", [unit_id]))  # noqa: S608
    if not rows:
        raise NotFound("No such unit.", what="unit")
    return _unit(rows[0])


def list_units(db: Database) -> list[Unit]:
    return [_unit(r) for r in db.query(f"SELECT {_UNIT_COLUMNS} FROM units ORDER BY unit_id")]  # noqa: S608


def get_settings(db: Database, unit_id: str) -> UnitSettings:
    rows = list(
        db.query(
            "SELECT unit_id, retention_days, daily_case_ceiling, questionnaire"
            " FROM unit_settings WHERE unit_id = ?",
            [unit_id],
        )
    )
    if not rows:
        raise NotFound("No such unit.", what="unit")
    return UnitSettings(**rows[0])


def update_settings(
    db: Database,
    unit_id: str,
    *,
    retention_days: int | None = None,
    daily_case_ceiling: int | None = None,
    questionnaire: str | None = None,
) -> UnitSettings:
    current = get_settings(db, unit_id)
    new = UnitSettings(
        unit_id,
        current.retention_days if retention_days is None else retention_days,
        current.daily_case_ceiling if daily_case_ceiling is None else daily_case_ceiling,
        current.questionnaire if questionnaire is None else questionnaire,
    )
    if not isinstance(new.retention_days, int) or new.retention_days < 1:
        raise BadInput("Retention must be at least one day.", field="retention_days")
    if not isinstance(new.daily_case_ceiling, int) or new.daily_case_ceiling < 0:
        raise BadInput("The daily ceiling cannot be negative.", field="daily_case_ceiling")
    if not new.questionnaire or len(new.questionnaire) > 64:
        raise BadInput("Choose a questionnaire.", field="questionnaire")
    with write_transaction(db):
        db.conn.execute(
            "UPDATE unit_settings SET retention_days = ?, daily_case_ceiling = ?,"
            " questionnaire = ? WHERE unit_id = ?",
            [new.retention_days, new.daily_case_ceiling, new.questionnaire, unit_id],
        )
    return new
