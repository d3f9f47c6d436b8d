"""The reporter's pages on the real app: languages, headers, scripts, no state.

Headers are pinned here: a change to the Content-Security-Policy or to any
other protective header must be a deliberate change of this test.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from app_fixtures import UNIT_ID, AppClient, Env, make_env

from web.security_headers import CONTENT_SECURITY_POLICY

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["/{lang}/", "/{lang}/panduan", f"/{{lang}}/lapor/{UNIT_ID}", "/{lang}/cek"]

PINNED_CSP = (
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; "
    "connect-src 'self'; img-src 'self' blob: data:; style-src 'self'; font-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
PINNED = {
    "content-security-policy": PINNED_CSP,
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "cross-origin-embedder-policy": "require-corp",
    "cache-control": "no-store",
}


class Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.forms = 0
        self.inline_handlers: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script":
            self.scripts.append(attributes)
        if tag == "form":
            self.forms += 1
        for name, value in attrs:
            if name.startswith("on"):
                self.inline_handlers.append(name)
            if name in ("href", "src", "action") and value:
                self.links.append(value)


@pytest.fixture
def env(tmp_path: Path) -> Env:
    return make_env(tmp_path)


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_with_the_pinned_headers(env: Env, page: str, lang: str) -> None:
    response = AppClient(env.app).get(page.format(lang=lang))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    for name, value in PINNED.items():
        assert response.headers[name] == value, name
    assert "camera=()" in response.headers["permissions-policy"]
    assert "set-cookie" not in response.headers
    assert "server" not in response.headers
    assert f'<html lang="{lang}">' in response.text


def test_the_pinned_policy_is_the_one_the_code_sends() -> None:
    assert CONTENT_SECURITY_POLICY == PINNED_CSP


@pytest.mark.parametrize("page", PAGES)
def test_no_inline_script_no_form_no_other_origin(env: Env, page: str) -> None:
    html = AppClient(env.app).get(page.format(lang="id")).text
    parser = Scripts()
    parser.feed(html)
    assert parser.forms == 0, "a <form> could send plaintext without JavaScript"
    assert parser.inline_handlers == []
    for script in parser.scripts:
        if script.get("type") == "application/json":
            continue  # a data block, never executed
        assert script.get("src", "").startswith("/static/dist/"), script
        assert script.get("integrity", "").startswith("sha384-"), script
    for link in parser.links:
        assert link.startswith(("/", "#")) or link == "data:,", link


@pytest.mark.parametrize("page", [f"/id/lapor/{UNIT_ID}", "/id/cek"])
def test_page_scripts_carry_the_hash_of_the_served_file(env: Env, page: str) -> None:
    client = AppClient(env.app)
    parser = Scripts()
    parser.feed(client.get(page).text)
    sources = [s for s in parser.scripts if s.get("src")]
    assert sources
    for script in sources:
        body = client.get(str(script["src"])).content
        digest = base64.b64encode(hashlib.sha384(body).digest()).decode()
        assert script["integrity"] == f"sha384-{digest}"


def test_indonesian_first_and_english_second(env: Env) -> None:
    client = AppClient(env.app)
    root = client.get("/", follow_redirects=False)
    assert root.status_code == 303
    assert root.headers["location"] == "/id/"
    indonesian = client.get("/id/").text
    english = client.get("/en/").text
    assert "Laporkan pelanggaran dengan aman" in indonesian
    assert "Report wrongdoing safely" in english
    assert 'href="/en/"' in indonesian
    assert 'href="/id/"' in english


def test_report_page_shows_the_questionnaire_in_both_languages(env: Env) -> None:
    client = AppClient(env.app)
    indonesian = client.get(f"/id/lapor/{UNIT_ID}").text
    english = client.get(f"/en/lapor/{UNIT_ID}").text
    assert "Jenis pelanggaran" in indonesian
    assert "Pembalasan terhadap pelapor" in indonesian
    assert "Kind of wrongdoing" in english
    for field in ("category", "what", "who_name", "where", "when", "evidence_description"):
        assert f'id="q-{field}"' in indonesian
        assert f'for="q-{field}"' in indonesian  # every input has a label


def test_page_messages_are_a_data_block_in_the_page_language(env: Env) -> None:
    html = AppClient(env.app).get("/id/cek").text
    match = re.search(r'<script type="application/json" id="messages">(.*?)</script>', html, re.S)
    assert match
    messages = json.loads(match.group(1))
    assert messages["code_typo"] == "Periksa kodenya: ada satu angka yang tampaknya salah."


def test_noscript_and_insecure_context_explanations_are_present(env: Env) -> None:
    html = AppClient(env.app).get(f"/id/lapor/{UNIT_ID}").text
    assert "<noscript>" in html
    assert 'id="insecure"' in html
    assert 'id="continue" disabled' in html  # nothing to press until the script checked


@pytest.mark.parametrize("path", ["/xx/", "/id/lapor/no-such-unit", "/id/nothing"])
def test_unknown_pages_are_404_without_detail(env: Env, path: str) -> None:
    response = AppClient(env.app).get(path)
    assert response.status_code == 404
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    ("path", "text"),
    [("/id/lapor/tidak-ada", "Halaman tidak ditemukan"), ("/en/lapor/none", "Page not found")],
)
def test_error_pages_are_html_in_the_page_language(env: Env, path: str, text: str) -> None:
    response = AppClient(env.app).get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert text in response.text
    assert response.headers["content-security-policy"] == PINNED_CSP


def test_a_page_method_error_is_a_page_not_a_traceback(env: Env) -> None:
    response = AppClient(env.app).post("/id/cek")
    assert response.status_code == 405
    assert response.headers["content-type"].startswith("text/html")
    assert "Traceback" not in response.text
