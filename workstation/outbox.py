"""The outbox: what waits for the next reply bundle, and the reply bundles that carried it.

One home for the ``outbox`` and ``reply_bundles`` tables
(docs/spec/workstation-store-v1.md). An entry is a sealed and signed reply,
a status change or a signed standard message (workstation/reply_bundle.py
makes them); ``bundle_seq`` is set once a reply bundle carried it, and a
status change is ``settled`` when a later import shows the online status
again. :class:`Outbox` lives on the :class:`~workstation.store.WorkstationStore`
(``store.outbox``) and shares its connection; methods marked "in the
caller's transaction" run inside ``store.transaction()``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from workstation.database import transaction

StatusChange = tuple[str, str, str | None, str | None]
"""A status change as queued: status, queued day, outcome, target."""


class Outbox:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    # --- queueing -------------------------------------------------------------

    def add_reply(self, case_id: str, item_id: str, sealed: bytes, today: str) -> None:
        with transaction(self._conn):
            self._conn.execute(
                "INSERT INTO outbox (type, case_id, item_id, envelope, queued_day)"
                " VALUES ('reply', ?, ?, ?, ?)",
                (case_id, item_id, sealed, today),
            )

    def add_status(
        self,
        case_id: str,
        status: str,
        today: str,
        *,
        outcome: str | None,
        reason: str | None,
        target: str | None,
    ) -> None:
        with transaction(self._conn):
            self._conn.execute(
                "INSERT INTO outbox (type, case_id, status, outcome, reason, target, queued_day)"
                " VALUES ('status', ?, ?, ?, ?, ?, ?)",
                (case_id, status, outcome, reason, target, today),
            )

    def add_templates(self, templates: Iterable[tuple[str, str, bytes]], today: str) -> None:
        """Signed standard messages (id, text, signature), all in one transaction."""
        with transaction(self._conn):
            self._conn.executemany(
                "INSERT INTO outbox (type, template_id, text, signature, queued_day)"
                " VALUES ('template', ?, ?, ?, ?)",
                [(*template, today) for template in templates],
            )

    # --- reading --------------------------------------------------------------

    def latest_status_change(self, case_id: str) -> tuple[str, int | None] | None:
        """The newest status change not yet seen applied online, and its bundle (or None)."""
        row = self._conn.execute(
            "SELECT status, bundle_seq FROM outbox WHERE type = 'status' AND case_id = ?"
            " AND settled = 0 ORDER BY id DESC LIMIT 1",
            (case_id,),
        ).fetchone()
        return None if row is None else (str(row[0]), None if row[1] is None else int(row[1]))

    def queued_statuses(self, case_id: str) -> list[dict[str, Any]]:
        """Status changes not in a bundle yet (type, status, outcome, reason, target, day)."""
        rows = self._conn.execute(
            "SELECT type, status, outcome, reason, target, queued_day FROM outbox"
            " WHERE case_id = ? AND bundle_seq IS NULL AND type = 'status' ORDER BY id",
            (case_id,),
        ).fetchall()
        return [dict(r) for r in rows]

    def replies(self, case_id: str) -> list[tuple[str, bytes, str, int | None]]:
        """Every reply queued for the case: item id, envelope, queued day, bundle (or None)."""
        rows = self._conn.execute(
            "SELECT item_id, envelope, queued_day, bundle_seq FROM outbox"
            " WHERE type = 'reply' AND case_id = ? ORDER BY id",
            (case_id,),
        ).fetchall()
        return [(r[0], bytes(r[1]), r[2], r[3]) for r in rows]

    def status_history(self, case_id: str) -> list[StatusChange]:
        """Every status change queued for the case, oldest first."""
        rows = self._conn.execute(
            "SELECT status, queued_day, outcome, target FROM outbox"
            " WHERE type = 'status' AND case_id = ? ORDER BY id",
            (case_id,),
        ).fetchall()
        return [(r[0], r[1], r[2], r[3]) for r in rows]

    def reply_days(self, case_id: str) -> list[str]:
        rows = self._conn.execute(
            "SELECT queued_day FROM outbox WHERE type = 'reply' AND case_id = ?", (case_id,)
        )
        return [str(r[0]) for r in rows]

    def cases_of_item(self, item_id: object) -> list[str]:
        """The cases of queued replies that use this item id (an import must not reuse it)."""
        rows = self._conn.execute("SELECT case_id FROM outbox WHERE item_id = ?", (item_id,))
        return [str(r[0]) for r in rows]

    def unsent(self) -> list[dict[str, Any]]:
        """Every entry no bundle carried yet, in queueing order (all columns a bundle needs)."""
        rows = self._conn.execute(
            "SELECT id, type, case_id, item_id, envelope, status, outcome, reason, target,"
            " template_id, text, signature FROM outbox WHERE bundle_seq IS NULL ORDER BY id"
        ).fetchall()
        return [dict(r) for r in rows]

    def unsent_count(self) -> int:
        row = self._conn.execute("SELECT count(*) FROM outbox WHERE bundle_seq IS NULL")
        return int(row.fetchone()[0])

    def last_sequence(self) -> int:
        """The newest reply bundle's sequence number (0: none yet)."""
        row = self._conn.execute("SELECT max(sequence) FROM reply_bundles").fetchone()
        return int(row[0] or 0)

    # --- in the caller's transaction --------------------------------------------

    def settle(self, case_id: str) -> None:
        """An import shows the online status: the case's sent status changes are applied."""
        self._conn.execute(
            "UPDATE outbox SET settled = 1 WHERE case_id = ? AND type = 'status'"
            " AND bundle_seq IS NOT NULL",
            (case_id,),
        )

    def record_bundle(
        self, sequence: int, today: str, digest: str, entries: int, sent: Sequence[int]
    ) -> None:
        """A reply bundle was written: record it, and mark its outbox entries sent."""
        self._conn.execute(
            "INSERT INTO reply_bundles VALUES (?, ?, ?, ?)", (sequence, today, digest, entries)
        )
        self._conn.executemany(
            "UPDATE outbox SET bundle_seq = ? WHERE id = ?", [(sequence, i) for i in sent]
        )
