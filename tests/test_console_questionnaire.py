"""The questionnaire editor's routes on the real app: CSRF, roles, big forms, refusals.

A publish without the session's CSRF token, or by an inspector, changes
nothing; a refused publish answers 400 with the problems in the page's
language and stores nothing; the editor reads a form larger than the
console's usual 16 KiB cap (a full questionnaire) and still bounds it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from app_fixtures import Env, make_env
from console_fixtures import Account, Console, add_account
from vault_sql import vault_sql

from web.console.questionnaire_form import FORM_BYTES


@pytest.fixture
def env(tmp_path: Path) -> Env:
    return make_env(tmp_path)


def signed_in(env: Env, account: Account) -> Console:
    console = Console(env)
    assert console.login(account).status_code == 303
    return console


def editor_fields(page: str) -> dict[str, str]:
    """The editor's inputs as the browser would post them (checked boxes only)."""
    fields: dict[str, str] = {}
    for name, value in re.findall(
        r'<input type="(?:text|number|hidden)" [^>]*?name="([^"]+)"[^>]*?value="([^"]*)"', page
    ):
        fields[name] = value.replace("&#34;", '"').replace("&#39;", "'").replace("&amp;", "&")
    for name in re.findall(r'name="([^"]+)" value="1" checked', page):
        fields[name] = "1"
    for name, text in re.findall(r'<textarea [^>]*?name="([^"]+)"[^>]*>([^<]*)</textarea>', page):
        fields[name] = text.replace("&#34;", '"').replace("&#39;", "'").replace("&amp;", "&")
    for name, value in re.findall(
        r'<select id="[^"]+" name="(q\d+-type)">.*?<option value="(\w+)" selected', page
    ):
        fields[name] = value
    return fields


def versions(env: Env) -> int:
    with vault_sql(env.data / "vault.sqlite3") as db:
        count: int = db.execute("SELECT count(*) FROM questionnaire_versions").fetchone()[0]
    return count


def test_publish_needs_csrf_and_an_administrator(env: Env) -> None:
    unit = env.unit.card.unit_id
    admin = signed_in(env, add_account(env, "admin", "admin"))
    page = admin.get(f"/konsol/kuesioner/{unit}").text
    fields: dict[str, Any] = {**editor_fields(page), "action": "publish"}
    assert fields["q1-key"] == "what" and fields["q0-type"] == "select"
    without = {k: v for k, v in fields.items() if k != "csrf"}
    assert admin.post(f"/konsol/kuesioner/{unit}", data=without).status_code == 403
    inspector = signed_in(env, add_account(env, "ines", "inspector", (unit,)))
    assert inspector.get(f"/konsol/kuesioner/{unit}").status_code == 403
    fields_ines = {**fields, "csrf": inspector.csrf()}
    assert inspector.post(f"/konsol/kuesioner/{unit}", data=fields_ines).status_code == 403
    assert versions(env) == 0
    done = admin.post(f"/konsol/kuesioner/{unit}", data=fields)
    assert done.status_code == 303 and versions(env) == 1


def test_a_refused_publish_says_why_and_stores_nothing(env: Env) -> None:
    unit = env.unit.card.unit_id
    admin = signed_in(env, add_account(env, "admin", "admin"))
    fields = editor_fields(admin.get(f"/en/konsol/kuesioner/{unit}").text)
    fields.update({"q2-key": "what", "q3-label_en": "", "action": "publish"})
    answer = admin.post(f"/en/konsol/kuesioner/{unit}", data=fields)
    assert answer.status_code == 400
    assert "Question 3: the key &#39;what&#39; is used twice." in answer.text
    assert "Question 4: the label needs Indonesian and English." in answer.text
    assert versions(env) == 0


def test_the_editor_form_is_bounded(env: Env) -> None:
    unit = env.unit.card.unit_id
    admin = signed_in(env, add_account(env, "admin", "admin"))
    fields = editor_fields(admin.get(f"/konsol/kuesioner/{unit}").text)
    fields["q0-help_id"] = "x" * FORM_BYTES
    assert admin.post(f"/konsol/kuesioner/{unit}", data=fields).status_code == 413
    assert versions(env) == 0


def test_every_problem_has_indonesian_words() -> None:
    """Each rule's message (crypto/questionnaire_doc.py, the editor's own) is translated."""
    from web.i18n import gettext

    root = Path(__file__).resolve().parents[1]
    sources = ["crypto/questionnaire_doc.py", "web/console/questionnaire_form.py"]
    messages = set()
    for source in sources:
        text = (root / source).read_text(encoding="utf-8")
        messages |= set(re.findall(r'_\(\s*"((?:[^"\\]|\\.)+)"\s*\)', text))
    assert len(messages) > 20
    untranslated = [m for m in sorted(messages) if gettext("id", m) == m]
    assert untranslated == []
