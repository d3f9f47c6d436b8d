"""Standard messages through the console: an inspector of the case's unit sends one.

The inspector's browser seals the unit's signed template text to the
reporter (the server cannot read or alter it); this store checks the role
and the case (an inspector of the case's unit only, another unit's case is
"not found"), that the template exists for that unit and that the envelope
looks like an envelope v1, then stores, in one transaction, its ciphertext,
the reply's row and its ``template_sent`` audit entry.
"""

from __future__ import annotations

from vault import ack_templates
from vault.ack_templates import AckTemplate
from vault.console_access import ConsoleAccess
from vault.database import opened, write_transaction
from vault.errors import Conflict
from vault.item_batch import ItemBatch
from vault.staff import Role, StaffUser


class ConsoleAck(ConsoleAccess):
    def ack_templates(self, user: StaffUser, case_id: str) -> list[AckTemplate]:
        """The signed templates of the case's unit (public material)."""
        with opened(self.database_path) as db:
            me = self._fresh(db, user, Role.INSPECTOR)
            case, _ = self._case(db, me, case_id)
            return ack_templates.list_templates(db, case.unit_id)

    def send_template(
        self,
        user: StaffUser,
        case_id: str,
        template_id: str,
        item_id: bytes | str,
        envelope: bytes,
    ) -> None:
        """Store a sealed standard message as a unit reply, audited, all or nothing."""
        today = self.today()
        batch = ItemBatch(None, self.limits)  # one whole envelope, nothing staged
        with opened(self.database_path) as db:
            me = self._fresh(db, user, Role.INSPECTOR)
            case, _ = self._case(db, me, case_id)
            ack_templates.get_template(db, case.unit_id, template_id)
            batch.add_inline(item_id, "reply", envelope)
            (item,) = batch.item_ids
            if db.execute("SELECT 1 FROM envelopes WHERE item_id = ?", [item]).fetchone():
                raise Conflict("This item already exists.", what="item_id")
            with write_transaction(db):
                # Checked again inside the transaction: the account may have
                # been disabled or moved since the first look.
                me = self._fresh(db, user, Role.INSPECTOR)
                case, _ = self._case(db, me, case_id)
                ack_templates.record_sent(
                    db, batch, case, template_id, actor=me.username, today=today
                )
