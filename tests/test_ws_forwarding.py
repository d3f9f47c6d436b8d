"""Forwarding: identifying fields stay out by default; the other unit opens and verifies it."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pytest
from test_ws_support import PASSPHRASE, TODAY, export_bundle, make_workstation, report_case

from crypto.b64 import b64u_decode, b64u_encode
from crypto.secret import SecretStr
from workstation.desk import Desk
from workstation.errors import Refused
from workstation.forwarding import Draft, ForwardRejected

ANSWERS = {
    "category": "suap",
    "what": "Kepala dinas menerima suap di ruang rapat.",
    "who_name": "Pak Kepala",
    "where": "Dinas PU",
    "when": "Maret 2026",
    "how_known": "Saya sekretarisnya, Siti Aminah.",
    "evidence_description": "Foto kuitansi di meja saya, Siti.",
}


@pytest.fixture
def two_units(tmp_path: Path):  # type: ignore[no-untyped-def]
    here, there = tmp_path / "here", tmp_path / "kpk"
    card = make_workstation(here)
    other = make_workstation(there, unit_id="kpk-demo")
    case = report_case(card, "WBS-2026-0007", answers=ANSWERS,
                       attachments=[("siti-rapat.jpg", "image/jpeg", b"\xff\xd8\xff" + bytes(64))],
                       identity={"name": "Siti Aminah", "phone": "0812"})  # fmt: skip
    (tmp_path / "e.peluit").write_bytes(export_bundle(card.unit_id, [case]))
    with Desk.open(here, SecretStr(PASSPHRASE), today=TODAY) as desk:
        desk.import_bundle(tmp_path / "e.peluit")
        desk.queue_status("WBS-2026-0007", "diverifikasi")
        yield desk, other, there, tmp_path


def _open_there(folder: Path, path: Path, **kw):  # type: ignore[no-untyped-def]
    with Desk.open(folder, SecretStr(PASSPHRASE), today=TODAY) as desk:
        return desk.open_forward(path, **kw)


def test_default_forward_leaves_identifying_fields_out(two_units) -> None:  # type: ignore[no-untyped-def]
    desk, other, there, tmp = two_units
    out = tmp / "limpah.json"
    done = desk.forward("WBS-2026-0007", other, Draft("Dugaan suap di Dinas PU."), out,
                        target="kpk")  # fmt: skip
    raw = out.read_bytes()
    for secret in (b"Siti", b"sekretaris", b"kuitansi", b"siti-rapat", b"0812", b"Dinas PU"):
        assert secret not in raw  # sealed: nothing readable in the file itself
    assert set(done.fields) == {"category", "who_name", "where", "when"}
    opened = _open_there(there, out)
    assert opened.sender.unit_id == desk.unit_id
    assert opened.sender.fingerprint() == desk.card.fingerprint()
    assert opened.summary == "Dugaan suap di Dinas PU."
    assert opened.source_reference == "WBS-2026-0007"
    text = json.dumps([opened.fields, opened.attachments, opened.identity], ensure_ascii=False)
    assert "Siti" not in text and "kuitansi" not in text and "siti-rapat" not in text
    assert "Kepala dinas menerima" not in text  # 'what' is free text: review first, out by default
    assert opened.attachments == ["JPEG image"] and opened.identity is None
    # recorded, and the status change is queued
    [record] = desk.store._conn.execute("SELECT to_unit_id, target, fields, identity FROM forwards")
    assert (record[0], record[1], record[3]) == ("kpk-demo", "kpk", 0)
    assert desk.case("WBS-2026-0007").pending_status == "dilimpahkan"
    assert desk.identity_log() == []
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        desk.store._conn.execute("DELETE FROM forwards")


def test_risky_fields_and_identity_only_when_named(two_units) -> None:  # type: ignore[no-untyped-def]
    desk, other, there, tmp = two_units
    draft = Draft("Ringkasan.", include=frozenset({"how_known", "what"}),
                  exclude=frozenset({"who_name"}), include_identity=True)  # fmt: skip
    desk.forward("WBS-2026-0007", other, draft, tmp / "f.json", target="kpk")
    opened = _open_there(there, tmp / "f.json")
    ids = [f["id"] for f in opened.fields]
    assert ids == ["category", "what", "where", "when", "how_known"]
    assert opened.identity == {"sections": [{"name": "Siti Aminah", "phone": "0812"}]}
    assert len(desk.identity_log()) == 1  # the identity was opened to include it: logged


def test_refusals_leave_nothing(two_units) -> None:  # type: ignore[no-untyped-def]
    desk, other, _there, tmp = two_units
    with pytest.raises(Refused, match="summary"):
        desk.forward("WBS-2026-0007", other, Draft("  "), tmp / "a.json", target="kpk")
    with pytest.raises(Refused, match="no answer 'estimated_loss'"):
        desk.forward("WBS-2026-0007", other, Draft("x", include=frozenset({"estimated_loss"})),
                     tmp / "a.json", target="kpk")  # fmt: skip
    with pytest.raises(Refused, match="target"):
        desk.forward("WBS-2026-0007", other, Draft("x"), tmp / "a.json", target="tetangga")
    with pytest.raises(Refused, match="own"):
        desk.forward("WBS-2026-0007", desk.card, Draft("x"), tmp / "a.json", target="kpk")
    assert not (tmp / "a.json").exists()
    assert desk.store._conn.execute("SELECT count(*) FROM forwards").fetchone()[0] == 0
    assert desk.case("WBS-2026-0007").pending_status == "diverifikasi"


def _tamper(path: Path, **changes: object) -> Path:
    doc = json.loads(path.read_text("utf-8"))
    doc.update(changes)
    bad = path.with_name(f"bad-{len(list(path.parent.glob('bad-*')))}-{path.name}")
    bad.write_text(json.dumps(doc), "utf-8")
    return bad


def test_the_recipient_rejects_tampered_or_misaddressed_files(two_units) -> None:  # type: ignore[no-untyped-def]
    desk, other, there, tmp = two_units
    out = tmp / "f.json"
    desk.forward("WBS-2026-0007", other, Draft("Ringkasan."), out, target="kpk")
    doc = json.loads(out.read_text("utf-8"))
    sealed = bytearray(b64u_decode(doc["envelope"]))
    sealed[-1] ^= 1
    signature = bytearray(b64u_decode(doc["signature"]))
    signature[0] ^= 1
    third = make_workstation(tmp / "third", unit_id="pihak-ketiga")
    cases = {
        "signature does not verify": _tamper(out, envelope=b64u_encode(bytes(sealed))),
        "signature does not verify ": _tamper(out, signature=b64u_encode(bytes(signature))),
        "sender card": _tamper(out, from_card="{}"),
        "signature does not verify  ": _tamper(out, from_card=third.to_json().decode()),
        "not to this unit": _tamper(out, to_unit_id="lain"),
        "missing or unknown fields": _tamper(out, extra=1),
        "version": _tamper(out, version=2),
    }
    for check, path in cases.items():
        with pytest.raises(ForwardRejected, match=check.strip()):
            _open_there(there, path)
    # the sender's own card, pinned, accepts; another pinned card refuses
    assert _open_there(there, out, expected_sender=desk.card).summary == "Ringkasan."
    with pytest.raises(ForwardRejected, match="not the unit whose card"):
        _open_there(there, out, expected_sender=third)
    # this unit cannot read the file as if it were addressed to it
    with pytest.raises(ForwardRejected, match="not to this unit"):
        desk.open_forward(out)
    assert other.unit_id == "kpk-demo"


def test_cli_forward_and_open_forward(two_units, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from workstation.cli import main

    desk, other, there, tmp = two_units
    card_file = there / "unit-card.json"
    folder = desk.folder
    desk.close()
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSPHRASE + "\nRingkasan singkat.\n"))
    assert main(["forward", "WBS-2026-0007", "--to", str(card_file), "--target", "kpk",
                 "--out", str(tmp / "cli.json"), "-C", str(folder)]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert other.fingerprint() in out and "left out" in out and "how_known" in out
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSPHRASE + "\n"))
    assert main(["open-forward", str(tmp / "cli.json"), "-C", str(there)]) == 0
    out = capsys.readouterr().out
    assert "Ringkasan singkat." in out and "Siti" not in out
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSPHRASE + "\n"))
    assert main(["open-forward", str(tmp / "cli.json"), "-C", str(folder)]) == 1
    assert "error: forwarded file rejected" in capsys.readouterr().err


def test_risks_follow_the_reports_questionnaire_version() -> None:
    from workstation.forwarding import risk_of
    from workstation.questionnaire import form

    version = json.loads(json.dumps(form()))
    version["fields"] += [
        {"id": "saksi", "type": "textarea", "label": {"id": "Saksi", "en": "Witnesses"}},
        {"id": "nama_saksi", "type": "text", "label": {"id": "Nama saksi", "en": "Witness"}},
        {"id": "jenjang", "type": "select", "label": {"id": "Jenjang", "en": "Level"},
         "options": [{"value": "pusat", "label": {"id": "Pusat", "en": "Central"}}]},
    ]  # fmt: skip
    risks = {key: risk_of(key, version) for key in
             ("how_known", "what", "who_name", "category", "saksi", "nama_saksi", "jenjang",
              "tidak_dikenal")}  # fmt: skip
    assert risks == {
        "how_known": "identifying", "what": "review", "who_name": "ok", "category": "ok",
        "saksi": "review",  # long free text, whoever wrote the question
        "nama_saksi": "review",  # a short free-text question the unit added: read it first
        "jenjang": "ok",  # a choice from a list
        "tidak_dikenal": "identifying",  # not in the report's version at all
    }  # fmt: skip
    assert risk_of("saksi", form()) == "identifying"  # the built-in form does not have it
