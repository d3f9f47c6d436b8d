"""Reading cases: labels, terminal safety, closed identities, sniffing, saving attachments."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from test_ws_support import PASSPHRASE, TODAY, export_bundle, make_workstation, report_case

from crypto.secret import SecretStr
from workstation.attachments import safe_file_name
from workstation.desk import Desk
from workstation.errors import Refused
from workstation.sniff import sniff_bytes
from workstation.terminal import safe_line, safe_text

ROOT = Path(__file__).resolve().parent.parent


def _zip(names: list[str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, b"<x/>")
    return out.getvalue()


CRAFTED = {
    "pdf": (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF", "pdf", False),
    "pdf-js": (b"%PDF-1.4\n1 0 obj << /OpenAction 2 0 R /S /JavaScript >>", "pdf", True),
    "pdf-escaped": (b"%PDF-1.4\n<< /S /J#61vaScript /JS (app.alert(1)) >>", "pdf", True),
    "pdf-launch": (b"%PDF-1.4\n<< /S /Launch /F (cmd.exe) >>", "pdf", True),
    "jpeg": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(100), "jpeg", False),
    "png": (b"\x89PNG\r\n\x1a\n" + bytes(100), "png", False),
    "docx": (_zip(["[Content_Types].xml", "word/document.xml"]), "ooxml", False),
    "docm": (_zip(["[Content_Types].xml", "word/vbaProject.bin"]), "ooxml", True),
    "zip": (_zip(["a.txt"]), "zip", False),
    "ole2": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "ole2", True),
    "pe": (b"MZ\x90\x00" + bytes(200), "pe", True),
    "elf": (b"\x7fELF\x02\x01\x01" + bytes(100), "elf", True),
    "macho": (b"\xcf\xfa\xed\xfe" + bytes(100), "macho", True),
    "script": (b"#!/bin/sh\nrm -rf ~\n", "script", True),
    "html": (b"\xef\xbb\xbf  <!DOCTYPE html><script>alert(1)</script>", "html", True),
    "svg": (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="x()">',
        "svg",
        True,
    ),
    "text": (b"just some notes\n", "text", False),
    "text-id": ("Kuitansi pengadaan: Rp 48,5 juta — dibayar\r\n\ttunai".encode(), "text", False),
    "binary": (b"notes\x00\x01\x02" + bytes(100), "unknown", False),
    "latin-1": ("Café crème".encode("latin-1"), "unknown", False),
    "empty": (b"", "unknown", False),
}


@pytest.mark.parametrize("name", sorted(CRAFTED))
def test_sniffing_crafted_files(name: str) -> None:
    data, kind, active = CRAFTED[name]
    result = sniff_bytes(data)
    assert result.kind == kind
    assert result.active is active


def test_pdf_marker_split_across_chunks_is_found() -> None:
    from workstation.sniff import Sniffer

    sniffer = Sniffer()
    sniffer.write(b"%PDF-1.4\n" + b" " * 5000 + b"<< /Open")
    sniffer.write(b"Action 2 0 R >>")
    assert sniffer.result().active


def test_terminal_escapes_are_neutralised() -> None:
    hostile = "ok\x1b[2J\x1b]52;c;ZXZpbA==\x07\rX\u202egnp.exe\x9b31m\ttab\nline"
    cleaned = safe_text(hostile)
    assert not any(ch in cleaned for ch in "\x1b\x07\r\u202e\x9b")
    assert cleaned.count("<U+") == 6
    assert cleaned.startswith("ok<U+001B>[2J<U+001B>]52;c;ZXZpbA==<U+0007><U+000D>X<U+202E>gnp")
    assert "<U+009B>31m\ttab\nline" in cleaned
    assert safe_line("a\nb\tc") == "a<U+000A>b c"


def test_file_names_from_reporters_are_made_harmless() -> None:
    assert safe_file_name("../../etc/passwd") == "passwd"
    assert safe_file_name("..\\..\\boot.ini") == "boot.ini"
    assert safe_file_name(".bashrc") == "bashrc"
    assert safe_file_name("a\x1b[31mb\u202e.pdf") == "a_31mb_.pdf"
    assert safe_file_name("") == "lampiran"
    assert len(safe_file_name("x" * 500 + ".pdf")) <= 100


def test_the_form_copy_equals_the_web_form() -> None:
    copy = json.loads((ROOT / "workstation/forms/wbs-default.json").read_text("utf-8"))
    original = json.loads((ROOT / "web/questionnaires/wbs-default.json").read_text("utf-8"))
    assert copy == original


@pytest.fixture
def desk(tmp_path: Path):  # type: ignore[no-untyped-def]
    card = make_workstation(tmp_path)
    answers = {"category": "pengadaan", "what": "Mark-up\x1b[31m anggaran", "where": "Dinas PU",
               "when": "2026", "who_name": "Pak X"}  # fmt: skip
    files = [(name, "application/octet-stream", CRAFTED[name][0]) for name in ("pdf-js", "png")]
    case = report_case(card, "WBS-2026-0001", answers=answers, attachments=files,
                       identity={"name": "Budi", "nip": "1985"})  # fmt: skip
    (tmp_path / "e.peluit").write_bytes(export_bundle(card.unit_id, [case]))
    with Desk.open(tmp_path, SecretStr(PASSPHRASE), today=TODAY) as opened:
        opened.import_bundle(tmp_path / "e.peluit")
        yield opened


def test_show_labels_answers_and_keeps_identity_closed(desk: Desk) -> None:
    view = desk.case("WBS-2026-0001")
    labels = {a.field_id: (a.label_id, a.value) for a in view.reading.answers}
    assert labels["category"] == (
        "Jenis pelanggaran",
        "Pengadaan barang/jasa / Procurement of goods/services",
    )
    assert labels["what"][0] == "Apa yang terjadi?"
    assert [a.field_id for a in view.reading.answers][:2] == ["category", "what"]
    kinds = [(a.number, a.sniffed.kind if a.sniffed else None, a.reporter_name)
             for a in view.reading.attachments]  # fmt: skip
    assert kinds == [(2, "pdf", "pdf-js"), (3, "png", "png")]
    assert view.reading.attachments[0].sniffed.active
    assert view.has_identity
    assert desk.identity_log() == []


def test_show_in_the_cli_strips_escapes_and_warns(desk: Desk, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from workstation.cli import main

    monkeypatch.setattr("sys.stdin", io.StringIO(PASSPHRASE + "\n"))
    assert main(["show", "WBS-2026-0001", "-C", str(desk.folder)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "Mark-up<U+001B>[31m anggaran" in out
    assert "WARNING: PDF with active content (/JavaScript, /OpenAction)" in out
    assert "Budi" not in out and "closed: use --open-identity" in out


def test_opening_an_identity_is_logged_append_only(desk: Desk) -> None:
    import sqlite3

    [identity] = desk.open_identity("WBS-2026-0001")
    assert identity == {"name": "Budi", "nip": "1985"}
    desk.open_identity("WBS-2026-0001")
    log = desk.identity_log()
    assert [(row[0], row[3], row[4]) for row in log] == [
        (1, "2026-11-23", "unit"),
        (2, "2026-11-23", "unit"),
    ]
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        desk.store._conn.execute("DELETE FROM identity_log")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        desk.store._conn.execute("UPDATE identity_log SET day = '2000-01-01'")


def test_save_writes_only_where_asked_and_never_overwrites(desk: Desk, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    saved = desk.save_attachment("WBS-2026-0001", "2", out / "evidence.bin")
    assert (out / "evidence.bin").read_bytes() == CRAFTED["pdf-js"][0]
    assert saved.sniffed.active and saved.metadata_note == ""
    with pytest.raises(Refused, match="never overwrites"):
        desk.save_attachment("WBS-2026-0001", "2", out / "evidence.bin")
    (out / "link").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(Refused, match="never overwrites"):
        desk.save_attachment("WBS-2026-0001", "2", out / "link")
    assert not (tmp_path / "elsewhere").exists()
    named = desk.save_attachment("WBS-2026-0001", "3", out, use_name=True)
    assert named.path == out / "png" and named.sniffed.kind == "png"
    assert sorted(p.name for p in out.iterdir()) == ["evidence.bin", "link", "png"]


def test_strip_metadata_says_when_mat2_is_missing(desk: Desk, tmp_path: Path) -> None:
    import shutil

    saved = desk.save_attachment("WBS-2026-0001", "3", tmp_path / "p.png", strip_metadata=True)
    if shutil.which("mat2") is None:
        assert saved.metadata_note.startswith("mat2 is not installed: metadata was NOT removed")
    else:
        assert "mat2" in saved.metadata_note


def test_triage_is_sealed_at_rest(desk: Desk) -> None:
    from workstation.triage import Triage

    desk.set_triage("WBS-2026-0001", Triage(agency="Dinas PU Rahasia", urgency="segera"))
    [summary] = desk.cases()
    assert summary.urgency == "segera"
    raw = (desk.folder / "store" / "workstation.sqlite").read_bytes()
    wal = desk.folder / "store" / "workstation.sqlite-wal"
    raw += wal.read_bytes() if wal.exists() else b""
    assert b"Dinas PU Rahasia" not in raw
    with pytest.raises(Refused):
        desk.set_triage("WBS-2026-0001", Triage(urgency="kapan-kapan"))


def test_blank_answers_are_left_out_and_an_option_keeps_both_languages_and_its_code() -> None:
    from workstation.questionnaire import form, labelled

    tip = {"questionnaire": "wbs-default", "lang": "id",
           "answers": {"category": "suap", "what": "  ", "who_position": "", "how": None,
                       "saksi": "", "catatan_lain": "Ada dua saksi."}}  # fmt: skip
    found = labelled(tip)
    assert found.form is form()  # no version named: the built-in form
    assert [a.field_id for a in found.answers] == ["category", "catatan_lain"]
    category, unknown = found.answers
    assert category.code == "suap" and category.label("en") == "Kind of wrongdoing"
    assert (category.words("id"), category.words("en")) == (
        "Suap, pemerasan, pungli", "Bribery, extortion, illegal levies")  # fmt: skip
    assert unknown.code == "" and unknown.label("id") == "catatan_lain"
    assert unknown.words("en") == unknown.words("id") == "Ada dua saksi."
