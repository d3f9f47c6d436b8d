"""The console's behaviour on the real app and a real SQLite file.

CSRF refusals, the idle timeout (injected clock), lock-out, the session
cookie's flags, the forced password change with the one-time TOTP QR code,
the dashboard's SVG numbers, export downloads read back with the bundle
reader, reply bundle imports (good and bad), and quick acknowledgements.
"""

from __future__ import annotations

import io
import json
import re
import secrets
from pathlib import Path
from typing import Any

import httpx
import pyotp
import pytest
from app_fixtures import AppClient, Env, lookup_body, make_env
from console_fixtures import PASSWORD, Account, Console, add_account
from run_async import run_async
from test_bundle_online import ReplyBundle, reporter_view, submit

from crypto.b64 import b64u_decode, b64u_encode
from crypto.bundle import BundleReader, Kind
from crypto.bundle_template import sign_template
from crypto.context import Context
from crypto.envelope import open_envelope, seal
from crypto.reply import verify_template_reply
from crypto.signing import VerifyKey

UNIT = "inspektorat-demo"


@pytest.fixture
def env(tmp_path: Path) -> Env:
    return make_env(tmp_path)


@pytest.fixture
def inspector(env: Env) -> Account:
    return add_account(env, "ines", "inspector", (UNIT,))


def signed_in(env: Env, account: Account) -> Console:
    console = Console(env)
    assert console.login(account).status_code == 303
    return console


# --- sessions, CSRF, sign-in -----------------------------------------------------


def test_csrf_is_required_for_every_change(env: Env, inspector: Account) -> None:
    report = submit(env, AppClient(env.app))
    console = signed_in(env, inspector)
    case = report.case_id.hex()
    before = env.snapshot()
    no_token = console.post(f"/konsol/kasus/{case}/status", data={"status": "diverifikasi"})
    wrong = console.post(
        f"/konsol/kasus/{case}/status", data={"status": "diverifikasi", "csrf": "x" * 43}
    )
    cross_site = console.post(
        f"/konsol/kasus/{case}/status",
        data={"status": "diverifikasi", "csrf": console.csrf()},
        headers={"Origin": "https://evil.example"},
    )
    for answer in (no_token, wrong, cross_site):
        assert answer.status_code == 403
        assert "expired" in answer.text or "kedaluwarsa" in answer.text
    assert env.snapshot() == before
    ok = console.post(
        f"/konsol/kasus/{case}/status", data={"status": "diverifikasi", "csrf": console.csrf()}
    )
    assert ok.status_code == 303
    assert env.store.get_case(case).status == "diverifikasi"


def test_the_session_ends_after_idle_minutes(env: Env, inspector: Account) -> None:
    now = [1000.0]
    env.app.state.console.sessions.clock = lambda: now[0]
    console = signed_in(env, inspector)
    now[0] += 14 * 60
    assert console.get("/konsol/kasus").status_code == 200  # activity restarts the timer
    now[0] += 14 * 60
    assert console.get("/konsol/kasus").status_code == 200
    now[0] += 15 * 60 + 1
    answer = console.get("/konsol/kasus")
    assert answer.status_code == 303 and answer.headers["location"] == "/konsol/masuk"


def test_lock_out_after_failed_sign_ins_says_so(env: Env, inspector: Account) -> None:
    console = Console(env)
    wrong = Account(inspector.username, "inspector", pyotp.TOTP(pyotp.random_base32()))
    answers = [console.login(wrong) for _ in range(5)]
    assert [a.status_code for a in answers] == [401, 401, 401, 401, 429]
    assert "Sign-in failed" in answers[0].text or "Gagal masuk" in answers[0].text
    assert "wait 30 seconds" in answers[4].text or "tunggu 30 detik" in answers[4].text
    # even the right code is refused while locked
    locked = console.login(inspector)
    assert locked.status_code == 429
    assert "peluit-konsol" not in locked.headers.get("set-cookie", "")


