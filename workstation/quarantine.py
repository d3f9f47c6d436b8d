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
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crypto.b64 import b64u_decode
from workstation.durable import DurableBatch
from workstation.entry_checks import EntryChecks
from workstation.errors import Refused
from workstation.held_rows import Quarantined
from workstation.store import WorkstationStore

__all__ = ["Quarantined", "RetryResult", "listing", "retry", "unreported"]


@dataclass
class RetryResult:
    released: list[int] = field(default_factory=list)
    held: list[int] = field(default_factory=list)
    new_cases: list[str] = field(default_factory=list)


def listing(store: WorkstationStore, *, include_released: bool = False) -> list[Quarantined]:
    return store.held.listing(include_released=include_released)


def unreported(store: WorkstationStore) -> list[Quarantined]:
    """Held rows the online vault has not been told about yet (for the next reply bundle)."""
    return store.held.unreported()


# --- retry ------------------------------------------------------------------------


@dataclass
class _Row:
    listed: Quarantined
    meta: dict[str, Any]
    case_meta: dict[str, Any]
    file: str | None
    name: str = ""


def _held_rows(store: WorkstationStore, ids: Sequence[int] | None) -> list[_Row]:
    wanted = None if ids is None else set(ids)
    return [
        _Row(held.listed, held.meta, held.case_meta, held.file)
        for held in store.held.still_held()
        if wanted is None or held.listed.id in wanted
    ]


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
        stored = store.known_case(case_id)
        if stored is not None:
            ok = [r for r in group if _passes(store, checks, r, stored[1])]
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
    with store.transaction():
        for row in create.values():
            store.add_case(row.case_meta, row.listed.export_seq)
        for row in passed:
            if row.file:
                store.add_envelope(row.meta, row.name, row.listed.export_seq)
            store.held.release(row.listed.id, today)


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
