"""Standard acknowledgements on the online side: list a unit's signed templates, send one.

Templates arrive signed in reply bundles (``ack_templates`` table, written by
:mod:`vault.reply_import`). The console's browser seals the reply itself; this
module only checks that the template exists for the case's unit, stores the
envelope as a unit reply (author ``unit``, kind ``reply``) and writes one
``template_sent`` audit entry naming the template id, never any text.

Role checks belong to the caller (the console checks that the inspector may
see the case through :class:`vault.console_store.ConsoleStore` first).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vault import audit_log
from vault.database import opened
from vault.errors import NotFound


@dataclass(frozen=True)
class AckTemplate:
    unit_id: str
    template_id: str
    text: str
    signature: bytes = field(repr=False)
    day: str


class AckTemplates:
    """Templates of a :class:`vault.store.SqliteVaultStore`'s database."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def list(self, unit_id: str) -> list[AckTemplate]:
        with opened(self.store.folder.database_path) as db:
            rows = db.conn.execute(
                "SELECT unit_id, template_id, text, signature, day FROM ack_templates"
                " WHERE unit_id = ? ORDER BY template_id",
                [unit_id],
            ).fetchall()
        return [AckTemplate(r[0], r[1], r[2], bytes(r[3]), r[4]) for r in rows]

    def get(self, unit_id: str, template_id: str) -> AckTemplate:
        for template in self.list(unit_id):
            if template.template_id == template_id:
                return template
        raise NotFound("No such standard message for this unit.", what="template")

    def send(
        self,
        case_id: str,
        unit_id: str,
        template_id: str,
        item_id: bytes,
        envelope: bytes,
        *,
        actor: str,
        reference: str,
    ) -> None:
        """Store the sealed reply (its shape checked by the item batch) and audit it."""
        from vault.store import NewItem

        self.get(unit_id, template_id)
        self.store.add_unit_envelopes(
            case_id, [NewItem(item_id=item_id, kind="reply", envelope=envelope)]
        )
        with opened(self.store.folder.database_path) as db:
            audit_log.append(
                db,
                actor=actor,
                action="template_sent",
                subject=reference,
                detail={"unit": unit_id, "template": template_id},
                today=self.store.today(),
            )