def test_a_crowd_of_sign_ins_is_turned_away_before_any_hash(
    env: Env, inspector: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vault import staff_login

    full = staff_login.HashGate(concurrent=1, queue=0)
    monkeypatch.setattr(staff_login, "DEFAULT_GATE", full)
    with full.admit():  # someone else's sign-in is being hashed right now
        answer = Console(env).login(inspector)
    assert answer.status_code == 503
    assert "Wait a few seconds" in answer.text or "Tunggu beberapa detik" in answer.text
    assert "peluit-konsol" not in answer.headers.get("set-cookie", "")
    assert signed_in(env, inspector)  # and once it is done, sign-in works


def test_the_cookie_is_host_only_httponly_strict(env: Env, inspector: Account) -> None:
    plain = Console(env).login(inspector).headers["set-cookie"].lower()
    assert plain.startswith("peluit-konsol=")
    assert "httponly" in plain and "samesite=strict" in plain and "path=/" in plain

    async def over_https() -> httpx.Response:
        transport = httpx.ASGITransport(app=env.app, client=("192.0.2.1", 4000))
        async with httpx.AsyncClient(transport=transport, base_url="https://vault.example") as c:
            page = await c.get("/konsol/masuk")
            token = re.search(r'name="csrf" value="([^"]+)"', page.text)
            assert token
            return await c.post(
                "/konsol/masuk",
                data={
                    "csrf": token.group(1),
                    "username": inspector.username,
                    "password": PASSWORD,
                    "totp": inspector.code(1),
                },
            )

    secure = run_async(over_https).headers["set-cookie"]
    assert secure.startswith("__Host-peluit-konsol=")
    assert "Secure" in secure and "Domain" not in secure and "Path=/" in secure
    # the reporter pages still set no cookie
    assert "set-cookie" not in AppClient(env.app).get("/id/").headers


def test_sign_out_ends_the_session(env: Env, inspector: Account) -> None:
    console = signed_in(env, inspector)
    cookie = dict(console.cookies)
    assert console.post("/konsol/keluar", data={"csrf": console.csrf()}).status_code == 303
    console.cookies = cookie  # a copied cookie is worthless now
    assert console.get("/konsol/kasus").status_code == 303


def test_new_account_gets_a_qr_once_and_must_change_its_password(env: Env) -> None:
    admin = signed_in(env, add_account(env, "adi", "admin"))
    page = admin.post(
        "/konsol/akun",
        data={"csrf": admin.csrf(), "username": "baru", "role": "inspector", "units": UNIT},
    )
    assert page.status_code == 200
    assert "<svg" in page.text and "<script" not in page.text
    one_time = re.search(r'id="one-time-password">([^<]+)<', page.text)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.text)
    assert one_time and secret
    assert one_time.group(1) not in admin.get("/konsol/akun").text  # shown once
    new = Account("baru", "inspector", pyotp.TOTP(secret.group(1)), one_time.group(1))
    console = Console(env)
    first = console.login(new)
    assert first.headers["location"] == "/konsol/sandi"
    assert console.get("/konsol/kasus").headers["location"] == "/konsol/sandi"
    different = console.post(
        "/konsol/sandi",
        data={
            "csrf": console.csrf(),
            "current": one_time.group(1),
            "new": "a" * 12 + "1",
            "repeat": "a" * 12 + "2",
        },
    )
    assert different.status_code == 400
    changed = console.post(
        "/konsol/sandi",
        data={
            "csrf": console.csrf(),
            "current": one_time.group(1),
            "new": "my own good password",
            "repeat": "my own good password",
        },
    )
    assert changed.status_code == 303
    assert console.get("/konsol/kasus").status_code == 200
    again = Console(env)
    new.password = "my own good password"
    assert again.login(new, step=1).headers["location"] == "/konsol/kasus"


# --- cases and figures ----------------------------------------------------------------


def bars(svg_page: str, chart_id: str) -> dict[str, str]:
    chart = re.search(rf'<svg class="chart" id="{chart_id}".*?</svg>', svg_page, re.S)
    assert chart, chart_id
    return dict(re.findall(r"<g class=\"bar\"><title>([^<]+): ([^<]+)</title>", chart.group(0)))


