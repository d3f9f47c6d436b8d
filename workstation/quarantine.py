"""Quarantine: export-bundle entries that did not verify, kept but never shown as content.

An import (workstation/bundle_import.py) holds here every envelope that
does not open under its context, reuses a stored item id with other
content, belongs to a case entry that failed (an unknown status, a swapped
or changed reporter key) or to a case whose tip has not verified; and a case
entry that failed with no envelope of its own in the bundle (kind ``case``,
no file). The ciphertext is kept exactly as it arrived in
``store/quarantine/<fresh random name>``.

Nothing here is opened again except by :func:`retry` (``peluit-ws quarantine
retry``), e.g. after a key restore, or when a later export carries the same
item again (the import checks that copy and, if it opens, releases the row).
A retry runs the same checks as an import (workstation/entry_checks.py);
what passes moves into ``envelopes/`` (its case created from the case entry
kept with it, if the tip is among what passes), the rest stays held.

Every row not yet reported goes into the next reply bundle (kind, day,
check), so the console shows staff that something is being attacked.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crypto.b64 import b64u_decode
from workstation.database import transaction
from workstation.durable import DurableBatch
from workstation.entry_checks import EntryChecks, Failure
from workstation.errors import Refused
from workstation.store import WorkstationStore, insert_case, insert_envelope

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


@dataclass
class RetryResult:
    released: list[int] = field(default_factory=list)
    held: list[int] = field(default_factory=list)
    new_cases: list[str] = field(default_factory=list)


def held_copy(conn: sqlite3.Connection, meta: dict[str, Any], check: str) -> bool:
    """True if this very entry (same item and hash, or same case entry and check) is held."""
    if meta["item_id"] is None:
        sql = (
            "SELECT 1 FROM quarantine WHERE case_id = ? AND kind = 'case' AND reason = ?"
            " AND released_day IS NULL"
        )
        return conn.execute(sql, (meta["case_id"], check)).fetchone() is not None
    sql = "SELECT 1 FROM quarantine WHERE item_id = ? AND sha256 = ? AND released_day IS NULL"
    return conn.execute(sql, (meta["item_id"], meta["sha256"])).fetchone() is not None


def insert_held(
    conn: sqlite3.Connection,
    meta: dict[str, Any],
    case_meta: dict[str, Any],
    export_seq: int,
    today: str,
    failure: Failure,
) -> Quarantined:
    cursor = conn.execute(
        "INSERT INTO quarantine (case_id, reference, item_id, kind, author, day, size, sha256,"
        " file, case_meta, export_seq, quarantined_day, reason, detail)"
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
            failure.check,
            failure.detail,
        ),
    )
    row = conn.execute(f"SELECT {_COLUMNS} FROM quarantine WHERE id = ?", (cursor.lastrowid,))  # noqa: S608
    return Quarantined(*row.fetchone())


def release_copies(
    conn: sqlite3.Connection, metas: Iterable[dict[str, Any]], today: str
) -> list[str]:
    """Release held rows of items just imported with the same hash; return their files."""
    files = []
    for meta in metas:
        for row_id, name in conn.execute(
            "SELECT id, file FROM quarantine WHERE item_id = ? AND sha256 = ?"
            " AND released_day IS NULL",
            (meta["item_id"], meta["sha256"]),
        ).fetchall():
            conn.execute(
                "UPDATE quarantine SET released_day = ?, file = NULL WHERE id = ?", (today, row_id)
            )
            if name:
                files.append(str(name))
    return files


def listing(store: WorkstationStore, *, include_released: bool = False) -> list[Quarantined]:
    where = "" if include_released else " WHERE released_day IS NULL"
    rows = store.conn.execute(f"SELECT {_COLUMNS} FROM quarantine{where} ORDER BY id")  # noqa: S608
    return [Quarantined(*row) for row in rows]


def unreported(store: WorkstationStore) -> list[Quarantined]:
    """Held rows the online vault has not been told about yet (for the next reply bundle)."""
    rows = store.conn.execute(
        f"SELECT {_COLUMNS} FROM quarantine WHERE reported_seq IS NULL ORDER BY id"  # noqa: S608
    )
    return [Quarantined(*row) for row in rows]


# --- retry ------------------------------------------------------------------------


@dataclass
class _Row:
    listed: Quarantined
    meta: dict[str, Any]
    case_meta: dict[str, Any]
    file: str | None
    name: str = ""


def _held_rows(store: WorkstationStore, ids: Sequence[int] | None) -> list[_Row]:
    rows = store.conn.execute(
        f"SELECT {_COLUMNS}, author, file, case_meta FROM quarantine"  # noqa: S608
        " WHERE released_day IS NULL ORDER BY id"
    ).fetchall()
    wanted = None if ids is None else set(ids)
    result = []
    for row in rows:
        listed = Quarantined(*row[:13])
        if wanted is not None and listed.id not in wanted:
            continue
        meta = {
            "case_id": listed.case_id,
            "item_id": listed.item_id,
            "kind": listed.kind,
            "author": row[13],
            "day": listed.day,
            "size": listed.size,
            "sha256": listed.sha256,
        }
        result.append(_Row(listed, meta, json.loads(row[15]), row[14]))
    return result


def _passes(store: WorkstationStore, checks: EntryChecks, row: _Row, key: bytes) -> bool:
    if row.file is None:
        return checks.case(row.case_meta) is None
    if checks.stored(row.meta) != "new":
        return False
    fd = os.open(store.quarantine_dir / row.file, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as handle:
        return checks.opens(row.meta, handle, key) is None


def retry(
    store: WorkstationStore, checks: EntryChecks, ids: Sequence[int] | None, today: str
) -> RetryResult:
    """Run an import's checks again on held rows (all if ``ids`` is None); release what passes."""
    rows = _held_rows(store, ids)
    missing = sorted(set(ids or ()) - {r.listed.id for r in rows})
    if missing:
        raise Refused(f"nothing is held as #{missing[0]}: see 'peluit-ws quarantine list'")
    result = RetryResult()
    passed: list[_Row] = []
    create: dict[str, _Row] = {}
    by_case: dict[str, list[_Row]] = {}
    seen: set[str] = set()  # one release per item id, even if two copies were held
    for row in rows:
        by_case.setdefault(row.listed.case_id, []).append(row)
    for case_id, group in by_case.items():
        stored = store.conn.execute(
            "SELECT reporter_public_key FROM cases WHERE case_id = ?", (case_id,)
        ).fetchone()
        if stored is not None:
            ok = [r for r in group if _passes(store, checks, r, bytes(stored[0]))]
        else:
            ok = _new_case(store, checks, group)
            if ok:
                create[case_id] = next(r for r in ok if r.listed.kind == "tip")
        ok = [r for r in ok if r.listed.item_id is None or r.listed.item_id not in seen]
        seen.update(r.listed.item_id for r in ok if r.listed.item_id)
        passed += ok
        result.held += [r.listed.id for r in group if r not in ok]
    _release(store, passed, create, today)
    result.released = [r.listed.id for r in passed]
    result.new_cases = [r.case_meta["reference"] for r in create.values()]
    return result


