""" "Cek laporan" reads as a person expects, in both engines and both languages.

A case is made here with the crypto API and a real receipt code (profile 2,
the one a browser without WebAssembly makes, so both engines open it in
seconds); the reporter then opens it in the browser and reads:

- their own report as the form was: the questions' labels and the chosen
  options' words in the page's language, from the questionnaire version the
  report was made with, unknown keys under their key (issue 15);
- every attachment under the name the reporter's browser sealed with it, in
  the tip or in a follow-up message;
- after answering the inspectorate's question: that the answer was sent and
  the inspectorate has it, not "please reply below";
- days in words ("Senin, 7 Desember 2026"), never ISO dates.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from app_fixtures import (
    AppClient,
    Submission,
    case_pow,
    lookup_body,
    make_env,
    message_pow,
    open_upload,
    put_envelope,
)
from babel.dates import format_date
from playwright.sync_api import Browser, Page

from browser.conftest import assert_engine, open_page, serve_app
from browser.test_reporter_pages import serious_violations
from common.case_status import CaseStatus
from crypto import envelope
from crypto.b64 import b64u_encode
from crypto.envelope import Context, seal
from crypto.reply import sign_reply
from receipts.derivation import derive
from receipts.receipt_code import ReceiptCode, generate
from vault.store import NewItem

pytestmark = pytest.mark.browser

WEEKDAYS = {
    "id": ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}
ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
LOCALES = {"id": "id", "en": "en_GB"}


def long_day(iso: str, lang: str) -> str:
    """The words people read, as Babel makes them for the console."""
    return format_date(dt.date.fromisoformat(iso), "EEEE, d MMMM y", locale=LOCALES[lang])


@dataclass
class Made:
    env: Any
    code: ReceiptCode
    report: Submission
    case_id: str


def make_case(
    tmp_path: Path, tip: dict[str, Any], *, follow_up: bool = False, env: Any = None
) -> Made:
    """A case with two named attachments in the tip and, maybe, a message with a third."""
    env = env if env is not None else make_env(tmp_path)
    code = generate(2)
    keys = derive(code, env.store.instance_salt())
    report = Submission(
        env.unit,
        selector=keys.selector.reveal(),
        validator=keys.validator.reveal(),
        reporter=keys.private_key(),
    )
    with AppClient(env.app) as client:
        token = open_upload(client)
        uploaded, described = [], []
        for name, data in (("laporan_keuangan.pdf", b"%PDF-1.4 a" * 300), ("foto.jpg", b"x")):
            item_id, sealed = report.attachment(data)
            put_envelope(client, token, item_id, sealed, envelope.CHUNK_SIZE + 16)
            uploaded.append({"item_id": b64u_encode(item_id), "size": len(sealed)})
            described.append({"item_id": b64u_encode(item_id), "name": name, "size": len(data)})
        tip_bytes = json.dumps({**tip, "attachments": described}).encode()
        pow = case_pow(client, env.unit.card.unit_id)
        body = report.case_body(token, tip=tip_bytes, pow=pow)
        body["attachments"] = uploaded
        created = client.post("/api/cases", json=body)
        assert created.status_code == 201, created.text
        if follow_up:
            token = open_upload(client)
            item_id, sealed = report.attachment(b"kontrak")
            put_envelope(client, token, item_id, sealed, envelope.CHUNK_SIZE + 16)
            text = {"text": "Kontrak terlampir.", "attachments": [
                {"item_id": b64u_encode(item_id), "name": "kontrak_027.pdf", "size": 7}
            ]}  # fmt: skip
            sent = client.post(
                "/api/case/messages",
                headers=report.authorization(),
                json={
                    "pow": message_pow(client),
                    "upload": token,
                    "message": report.sealed("message", json.dumps(text).encode()),
                    "attachments": [{"item_id": b64u_encode(item_id), "size": len(sealed)}],
                },
            )
            assert sent.status_code == 201, sent.text
    case = env.store.find_case(keys.selector, keys.validator)
    return Made(env, code, report, case.case_id)


def view_of(made: Made) -> dict[str, Any]:
    with AppClient(made.env.app) as client:
        headers = made.report.authorization()
        view: dict[str, Any] = client.post(
            "/api/case", headers=headers, json=lookup_body(client)
        ).json()
    return view


@pytest.fixture
def served() -> Iterator[Any]:
    """Serve a made case's app; yields a function ``(made) -> base URL``."""
    stack: list[Any] = []

    def serve(made: Made) -> str:
        server = serve_app(made.env.app)
        stack.append(server)
        return server.__enter__()

    yield serve
    for server in reversed(stack):
        server.__exit__(None, None, None)


