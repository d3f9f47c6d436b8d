"""Report layouts: both shipped layouts render their periods and sections, the unit's
choice persists, the unit's own layout is checked, and days read as words."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
import test_ws_reports
from test_ws_support import PASSPHRASE, TODAY

from crypto.secret import SecretStr
from workstation import report_layout, reports
from workstation.cli_words import translated
from workstation.desk import Desk
from workstation.errors import Refused

desk = test_ws_reports.desk  # the fixture: eight cases, seven of them in November

EXPECTED = {  # layout: (periods it takes, sections in order, a title it prints)
    "pergub-ntb-5-2024": (["2026-11", "2026-Q4", "2026"],
                          ["category", "status", "agency", "outcome", "referral", "compliance"],
                          "Pergub NTB"),
    "nasional": (["2026-11", "2026-Q4", "2026-S2", "2026"],
                 ["category", "status", "compliance", "outcome"], "MenPANRB Nomor 08 Tahun 2012"),
}  # fmt: skip
OWN: dict[str, Any] = {
    "format": "peluit-report-layout-1",
    "name": "kabupaten-contoh",
    "comment": "a unit's own layout, for the test",
    "title": {"id": "Laporan WBS Kabupaten", "en": "Regency WBS report"},
    "intro": {"id": "Untuk Bupati.", "en": "For the Regent."},
    "periods": ["semester"],
    "sections": [{"show": "outcome", "title": {"id": "Hasil", "en": "Outcome"}},
                 {"show": "category", "title": {"id": "Kategori", "en": "Category"}}],
}  # fmt: skip


def _csv_sections(text: str) -> list[str]:
    seen: list[str] = []
    for row in list(csv.reader(io.StringIO(text)))[4:]:
        section = row[0].split(":")[0].replace("deadline", "compliance")
        if section not in seen:
            seen.append(section)
    return seen


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_layout_renders_its_periods_and_sections(
    desk: Desk, name: str, tmp_path: Path
) -> None:
    periods, sections, cited = EXPECTED[name]
    layout = report_layout.load(desk.folder, name)
    assert [reports.Period.parse(p).kind for p in periods] == list(layout.periods)
    for text in periods:
        report = reports.build(desk, reports.Period.parse(text), layout=layout)
        html, table = reports.to_html(report), reports.to_csv(report)
        assert re.findall(r'<h3 data-section="([a-z]+)">', html) == sections
        assert re.findall(r'<svg class="chart" id="chart-([a-z]+)"', html) == sections
        assert cited in html and layout.title.id in html and layout.title.en in html
        assert next(csv.reader(io.StringIO(table.splitlines()[1]))) == [
            "layout",
            name,
            layout.title.both,
        ]
        filled = {t.key for t in report.tables if t.rows} | {"compliance"}  # empty: no CSV row
        assert _csv_sections(table) == [s for s in sections if s in filled]
        for output in (html, table):
            assert "WBS-" not in output and "RAHASIA" not in output
    written = reports.write(reports.build(desk, reports.Period.parse("2026-11"), layout=layout),
                            tmp_path / name)  # fmt: skip
    assert [p.suffix for p in written] == [".html", ".csv"]


def test_a_period_the_layout_does_not_take_is_refused_in_both_languages(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    pergub = report_layout.load(desk.folder, "pergub-ntb-5-2024")
    with pytest.raises(Refused) as refused:
        reports.build(desk, reports.Period.parse("2026-S2"), layout=pergub)
    message = refused.value.user_message
    assert "does not report by half-year" in message and "2026-11, 2026-Q4, 2026" in message
    monkeypatch.setenv("LC_ALL", "id_ID.UTF-8")
    indonesian = translated(message)
    assert "tidak melaporkan per semester" in indonesian and "2026-11, 2026-Q4, 2026" in indonesian


def test_semester_periods() -> None:
    first, second = reports.Period.parse("2026-S1"), reports.Period.parse("2026-S2")
    assert (str(first.start), str(first.end), first.kind) == (
        "2026-01-01",
        "2026-06-30",
        "semester",
    )
    assert (str(second.start), str(second.end)) == ("2026-07-01", "2026-12-31")
    with pytest.raises(Refused):
        reports.Period.parse("2026-S3")


def test_small_counts_stay_masked_in_the_national_layout(desk: Desk) -> None:
    nasional = report_layout.load(desk.folder, "nasional")
    report = reports.build(desk, reports.Period.parse("2026-S2"), layout=nasional)
    rows = {(r[0], r[1]): r[2] for r in csv.reader(io.StringIO(reports.to_csv(report)))}
    assert rows[("category", "Gratifikasi / Gratification (improper gifts)")] == "<3"
    assert rows[("status", "Selesai / Concluded")] == "<3"
    assert rows[("outcome", "Terbukti / Proven")] == "<3"
    assert (
        rows[("deadline:first_followup", "Tindak lanjut awal / First follow-up (5 working days)")]
        == "<3"
    )
    assert "<3" in reports.to_html(report) or "&lt;3" in reports.to_html(report)


def test_days_are_words_in_both_languages(desk: Desk) -> None:
    html = reports.to_html(reports.build(desk, reports.Period.parse("2026-Q4")))
    assert "1 Okt 2026 – 31 Des 2026" in html and "1 Oct 2026 – 31 Dec 2026" in html
    # as of the workstation's day (TODAY, 23 November 2026, a Monday)
    assert "data per Senin, 23 November 2026" in html and "as of Monday, 23 November 2026" in html
    assert str(TODAY) not in html


def test_the_units_choice_persists(desk: Desk) -> None:
    folder = desk.folder
    assert report_layout.chosen_name(desk.store) == "pergub-ntb-5-2024"  # what it always was
    report_layout.choose(folder, desk.store, "nasional")
    desk.close()
    with Desk.open(folder, SecretStr(PASSPHRASE), today=TODAY) as again:
        report = reports.build(again, reports.Period.parse("2026-S2"))
        assert report.layout.name == "nasional"
        with pytest.raises(Refused, match="no report layout 'daerah-lain'; available: nasional"):
            report_layout.choose(folder, again.store, "daerah-lain")
        assert report_layout.chosen_name(again.store) == "nasional"


def test_cli_chooses_and_adds_layouts(desk: Desk, tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from workstation.cli import main

    folder = desk.folder
    desk.close()

    def run(*args: str) -> int:
        monkeypatch.setattr("sys.stdin", io.StringIO(PASSPHRASE + "\n"))
        return main([*args, "-C", str(folder)])

    assert run("report-layout") == 0
    out = capsys.readouterr().out
    assert "* pergub-ntb-5-2024" in out and "  nasional" in out
    assert "dipakai / in use: pergub-ntb-5-2024" in out
    assert run("report-layout", "nasional") == 0
    assert "* nasional" in capsys.readouterr().out
    assert run("report", "--period", "2026-S2", "--out", str(tmp_path / "r")) == 0
    assert "tata letak / layout: nasional" in capsys.readouterr().out
    (tmp_path / "own.json").write_text(json.dumps(OWN), "utf-8")
    assert run("report-layout", "--add", str(tmp_path / "own.json")) == 0
    assert "* kabupaten-contoh" in capsys.readouterr().out
    assert (folder / "report-layouts" / "kabupaten-contoh.json").is_file()
    assert run("report", "--period", "2026-S2", "--out", str(tmp_path / "k")) == 0
    html = (tmp_path / "k" / "peluit-report-2026-S2.html").read_text("utf-8")
    assert re.findall(r'<h3 data-section="([a-z]+)">', html) == ["outcome", "category"]
    assert "Untuk Bupati." in html
    assert run("report", "--period", "2026-11", "--out", str(tmp_path / "m")) == 1
    assert "does not report by month" in capsys.readouterr().err
    assert run("report", "--period", "2026-11", "--layout", "pergub-ntb-5-2024",
               "--out", str(tmp_path / "m")) == 0  # fmt: skip
    capsys.readouterr()
    # an inspector edits the kept file and breaks it: refused when the report is made
    kept = folder / "report-layouts" / "kabupaten-contoh.json"
    kept.write_text(kept.read_text("utf-8").replace('"semester"', '"weekly"'), "utf-8")
    assert run("report", "--period", "2026-S2", "--out", str(tmp_path / "x")) == 1
    err = capsys.readouterr().err
    assert 'periode "weekly" tidak dikenal' in err and 'unknown period "weekly"' in err
    assert run("report-layout") == 0
    assert "! kabupaten-contoh: tata letak laporan" in capsys.readouterr().out


def _broken(**change: Any) -> bytes:
    doc = {**OWN, **change}
    return json.dumps({k: v for k, v in doc.items() if v is not None}).encode()


@pytest.mark.parametrize(
    ("data", "indonesian", "english"),
    [
        (b"{ not json", "bukan JSON yang sah (baris 1)", "not valid JSON (line 1)"),
        (b"[]", "satu objek JSON", "one JSON object"),
        (_broken(format="peluit-report-layout-9"), '"format" harus', '"format" must be'),
        (_broken(colour="red"), "kunci tidak dikenal: colour", "unknown keys: colour"),
        (_broken(name="Kabupaten Contoh"), '"name" hanya huruf kecil', '"name" is lowercase'),
        (_broken(title={"id": "Laporan"}), '"title" harus berisi teks "id" dan "en"',
         '"title" must hold an "id" and an "en" text'),
        (_broken(periods=[]), '"periods" harus daftar', '"periods" must be a non-empty list'),
        (_broken(periods=["weekly"]), 'periode "weekly" tidak dikenal', 'unknown period "weekly"'),
        (_broken(sections=[{"show": "reporters", "title": {"id": "a", "en": "b"}}]),
         'bagian ke-1: "reporters" tidak dikenal', 'section 1: unknown "reporters"'),
        (_broken(sections=[{"show": "status"}]), 'bagian ke-1 harus berisi "show" dan "title"',
         'section 1 must hold "show" and "title" only'),
        (_broken(sections=[{"show": "status", "title": {"id": "a", "en": "b"}}] * 2),
         "satu bagian disebut dua kali", "a section is named twice"),
        (_broken(name="nasional"), "tata letak bawaan", "a shipped layout"),
        (b" " * (65 * 1024), "lebih dari 64 KB", "over 64 KB"),
    ],
)  # fmt: skip
def test_a_bad_layout_file_is_refused_with_a_clear_message(
    tmp_path: Path, data: bytes, indonesian: str, english: str
) -> None:
    (tmp_path / "bad.json").write_bytes(data)
    with pytest.raises(report_layout.LayoutRefused) as refused:
        report_layout.add(tmp_path, tmp_path / "bad.json")
    message = refused.value.user_message
    assert message.startswith(f"tata letak laporan {tmp_path / 'bad.json'}: ")
    assert indonesian in message and english in message
    assert not (tmp_path / "report-layouts").exists() or not any(
        (tmp_path / "report-layouts").iterdir()
    )


def test_shipped_layouts_are_valid_and_named_after_their_files() -> None:
    for name, data in report_layout.shipped().items():
        layout = report_layout.parse(data, name)
        assert layout.name == name and layout.comment
