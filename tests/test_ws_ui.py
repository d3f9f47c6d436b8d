"""The workstation's local UI through the real ASGI app: loopback, login, CSRF, escaping, forms."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from run_async import run_async
from test_ws_support import PASSPHRASE, TODAY, export_bundle, make_workstation, report_case

from crypto.secret import SecretStr
from workstation.desk import Desk
from workstation.errors import Refused
from workstation.terminal import safe_line, safe_text
from workstation.ui.app import create_ui_app
from workstation.ui.render import visible
from workstation.ui.security import CONTENT_SECURITY_POLICY, check_bind
from workstation.ui.words import INDONESIAN

ROOT = Path(__file__).resolve().parent.parent
HOST = "http://127.0.0.1:8765"
HOSTILE = {
    "category": "suap",
    "what": "<script>alert(1)</script> dan {{7*7}} dan {% raw %}",
    "where": "Dinas <b>PU</b>",
    "when": "2026",
    "how_known": "Saya bendaharanya.",
}


class UiClient:
    """Requests through httpx's ASGI transport, keeping the session cookie like a browser."""

    def __init__(self, app: Any, host: str = HOST) -> None:
        self.app, self.host, self.cookie = app, host, ""

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        if self.cookie:
            headers.setdefault("cookie", self.cookie)

        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app, raise_app_exceptions=True)
            async with httpx.AsyncClient(transport=transport, base_url=self.host) as client:
                response = await client.request(method, path, headers=headers, **kwargs)
                await response.aread()
                return response

        response = run_async(go)
        match = re.match(r"(peluit-ws=[^;]*)", response.headers.get("set-cookie", ""))
        if match:
            self.cookie = match.group(1) if match.group(1) != 'peluit-ws=""' else ""
        return response

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, data: dict[str, Any], **kw: Any) -> httpx.Response:
        return self.request("POST", path, data=data, **kw)

    def csrf(self) -> str:
        page = self.get("/").text
        return re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]

    def login(self, passphrase: str = PASSPHRASE) -> httpx.Response:
        token = re.search(r'name="login" value="([^"]+)"', self.get("/masuk").text).group(1)  # type: ignore[union-attr]
        return self.post("/masuk", {"login": token, "passphrase": passphrase})


@pytest.fixture
def ws(tmp_path: Path):  # type: ignore[no-untyped-def]
    folder = tmp_path / "ws"
    card = make_workstation(folder)
    files = [('<img src=x onerror="alert(2)">.pdf', "application/pdf",
              b"%PDF-1.4\n<< /OpenAction 2 0 R /S /JavaScript >>")]  # fmt: skip
    case = report_case(card, "WBS-2026-0001", answers=HOSTILE, attachments=files,
                       identity={"name": "Budi Santoso", "nip": "198501"})  # fmt: skip
    (tmp_path / "e.peluit").write_bytes(export_bundle(card.unit_id, [case]))
    with Desk.open(folder, SecretStr(PASSPHRASE), today=TODAY) as desk:
        desk.import_bundle(tmp_path / "e.peluit")
    app = create_ui_app(folder, today=TODAY)
    yield UiClient(app), folder, case.case_id.hex(), tmp_path
    app.state.ui.log_out()


def desk_of(client: UiClient) -> Desk:
    desk = client.app.state.ui.desk
    assert desk is not None
    return desk


# --- loopback -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    ["0.0.0.0", "192.168.1.10", "::", "localhost", "example.org"],  # noqa: S104
)
def test_refuses_to_bind_anything_but_loopback(host: str, tmp_path: Path) -> None:
    with pytest.raises(Refused, match=r"127\.0\.0\.1 or ::1 only"):
        check_bind(host)
    with pytest.raises(Refused):
        create_ui_app(tmp_path, host=host)


