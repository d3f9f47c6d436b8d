"""The ``quarantine`` table: entries an import held back, as rows (workstation/quarantine.py).

One home for the table's SQL. :class:`HeldRows` lives on the
:class:`~workstation.store.WorkstationStore` (``store.held``) and shares its
connection; the writes run in the caller's ``store.transaction()``, with
the rows of the import or retry they belong to.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

_COLUMNS = (
    "id, case_id, reference, item_id, kind, day, size, sha256, reason, detail,"
    " quarantined_day, export_seq, released_day"
)


@dataclass(frozen=True)
class Quarantined:
    """One held entry as listed: metadata only, never content."""

    id: int
    case_id: str
    reference: str
    item_id: str | None
    kind: str
    day: str
    size: int | None
    sha256: str | None
    check: str
    detail: str
    quarantined_day: str
    export_seq: int
    released_day: str | None


@dataclass(frozen=True)
class HeldRow:
    """A held row with what a retry needs: its envelope metadata, case entry and file."""

    listed: Quarantined
    meta: dict[str, Any]
    case_meta: dict[str, Any]
    file: str | None


class HeldRows:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def listing(self, *, include_released: bool = False) -> list[Quarantined]:
        where = "" if include_released else " WHERE released_day IS NULL"
        rows = self._conn.execute(f"SELECT {_COLUMNS} FROM quarantine{where} ORDER BY id")  # noqa: S608
        return [Quarantined(*row) for row in rows]

    def unreported(self) -> list[Quarantined]:
        """Held rows the online vault has not been told about yet (for the next reply bundle)."""
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM quarantine WHERE reported_seq IS NULL ORDER BY id"  # noqa: S608
        )
        return [Quarantined(*row) for row in rows]

    def still_held(self) -> list[HeldRow]:
        """Every row not released, oldest first, with what a retry checks again."""
        rows = self._conn.execute(
            f"SELECT {_COLUMNS}, author, file, case_meta FROM quarantine"  # noqa: S608
            " WHERE released_day IS NULL ORDER BY id"
        ).fetchall()
        held = []
        for row in rows:
            listed = Quarantined(*row[:13])
            meta = {
                "case_id": listed.case_id,
                "item_id": listed.item_id,
                "kind": listed.kind,
                "author": row[13],
                "day": listed.day,
                "size": listed.size,
                "sha256": listed.sha256,
            }
            held.append(HeldRow(listed, meta, json.loads(row[15]), row[14]))
        return held

    def held_copy(self, meta: dict[str, Any], check: str) -> bool:
        """True if this very entry (same item and hash, or same case entry and check) is held."""
        if meta["item_id"] is None:
            sql = (
                "SELECT 1 FROM quarantine WHERE case_id = ? AND kind = 'case' AND reason = ?"
                " AND released_day IS NULL"
            )
            return self._conn.execute(sql, (meta["case_id"], check)).fetchone() is not None
        sql = "SELECT 1 FROM quarantine WHERE item_id = ? AND sha256 = ? AND released_day IS NULL"
        return self._conn.execute(sql, (meta["item_id"], meta["sha256"])).fetchone() is not None

    # --- in the caller's transaction --------------------------------------------

    def hold(
        self,
        meta: dict[str, Any],
        case_meta: dict[str, Any],
        export_seq: int,
        today: str,
        check: str,
        detail: str,
    ) -> Quarantined:
        cursor = self._conn.execute(
            "INSERT INTO quarantine (case_id, reference, item_id, kind, author, day, size,"
            " sha256, file, case_meta, export_seq, quarantined_day, reason, detail)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                meta["case_id"],
                case_meta["reference"],
                meta["item_id"],
                meta["kind"],
                meta["author"],
                meta["day"],
                meta["size"],
                meta["sha256"],
                meta.get("file"),
                json.dumps(case_meta, sort_keys=True),
                export_seq,
                today,
                check,
                detail,
            ),
        )
        row = self._conn.execute(
            f"SELECT {_COLUMNS} FROM quarantine WHERE id = ?",  # noqa: S608
            (cursor.lastrowid,),
        )
        return Quarantined(*row.fetchone())

    def release_copies(self, metas: Iterable[dict[str, Any]], today: str) -> list[str]:
        """Release held rows of items just imported with the same hash; return their files."""
        files = []
        for meta in metas:
            for row_id, name in self._conn.execute(
                "SELECT id, file FROM quarantine WHERE item_id = ? AND sha256 = ?"
                " AND released_day IS NULL",
                (meta["item_id"], meta["sha256"]),
            ).fetchall():
                self.release(row_id, today)
                if name:
                    files.append(str(name))
        return files

    def release(self, row_id: int, today: str) -> None:
        self._conn.execute(
            "UPDATE quarantine SET released_day = ?, file = NULL WHERE id = ?", (today, row_id)
        )

    def mark_reported(self, sequence: int, row_ids: Sequence[int]) -> None:
        """The reply bundle ``sequence`` told the online vault about these rows."""
        self._conn.executemany(
            "UPDATE quarantine SET reported_seq = ? WHERE id = ?",
            [(sequence, row_id) for row_id in row_ids],
        )
