"""The workstation UI in plain words, by the report's own questionnaire version (issue 15).

A report made with version 2 of the unit's questionnaire, published in the
console and carried by the export bundle: version 2 words one question and one
category its own way and adds a long-text question. The reporter's browser
sends every question, the unanswered ones empty, as the report page does.
In a real browser, in both engines and both languages:

- the case page and the forwarding page name each answer by version 2's
  question, the chosen option in the page's language only, and leave the
  blank answers out (no ``who_position``, no ``how_known``);
- the triage categories and the leadership report's category are version 2's;
- the forwarding page preselects no target: the inspector chooses one;
- the case list and the case page fit a 375 px phone;
- nothing English on the Indonesian pages: the unlock error, the queued
  reply's note, what the attachment is;
- the report's charts: every label inside its picture, a hidden figure ("<3")
  hatched and explained in a legend, the period in words.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page
from test_ws_support import PASSPHRASE, TODAY, CaseSpec, export_bundle, make_workstation, sealed

from browser.conftest import assert_engine, loopback_socket, open_page, serve_app
from browser.test_ws_ui_browser import Workstation, expected_refusal, lock, unlock
from crypto import questionnaire_doc
from crypto.b64 import b64u_encode
from crypto.bundle import BundleReader
from crypto.bundle_schema import QUESTIONNAIRE, Kind
from crypto.bundle_writer import BundleWriter
from crypto.secret import SecretStr
from crypto.unit_card import UnitCard
from workstation.desk import Desk
from workstation.ui.app import create_ui_app

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
WHAT_ID, WHAT_EN = "Ceritakan kejadiannya (versi 2)", "Tell us what happened (version 2)"
WITNESS_ID, WITNESS_EN = "Siapa saja saksinya? (versi 2)", "Who witnessed it? (version 2)"
BRIBERY_ID = "Suap, pemerasan, dan pungutan liar oleh pejabat atau pegawai di unit kerja (versi 2)"
BRIBERY_EN = "Bribery, extortion and illegal levies by officials or staff of a work unit (v2)"
ANSWERS = {
    "category": "suap",
    "what": "Pungutan Rp 500.000 untuk setiap izin usaha.",
    "who_name": "Kepala Seksi Perizinan",
    "who_position": "",
    "who_agency": "",
    "where": "Kantor perizinan",
    "when": "Oktober 2026",
    "how": "",
    "how_known": "",
    "estimated_loss": "",
    "reported_elsewhere": "tidak",
    "evidence_description": "",
    "saksi": "Dua pemohon izin",
}
BLANK = [key for key, value in ANSWERS.items() if not value]
ISO_DAY = re.compile(r"\b\d{4}-\d{2}(-\d{2})?\b")


def version_2() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(
        (ROOT / "workstation/forms/wbs-default.json").read_text("utf-8")
    )
    document["version"] = 2
    fields = {f["id"]: f for f in document["fields"]}
    fields["what"]["label"] = {"id": WHAT_ID, "en": WHAT_EN}
    for option in fields["category"]["options"]:
        if option["value"] == "suap":
            option["label"] = {"id": BRIBERY_ID, "en": BRIBERY_EN}
    document["fields"].append({"id": "saksi", "type": "textarea", "required": False,
                               "label": {"id": WITNESS_ID, "en": WITNESS_EN}})  # fmt: skip
    return document


def with_version(bundle: bytes, document: dict[str, Any]) -> bytes:
    """The export bundle with the questionnaire version first, as the online vault writes it."""
    reader = BundleReader(io.BytesIO(bundle), Kind.EXPORT, io.BytesIO)
    entries = [(e.type, e.meta, e.data.read()) for e in reader.entries()]
    out = io.BytesIO()
    writer = BundleWriter(out, Kind.EXPORT, reader.header)
    meta = {"version": document["version"], "digest": questionnaire_doc.digest(document)}
    writer.add(QUESTIONNAIRE, meta, questionnaire_doc.canonical(document))
    for entry_type, entry_meta, data in entries:
        writer.add(entry_type, entry_meta, data)
    writer.finish()
    return out.getvalue()


def version_2_case(card: UnitCard, document: dict[str, Any]) -> CaseSpec:
    """A case as the report page makes it on version 2: every question sent, a text file."""
    case = CaseSpec("WBS-2026-0021")
    unit_key, reporter_key = card.xwing_public_key, case.reporter.public()
    receipt = b"Kuitansi pungutan izin usaha: Rp 500.000\n"
    attached = sealed(card.unit_id, [unit_key], case, "attachment", receipt)
    case.items.clear()
    described = {"item_id": b64u_encode(attached.item_id), "name": "kuitansi.txt",
                 "type": "text/plain", "size": len(receipt), "cleaned": False}  # fmt: skip
    tip = {"questionnaire": "wbs-default", "questionnaire_version": 2,
           "questionnaire_digest": questionnaire_doc.digest(document), "lang": "id",
           "answers": ANSWERS, "attachments": [described]}  # fmt: skip
    sealed(card.unit_id, [unit_key, reporter_key], case, "tip", json.dumps(tip).encode())
    case.items.append(attached)
    return case


@pytest.fixture
def workstation(tmp_path: Path) -> Iterator[Workstation]:
    folder = tmp_path / "ws"
    card = make_workstation(folder)
    document = version_2()
    canonical, digest = questionnaire_doc.canonical(document), questionnaire_doc.digest(document)
    assert questionnaire_doc.load(canonical, digest)  # a version the console could publish
    case = version_2_case(card, document)
    bundle = with_version(export_bundle(card.unit_id, [case]), document)
    (tmp_path / "ekspor.peluit").write_bytes(bundle)
    with Desk.open(folder, SecretStr(PASSPHRASE), today=TODAY) as desk:
        desk.import_bundle(tmp_path / "ekspor.peluit")
    sock = loopback_socket()
    app = create_ui_app(folder, port=sock.getsockname()[1], today=TODAY)
    with serve_app(app, csp=None, sock=sock) as base:
        yield Workstation(folder, case.case_id.hex(), base)
    assert app.state.ui.desk is None, "the test left the workstation unlocked"


def no_raw_keys(text: str) -> None:
    for key in [*BLANK, "saksi", "who_name", "reported_elsewhere", "category"]:
        assert not re.search(rf"(?<![\w-]){key}(?![\w-])", text), key


def test_the_case_page_names_answers_by_the_reports_version(
    page: Page, engine: str, workstation: Workstation
) -> None:
    ws = workstation
    open_page(page, ws.base, "/masuk")
    assert_engine(page, engine)
    unlock(page, ws)
    page.goto(f"{ws.base}/kasus/{ws.case_id}")
    report = page.locator("dl.answers")
    questions = report.locator("dt").all_inner_texts()
    assert questions == ["Jenis pelanggaran", WHAT_ID, "Siapa yang melakukan? (nama)",
                         "Di mana terjadinya?", "Kapan terjadinya?",
                         "Sudah dilaporkan ke pihak lain?", WITNESS_ID]  # fmt: skip
    words = report.locator("dd").all_inner_texts()
    assert words[0] == BRIBERY_ID and words[5] == "Belum" and words[6] == "Dua pemohon izin"
    no_raw_keys(report.inner_text())
    assert BRIBERY_EN not in page.content() and " / " not in report.inner_text()
    options = page.locator("#category option").all_inner_texts()
    assert BRIBERY_ID in options and "Suap, pemerasan, pungli" not in options
    attachment = page.locator(".attachment").first.inner_text()
    assert "Jenis terdeteksi: teks biasa" in attachment and "unknown" not in attachment

    page.goto(f"{ws.base}/en/kasus/{ws.case_id}")
    report = page.locator("dl.answers")
    assert report.locator("dt").all_inner_texts()[1] == WHAT_EN
    words = report.locator("dd").all_inner_texts()
    assert words[0] == BRIBERY_EN and words[5] == "No"
    assert BRIBERY_ID not in report.inner_text()
    no_raw_keys(report.inner_text())
    assert "Sniffed type: plain text" in page.locator(".attachment").first.inner_text()
    page.get_by_role("button", name="Lock").click()
    page.wait_for_load_state()


def test_the_forwarding_page_asks_for_a_target_and_names_answers_by_version(
    page: Page, engine: str, workstation: Workstation, tmp_path: Path
) -> None:
    ws = workstation
    open_page(page, ws.base, "/masuk")
    assert_engine(page, engine)
    unlock(page, ws)
    page.goto(f"{ws.base}/kasus/{ws.case_id}/limpahkan")
    answers = page.locator("fieldset")
    labels = answers.locator("label").all_inner_texts()
    assert [label.strip() for label in labels] == [
        "Jenis pelanggaran", WHAT_ID, "Siapa yang melakukan? (nama)", "Di mana terjadinya?",
        "Kapan terjadinya?", "Sudah dilaporkan ke pihak lain?", WITNESS_ID]  # fmt: skip
    no_raw_keys(answers.inner_text())
    assert BRIBERY_ID in answers.inner_text() and BRIBERY_EN not in answers.inner_text()
    # version 2's own long-text question is free text: read before it goes, not sent by default
    witness = page.locator(".field", has_text=WITNESS_ID)
    assert "review" in (witness.get_attribute("class") or "")
    assert not witness.locator("input").is_checked()
    # no target chosen for the inspector: an empty, required choice
    target = page.locator("#target")
    assert target.input_value() == ""
    assert target.evaluate("s => s.required") is True
    assert page.locator("#target option:checked").inner_text() == "(pilih tujuan pelimpahan)"
    # the browser itself will not send the form without a target
    other = make_workstation(tmp_path / "kpk", unit_id="kpk-demo")
    page.fill("#card", str(tmp_path / "kpk" / "unit-card.json"))
    page.fill("#summary", "Dugaan pungutan liar pada perizinan.")
    page.fill("#out", str(tmp_path / "limpah.json"))
    page.get_by_role("button", name="Periksa kartu").click()
    assert page.locator("#target").evaluate("s => s.validity.valueMissing") is True
    page.select_option("#target", "kpk")
    page.get_by_role("button", name="Periksa kartu").click()
    page.wait_for_load_state()
    assert other.fingerprint() in page.locator(".fingerprint").inner_text()
    assert page.locator("#target").input_value() == "kpk"
    page.check("input[name=fingerprint_ok]")
    page.get_by_role("button", name="Segel, tandatangani, dan tulis").click()
    page.wait_for_load_state()
    sent = page.locator("main").inner_text()
    assert "Isian yang dikirim: Jenis pelanggaran; Siapa yang melakukan? (nama)" in sent
    no_raw_keys(sent)
    page.get_by_role("link", name="Kembali").click()
    page.wait_for_load_state()
    forwarded = page.locator("section[aria-labelledby=h-forward]").inner_text()
    assert "Jenis pelanggaran; Siapa yang melakukan? (nama)" in forwarded
    assert not ISO_DAY.search(forwarded)
    lock(page, ws)


def test_the_case_list_and_the_case_page_fit_a_phone(page: Page, workstation: Workstation) -> None:
    ws = workstation
    page.set_viewport_size({"width": 375, "height": 740})
    unlock(page, ws)
    fits = "() => document.documentElement.scrollWidth <= window.innerWidth"
    for path in ("/", f"/kasus/{ws.case_id}", f"/kasus/{ws.case_id}/limpahkan", "/en/"):
        page.goto(ws.base + path)
        assert page.evaluate(fits), (path, page.evaluate("document.documentElement.scrollWidth"))
    page.goto(ws.base + "/")
    reference = page.get_by_role("link", name="WBS-2026-0021")
    assert reference.evaluate("a => a.getClientRects().length") == 1  # not WBS- / 2026- / 0021
    assert "Diterima" in page.locator("tbody tr").inner_text()
    lock(page, ws)


def test_nothing_english_on_the_indonesian_pages(page: Page, workstation: Workstation) -> None:
    ws = workstation
    open_page(page, ws.base, "/masuk")
    page.fill("#passphrase", "bukan frasa sandi yang benar sama sekali")
    page.get_by_role("button", name="Buka", exact=True).click()
    said = page.locator("p.error").inner_text()
    assert said == "frasa sandi salah, atau berkas kunci telah diubah"
    expected_refusal(page, 400)
    unlock(page, ws)
    page.goto(f"{ws.base}/kasus/{ws.case_id}")
    page.fill("#reply-text", "Terima kasih, laporan sedang kami pelajari.")
    page.get_by_role("button", name="Antrekan balasan").click()
    page.wait_for_load_state()
    note = page.locator(".item.unit .meta").inner_text()
    assert "ditandatangani unit; menunggu, belum dikirim" in note
    assert "signed" not in note and "queued" not in note
    page.goto(f"{ws.base}/en/kasus/{ws.case_id}")
    english = page.locator(".item.unit .meta").inner_text()
    assert "signed by the unit; queued, not sent yet" in english
    page.get_by_role("button", name="Lock").click()
    page.wait_for_load_state()


LABELS_INSIDE = """(svg) => {
    const width = svg.viewBox.baseVal.width;
    return [...svg.querySelectorAll('text')].map((t) => {
        const box = t.getBBox();
        // a glyph may overhang its origin by a fraction of a pixel
        return [t.textContent, box.x >= -1 && box.x + box.width <= width + 1];
    });
}"""


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_report_charts_show_every_label_and_hatch_hidden_figures(
    page: Page, workstation: Workstation, lang: str
) -> None:
    ws = workstation
    unlock(page, ws)
    prefix = "/en" if lang == "en" else ""
    page.goto(f"{ws.base}{prefix}/laporan?period=2026-11")
    report = page.locator("section.report")
    heading = report.locator("h2").inner_text()
    assert ("November 2026" in heading) and not ISO_DAY.search(heading), heading
    category = page.locator("svg#chart-category")
    bribery, other = (BRIBERY_ID, BRIBERY_EN) if lang == "id" else (BRIBERY_EN, BRIBERY_ID)
    assert bribery in (category.text_content() or "")
    assert other not in report.inner_text()
    for chart in page.locator("svg.chart").all():
        inside = chart.evaluate(LABELS_INSIDE)
        assert all(ok for _text, ok in inside), inside
    # one case: its category is hidden as "<3", drawn hatched, not as an empty track
    masked = category.locator("rect.masked")
    assert masked.count() == 2  # the hidden bar and the legend's swatch
    assert masked.first.get_attribute("fill") == "url(#chart-category-hatch)"
    assert category.locator("rect.fill").count() == 0
    legend = category.locator(".legend").text_content() or ""
    assert ("Arsiran: angka disembunyikan" if lang == "id" else "Hatched: figure hidden") in legend
    table = report.locator("table.figures").first.inner_text()
    assert bribery in table and "<3" in table and " / " not in table
    if lang == "id":
        lock(page, ws)
    else:
        page.get_by_role("button", name="Lock").click()
        page.wait_for_load_state()


def test_a_chart_keeps_long_labels_and_wide_figures_inside(page: Page) -> None:
    from workstation.charts import Bar, bar_chart

    long_label = f"{BRIBERY_ID} / {BRIBERY_EN} / " + "sangat panjang " * 8
    bars = [Bar(long_label, "120/120 (100%)", 1.0), Bar("Kolusi", "<3", None, masked=True),
            Bar("x" * 200, "≥3", None, masked=True)]  # fmt: skip
    legend = "Arsiran: angka disembunyikan (<3 berarti 1 atau 2; ≥3 ditutup) " * 2
    page.set_content(f"<!doctype html><body>{bar_chart('c', 'Judul', bars, legend)}</body>")
    inside = page.locator("svg").evaluate(LABELS_INSIDE)
    assert len(inside) >= 6 and all(ok for _text, ok in inside), inside