def test_the_cli_refuses_a_public_address(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from workstation.cli import main

    assert main(["ui", str(tmp_path), "--host", "0.0.0.0"]) == 1  # noqa: S104
    assert "error: the workstation UI listens on 127.0.0.1 or ::1 only" in capsys.readouterr().err


@pytest.mark.parametrize(
    "base", ["http://evil.example:8765", "http://127.0.0.1:8766", "http://10.0.0.5:8765"]
)
def test_wrong_host_header_is_refused(ws, base: str) -> None:  # type: ignore[no-untyped-def]
    client = UiClient(ws[0].app, host=base)
    response = client.get("/masuk")
    assert response.status_code == 421
    assert "Unlock" not in response.text and "Buka" not in response.text


def test_loopback_host_gets_the_strict_headers(ws) -> None:  # type: ignore[no-untyped-def]
    client = ws[0]
    for host in (HOST, "http://localhost:8765"):
        response = UiClient(client.app, host=host).get("/masuk")
        assert response.status_code == 200
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "script-src" not in CONTENT_SECURITY_POLICY
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-frame-options"] == "DENY"
    assert "<script" not in response.text


# --- login and CSRF -----------------------------------------------------------------


def test_nothing_without_the_passphrase(ws) -> None:  # type: ignore[no-untyped-def]
    client, _folder, case_id, _ = ws
    assert client.get("/").status_code == 303
    assert client.get(f"/kasus/{case_id}").headers["location"] == "/masuk"
    forged = UiClient(client.app)
    forged.cookie = "peluit-ws=guessed"
    assert forged.get("/").headers["location"] == "/masuk"
    wrong = client.login("salah sekali kata sandi ini ya")
    assert wrong.status_code == 400 and client.cookie == ""
    no_token = client.post("/masuk", {"passphrase": PASSPHRASE})
    assert no_token.status_code == 403 and client.cookie == ""
    assert client.login().status_code == 303 and client.cookie
    assert client.get("/").status_code == 200
    assert forged.get("/").headers["location"] == "/masuk"  # still: the token is random


def test_post_without_csrf_or_from_another_origin_changes_nothing(ws) -> None:  # type: ignore[no-untyped-def]
    client, _folder, case_id, _ = ws
    client.login()
    form = {"urgency": "segera", "retaliation_risk": "tinggi", "agency": "Dinas X"}
    assert client.post(f"/kasus/{case_id}/triase", form).status_code == 403
    assert client.post(f"/kasus/{case_id}/triase", {**form, "csrf": "nope"}).status_code == 403
    assert desk_of(client).triage(case_id) is None
    foreign = client.post(f"/kasus/{case_id}/triase", {**form, "csrf": client.csrf()},
                          headers={"origin": "http://evil.example"})  # fmt: skip
    assert foreign.status_code == 403
    assert desk_of(client).triage(case_id) is None
    ok = client.post(f"/kasus/{case_id}/triase", {**form, "csrf": client.csrf()},
                     headers={"origin": HOST})  # fmt: skip
    assert ok.status_code == 303
    assert desk_of(client).triage(case_id).agency == "Dinas X"  # type: ignore[union-attr]


def test_logout_closes_the_desk(ws) -> None:  # type: ignore[no-untyped-def]
    client = ws[0]
    client.login()
    assert client.post("/keluar", {"csrf": client.csrf()}).status_code == 303
    assert client.app.state.ui.desk is None
    assert client.get("/").status_code == 303


# --- reading --------------------------------------------------------------------------


def test_decrypted_text_is_always_escaped(ws) -> None:  # type: ignore[no-untyped-def]
    client, _folder, case_id, _ = ws
    client.login()
    page = client.get(f"/kasus/{case_id}").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; dan {{7*7}} dan {% raw %}" in page
    assert "<b>PU</b>" not in page and "Dinas &lt;b&gt;PU&lt;/b&gt;" in page
    assert "onerror=" not in page.replace("onerror=&#34;", "")  # the name is shown, escaped
    assert "&lt;img src=x onerror=&#34;alert(2)&#34;&gt;.pdf" in page
    assert "<script" not in page
    assert "PDF dengan konten aktif (/JavaScript, /OpenAction)" in page  # in the page's words
    assert "PDF with active content" not in page
    assert "Apa yang terjadi?" in page  # the form's label, Indonesian first
    english = client.get(f"/en/kasus/{case_id}").text
    assert "What happened?" in english and "&lt;script&gt;" in english
    assert "PDF with active content (/JavaScript, /OpenAction)" in english


def test_case_list_and_language_switch(ws) -> None:  # type: ignore[no-untyped-def]
    client = ws[0]
    client.login()
    page = client.get("/").text
    assert "WBS-2026-0001" in page and "Kasus" in page and "Diterima" in page
    assert 'href="/en/"' in page
    english = client.get("/en/").text
    assert "Cases" in english and "Received" in english and 'href="/"' in english


def test_identity_is_closed_until_opened_deliberately_and_each_opening_is_shown(ws) -> None:  # type: ignore[no-untyped-def]
    client, _folder, case_id, _ = ws
    client.login()
    page = client.get(f"/kasus/{case_id}").text
    assert "Budi" not in page and "Belum pernah dibuka." in page
    refused = client.post(f"/kasus/{case_id}/identitas", {"csrf": client.csrf()})
    assert refused.status_code == 400 and "Budi" not in refused.text
    assert desk_of(client).identity_log() == []
    opened = client.post(f"/kasus/{case_id}/identitas", {"csrf": client.csrf(), "confirm": "1"})
    assert opened.status_code == 200 and "Budi Santoso" in opened.text
    shown = re.findall(r"<dt>([^<]*)</dt>", opened.text.split('id="h-identity"')[1])
    assert shown == ["Nama", "NIP (nomor induk pegawai)"]  # the form's words, not name / nip
    [entry] = desk_of(client).identity_log()
    assert entry[3] == "2026-11-23" and entry[4] == "unit"
    again = client.get(f"/kasus/{case_id}").text
    assert "Budi" not in again and "23 Nov 2026 · dibuka dengan kunci unit" in again
    log = client.get("/log-identitas").text
    assert "WBS-2026-0001" in log and "Budi" not in log


# --- forms ----------------------------------------------------------------------------


def test_triage_reply_and_status_forms(ws) -> None:  # type: ignore[no-untyped-def]
    client, _folder, case_id, _ = ws
    client.login()
    triage = {"csrf": client.csrf(), "category": "suap", "agency": "Dinas PU",
              "person_reported": "Kepala <i>dinas</i>", "urgency": "segera",
              "retaliation_risk": "tinggi", "notes": "cek SPJ"}  # fmt: skip
    assert client.post(f"/kasus/{case_id}/triase", triage).status_code == 303
    saved = desk_of(client).triage(case_id)
    assert saved is not None and (saved.urgency, saved.retaliation_risk) == ("segera", "tinggi")
    assert "Segera" in client.get("/").text
    page = client.get(f"/kasus/{case_id}").text
    assert "Kepala &lt;i&gt;dinas&lt;/i&gt;" in page
    reply = {"csrf": client.csrf(), "template": "need-info", "fill_what": "tanggal kejadian"}
    assert client.post(f"/kasus/{case_id}/balas", reply).status_code == 303
    free = {"csrf": client.csrf(), "template": "", "text": "Terima kasih <b>banyak</b>."}
    assert client.post(f"/kasus/{case_id}/balas", free).status_code == 303
    page = client.get(f"/kasus/{case_id}").text
    assert "informasi lebih lanjut tentang: tanggal kejadian" in page
    assert "Terima kasih &lt;b&gt;banyak&lt;/b&gt;." in page
    assert "ditandatangani unit; menunggu, belum dikirim" in page
    assert "signed by the unit" not in page and "queued, not sent yet" not in page
    english = client.get(f"/en/kasus/{case_id}").text
    assert "signed by the unit; queued, not sent yet" in english
    bad = client.post(f"/kasus/{case_id}/status", {"csrf": client.csrf(), "new": "selesai"})
    assert bad.status_code == 400 and "tidak dapat diubah menjadi “Selesai”" in bad.text
    missing = client.post(
        f"/kasus/{case_id}/balas", {"csrf": client.csrf(), "template": "referred"}
    )
    assert missing.status_code == 400 and "memerlukan --fill to" in missing.text
    assert "needs" not in missing.text  # the Indonesian page says it in Indonesian
    ok = client.post(f"/kasus/{case_id}/status", {"csrf": client.csrf(), "new": "diverifikasi"})
    assert ok.status_code == 303
    assert desk_of(client).case(case_id).pending_status == "diverifikasi"
    unknown = client.get("/kasus/" + "0" * 32)
    assert unknown.status_code == 404


def test_save_attachment_writes_only_to_the_typed_path(ws) -> None:  # type: ignore[no-untyped-def]
    client, _folder, case_id, tmp = ws
    client.login()
    target = tmp / "out" / "bukti.bin"
    target.parent.mkdir()
    form = {"csrf": client.csrf(), "path": str(target)}
    saved = client.post(f"/kasus/{case_id}/lampiran/2", form)
    assert saved.status_code == 200 and target.read_bytes().startswith(b"%PDF-1.4")
    assert "PDF dengan konten aktif" in saved.text and "dokumen PDF" in saved.text
    assert "PDF with active content" not in saved.text
    again = client.post(f"/kasus/{case_id}/lampiran/2", {**form, "csrf": client.csrf()})
    assert again.status_code == 400 and "tidak pernah menimpa berkas" in again.text
    assert "never overwrites" not in again.text
    assert sorted(p.name for p in target.parent.iterdir()) == ["bukti.bin"]


def test_import_and_export_through_the_ui(ws) -> None:  # type: ignore[no-untyped-def]
    client, _folder, case_id, tmp = ws
    client.login()
    bad = client.post("/impor", {"csrf": client.csrf(), "path": str(tmp / "missing.peluit")})
    assert bad.status_code == 400
    change = {"csrf": client.csrf(), "new": "diverifikasi"}
    assert client.post(f"/kasus/{case_id}/status", change).status_code == 303
    out = tmp / "balasan.peluit"
    done = client.post("/ekspor", {"csrf": client.csrf(), "path": str(out)})
    assert done.status_code == 200 and out.is_file() and "1 perubahan status" in done.text
    signed = client.post("/pesan-standar", {"csrf": client.csrf()})
    assert signed.status_code == 200 and "Laporan diterima, Sedang diverifikasi" in signed.text
    assert "sedang-diverifikasi" not in signed.text  # the messages by their names, not codes
    listed = client.get("/ekspor").text
    assert "<strong>Mohon tunggu jawaban kami</strong>" in listed and "mohon-tunggu" not in listed


def test_forwarding_page_checks_the_card_then_sends(ws) -> None:  # type: ignore[no-untyped-def]
    client, _folder, case_id, tmp = ws
    other = make_workstation(tmp / "kpk", unit_id="kpk-demo")
    client.login()
    page = client.get(f"/kasus/{case_id}/limpahkan").text
    assert '<option value="">(pilih tujuan pelimpahan)</option>' in page
    assert not re.search(r"<option[^>]* selected", page)  # no target chosen for the inspector
    assert 'value="how_known"' in page and "Dapat mengungkap pelapor" in page
    assert re.search(r'value="how_known"\s*>', page)  # not checked by default
    assert re.search(r'value="where" checked', page)
    form = {"csrf": client.csrf(), "card": str(tmp / "kpk" / "unit-card.json"), "target": "kpk",
            "summary": "Dugaan suap.", "out": str(tmp / "limpah.json"),
            "field": ["category", "where", "when"], "step": "check"}  # fmt: skip
    checked = client.post(f"/kasus/{case_id}/limpahkan", form)
    assert other.fingerprint() in checked.text and not (tmp / "limpah.json").exists()
    unconfirmed = client.post(f"/kasus/{case_id}/limpahkan",
                              {**form, "csrf": client.csrf(), "step": "send"})  # fmt: skip
    assert unconfirmed.status_code == 400 and not (tmp / "limpah.json").exists()
    confirmed = {**form, "csrf": client.csrf(), "step": "send",
                 "fingerprint": other.fingerprint(), "fingerprint_ok": "1"}  # fmt: skip
    untargeted = client.post(f"/kasus/{case_id}/limpahkan",
                             {**confirmed, "target": "", "csrf": client.csrf()})  # fmt: skip
    assert untargeted.status_code == 400 and "Pilih instansi tujuan pelimpahan." in untargeted.text
    assert not (tmp / "limpah.json").exists()  # nothing is sent to a target nobody chose
    sent = client.post(f"/kasus/{case_id}/limpahkan", confirmed)
    assert sent.status_code == 200 and (tmp / "limpah.json").is_file()
    with Desk.open(tmp / "kpk", SecretStr(PASSPHRASE), today=TODAY) as there:
        opened = there.open_forward(tmp / "limpah.json")
    assert [f["id"] for f in opened.fields] == ["category", "where", "when"]
    assert "bendahara" not in str(opened.fields) and opened.identity is None


def test_report_page_shows_svg_without_script(ws) -> None:  # type: ignore[no-untyped-def]
    client = ws[0]
    client.login()
    page = client.get("/laporan?period=2026-11").text
    assert "<svg" in page and "<script" not in page and "WBS-2026-0001" not in page
    bad = client.get("/laporan?period=2026-13")
    assert bad.status_code == 400


def test_report_page_chooses_the_units_layout(ws) -> None:  # type: ignore[no-untyped-def]
    client = ws[0]
    client.login()
    page = client.get("/laporan").text
    assert '<option value="pergub-ntb-5-2024" selected>' in page
    assert "Periode (2026-11, 2026-Q4 atau 2026)" in page and "Pergub NTB" in page
    chosen = client.post("/laporan/tata-letak", {"csrf": client.csrf(), "layout": "nasional"})
    assert chosen.status_code == 303 and chosen.headers["location"] == "/laporan"
    back = client.get("/laporan").text
    assert '<option value="nasional" selected>' in back
    assert "Periode (2026-11, 2026-Q4, 2026-S2 atau 2026)" in back
    shown = client.get("/laporan?period=2026-S2").text
    assert re.findall(r'<h3 data-section="([a-z]+)">', shown) == [
        "category", "status", "compliance", "outcome"]  # fmt: skip
    unknown = client.post("/laporan/tata-letak", {"csrf": client.csrf(), "layout": "tidak-ada"})
    assert unknown.status_code == 400 and "tidak ada" in unknown.text
    from workstation import report_layout

    assert report_layout.chosen_name(desk_of(client).store) == "nasional"
    assert client.get("/en/laporan").text.count("2026-11, 2026-Q4, 2026-S2 or 2026") == 1
    # the unit's own file, chosen, then broken by an edit: the page says why and still offers
    # the other layouts
    own = ws[1] / "report-layouts" / "unit-sendiri.json"
    own.parent.mkdir()
    layout = json.loads(report_layout.shipped()["nasional"])
    own.write_text(json.dumps({**layout, "name": "unit-sendiri"}), "utf-8")
    client.post("/laporan/tata-letak", {"csrf": client.csrf(), "layout": "unit-sendiri"})
    own.write_text(json.dumps({**layout, "name": "unit-sendiri", "periods": ["weekly"]}), "utf-8")
    broken = client.get("/laporan?period=2026-S2")
    assert broken.status_code == 200 and '<option value="unit-sendiri" selected>' in broken.text
    assert 'periode "weekly" tidak dikenal' in html.unescape(broken.text)
    assert "<svg" not in broken.text
    chosen = client.post("/laporan/tata-letak", {"csrf": client.csrf(), "layout": "nasional"})
    assert chosen.status_code == 303


def test_every_ui_message_has_an_indonesian_translation() -> None:
    used: set[str] = set()
    for path in [*(ROOT / "workstation/templates").glob("*.html"),
                 *(ROOT / "workstation/ui").glob("*.py")]:  # fmt: skip
        used |= set(re.findall(r'(?<![\w.])t\("([^"]+)"\)', path.read_text("utf-8")))
        used |= set(re.findall(r"(?<![\w.])t\('([^']+)'\)", path.read_text("utf-8")))
    from workstation.ui.routes_case import RISK_WORDS
    from workstation.ui.words import IDENTITY_NAMES, KIND_NAMES, STANDARD_NAMES

    used |= set(RISK_WORDS.values())
    for names in (IDENTITY_NAMES, KIND_NAMES, STANDARD_NAMES):
        used |= set(names.values())
    assert len(used) > 50
    assert sorted(used - set(INDONESIAN)) == []


def _english_sentences() -> set[str]:
    """The English parts of every message the UI can show, where Indonesian says otherwise."""
    from workstation.cli_words import INDONESIAN as CLI_WORDS

    found = set()
    for table in (INDONESIAN, CLI_WORDS):
        for english, indonesian in table.items():
            for part in (p.strip() for p in re.split(r"\{\w+\}", english)):
                if len(part) >= 10 and " " in part and part not in indonesian:
                    found.add(part)
    return found


def test_no_english_sentence_on_an_indonesian_page(ws) -> None:  # type: ignore[no-untyped-def]
    client, _folder, case_id, tmp = ws
    assert "wrong passphrase" not in client.login("bukan frasa sandi yang benar").text
    client.login()
    desk_of(client).queue_reply("WBS-2026-0001", "Balasan kami.")
    pages = [client.get(path).text for path in (
        "/", f"/kasus/{case_id}", f"/kasus/{case_id}/limpahkan", "/impor", "/log-identitas",
        "/laporan?period=2026-11", "/laporan?period=2026-13")]  # fmt: skip
    post = {"csrf": client.csrf()}
    pages += [
        client.post(f"/kasus/{case_id}/identitas", {**post, "confirm": "1"}).text,
        client.post(f"/kasus/{case_id}/lampiran/2", {**post, "path": str(tmp / "a.pdf")}).text,
        client.post(f"/kasus/{case_id}/lampiran/2", {**post, "path": ""}).text,
        client.post("/impor", {**post, "path": str(tmp / "a.pdf")}).text,
        client.post(f"/kasus/{case_id}/limpahkan", {**post, "card": str(tmp / "a.pdf"),
                    "summary": "s", "out": str(tmp / "o.json"), "step": "check"}).text,
    ]  # fmt: skip
    template_texts = re.compile(r"<details>[\s\S]*?</details>")
    english = _english_sentences()
    for page in pages:
        text = html.unescape(re.sub(r"<[^>]+>", " ", template_texts.sub("", page)))
        assert [e for e in english if e in text] == [], text


# --- origin checks as a browser sends them -------------------------------------------


def test_pages_let_the_browser_name_our_origin_on_our_own_forms(ws) -> None:  # type: ignore[no-untyped-def]
    # With "no-referrer" (header or <meta>), Chromium sends "Origin: null" on a
    # same-origin form POST and the UI refused its own unlock form.
    page = ws[0].get("/masuk")
    assert page.headers["referrer-policy"] == "same-origin"
    assert 'name="referrer"' not in page.text or 'content="same-origin"' in page.text
    assert "no-referrer" not in page.text


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "null"},
        {"origin": "http://127.0.0.1:8766"},
        {"referer": "http://evil.example/attack.html"},
        {"referer": "http://127.0.0.1:8765.evil.example/"},
        {"origin": "null", "referer": HOST + "/kasus"},
    ],
)
def test_a_post_that_hides_or_names_another_origin_changes_nothing(ws, headers) -> None:  # type: ignore[no-untyped-def]
    client, _folder, case_id, _ = ws
    client.login()
    form = {"urgency": "segera", "agency": "Dinas X", "csrf": client.csrf()}
    refused = client.post(f"/kasus/{case_id}/triase", form, headers=headers)
    assert refused.status_code == 403
    assert refused.text.startswith("Permintaan dari situs lain ditolak.\nRequest from another")
    assert desk_of(client).triage(case_id) is None
    own = client.post(f"/kasus/{case_id}/triase", form, headers={"referer": HOST + "/kasus/x"})
    assert own.status_code == 303
    assert desk_of(client).triage(case_id).agency == "Dinas X"  # type: ignore[union-attr]


