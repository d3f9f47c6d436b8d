"""The staff audit log: append-only, hash-chained, checked by ``peluit audit verify``.

Every staff action (and every action the system takes on its own, such as an
automatic close or a retention destruction) appends one entry::

    seq, day, actor, action, subject, detail, prev_hash, hash
    hash = SHA-256(prev_hash (32 bytes) || canonical entry)

where the canonical entry is the JSON object ``{"action", "actor", "day",
"detail", "seq", "subject"}`` with sorted keys, no spaces, UTF-8. The first
entry's ``prev_hash`` is 32 zero bytes. A separate row (``audit_head``)
holds the count and the last hash, so removing entries at the end breaks
the chain as visibly as removing one in the middle.

What goes in: a username or ``"system"``, an action name, a subject (a case
reference, a unit id or a username) and a small JSON object of codes. Never
reporter data, selectors, content, addresses or times finer than a day.

Why a plain hash and not a keyed one: whoever can rewrite the database can
recompute an unkeyed chain from the first altered entry on. The chain makes
a careless or partial edit evident; against a careful one, auditors compare
the head that ``peluit audit verify`` prints with one they wrote down
earlier (``--anchor N:HASH``). The docs say so (docs/spec/lifecycle-v1.md).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from vault.database import lock_row, write_transaction
from vault.errors import BadInput

GENESIS = "00" * 32
SYSTEM = "system"
_ACTION = re.compile(r"[a-z][a-z0-9_]{0,39}\Z")
_MAX_SUBJECT = 80
_MAX_DETAIL = 1024

ACTIONS = frozenset(
    {
        "login",
        "login_failed",
        "lockout",
        "logout",
        "export",
        "import",
        "reexport",
        "status_change",
        "assignment",
        "user_created",
        "password_changed",
        "user_disabled",
        "units_changed",
        "unit_changed",
        "settings_changed",
        "retention_destroyed",
        "template_sent",
        "unit_registered",
        "unit_settings",
        "questionnaire_published",
    }
)


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    day: str
    actor: str
    action: str
    subject: str
    detail: dict[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class VerifyReport:
    """``ok`` with ``count`` entries, or the first bad entry and what is wrong with it."""

    ok: bool
    count: int
    head: str
    bad_seq: int | None = None
    problem: str = ""

    def line(self) -> str:
        if self.ok:
            return f"ok: {self.count} entries"
        return f"error: entry #{self.bad_seq} {self.problem}"


@contextlib.contextmanager
def joined_transaction(db: Database) -> Iterator[Database]:
    """A write transaction, or the caller's if one is already open.

    An audit entry must commit or roll back with the action it records, so
    the functions that change state and log it accept a connection that may
    already be inside a transaction (the reply-bundle import applies many
    changes in one).
    """
    if db.conn.in_transaction:
        yield db
    else:
        with write_transaction(db):
            yield db


def canonical(
    seq: int, day: str, actor: str, action: str, subject: str, detail: Mapping[str, Any]
) -> bytes:
    entry = {
        "action": action,
        "actor": actor,
        "day": day,
        "detail": dict(detail),
        "seq": seq,
        "subject": subject,
    }
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(prev_hash: str, body: bytes) -> str:
    return hashlib.sha256(bytes.fromhex(prev_hash) + body).hexdigest()


def _check_detail(detail: Mapping[str, Any]) -> None:
    """Codes only: short strings, integers, booleans or null, flat."""
    for key, value in detail.items():
        if not isinstance(key, str) or not _ACTION.match(key):
            raise BadInput("An audit detail key must be a short code.", field="detail")
        if value is not None and not isinstance(value, str | int | bool):
            raise BadInput("An audit detail holds codes only.", field="detail")
        if isinstance(value, str) and len(value) > 64:
            raise BadInput("An audit detail value is too long.", field="detail")


def append(
    db: Database,
    *,
    actor: str,
    action: str,
    subject: str,
    detail: Mapping[str, Any] | None = None,
    today: dt.date,
) -> AuditEntry:
    """Append one entry (inside the caller's transaction if there is one)."""
    detail = dict(detail or {})
    if action not in ACTIONS:
        raise BadInput("Unknown audit action.", field="action")
    if not actor or len(actor) > 32:
        raise BadInput("An audit actor is a username or 'system'.", field="actor")
    if len(subject) > _MAX_SUBJECT:
        raise BadInput("An audit subject is too long.", field="subject")
    _check_detail(detail)
    day = today.isoformat()
    with joined_transaction(db):
        lock_row(db, "audit_head", "id", 1)
        count, prev = db.conn.execute("SELECT count, hash FROM audit_head WHERE id = 1").fetchone()
        seq = count + 1
        body = canonical(seq, day, actor, action, subject, detail)
        if len(body) > _MAX_DETAIL + 256:
            raise BadInput("An audit detail is too large.", field="detail")
        digest = entry_hash(prev, body)
        db.conn.execute(
            "INSERT INTO audit_log (seq, day, actor, action, subject, detail, prev_hash, hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [seq, day, actor, action, subject, _detail_text(detail), prev, digest],
        )
        db.conn.execute("UPDATE audit_head SET count = ?, hash = ? WHERE id = 1", [seq, digest])
    return AuditEntry(seq, day, actor, action, subject, detail, prev, digest)


def _detail_text(detail: Mapping[str, Any]) -> str:
    return json.dumps(dict(detail), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


_COLUMNS = "seq, day, actor, action, subject, detail, prev_hash, hash"


def _entry(row: tuple[Any, ...]) -> AuditEntry:
    seq, day, actor, action, subject, detail, prev, digest = row
    return AuditEntry(seq, day, actor, action, subject, json.loads(detail), prev, digest)


def entries(
    db: Database,
    *,
    limit: int = 100,
    before_seq: int | None = None,
    actor: str | None = None,
    action: str | None = None,
) -> list[AuditEntry]:
    """Entries newest first, ``limit`` at most, optionally before ``before_seq``."""
    limit = max(1, min(int(limit), 1000))
    where: list[str] = ["1 = 1"]
    args: list[object] = []
    if before_seq is not None:
        where.append("seq < ?")
        args.append(int(before_seq))
    if actor is not None:
        where.append("actor = ?")
        args.append(actor)
    if action is not None:
        where.append("action = ?")
        args.append(action)
    sql = f"SELECT {_COLUMNS} FROM audit_log WHERE {' AND '.join(where)} ORDER BY seq DESC LIMIT ?"  # noqa: S608
    return [_entry(r) for r in db.conn.execute(sql, [*args, limit])]


def _row_problem(
    row: tuple[Any, ...], running: str, expected: int, anchors: Mapping[int, str]
) -> VerifyReport | None:
    """What is wrong with entry ``row`` when ``expected`` comes after hash ``running``."""
    seq, day, actor, action, subject, detail_text, prev, digest = row
    if seq != expected:
        return VerifyReport(False, expected - 1, running, expected, "was removed")
    if prev != running:
        return VerifyReport(
            False,
            expected - 1,
            running,
            seq,
            "does not follow the entry before it (removed or reordered)",
        )
    try:
        detail = json.loads(detail_text)
        body = canonical(seq, day, actor, action, subject, detail)
    except (ValueError, TypeError):
        return VerifyReport(False, expected - 1, running, seq, "was altered (detail is not JSON)")
    if entry_hash(prev, body) != digest:
        return VerifyReport(False, expected - 1, running, seq, "was altered")
    if seq in anchors and anchors[seq].lower() != digest:
        return VerifyReport(False, expected - 1, running, seq, "differs from its anchor")
    return None


def verify(db: Database, *, anchors: Mapping[int, str] | None = None) -> VerifyReport:
    """Walk the chain; report the FIRST entry that was altered, removed or reordered.

    ``anchors`` maps entry numbers to hashes written down earlier; an entry
    whose hash differs from its anchor is reported even if the chain was
    recomputed after it.
    """
    anchors = dict(anchors or {})
    head_count, head_hash = db.conn.execute(
        "SELECT count, hash FROM audit_head WHERE id = 1"
    ).fetchone() or (None, None)
    if head_count is None:
        return VerifyReport(False, 0, GENESIS, 1, "is unverifiable: the chain head is missing")
    running, expected = GENESIS, 1
    for row in db.conn.execute(f"SELECT {_COLUMNS} FROM audit_log ORDER BY seq"):  # noqa: S608
        problem = _row_problem(row, running, expected, anchors)
        if problem is not None:
            return problem
        running, expected = row[7], expected + 1  # row[7]: this entry's hash
    count = expected - 1
    if head_count > count:
        return VerifyReport(False, count, running, count + 1, "was removed (the log ends early)")
    if head_count < count:
        return VerifyReport(False, count, running, head_count + 1, "was added after the chain head")
    if head_hash != running:
        return VerifyReport(False, count, running, count, "does not match the chain head")
    missing = [n for n in anchors if n > count]
    if missing:
        return VerifyReport(False, count, running, min(missing), "was removed (anchored entry)")
    return VerifyReport(True, count, running)
