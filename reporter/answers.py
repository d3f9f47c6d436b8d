"""The answers file, checked against the unit's questionnaire before anything is sent.

The answers file is one UTF-8 JSON object ``{"field id": "answer", ...}``
whose keys are the questionnaire's field ids (``peluit-report submit
--help`` lists them, with the choices of each ``select``). An unknown key, a
required field missing or empty, an answer that is not a string, is over
the field's length, or is not one of a select's choices is a clear error
before anything is sent. The tip that is sealed is the document the report
page seals: ``{"questionnaire", "questionnaire_version", "lang",
"answers", "attachments"}``, so the workstation shows each answer under its
question.

``reporter/forms/wbs-default.json`` is a copy of
``web/questionnaires/wbs-default.json`` (reporter/ never imports web/;
tests/test_reporter_answers.py checks the copy is identical). It is the only
questionnaire the server ships, so it is every unit's.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from common.cli_language import language
from reporter.http_client import ReporterError
from reporter.words import t

QUESTIONNAIRE = "wbs-default"


@cache
def form(name: str = QUESTIONNAIRE) -> dict[str, Any]:
    text = (resources.files("reporter") / "forms" / f"{name}.json").read_text("utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def _error(word: str, /, **values: object) -> ReporterError:
    return ReporterError(t(word, **values), hint=t("answers.hint"))


def check(document: object, questionnaire: dict[str, Any] | None = None) -> dict[str, str]:
    """Every field of the form, answered or ``""``; raise :class:`ReporterError` on a mistake."""
    fields = (questionnaire or form())["fields"]
    if not isinstance(document, dict):
        raise _error("answers.not_object")
    known = {f["id"] for f in fields}
    unknown = sorted(str(k) for k in document if k not in known)
    if unknown:
        raise _error("answers.unknown", keys=", ".join(unknown))
    answers: dict[str, str] = {}
    missing = []
    for field in fields:
        value = document.get(field["id"], "")
        if not isinstance(value, str):
            raise _error("answers.not_text", key=field["id"])
        value = value.strip()
        if field.get("required") and not value:
            missing.append(field["id"])
        limit = field.get("max")
        if limit and len(value) > limit:
            raise _error("answers.too_long", key=field["id"], max=limit)
        options = [o["value"] for o in field.get("options", [])]
        if value and options and value not in options:
            raise _error("answers.option", key=field["id"], options=", ".join(options))
        answers[field["id"]] = value
    if missing:
        raise _error("answers.missing", keys=", ".join(missing))
    return answers


def tip_document(answers: dict[str, str], attachments: list[dict[str, Any]]) -> bytes:
    questionnaire = form()
    document = {
        "questionnaire": questionnaire["id"],
        "questionnaire_version": questionnaire["version"],
        "lang": language(),
        "answers": answers,
        "attachments": attachments,
    }
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def describe_fields() -> str:
    """The ``submit --help`` text that documents the answers file."""
    lang = language()
    lines = [t("answers.help")]
    for field in form()["fields"]:
        mark = "*" if field.get("required") else " "
        label = field["label"].get(lang) or field["label"]["en"]
        limit = f", max {field['max']}" if field.get("max") else ""
        lines.append(f"  {mark} {field['id']}: {label}{limit}")
        options = [o["value"] for o in field.get("options", [])]
        if options:
            lines.append(f"      {t('answers.one_of')}: " + ", ".join(options))
    example = '{"category": "pengadaan", "what": "...", "where": "...", "when": "..."}'
    lines.append(f"{t('answers.example')}: {example}")
    return "\n".join(lines)