def open_case(page: Page, engine: str, base: str, lang: str, code: ReceiptCode) -> None:
    page.set_default_timeout(120_000)
    open_page(page, base, f"/{lang}/cek")
    page.wait_for_function("() => document.documentElement.dataset.ready === 'true'")
    assert_engine(page, engine)
    page.fill("#code", code.digits)
    page.click("#open")
    page.wait_for_selector("#case", state="visible")


TIP = {
    "questionnaire": "wbs-default",
    "questionnaire_version": 1,
    "lang": "id",
    "answers": {
        "category": "aset-anggaran",
        "what": "Mobil dinas dipakai untuk usaha pribadi.",
        "who_name": "Kepala Bagian Umum",
        "where": "Dinas Perhubungan",
        "when": "sejak Maret 2026",
        "how_known": "Melihat sendiri",
        "reported_elsewhere": "tidak",
        "who_agency": "",
        "catatan_lama": "kunci yang tidak dikenal formulir",
    },
}
WORDS = {
    "id": ["Jenis pelanggaran", "Penyalahgunaan aset/anggaran", "Siapa yang melakukan? (nama)",
           "Bagaimana Anda mengetahuinya?", "Sudah dilaporkan ke pihak lain?", "Belum"],
    "en": ["Kind of wrongdoing", "Misuse of assets/budget", "Who did it? (name)",
           "How do you know about it?", "Already reported elsewhere?", "No"],
}  # fmt: skip


def answers_shown(page: Page) -> list[tuple[str, str]]:
    tip = page.locator("#conversation li").first
    labels = tip.locator("dl.answers dt").all_inner_texts()
    words = tip.locator("dl.answers dd").all_inner_texts()
    return list(zip(labels, words, strict=True))


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_report_reads_as_the_form_was(
    page: Page, engine: str, tmp_path: Path, served: Any, lang: str
) -> None:
    made = make_case(tmp_path, TIP)
    open_case(page, engine, served(made), lang, made.code)
    shown = dict(answers_shown(page))
    label, option, who, how, elsewhere, no = WORDS[lang]
    assert shown[label] == option
    assert shown[who] == "Kepala Bagian Umum"
    assert shown[how] == "Melihat sendiri"
    assert shown[elsewhere] == no
    # An answer the questionnaire does not know is shown under its key, as it came.
    assert shown["catatan_lama"] == "kunci yang tidak dikenal formulir"
    order = list(shown)
    assert order[0] == label and order[-1] == "catatan_lama"  # the form's order
    text = page.inner_text("#conversation")
    for internal in ("aset-anggaran", "who_name", "how_known", "reported_elsewhere", "category:"):
        assert internal not in text
    assert "who_agency" not in text  # an empty answer is not shown at all


