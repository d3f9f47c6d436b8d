"""Leadership reports: right counts in CSV and SVG, small cells hidden, no reference or text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from test_ws_support import PASSPHRASE, TODAY, export_bundle, make_workstation, report_case

from common.working_days import WorkingCalendar
from crypto.secret import SecretStr
from workstation import reports
from workstation.desk import Desk
from workstation.errors import Refused
from workstation.triage import Triage

ROOT = Path(__file__).resolve().parent.parent
SECRET_WHAT = "Kepala bidang RAHASIA menerima amplop"
BRIBERY = "Suap, pemerasan, pungli / Bribery, extortion, illegal levies"
GRATUITY = "Gratifikasi / Gratification (improper gifts)"
PROCUREMENT = "Pengadaan barang/jasa / Procurement of goods/services"

# reference, category, submitted, online status and its day, queued changes, agency
CASES = [
    ("WBS-2026-0001", "suap", "2026-11-02", "diterima", "2026-11-02", ["diverifikasi"], "Dinas PU"),
    ("WBS-2026-0002", "suap", "2026-11-20", "diterima", "2026-11-20", ["diverifikasi"], "Dinas PU"),
    ("WBS-2026-0003", "suap", "2026-11-19", "diterima", "2026-11-19", ["diverifikasi"], "Dinas PU"),
    ("WBS-2026-0004", "suap", "2026-11-18", "diterima", "2026-11-18", ["diverifikasi"], ""),
    ("WBS-2026-0005", "pengadaan", "2026-11-23", "diterima", "2026-11-23", [], ""),
    ("WBS-2026-0006", "pengadaan", "2026-11-03", "diterima", "2026-11-03", [], ""),
    ("WBS-2026-0007", "gratifikasi", "2026-11-10", "diverifikasi", "2026-11-12",
     ["ditindaklanjuti", "selesai"], ""),
    ("WBS-2026-0008", "suap", "2026-10-15", "diterima", "2026-10-15", [], ""),
]  # fmt: skip


@pytest.fixture
def desk(tmp_path: Path):  # type: ignore[no-untyped-def]
    card = make_workstation(tmp_path)
    specs = []
    for ref, category, submitted, status, day, _queued, _agency in CASES:
        answers = {"category": category, "what": SECRET_WHAT, "where": "x", "when": "y"}
        spec = report_case(card, ref, answers=answers)
        spec.status = status
        spec.meta_override = {"submitted": submitted, "status_day": day}
        specs.append(spec)
    (tmp_path / "e.peluit").write_bytes(export_bundle(card.unit_id, specs))
    with Desk.open(tmp_path, SecretStr(PASSPHRASE), today=TODAY) as opened:
        opened.import_bundle(tmp_path / "e.peluit")
        for ref, _c, _s, _st, _d, queued, agency in CASES:
            for new in queued:
                opened.queue_status(ref, new, outcome="terbukti" if new == "selesai" else None)
            if agency:
                opened.set_triage(ref, Triage(agency=agency))
        yield opened


def _rows(text: str) -> dict[tuple[str, str], str]:
    return {(r[0], r[1]): r[2] for r in csv.reader(io.StringIO(text))}


def test_counts_in_csv_for_a_month(desk: Desk) -> None:
    report = reports.build(desk, reports.Period.parse("2026-11"))
    rows = _rows(reports.to_csv(report))
    assert rows[("total", "cases submitted")] == "7"
    assert rows[("category", BRIBERY)] == "4"
    assert rows[("category", PROCUREMENT)] == "<3"
    assert rows[("category", GRATUITY)] == "<3"
    assert rows[("status", "Diverifikasi / Triaged")] == "4"
    assert rows[("status", "Diterima / Received")] == "<3"
    assert rows[("status", "Selesai / Concluded")] == "<3"
    assert rows[("agency", "Dinas PU")] == "3"
    assert rows[("agency", "Belum ditentukan / Not yet set")] == "4"
    assert rows[("outcome", "Terbukti / Proven")] == "<3"
    assert rows[("deadline:triage", "Verifikasi / Triage (3 working days)")] == "4/6 (67%)"
    follow_up = "Tindak lanjut awal / First follow-up (5 working days)"
    assert rows[("deadline:first_followup", follow_up)] == "<3"


def test_quarter_and_year_include_october(desk: Desk) -> None:
    quarter = reports.build(desk, reports.Period.parse("2026-Q4"))
    assert quarter.total == 8
    assert _rows(reports.to_csv(quarter))[("category", BRIBERY)] == "5"
    assert reports.build(desk, reports.Period.parse("2026")).total == 8
    assert reports.build(desk, reports.Period.parse("2025")).total == 0


def test_html_svg_has_the_same_figures_and_no_reference_or_text(desk: Desk, tmp_path: Path) -> None:
    report = reports.build(desk, reports.Period.parse("2026-11"))
    written = reports.write(report, tmp_path / "out")
    html, table = (p.read_text("utf-8") for p in written)
    assert [p.name for p in written] == ["peluit-report-2026-11.html", "peluit-report-2026-11.csv"]
    svg = re.search(r'<svg class="chart" id="chart-category".*?</svg>', html, re.S).group(0)  # type: ignore[union-attr]
    assert f"<title>{BRIBERY}: 4</title>" in svg
    assert '<text class="value"' in svg and ">4</text>" in svg
    assert f"{GRATUITY}: &lt;3" in svg
    # a hidden cell draws no bar: three rows, two hidden, one fill
    assert svg.count('class="fill"') == 1
    for output in (html, table):
        assert "WBS-" not in output and "RAHASIA" not in output and "amplop" not in output
    assert "<script" not in html and "Pembina" in html and "Pergub NTB" in html
    with pytest.raises(Refused, match="never overwrites"):
        reports.write(report, tmp_path / "out")


def test_cli_report(desk: Desk, tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from workstation.cli import main

    folder = desk.folder
    desk.close()
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSPHRASE + "\n"))
    args = ["--out", str(tmp_path / "r"), "-C", str(folder)]
    assert main(["report", "--period", "2026-Q4", *args]) == 0
    assert "8 case(s) submitted in 2026-Q4" in capsys.readouterr().out
    assert (tmp_path / "r" / "peluit-report-2026-Q4.csv").is_file()
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSPHRASE + "\n"))
    assert main(["report", "--period", "2026-13", *args]) == 1
    assert "error: the month is 01 to 12" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [("2026-11", "2026-11-01", "2026-11-30"), ("2026-02", "2026-02-01", "2026-02-28"),
     ("2026-Q4", "2026-10-01", "2026-12-31"), ("2026-Q1", "2026-01-01", "2026-03-31"),
     ("2026", "2026-01-01", "2026-12-31"), ("2028-02", "2028-02-01", "2028-02-29")],
)  # fmt: skip
def test_periods(text: str, start: str, end: str) -> None:
    period = reports.Period.parse(text)
    assert (period.start.isoformat(), period.end.isoformat()) == (start, end)


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-Q5", "26-11", "2026-11-01", ""])
def test_bad_periods(text: str) -> None:
    with pytest.raises(Refused):
        reports.Period.parse(text)


def test_small_cells_and_secondary_suppression() -> None:
    assert reports.suppress([0, 7]) == [("0", 0), ("7", 7)]
    assert reports.suppress([1, 2, 7]) == [("<3", None), ("<3", None), ("7", 7)]
    # one hidden cell alone would be total minus the rest: the next smallest goes too
    assert reports.suppress([5, 2, 4]) == [("5", 5), ("<3", None), ("≥3", None)]
    assert reports.suppress([2]) == [("<3", None)]


def test_the_workstation_folder_file_replaces_the_packaged_calendar(tmp_path: Path) -> None:
    """One calendar (common/working_days.py); the folder's own file wins, a bad one is refused."""
    assert WorkingCalendar.for_folder(tmp_path).is_working_day(dt.date(2027, 2, 8))
    assert not WorkingCalendar.for_folder(tmp_path).is_working_day(dt.date(2026, 3, 23))
    years = {"2027": {"source": "uji", "days": ["2027-02-08"]}}
    (tmp_path / "cuti_bersama.json").write_text(
        json.dumps({"format": "peluit-cuti-bersama-v1", "years": years})
    )
    local = WorkingCalendar.for_folder(tmp_path)
    assert not local.is_working_day(dt.date(2027, 2, 8))
    assert local.is_working_day(dt.date(2026, 3, 23))  # the file replaces, it does not merge
    (tmp_path / "cuti_bersama.json").write_text('{"format": "peluit-cuti-bersama-v1"}')
    with pytest.raises(Refused, match="fields must be"):
        reports._calendar(tmp_path)
