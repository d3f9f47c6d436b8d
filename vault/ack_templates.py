"""Standard acknowledgements on the online side: a unit's signed templates, a sent one.

Templates arrive signed in reply bundles (``ack_templates`` table, written by
:mod:`vault.reply_import`). The console's browser seals the reply itself; the
server cannot read it. :func:`record_sent` stores the envelope's row as a
unit reply (author ``unit``, kind ``reply``) and the ``template_sent`` audit
entry naming the template id, never any text, in the caller's single
transaction, so a reply is never stored unaudited nor audited unstored.

Role checks belong to the caller: :class:`vault.console_store.ConsoleStore`
(an inspector of the case's unit only).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, field

from sqlite_utils import Database

from vault import audit_log
from vault.cases import Case, insert_envelope_rows
from vault.errors import Conflict, NotFound
from vault.item_batch import ItemBatch


@dataclass(frozen=True)
class AckTemplate:
    unit_id: str
    template_id: str
    text: str
    signature: bytes = field(repr=False)
    day: str


def list_templates(db: Database, unit_id: str) -> list[AckTemplate]:
    rows = db.conn.execute(
        "SELECT unit_id, template_id, text, signature, day FROM ack_templates"
        " WHERE unit_id = ? ORDER BY template_id",
        [unit_id],
    ).fetchall()
    return [AckTemplate(r[0], r[1], r[2], bytes(r[3]), r[4]) for r in rows]


def get_template(db: Database, unit_id: str, template_id: str) -> AckTemplate:
    for template in list_templates(db, unit_id):
        if template.template_id == template_id:
            return template
    raise NotFound("No such standard message for this unit.", what="template")


def record_sent(
    db: Database,
    batch: ItemBatch,
    case: Case,
    template_id: str,
    *,
    actor: str,
    today: dt.date,
) -> None:
    """Insert the reply's row and its audit entry (inside the caller's transaction).

    The reply's ciphertext is written here too, in the same transaction.
    """
    first = db.conn.execute(
        "SELECT coalesce(max(seq), 0) + 1 FROM envelopes WHERE case_id = ?", [case.case_id]
    ).fetchone()[0]
    try:
        insert_envelope_rows(db, batch.rows(case.case_id, "unit", today.isoformat(), first))
        batch.store(db)
    except sqlite3.IntegrityError:
        raise Conflict("This item already exists.", what="item_id") from None
    audit_log.append(
        db,
        actor=actor,
        action="template_sent",
        subject=case.reference,
        detail={"unit": case.unit_id, "template": template_id},
        today=today,
    )