def test_the_dashboard_svg_has_the_right_numbers(env: Env, inspector: Account) -> None:
    client = AppClient(env.app)
    reports = [submit(env, client) for _ in range(3)]
    console = signed_in(env, inspector)
    case = reports[0].case_id.hex()
    console.post(
        f"/konsol/kasus/{case}/status", data={"status": "diverifikasi", "csrf": console.csrf()}
    )
    page = console.get("/en/konsol/dasbor").text
    status = bars(page, f"status-{UNIT}")
    assert status["Received"] == "2" and status["Verified (triaged)"] == "1"
    assert status["Closed"] == "0"
    month = bars(page, f"month-{UNIT}")
    assert list(month.values()) == ["3"]
    stages = bars(page, f"stages-{UNIT}")
    assert stages["Triage"] == "1 of 1 on time (100%)"
    assert stages["Conclusion"] == "none finished or late yet"
    assert "New reports today: 3" in page
    assert '<table class="data">' in page  # the same figures for screen readers
    assert "<script" not in page


def test_case_list_filters_pages_and_marks_nothing_overdue_yet(
    env: Env, inspector: Account
) -> None:
    client = AppClient(env.app)
    reports = [submit(env, client) for _ in range(3)]
    env.app.state.console.page_size = 2
    console = signed_in(env, inspector)
    first = console.get("/konsol/kasus")
    assert first.status_code == 200 and first.text.count('<th scope="row">') == 2
    assert "page=2" in first.text
    assert console.get("/konsol/kasus?page=2").text.count('<th scope="row">') == 1
    case = reports[1].case_id.hex()
    console.post(
        f"/konsol/kasus/{case}/status", data={"status": "diverifikasi", "csrf": console.csrf()}
    )
    only = console.get("/konsol/kasus?status=diverifikasi").text
    assert case in only and reports[0].case_id.hex() not in only
    assert console.get("/konsol/kasus?status=nope").status_code == 400
    assert console.get("/konsol/kasus?overdue=1").text.count('<th scope="row">') == 0


def test_status_change_offers_legal_states_and_names_a_missing_code(
    env: Env, inspector: Account
) -> None:
    report = submit(env, AppClient(env.app))
    console = signed_in(env, inspector)
    case = report.case_id.hex()
    page = console.get(f"/konsol/kasus/{case}").text
    offered = re.findall(
        r'<option value="([a-z_]+)">', page.split('id="new-status"')[1].split("</select>")[0]
    )
    assert offered == [
        "diverifikasi",
        "perlu_informasi",
        "dilimpahkan",
        "tidak_dapat_ditindaklanjuti",
    ]
    before = env.snapshot()
    refused = console.post(
        f"/konsol/kasus/{case}/status", data={"status": "dilimpahkan", "csrf": console.csrf()}
    )
    assert refused.status_code == 400
    # the missing code is named as people read it (issue 15), not as "target"
    assert "Untuk status “Dilimpahkan”, pilih instansi tujuan pelimpahan: " in refused.text
    assert "KPK" in refused.text and "referral target" not in refused.text
    assert env.snapshot() == before
    done = console.post(
        f"/konsol/kasus/{case}/status",
        data={"status": "dilimpahkan", "target": "kpk", "csrf": console.csrf()},
    )
    assert done.status_code == 303


def test_case_page_shows_items_without_content(env: Env, inspector: Account) -> None:
    report = submit(env, AppClient(env.app))
    console = signed_in(env, inspector)
    page = console.get(f"/en/konsol/kasus/{report.case_id.hex()}").text
    items = page.split('id="items"')[1].split("</table>")[0]
    assert "report" in items and "uji" not in items
    assert b64u_encode(report.reporter.public_key().to_bytes())[:40] not in page


# --- across the air gap ----------------------------------------------------------------


