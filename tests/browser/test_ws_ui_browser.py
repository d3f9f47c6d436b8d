"""The workstation's local UI in a real browser, in both engines.

A workstation store with a real imported export bundle, ``create_ui_app`` on a
loopback uvicorn server (as ``peluit-ws ui`` runs it), and Chromium doing what
an inspector does: unlock with the passphrase, the case list, a case page, a
reply, a status change, saving an attachment, locking. Then the store is read
back with the Desk.

The same browser, signed in, is then attacked by a page on another loopback
origin (same site: another port, so the ``SameSite=Strict`` cookie does go
along): its forms, with and without a hidden origin, must be refused by the
UI's origin check before any route runs, and nothing must change.

An attachment named ``laporan<U+202E>fdp.exe`` must show the marker, not
``laporanexe.pdf``.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page
from test_ws_support import PASSPHRASE, TODAY, export_bundle, make_workstation, report_case

from browser.conftest import assert_engine, loopback_socket, open_page, serve_app, serve_static
from crypto.secret import SecretStr
from workstation.desk import Desk
from workstation.ui.app import create_ui_app

pytestmark = pytest.mark.browser

RLO_NAME = "laporan\u202efdp.exe"  # a browser obeying U+202E shows "laporanexe.pdf"
PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00 a Windows program, not a PDF"
ANSWERS = {
    "category": "suap",
    "what": "Kepala dinas menerima suap di\u202e kantor.",
    "where": "Dinas PU",
    "when": "Maret 2026",
}
REPLY = "Terima kasih. Mohon kirim salinan kuitansi <b>asli</b>."


@dataclass
class Workstation:
    folder: Path
    case_id: str
    base: str


@pytest.fixture
def workstation(tmp_path: Path) -> Iterator[Workstation]:
    folder = tmp_path / "ws"
    card = make_workstation(folder)
    case = report_case(card, "WBS-2026-0007", answers=ANSWERS,
                       attachments=[(RLO_NAME, "application/pdf", PROGRAM)])  # fmt: skip
    (tmp_path / "ekspor.peluit").write_bytes(export_bundle(card.unit_id, [case]))
    with Desk.open(folder, SecretStr(PASSPHRASE), today=TODAY) as desk:
        desk.import_bundle(tmp_path / "ekspor.peluit")
    sock = loopback_socket()
    app = create_ui_app(folder, port=sock.getsockname()[1], today=TODAY)
    with serve_app(app, csp=None, sock=sock) as base:  # the UI's own headers only
        yield Workstation(folder, case.case_id.hex(), base)
    # Each test locks through the browser: the Desk's SQLite connection belongs
    # to the server's thread and cannot be closed from this one.
    assert app.state.ui.desk is None, "the test left the workstation unlocked"


def expected_refusal(page: Page, status: int) -> None:
    """The browser logs a refused page load as a console error: take exactly that one."""
    record = page.peluit  # type: ignore[attr-defined]
    assert record.console_errors == [
        f"Failed to load resource: the server responded with a status of {status} "
        f"({ {400: 'Bad Request', 403: 'Forbidden'}[status] })"
    ]
    record.console_errors.clear()


def lock(page: Page, ws: Workstation) -> None:
    page.get_by_role("button", name="Kunci layar").click()
    page.wait_for_load_state()
    assert page.url == ws.base + "/masuk"


def unlock(page: Page, ws: Workstation) -> None:
    open_page(page, ws.base, "/masuk")
    assert page.get_attribute("#passphrase", "type") == "password"
    page.fill("#passphrase", PASSPHRASE)
    page.get_by_role("button", name="Buka", exact=True).click()
    page.wait_for_load_state()
    assert page.url == ws.base + "/"
    assert page.locator("h1").inner_text() == "Kasus"


def test_an_inspector_works_a_case_in_the_browser(
    page: Page, engine: str, workstation: Workstation, tmp_path: Path
) -> None:
    ws = workstation
    # -- a wrong passphrase first: refused, said so, still locked ------------------
    open_page(page, ws.base, "/masuk")
    assert_engine(page, engine)
    page.fill("#passphrase", "bukan kata sandi yang benar sama sekali")
    page.get_by_role("button", name="Buka", exact=True).click()
    assert page.locator("p.error").is_visible()
    assert "WBS-2026-0007" not in page.content()
    expected_refusal(page, 400)

    # -- unlock and the case list -------------------------------------------------
    unlock(page, ws)
    row = page.locator("tbody tr")
    assert row.count() == 1
    assert "WBS-2026-0007" in row.inner_text() and "Diterima" in row.inner_text()

    # -- the case page: the report, the attachment's name shown, not obeyed ---------
    page.get_by_role("link", name="WBS-2026-0007").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "WBS-2026-0007"
    report = page.locator("dl.answers").inner_text()
    assert "Kepala dinas menerima suap di<U+202E> kantor." in report
    attachment = page.locator(".attachment").first
    shown = attachment.inner_text()
    assert "laporan<U+202E>fdp.exe" in shown
    assert "\u202e" not in shown and "laporanexe.pdf" not in shown
    marker = attachment.locator("span.ctl").first
    assert marker.inner_text() == "<U+202E>"
    assert marker.evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"
    assert "program Windows (PE)" in shown  # what the file is, whatever its name says, in words

    # -- a reply (escaped as typed) and a status change ------------------------------
    page.fill("#reply-text", REPLY)
    page.get_by_role("button", name="Antrekan balasan").click()
    page.wait_for_load_state()
    unit_items = page.locator(".item.unit")
    assert unit_items.count() == 1 and REPLY in unit_items.inner_text()
    assert page.locator(".item.unit b").count() == 0
    page.select_option("#new", "diverifikasi")
    page.get_by_role("button", name="Antrekan perubahan status").click()
    page.wait_for_load_state()
    queued = page.locator("main p").first.inner_text()
    assert "Perubahan status dalam antrean: Diverifikasi" in queued

    # -- save the attachment to a typed path --------------------------------------------
    target = tmp_path / "keluar" / "bukti.bin"
    target.parent.mkdir()
    attachment = page.locator(".attachment").first
    attachment.locator("input[name=path]").fill(str(target))
    attachment.get_by_role("button", name="Simpan (tidak dibuka, tidak menimpa)").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Lampiran disimpan"
    assert f"Disimpan ke {target}" in page.locator("main").inner_text()
    assert target.read_bytes() == PROGRAM

    # -- the English pages too, then lock ----------------------------------------------
    page.get_by_role("link", name="Kembali").click()
    page.wait_for_load_state()
    assert page.url == ws.base + f"/kasus/{ws.case_id}"
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.url == ws.base + f"/en/kasus/{ws.case_id}"
    assert page.locator("h2#h-report").inner_text() == "Report"
    page.get_by_role("button", name="Lock").click()
    page.wait_for_load_state()
    assert page.url == ws.base + "/en/masuk"
    page.goto(ws.base + f"/kasus/{ws.case_id}")
    assert page.url == ws.base + "/masuk" and "WBS" not in page.content()

    # -- the store afterwards -----------------------------------------------------------
    with Desk.open(ws.folder, SecretStr(PASSPHRASE), today=TODAY) as desk:
        view = desk.case(ws.case_id)
        assert view.pending_status == "diverifikasi" and view.status == "diterima"
        assert [i.text for i in view.reading.items if i.author == "unit"] == [REPLY]


def test_the_unit_chooses_its_report_layout(
    page: Page, engine: str, workstation: Workstation
) -> None:
    ws = workstation
    open_page(page, ws.base, "/masuk")
    assert_engine(page, engine)
    unlock(page, ws)
    page.get_by_role("link", name="Laporan pimpinan").click()
    page.wait_for_load_state()
    assert page.locator("#layout").input_value() == "pergub-ntb-5-2024"
    assert page.get_by_label("Periode (2026-11, 2026-Q4 atau 2026)").is_visible()
    page.select_option("#layout", "nasional")
    page.get_by_role("button", name="Pakai tata letak ini").click()
    page.wait_for_load_state()
    assert page.url == ws.base + "/laporan"
    assert page.locator("#layout").input_value() == "nasional"
    assert "MenPANRB" in page.locator("#layout-now").inner_text()
    page.get_by_label("Periode (2026-11, 2026-Q4, 2026-S2 atau 2026)").fill("2026-S2")
    page.get_by_role("button", name="Tampilkan").click()
    page.wait_for_load_state()
    titles = page.locator("section.report h3").all_inner_texts()
    assert titles == [
        "Pengaduan menurut kategori",
        "Pengaduan menurut status",
        "Ketepatan waktu penanganan",
        "Hasil penanganan",
    ]  # the page's language
    report = page.locator("section.report").inner_text()
    assert "Semester II 2026 (1 Jul 2026 – 31 Des 2026)" in report
    assert "data per Senin, 23 November 2026" in report and "as of" not in report
    assert "Laporan masuk: <3" in report  # one case: masked
    assert "Reports submitted" not in report and "Complaints by" not in report
    assert "WBS-2026-0007" not in page.content()
    # English, then lock; the choice stays with the unit
    open_page(page, ws.base, "/en/laporan")
    assert page.locator("#layout").input_value() == "nasional"
    assert page.get_by_label("Period (2026-11, 2026-Q4, 2026-S2 or 2026)").is_visible()
    page.get_by_role("button", name="Lock").click()
    page.wait_for_load_state()
    with Desk.open(ws.folder, SecretStr(PASSPHRASE), today=TODAY) as desk:
        from workstation import report_layout

        assert report_layout.chosen_name(desk.store) == "nasional"


ATTACK = """<!doctype html>
<html><head><meta charset="utf-8">{policy}<title>Undangan rapat</title></head><body>
<form id="named" method="post" action="{ui}/kasus/{case}/status">
<input type="hidden" name="new" value="tidak-dapat-ditindaklanjuti">
<input type="hidden" name="csrf" value="tebakan">
<button type="submit">Lihat undangan</button></form>
</body></html>
"""
POLICIES = {
    "named": '<meta name="referrer" content="origin">',  # the browser names the page's origin
    "hidden": '<meta name="referrer" content="no-referrer">',  # it sends "Origin: null"
}


@pytest.mark.parametrize("attack", ["named", "hidden"])
def test_a_page_on_another_origin_cannot_post_to_the_ui(
    page: Page, workstation: Workstation, tmp_path: Path, attack: str
) -> None:
    ws = workstation
    unlock(page, ws)
    site = tmp_path / "attacker"
    site.mkdir()
    html = ATTACK.format(policy=POLICIES[attack], ui=ws.base, case=ws.case_id)
    (site / "index.html").write_text(html, encoding="utf-8")
    # The attacker's page has no CSP of ours (no form-action 'self' to stop it).
    with serve_static(site, csp="default-src 'none'") as evil:
        assert evil != ws.base and evil.startswith("http://127.0.0.1:")  # same site, other port
        open_page(page, evil, "/index.html")
        with page.expect_response(lambda r: r.url.startswith(ws.base)) as answer:
            page.get_by_role("button", name="Lihat undangan").click()
        assert answer.value.status == 403
        sent = answer.value.request.header_value("origin")
        assert sent == (evil if attack == "named" else "null")
        page.wait_for_load_state()
        shown = page.locator("body").inner_text()
        assert "Permintaan dari situs lain ditolak." in shown
        assert "Request from another site refused." in shown
        expected_refusal(page, 403)
    with Desk.open(ws.folder, SecretStr(PASSPHRASE), today=TODAY) as desk:
        view = desk.case(ws.case_id)
        assert view.pending_status == view.status == "diterima"
    # The inspector's own tab still works: the session was not disturbed.
    page.goto(ws.base + "/")
    assert page.locator("h1").inner_text() == "Kasus"
    lock(page, ws)


def _wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise AssertionError("peluit-ws ui exited before listening")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("peluit-ws ui did not start listening")


def test_the_peluit_ws_ui_command_unlocks_in_the_browser(
    page: Page, engine: str, workstation: Workstation
) -> None:
    """The command itself (uvicorn as it configures it), not only the ASGI app."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [str(Path(sys.executable).parent / "peluit-ws"), "ui", str(workstation.folder),
               "--port", str(port)]  # fmt: skip
    with subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE) as process:  # fmt: skip
        try:
            _wait_for(port, process)
            base = f"http://127.0.0.1:{port}"
            served = Workstation(workstation.folder, workstation.case_id, base)
            with page.expect_response(lambda r: r.url.endswith("/masuk")) as first:
                open_page(page, base, "/masuk")
            headers = first.value.headers
            assert headers["referrer-policy"] == "same-origin" and "server" not in headers
            assert_engine(page, engine)
            unlock(page, served)
            assert "WBS-2026-0007" in page.locator("tbody").inner_text()
            lock(page, served)
        finally:
            process.terminate()
            _out, err = process.communicate(timeout=10)
    assert f"workstation UI on http://127.0.0.1:{port}/ (loopback only)" in err.decode()


def test_an_exported_status_change_names_its_reply_bundle(
    page: Page, engine: str, workstation: Workstation, tmp_path: Path
) -> None:
    """After export-replies the change is no longer "queued": the pages say which bundle took it."""
    ws = workstation
    with Desk.open(ws.folder, SecretStr(PASSPHRASE), today=TODAY) as desk:
        desk.queue_status("WBS-2026-0007", "diverifikasi")
        desk.export_replies(tmp_path / "balasan-1.peluit")
    unlock(page, ws)
    assert_engine(page, engine)
    row = page.locator("tbody tr").inner_text()
    assert "Diterima → Diverifikasi" in row
    assert "terkirim dalam paket balasan 1, belum diterapkan di server" in row
    assert "antrean" not in row
    page.get_by_role("link", name="WBS-2026-0007").click()
    page.wait_for_load_state()
    status = page.locator("main p").first.inner_text()
    assert "Perubahan status terkirim dalam paket balasan 1" in status
    assert "antrean" not in status
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    status = page.locator("main p").first.inner_text()
    assert "Status change sent in reply bundle 1, not applied online yet: Triaged" in status
    page.get_by_role("button", name="Lock").click()
    page.wait_for_load_state()