def _new_case(store: WorkstationStore, checks: EntryChecks, group: list[_Row]) -> list[_Row]:
    """Rows of a case not on this workstation that pass, if one of them is a tip that does."""
    tips = [r for r in group if r.listed.kind == "tip" and r.file is not None]
    for tip in tips:
        if checks.case(tip.case_meta) is not None:
            continue
        key = b64u_decode(tip.case_meta["reporter_public_key"])
        if _passes(store, checks, tip, key):
            others = [
                r for r in group if r is not tip and r.file and _passes(store, checks, r, key)
            ]
            return [tip, *others]
    return []


def _link_released(store: WorkstationStore, passed: list[_Row], placed: list[Path]) -> None:
    """Each passed file gets a fresh name in the envelopes folder (``placed``), durably."""
    with DurableBatch(store.root) as durable:
        for row in passed:
            if row.file:
                row.name = secrets.token_hex(16)
                target = store.envelopes_dir / row.name
                os.link(store.quarantine_dir / row.file, target)
                placed.append(target)
        durable.sync(placed, [store.envelopes_dir])


def _record_released(
    store: WorkstationStore, passed: list[_Row], create: dict[str, _Row], today: str
) -> None:
    """The new cases and envelopes, and the quarantine rows marked released, at once."""
    conn = store.conn
    with transaction(conn):
        for row in create.values():
            insert_case(conn, row.case_meta, row.listed.export_seq)
        for row in passed:
            if row.file:
                insert_envelope(conn, row.meta, row.name, row.listed.export_seq)
            conn.execute(
                "UPDATE quarantine SET released_day = ?, file = NULL WHERE id = ?",
                (today, row.listed.id),
            )


def _release(
    store: WorkstationStore, passed: list[_Row], create: dict[str, _Row], today: str
) -> None:
    if not passed:
        return
    placed: list[Path] = []
    try:
        _link_released(store, passed, placed)
        _record_released(store, passed, create, today)
    except BaseException:
        for path in placed:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        raise
    for row in passed:
        if row.file:
            with contextlib.suppress(FileNotFoundError):
                (store.quarantine_dir / row.file).unlink()