# --- reporter text with control and bidi characters -----------------------------------

RLO_NAME = "laporan\u202efdp.exe"  # shows as "laporanexe.pdf" when the override acts
CONTROL_ANSWERS = {
    "category": "suap",
    "what": "Kepala\x1b[2J dinas\u2066 menerima\u2069 suap.\nBaris dua.",
    "where": "Kantor\u202e dinas",
    "when": "2026",
}


@pytest.fixture
def bidi_ws(tmp_path: Path):  # type: ignore[no-untyped-def]
    folder = tmp_path / "ws"
    card = make_workstation(folder)
    files = [(RLO_NAME, "application/x-msdownload\u202e", b"MZ\x90\x00 not really a program")]
    case = report_case(card, "WBS-2026-0002", answers=CONTROL_ANSWERS, attachments=files,
                       identity={"name": "Budi\u202e Santoso"})  # fmt: skip
    (tmp_path / "e.peluit").write_bytes(export_bundle(card.unit_id, [case]))
    with Desk.open(folder, SecretStr(PASSPHRASE), today=TODAY) as desk:
        desk.import_bundle(tmp_path / "e.peluit")
    app = create_ui_app(folder, today=TODAY)
    yield UiClient(app), case.case_id.hex()
    app.state.ui.log_out()


CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def test_control_and_bidi_characters_show_as_visible_markers(bidi_ws) -> None:  # type: ignore[no-untyped-def]
    client, case_id = bidi_ws
    client.login()
    page = client.get(f"/kasus/{case_id}").text
    assert CONTROL.findall(page) == []
    marker = '<span class="ctl" title="U+202E">&lt;U+202E&gt;</span>'
    assert f"laporan{marker}fdp.exe" in page  # the name, override shown, not obeyed
    assert f"application/x-msdownload{marker}" in page
    assert f"Kantor{marker} dinas" in page
    assert 'Kepala<span class="ctl" title="U+001B">&lt;U+001B&gt;</span>[2J dinas' in page
    assert "&lt;U+2066&gt;</span> menerima" in page
    assert "&lt;U+2069&gt;</span> suap.\nBaris dua." in page
    opened = client.post(f"/kasus/{case_id}/identitas", {"csrf": client.csrf(), "confirm": "1"})
    assert CONTROL.findall(opened.text) == []
    assert f"Budi{marker} Santoso" in opened.text
    forward = client.get(f"/kasus/{case_id}/limpahkan").text
    assert CONTROL.findall(forward) == [] and f"Kantor{marker} dinas" in forward