def test_an_older_questionnaire_version_keeps_its_words(
    page: Page, engine: str, tmp_path: Path, served: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A report made with version 1 reads with version 1's labels after version 2 ships."""
    from web import questionnaire_labels

    shipped = questionnaire_labels.QUESTIONNAIRES / "wbs-default.json"
    forms = tmp_path / "questionnaires"
    (forms / "versions").mkdir(parents=True)
    old = json.loads(shipped.read_text(encoding="utf-8"))
    (forms / "versions" / "wbs-default-v1.json").write_text(json.dumps(old), encoding="utf-8")
    new = json.loads(json.dumps(old))
    new["version"] = 2
    new["fields"][0]["label"] = {"id": "Jenis masalah (versi 2)", "en": "Kind of problem (v2)"}
    (forms / "wbs-default.json").write_text(json.dumps(new), encoding="utf-8")
    monkeypatch.setattr(questionnaire_labels, "QUESTIONNAIRES", forms)
    questionnaire_labels.known_versions.cache_clear()
    questionnaire_labels.current_versions.cache_clear()
    try:
        made = make_case(tmp_path / "v1", TIP)
        base = served(made)
        open_case(page, engine, base, "id", made.code)
        assert dict(answers_shown(page))["Jenis pelanggaran"] == "Penyalahgunaan aset/anggaran"
        # A report that names a version this server never had reads with the current one.
        unknown = make_case(tmp_path / "v9", {**TIP, "questionnaire_version": 9})
        open_case(page, engine, served(unknown), "id", unknown.code)
        assert dict(answers_shown(page))["Jenis masalah (versi 2)"] == (
            "Penyalahgunaan aset/anggaran"
        )
    finally:
        questionnaire_labels.known_versions.cache_clear()
        questionnaire_labels.current_versions.cache_clear()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_attachments_carry_their_names(
    page: Page, engine: str, tmp_path: Path, served: Any, lang: str
) -> None:
    made = make_case(tmp_path, TIP, follow_up=True)
    open_case(page, engine, served(made), lang, made.code)
    word = {"id": "Lampiran", "en": "Attachment"}[lang]
    boxes = [
        text.split("\n")[0]
        for text in page.locator("#conversation li").all_inner_texts()
        if text.startswith(word)
    ]
    assert sorted(boxes) == sorted(
        f"{word}: {name}" for name in ("laporan_keuangan.pdf", "foto.jpg", "kontrak_027.pdf")
    )
    assert (
        "kontrak_027.pdf"
        in page.locator("#conversation li", has_text="Kontrak terlampir.").inner_text()
    )


def ask_a_question(made: Made) -> None:
    """The unit asks (a signed reply) and the case waits for the reporter."""
    item = os.urandom(16)
    case_id = bytes.fromhex(made.case_id)
    ctx = Context(made.env.unit.card.unit_id, case_id, "reply", item)
    body = json.dumps({"text": "Mohon sebutkan nomor polisi mobilnya.", "status": None}).encode()
    sealed = seal(
        sign_reply(made.env.unit.signing, ctx, body),
        [made.report.reporter.public_key(), made.env.unit.card.xwing_public_key],
        ctx,
    )
    made.env.store.add_unit_envelopes(made.case_id, [NewItem(item, "reply", sealed)])
    made.env.store.set_status(made.case_id, CaseStatus.PERLU_INFORMASI)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_after_answering_the_page_says_the_answer_was_sent(
    page: Page, engine: str, tmp_path: Path, served: Any, lang: str
) -> None:
    made = make_case(tmp_path, TIP)
    ask_a_question(made)
    base = served(made)
    open_case(page, engine, base, lang, made.code)
    asked = {
        "id": ("Silakan jawab di bawah", "sampai Anda menjawab"),
        "en": ("Please reply below", "until you answer"),
    }[lang]
    assert asked[0] in page.inner_text("#status")
    assert asked[1] in page.inner_text("#deadline")

    page.fill("#message", "Nomor polisinya DR 1234 AB.")
    page.click("#send-message")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#conversation li')].some("
        "li => li.textContent.includes('DR 1234 AB'))"
    )
    answered = {
        "id": (
            "jawaban Anda sudah terkirim dan sudah diterima inspektorat",
            "membaca jawaban Anda",
        ),
        "en": ("your answer was sent and the inspectorate has it", "has read your answer"),
    }[lang]
    for shown in (page.inner_text("#status"), page.inner_text("#deadline")):
        assert asked[0] not in shown and asked[1] not in shown
    assert answered[0] in page.inner_text("#status")
    assert answered[1] in page.inner_text("#deadline")
    # Coming back later reads the same: the answer is in the conversation.
    open_case(page, engine, base, lang, made.code)
    assert answered[0] in page.inner_text("#status")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_days_read_as_words(
    page: Page, engine: str, tmp_path: Path, served: Any, lang: str
) -> None:
    made = make_case(tmp_path, TIP, follow_up=True)
    view = view_of(made)
    open_case(page, engine, served(made), lang, made.code)
    conversation = page.inner_text("#conversation")
    deadline = page.inner_text("#deadline")
    assert ISO_DAY.findall(conversation) == [] and ISO_DAY.findall(deadline) == []
    submitted = long_day(view["items"][0]["day"], lang)
    assert submitted in conversation
    assert long_day(view["deadline"]["due"], lang) in deadline
    weekday = dt.date.fromisoformat(view["items"][0]["day"]).weekday()
    assert submitted.startswith(WEEKDAYS[lang][weekday])