def test_export_download_is_what_the_bundle_reader_reads(env: Env, inspector: Account) -> None:
    report = submit(env, AppClient(env.app))
    console = signed_in(env, inspector)
    answer = console.post(
        "/konsol/pertukaran/ekspor", data={"csrf": console.csrf(), "unit_id": UNIT}
    )
    assert answer.status_code == 200
    assert answer.headers["content-disposition"] == (
        f'attachment; filename="peluit-export-{UNIT}-1.bundle"'
    )
    assert answer.headers["cache-control"] == "no-store"
    reader = BundleReader(io.BytesIO(answer.content), Kind.EXPORT, io.BytesIO)
    entries = list(reader.entries())
    assert reader.header["unit_id"] == UNIT and reader.header["export_seq"] == 1
    assert entries[0].meta["case_id"] == report.case_id.hex()
    tip = next(e for e in entries if e.name == "envelope" and e.meta["kind"] == "tip")
    ctx = Context(UNIT, report.case_id, "tip", bytes.fromhex(tip.meta["item_id"]))
    assert open_envelope(tip.data.read(), [env.unit.xwing], ctx) == b'{"apa": "uji"}'
    second = console.post(
        "/konsol/pertukaran/ekspor", data={"csrf": console.csrf(), "unit_id": UNIT}
    )
    assert second.headers["content-disposition"].endswith(f'-{UNIT}-2.bundle"')


def upload(console: Console, data: bytes, csrf: str | None = None) -> httpx.Response:
    return console.post(
        "/konsol/pertukaran/impor",
        data={"csrf": csrf if csrf is not None else console.csrf()},
        files={"bundle": ("whatever-name.bin", data, "application/x-anything")},
    )


def test_a_bad_reply_bundle_names_its_failed_check_and_changes_nothing(
    env: Env, inspector: Account
) -> None:
    report = submit(env, AppClient(env.app))
    bundle = ReplyBundle(env.unit)
    bundle.reply(report.case_id.hex(), report.reporter, "Mohon jelaskan.")
    bundle.status(report.case_id.hex(), "diverifikasi")
    data = bytearray(bundle.to_bytes())
    data[-1] ^= 1  # the signature
    console = signed_in(env, inspector)
    before = env.snapshot()
    answer = upload(console, bytes(data))
    assert answer.status_code == 400
    assert "signature" in answer.text and 'id="import-failed"' in answer.text
    assert env.snapshot() == before
    assert upload(console, bundle.to_bytes(), csrf="nope").status_code == 403
    assert env.snapshot() == before


def test_a_good_reply_bundle_is_applied_and_the_reporter_sees_it(
    env: Env, inspector: Account
) -> None:
    client = AppClient(env.app)
    report = submit(env, client)
    bundle = ReplyBundle(env.unit)
    bundle.reply(report.case_id.hex(), report.reporter, "Mohon jelaskan.")
    bundle.status(report.case_id.hex(), "diverifikasi")
    console = signed_in(env, inspector)
    answer = upload(console, bundle.to_bytes())
    assert answer.status_code == 200 and 'id="import-applied"' in answer.text
    assert reporter_view(client, report)["status"] == "diverifikasi"
    assert "whatever-name" not in str(env.snapshot())


def test_a_reply_bundle_of_another_unit_is_refused(env: Env, inspector: Account) -> None:
    from console_fixtures import add_unit

    other = add_unit(env, "inspektorat-lain")
    theirs = submit(env, AppClient(env.app), other)
    bundle = ReplyBundle(other)
    bundle.status(theirs.case_id.hex(), "diverifikasi")
    console = signed_in(env, inspector)
    before = env.snapshot()
    assert upload(console, bundle.to_bytes()).status_code == 403
    assert env.snapshot() == before


def test_an_oversized_upload_is_cut_off(env: Env, inspector: Account) -> None:
    env.app.state.console.reply_bundle_max = 4096
    console = signed_in(env, inspector)
    before = env.snapshot()
    assert upload(console, secrets.token_bytes(10_000)).status_code == 413
    assert env.snapshot() == before


