"""A unit's questionnaire versions: published once, never changed (questionnaire-v1.md).

An administrator publishes a new version from the console; the vault checks
the document (:mod:`crypto.questionnaire_doc`), numbers it after the unit's
last version (the built-in questionnaire is version 1, so the first
published one is 2), stores its canonical bytes under its id (the SHA-256 of
those bytes) and appends a ``questionnaire_published`` audit entry in the
same transaction. A document that breaks a rule is refused whole and
nothing is written. The report page asks for the unit's current version;
the export bundle carries every version of the unit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from crypto import questionnaire_doc
from vault import audit_log
from vault.units import get_unit

BUILT_IN_VERSION = 1


@dataclass(frozen=True)
class QuestionnaireVersion:
    unit_id: str
    version: int
    digest: str
    document: dict[str, Any]
    published_day: str
    published_by: str

    @property
    def canonical(self) -> bytes:
        return questionnaire_doc.canonical(self.document)


_COLUMNS = "unit_id, version, digest, document, published_day, published_by"


def _version(row: tuple[Any, ...]) -> QuestionnaireVersion:
    unit_id, version, digest, document, day, by = row
    return QuestionnaireVersion(
        unit_id, version, digest, questionnaire_doc.load(bytes(document), digest), day, by
    )


def versions(db: Database, unit_id: str) -> list[QuestionnaireVersion]:
    """The unit's published versions, oldest first."""
    rows = db.conn.execute(
        f"SELECT {_COLUMNS} FROM questionnaire_versions WHERE unit_id = ? ORDER BY version",  # noqa: S608
        [unit_id],
    )
    return [_version(row) for row in rows]


def current(db: Database, unit_id: str) -> QuestionnaireVersion | None:
    """The unit's newest published version; ``None`` while it uses the built-in one."""
    row = db.conn.execute(
        f"SELECT {_COLUMNS} FROM questionnaire_versions WHERE unit_id = ?"  # noqa: S608
        " ORDER BY version DESC LIMIT 1",
        [unit_id],
    ).fetchone()
    return None if row is None else _version(row)


def publish(
    db: Database,
    unit_id: str,
    document: dict[str, Any],
    *,
    actor: str,
    today: dt.date,
) -> QuestionnaireVersion:
    """Store ``document`` as the unit's next version (its ``version`` is set here).

    Raises :class:`crypto.questionnaire_doc.QuestionnaireError` listing every
    broken rule, before anything is written.
    """
    with audit_log.joined_transaction(db):
        get_unit(db, unit_id)  # NotFound for an unknown unit
        last = db.conn.execute(
            "SELECT coalesce(max(version), ?) FROM questionnaire_versions WHERE unit_id = ?",
            [BUILT_IN_VERSION, unit_id],
        ).fetchone()[0]
        numbered = {**document, "version": last + 1}
        questionnaire_doc.check(numbered)
        data = questionnaire_doc.canonical(numbered)
        digest = questionnaire_doc.digest(numbered)
        db.conn.execute(
            f"INSERT INTO questionnaire_versions ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",  # noqa: S608
            [unit_id, last + 1, digest, data, today.isoformat(), actor],
        )
        audit_log.append(
            db,
            actor=actor,
            action="questionnaire_published",
            subject=unit_id,
            detail={"version": last + 1, "digest": digest},
            today=today,
        )
    return QuestionnaireVersion(unit_id, last + 1, digest, numbered, today.isoformat(), actor)
