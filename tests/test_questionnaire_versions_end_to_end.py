"""A report keeps the questionnaire version it was made with, across a real export bundle.

The administrator publishes version 2; the report page serves it and the
tip names its id (``questionnaire_digest``); version 3 is published after;
the online vault's real export bundle carries both versions and the
workstation labels the tip with version 2's words, a tip without a version
with the built-in form's. A bundle whose questionnaire entry was altered is
rejected whole.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from app_fixtures import (
    AppClient,
    Env,
    Submission,
    Workstation,
    case_pow,
    make_env,
    open_upload,
)
from test_ws_support import PASSPHRASE, TODAY, make_workstation

from crypto.bundle import BundleReader
from crypto.bundle_schema import QUESTIONNAIRE, Kind
from crypto.bundle_writer import BundleWriter
from crypto.secret import SecretStr
from vault import questionnaires
from vault.database import opened
from workstation.desk import Desk
from workstation.errors import BundleRejected

UNIT = "inspektorat-kota"
DEFAULT = Path(__file__).resolve().parents[1] / "web" / "questionnaires" / "wbs-default.json"


def publish(env: Env, what_label: str) -> questionnaires.QuestionnaireVersion:
    document: dict[str, Any] = json.loads(DEFAULT.read_text(encoding="utf-8"))
    document["fields"][1]["label"] = {"id": what_label, "en": what_label + " (en)"}
    with opened(env.data / "vault.sqlite3") as db:
        return questionnaires.publish(db, UNIT, document, actor="admin", today=TODAY)


def page_digest(client: AppClient) -> str:
    page = client.get(f"/id/lapor/{UNIT}").text
    found = re.search(r'data-questionnaire-digest="([0-9a-f]{64})"', page)
    assert found is not None
    return found.group(1)


def report(env: Env, client: AppClient, card: Any, tip: dict[str, Any]) -> None:
    unit = Workstation(None, None, card)  # type: ignore[arg-type]  # sealing needs the card only
    submission = Submission(unit)
    body = submission.case_body(
        open_upload(client), json.dumps(tip).encode(), pow=case_pow(client, UNIT)
    )
    assert client.post("/api/cases", json=body).status_code == 201


@pytest.fixture
def world(tmp_path: Path) -> tuple[Env, Any, Path]:
    env = make_env(tmp_path)
    folder = tmp_path / "ws"
    folder.mkdir()
    card = make_workstation(folder, unit_id=UNIT)
    env.store.register_unit(card.to_json())
    return env, card, folder


def test_a_report_on_version_2_reads_with_version_2_after_version_3(
    world: tuple[Env, Any, Path], tmp_path: Path
) -> None:
    env, card, folder = world
    answers = {"category": "suap", "what": "Kepala dinas menerima suap."}
    with AppClient(env.app) as client:
        old = {"questionnaire": "wbs-default", "questionnaire_version": 1, "answers": answers}
        report(env, client, card, old)
        second = publish(env, "Ceritakan kejadiannya (versi 2)")
        assert page_digest(client) == second.digest
        tip = {**old, "questionnaire_version": 2, "questionnaire_digest": second.digest}
        report(env, client, card, tip)
        third = publish(env, "Ceritakan kejadiannya (versi 3)")
        assert page_digest(client) == third.digest
    bundle = tmp_path / "1.peluit"
    with bundle.open("wb") as out:
        env.store.export_bundle(UNIT, out, actor="ines")
    with Desk.open(folder, SecretStr(PASSPHRASE), today=TODAY) as desk:
        desk.import_bundle(bundle)
        # The import is recorded with the bundle's hash, not a questionnaire's digest.
        recorded = [tuple(r) for r in desk.store._conn.execute("SELECT sha256 FROM imports")]
        assert recorded == [(hashlib.sha256(bundle.read_bytes()).hexdigest(),)]
        labels = []
        for case in desk.store.cases():
            given = {a.field_id: a.label_id for a in desk.answers(case.reference)}
            labels.append(given["what"])
    assert sorted(labels) == ["Apa yang terjadi?", "Ceritakan kejadiannya (versi 2)"]


def test_an_altered_questionnaire_entry_rejects_the_bundle(
    world: tuple[Env, Any, Path], tmp_path: Path
) -> None:
    env, _card, folder = world
    publish(env, "Ceritakan kejadiannya")
    out = io.BytesIO()
    env.store.export_bundle(UNIT, out, actor="ines")
    reader = BundleReader(io.BytesIO(out.getvalue()), Kind.EXPORT, io.BytesIO)
    entries = [(e.type, e.meta, e.data.read()) for e in reader.entries()]
    assert [t for t, _, _ in entries] == [QUESTIONNAIRE]
    _, meta, data = entries[0]
    changed = json.loads(data)
    changed["fields"][1]["label"]["id"] = "Apa saja yang Anda ketahui tentang pelapor lain?"
    forged = json.dumps(changed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    written = io.BytesIO()
    writer = BundleWriter(written, Kind.EXPORT, reader.header)
    writer.add(QUESTIONNAIRE, meta, forged.encode())
    writer.finish()
    (tmp_path / "1.peluit").write_bytes(written.getvalue())
    with Desk.open(folder, SecretStr(PASSPHRASE), today=TODAY) as desk:
        with pytest.raises(BundleRejected):
            desk.import_bundle(tmp_path / "1.peluit")
        assert desk.store.questionnaire(meta["digest"]) is None


def test_a_bundle_from_before_versions_imports_and_reads_with_the_built_in_form(
    tmp_path: Path,
) -> None:
    """No questionnaire entry, a tip without questionnaire_digest: as before."""
    from test_ws_support import export_bundle, report_case

    folder = tmp_path / "ws"
    folder.mkdir()
    card = make_workstation(folder)
    (tmp_path / "old.peluit").write_bytes(
        export_bundle(card.unit_id, [report_case(card, "WBS-2026-0001")])
    )
    with Desk.open(folder, SecretStr(PASSPHRASE), today=TODAY) as desk:
        desk.import_bundle(tmp_path / "old.peluit")
        labels = {a.field_id: a.label_id for a in desk.answers("WBS-2026-0001")}
        stored = desk.store._conn.execute("SELECT count(*) FROM questionnaire_versions")
        assert stored.fetchone()[0] == 0
    assert labels["what"] == "Apa yang terjadi?" and labels["category"] == "Jenis pelanggaran"