def test_the_opened_case_has_no_serious_accessibility_violation(
    browser: Browser, engine: str, tmp_path: Path, served: Any
) -> None:
    made = make_case(tmp_path, TIP, follow_up=True)
    ask_a_question(made)
    base = served(made)
    # axe-core is injected as a script, which the page's CSP rightly forbids.
    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        page.set_default_timeout(120_000)
        for lang in ("id", "en"):
            page.goto(f"{base}/{lang}/cek")
            page.wait_for_function("() => document.documentElement.dataset.ready === 'true'")
            page.fill("#code", made.code.digits)
            page.click("#open")
            page.wait_for_selector("#case", state="visible")
            assert page.locator("#conversation dl.answers").count() == 1
            assert serious_violations(page) == []
    finally:
        context.close()


def test_a_tip_without_a_questionnaire_reads_with_the_current_form(
    page: Page, engine: str, tmp_path: Path, served: Any
) -> None:
    """An old or command-line tip: flat answers, no version; unknown keys as they came."""
    made = make_case(tmp_path, {"category": "suap", "apa": "pungli di loket"})
    open_case(page, engine, served(made), "id", made.code)
    shown = dict(answers_shown(page))
    assert shown == {"Jenis pelanggaran": "Suap, pemerasan, pungli", "apa": "pungli di loket"}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_version_published_in_the_console_keeps_its_words(
    page: Page, engine: str, tmp_path: Path, served: Any, lang: str
) -> None:
    """Version 2 published, a report on it (the digest the report page serves), then 3."""
    from test_questionnaire_versions_end_to_end import DEFAULT

    from vault import questionnaires
    from vault.database import opened

    env = make_env(tmp_path / "first")

    def publish(label: str) -> str:
        document = json.loads(DEFAULT.read_text(encoding="utf-8"))
        document["fields"][1]["label"] = {"id": label, "en": label + " (en)"}
        with opened(env.data / "vault.sqlite3") as db:
            unit = env.unit.card.unit_id
            return questionnaires.publish(
                db, unit, document, actor="admin", today=dt.date.today()
            ).digest

    second = publish("Ceritakan kejadiannya (versi 2)")
    with AppClient(env.app) as client:
        page_html = client.get(f"/id/lapor/{env.unit.card.unit_id}").text
    assert f'data-questionnaire-digest="{second}"' in page_html
    tip = {**TIP, "questionnaire_version": 2, "questionnaire_digest": second}
    made = make_case(tmp_path, tip, env=env)
    publish("Ceritakan kejadiannya (versi 3)")
    open_case(page, engine, served(made), lang, made.code)
    shown = dict(answers_shown(page))
    what = "Ceritakan kejadiannya (versi 2)" + (" (en)" if lang == "en" else "")
    assert shown[what] == "Mobil dinas dipakai untuk usaha pribadi."
    assert "versi 3" not in page.inner_text("#conversation")
    assert shown[WORDS[lang][0]] == WORDS[lang][1]
