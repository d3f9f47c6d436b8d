"""Questionnaire versions in the vault: checked, numbered, immutable, audited.

A version is stored under the SHA-256 of its canonical JSON; publishing a
document that breaks any rule writes nothing (no row, no audit entry), and
no SQL can change a stored version afterwards.
"""

from __future__ import annotations

import copy
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from test_console_storage import World
from test_lifecycle_fixtures import UNIT_A, UNIT_B

from crypto import questionnaire_doc
from crypto.questionnaire_doc import QuestionnaireError
from vault import questionnaires
from vault.console_store import PermissionDenied

DEFAULT = Path(__file__).resolve().parents[1] / "web" / "questionnaires" / "wbs-default.json"


def document() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DEFAULT.read_text(encoding="utf-8"))
    return data


def counts(world: World) -> tuple[int, int]:
    with world.vault.db() as db:
        rows = db.conn.execute("SELECT count(*) FROM questionnaire_versions").fetchone()[0]
        audit = db.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    return rows, audit


def test_publish_numbers_after_the_built_in_and_keeps_each_version(tmp_path: Path) -> None:
    world = World(tmp_path)
    admin = world.users["admin"]
    first = world.console.publish_questionnaire(admin, UNIT_A, document())
    changed = document()
    changed["fields"][1]["label"] = {"id": "Ceritakan kejadiannya", "en": "Tell what happened"}
    second = world.console.publish_questionnaire(admin, UNIT_A, changed)
    assert (first.version, second.version) == (2, 3)
    assert first.digest == questionnaire_doc.digest(first.document)
    assert second.digest != first.digest
    listed = world.console.questionnaire_versions(admin, UNIT_A)
    assert [(v.version, v.digest) for v in listed] == [(2, first.digest), (3, second.digest)]
    assert listed[0].document["fields"][1]["label"]["id"] == "Apa yang terjadi?"
    assert world.console.questionnaire_versions(admin, UNIT_B) == []
    with world.vault.db() as db:
        assert questionnaires.current(db, UNIT_A) == second
        assert questionnaires.current(db, UNIT_B) is None
        entry = db.conn.execute(
            "SELECT action, subject, detail FROM audit_log ORDER BY seq DESC LIMIT 1"
        ).fetchone()
    assert entry[0] == "questionnaire_published" and entry[1] == UNIT_A
    assert json.loads(entry[2]) == {"version": 3, "digest": second.digest}


def test_a_published_version_never_changes(tmp_path: Path) -> None:
    world = World(tmp_path)
    published = world.console.publish_questionnaire(world.users["admin"], UNIT_A, document())
    with world.vault.db() as db, pytest.raises(sqlite3.IntegrityError):
        db.conn.execute("UPDATE questionnaire_versions SET document = ?", [b"{}"])
    with world.vault.db() as db:
        assert questionnaires.versions(db, UNIT_A) == [published]


def test_a_tampered_row_is_refused_on_reading(tmp_path: Path, vault_backend: str) -> None:
    world = World(tmp_path)
    world.console.publish_questionnaire(world.users["admin"], UNIT_A, document())
    with world.vault.db() as db:
        if vault_backend == "postgres":
            db.conn.execute(
                "DROP TRIGGER questionnaire_versions_immutable ON questionnaire_versions"
            )
            db.conn.execute(
                "UPDATE questionnaire_versions SET document = convert_to(replace("
                "convert_from(document, 'UTF8'), 'Korupsi', 'Korupsj'), 'UTF8')"
            )
        else:
            db.conn.execute("DROP TRIGGER questionnaire_versions_immutable")
            db.conn.execute(
                "UPDATE questionnaire_versions SET"
                " document = CAST(replace(CAST(document AS TEXT), 'Korupsi', 'Korupsj') AS BLOB)"
            )
        with pytest.raises(QuestionnaireError):
            questionnaires.versions(db, UNIT_A)


def _broken() -> list[tuple[str, dict[str, Any], str]]:
    cases = []
    no_english = document()
    del no_english["fields"][0]["label"]["en"]
    cases.append(("no English", no_english, "Question 1: the label needs Indonesian and English."))
    twice = document()
    twice["fields"][2]["id"] = "what"
    cases.append(("key twice", twice, "Question 3: the key 'what' is used twice."))
    long_label = document()
    long_label["fields"][3]["label"]["id"] = "x" * 201
    cases.append(("long label", long_label, "Question 4: the label is longer than 200 characters."))
    many = document()
    many["fields"] = [copy.deepcopy(many["fields"][2]) for _ in range(41)]
    for number, field in enumerate(many["fields"]):
        field["id"] = f"q{number}"
    cases.append(("too many", many, "A questionnaire has 1 to 40 questions."))
    one_option = document()
    one_option["fields"][0]["options"] = one_option["fields"][0]["options"][:1]
    cases.append(("one option", one_option, "Question 1: a choice needs 2 to 30 options."))
    bad_type = document()
    bad_type["fields"][2]["type"] = "date"
    cases.append(("type", bad_type, "Question 3: unknown type."))
    return cases


@pytest.mark.parametrize(("name", "bad", "message"), _broken(), ids=[c[0] for c in _broken()])
def test_a_bad_document_is_refused_and_nothing_changes(
    tmp_path: Path, name: str, bad: dict[str, Any], message: str
) -> None:
    world = World(tmp_path)
    admin = world.users["admin"]
    kept = world.console.publish_questionnaire(admin, UNIT_A, document())
    before = counts(world)
    with pytest.raises(QuestionnaireError) as caught:
        world.console.publish_questionnaire(admin, UNIT_A, bad)
    assert message in [problem.text() for problem in caught.value.problems]
    assert counts(world) == before
    assert world.console.questionnaire_versions(admin, UNIT_A) == [kept]


def test_only_administrators_publish(tmp_path: Path) -> None:
    world = World(tmp_path)
    for name in ("ani", "audit"):
        with pytest.raises(PermissionDenied):
            world.console.publish_questionnaire(world.users[name], UNIT_A, document())
        with pytest.raises(PermissionDenied):
            world.console.questionnaire_versions(world.users[name], UNIT_A)
    assert counts(world)[0] == 0