# --- quick acknowledgements -----------------------------------------------------------


def test_quick_acknowledgement_from_the_console(env: Env, inspector: Account) -> None:
    client = AppClient(env.app)
    report = submit(env, client)
    text = "Laporan Anda sudah diterima dan sedang diverifikasi."
    bundle = ReplyBundle(env.unit)
    bundle.template("diterima", text)
    console = signed_in(env, inspector)
    assert upload(console, bundle.to_bytes()).status_code == 200
    case = report.case_id.hex()
    material = console.get(
        f"/konsol/kasus/{case}/pesan-standar", headers={"Accept": "application/json"}
    ).json()
    assert material["templates"][0]["text"] == text
    assert b64u_decode(material["reporter_public_key"]) == report.reporter.public_key().to_bytes()

    # what console.js does in the inspector's browser
    signature = b64u_decode(material["templates"][0]["signature"])
    body = json.dumps({"text": text, "status": None, "template": "diterima"}).encode()
    item = secrets.token_bytes(16)
    ctx = Context(UNIT, report.case_id, "reply", item)
    sealed = seal(
        signature + body, [report.reporter.public_key(), env.unit.card.xwing_public_key], ctx
    )
    csrf = console.csrf()
    url = f"/konsol/kasus/{case}/pesan-standar"
    payload: dict[str, Any] = {
        "template_id": "diterima",
        "item_id": b64u_encode(item),
        "envelope": b64u_encode(sealed),
    }
    before = env.snapshot()
    assert console.post(url, json=payload).status_code == 403  # no CSRF header
    unknown = {**payload, "template_id": "lainnya"}
    assert console.post(url, json=unknown, headers={"X-CSRF-Token": csrf}).status_code == 404
    assert env.snapshot() == before
    sent = console.post(url, json=payload, headers={"X-CSRF-Token": csrf})
    assert sent.status_code == 200, sent.text

    view = reporter_view(client, report)
    reply = next(i for i in view["items"] if i["kind"] == "reply")
    data = client.post(
        f"/api/case/items/{reply['item_id']}",
        json=lookup_body(client),
        headers=report.authorization(),
    ).content
    plain = open_envelope(
        data,
        [report.reporter],
        Context(UNIT, report.case_id, "reply", b64u_decode(reply["item_id"])),
    )
    verified = verify_template_reply(
        VerifyKey.from_bytes(env.unit.signing.verify_key.to_bytes()), UNIT, plain
    )
    assert json.loads(verified)["text"] == text
    assert sign_template(env.unit.signing, UNIT, "diterima", text) == signature


def test_pages_are_indonesian_first_english_second(env: Env, inspector: Account) -> None:
    console = Console(env)
    indonesian, english = console.get("/konsol/masuk"), console.get("/en/konsol/masuk")
    assert '<html lang="id">' in indonesian.text and "Masuk ke konsol staf" in indonesian.text
    assert '<html lang="en">' in english.text and "Sign in to the staff console" in english.text
    assert 'href="/en/konsol/masuk"' in indonesian.text
    for answer in (indonesian, english):
        assert answer.headers["cache-control"] == "no-store"
        assert "script-src 'self'" in answer.headers["content-security-policy"]
        assert "set-cookie" not in answer.headers  # no cookie before sign-in


def test_every_console_message_has_an_indonesian_translation() -> None:
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parent.parent
    ids = set()
    for folder, method in (("web/console", "python"), ("web/templates/console", "jinja2")):
        pattern = "**.py" if method == "python" else "**.html"
        options = {pattern: {"extensions": "jinja2.ext.i18n"}} if method == "jinja2" else {}
        for _, _, message, _, _ in extract_from_dir(root / folder, [(pattern, method)], options):
            ids.add(message if isinstance(message, str) else message[0])
    with (root / "web/locale/id/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="id")
    assert len(ids) > 150
    assert sorted(i for i in ids if i not in catalog or not catalog[i].string) == []