def test_every_page_shows_control_characters_as_markers_even_without_the_filter(ws) -> None:  # type: ignore[no-untyped-def]
    client, _folder, case_id, _tmp = ws
    client.login()
    triage = {"csrf": client.csrf(), "agency": "Dinas\u202e PU", "notes": "a\x1bb\tc\nd"}
    assert client.post(f"/kasus/{case_id}/triase", triage).status_code == 303
    page = client.get(f"/kasus/{case_id}").text
    assert CONTROL.findall(page) == []
    assert 'value="Dinas&lt;U+202E&gt; PU"' in page and "a&lt;U+001B&gt;b\tc\nd" in page


@given(st.text(alphabet=st.characters(codec="utf-8")), st.booleans())
def test_visible_text_holds_no_control_character_and_reads_as_the_cli_prints(
    text: str, one_line: bool
) -> None:
    shown = str(visible(text, one_line=one_line))
    assert CONTROL.findall(shown) == [] and "\u2028" not in shown and "\u2029" not in shown
    assert not one_line or "\n" not in shown
    plain = html.unescape(re.sub(r"<[^>]*>", "", shown))
    assert plain == (safe_line(text) if one_line else safe_text(text))


def test_the_layout_select_shows_what_each_layout_follows_not_its_file_name(ws) -> None:  # type: ignore[no-untyped-def]
    client = ws[0]
    client.login()
    for path, words in (
        ("/laporan", ("Pergub NTB No. 5 Tahun 2024", "Nasional: SE MenPANRB")),
        ("/en/laporan", ("NTB Governor Regulation 5/2024", "National: MenPANRB Circular")),
    ):
        select = re.search(
            r'<select id="layout" name="layout">(.*?)</select>', client.get(path).text, re.S
        )
        assert select
        shown = re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1))
        assert len(shown) == 2 and all(any(w in s for s in shown) for w in words), shown
        assert not any(s in ("nasional", "pergub-ntb-5-2024") for s in shown)
    shown = client.get("/laporan?period=2026-11").text
    assert "Simpan laporan ini ke folder" in shown and "lembar kerja seperti Excel" in shown
    assert "Tulis HTML dan CSV" not in shown
