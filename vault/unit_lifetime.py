"""Units over their lifetime: retire a unit, remove one that never took a report.

**Retire** (an inspectorate merged, renamed, closed): the unit takes no new
report from that day on (:func:`refuse_retired`, checked in the same
transaction that would store one), and its pages name where to go instead:
another unit on this vault, an https address, or both. Everything else
stays: its reporters still open their cases with their receipt codes, read
replies and write back, the console and the workstation keep working its
cases, and retention destroys them on the usual schedule.

**Remove** only a unit that holds no case (the demo unit, a card registered
by mistake): every row that names it goes in one transaction. A unit with
cases must be retired instead: removing it would orphan its reporters.

A card replacement after a key rotation is :func:`vault.units.register_unit`
with ``rotation=True``; the command line shows the fingerprint first.
Each change is one ``unit_changed`` entry in the audit log.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from sqlite_utils import Database

from vault import audit_log
from vault.audit_log import joined_transaction
from vault.database import is_postgres
from vault.errors import BadInput, Conflict, NotFound, UnitRetired
from vault.units import Unit, get_unit

MAX_URL = 200


def refuse_retired(db: Database, unit_id: str) -> None:
    """Raise :class:`UnitRetired` if the unit no longer takes new reports."""
    row = db.conn.execute("SELECT retired_day FROM units WHERE unit_id = ?", [unit_id]).fetchone()
    if row is not None and row[0] is not None:
        raise UnitRetired()


def _check_url(url: str) -> str:
    parts = urlsplit(url)
    if (
        len(url) > MAX_URL
        or parts.scheme != "https"
        or not parts.hostname
        or parts.username
        or any(ch.isspace() or ord(ch) < 0x20 for ch in url)
    ):
        raise BadInput("The forwarding address must be an https:// address.", field="forward_url")
    return url


def retire_unit(
    db: Database,
    unit_id: str,
    *,
    forward_unit: str | None,
    forward_url: str | None,
    today: dt.date,
    actor: str,
) -> Unit:
    """Stop new reports to ``unit_id``; reporters are sent to ``forward_unit`` / ``forward_url``."""
    if not forward_unit and not forward_url:
        raise BadInput("Say where reporters should go: another unit, an address, or both.")
    url = _check_url(forward_url) if forward_url else None
    with joined_transaction(db):
        unit = get_unit(db, unit_id)
        if unit.retired:
            raise Conflict("This unit is already retired.", what="unit_retired")
        if forward_unit:
            if forward_unit == unit_id:
                raise BadInput("A unit cannot send reporters to itself.", field="forward_unit")
            target = get_unit(db, forward_unit)
            if target.retired:
                raise Conflict("The unit to go to is retired too.", what="unit_retired")
        db.conn.execute(
            "UPDATE units SET retired_day = ?, forward_unit = ?, forward_url = ? WHERE unit_id = ?",
            [today.isoformat(), forward_unit or None, url, unit_id],
        )
        audit_log.append(
            db, actor=actor, action="unit_changed", subject=unit_id,
            detail={"change": "retired"}, today=today,
        )  # fmt: skip
    return get_unit(db, unit_id)


def _tables_naming_units(db: Database) -> list[str]:
    if is_postgres():  # rows that point at a unit's export go before the export rows
        found = db.conn.execute(
            "SELECT table_name FROM information_schema.columns WHERE column_name = 'unit_id'"
            " AND table_schema = current_schema() AND table_name NOT IN ('units', 'cases')"
        )
        return sorted((row[0] for row in found), key=lambda n: (not n.startswith("exported_"), n))
    tables = [
        row[0]
        for row in db.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return [
        name
        for name in tables
        if name not in ("units", "cases")
        and any(col[1] == "unit_id" for col in db.conn.execute(f"PRAGMA table_info({name})"))
    ]


def remove_unit(db: Database, unit_id: str, *, today: dt.date, actor: str) -> Unit:
    """Delete a unit that holds no case, and every row that names it."""
    with joined_transaction(db):
        unit = get_unit(db, unit_id)
        if db.conn.execute("SELECT 1 FROM cases WHERE unit_id = ? LIMIT 1", [unit_id]).fetchone():
            raise Conflict(
                "This unit has cases; retire it instead (its reporters still need it).",
                what="unit_has_cases",
            )
        if not is_postgres():
            db.conn.execute("PRAGMA defer_foreign_keys = ON")
        for table in _tables_naming_units(db):
            db.conn.execute(f"DELETE FROM {table} WHERE unit_id = ?", [unit_id])  # noqa: S608
        db.conn.execute("UPDATE units SET forward_unit = NULL WHERE forward_unit = ?", [unit_id])
        if db.conn.execute("DELETE FROM units WHERE unit_id = ?", [unit_id]).rowcount != 1:
            raise NotFound("No such unit.", what="unit")
        audit_log.append(
            db, actor=actor, action="unit_changed", subject=unit_id,
            detail={"change": "removed"}, today=today,
        )  # fmt: skip
    return unit
