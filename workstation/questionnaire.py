"""The report form's labels, so answers are shown as the reporter saw the questions.

``workstation/forms/wbs-default.json`` is a copy of
``web/questionnaires/wbs-default.json`` (workstation/ never imports web/;
tests/test_ws_reading.py checks the copy is identical). A tip is UTF-8 JSON
``{"questionnaire", "questionnaire_version", "questionnaire_digest", "lang",
"answers": {...}, "attachments": [...]}``; anything else is shown field by
field as it came. A tip is labelled by the questionnaire version it names
(``questionnaire_digest``, stored from the export bundles), else by the
built-in form (tips from before versions, or a version not stored here).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class Answer:
    field_id: str
    label_id: str  # Indonesian label
    label_en: str
    value: str


@cache
def form(name: str = "wbs-default") -> dict[str, Any]:
    if name != "wbs-default":
        name = "wbs-default"  # the only form shipped; unknown names fall back to raw display
    text = (resources.files("workstation") / "forms" / f"{name}.json").read_text("utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def _display(value: Any, options: dict[str, tuple[str, str]]) -> str:
    if isinstance(value, str) and value in options:
        indonesian, english = options[value]
        return f"{indonesian} / {english}"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


META = ("questionnaire", "questionnaire_version", "questionnaire_digest", "lang")

Versions = Callable[[object], "dict[str, Any] | None"]
"""Finds a stored questionnaire version by its id (``WorkstationStore.questionnaire``)."""


def form_of(tip: dict[str, Any], versions: Versions | None = None) -> dict[str, Any]:
    """The questionnaire version the tip was made with, else the built-in form."""
    found = versions(tip.get("questionnaire_digest")) if versions is not None else None
    return found if found is not None else form()


def answers(tip: dict[str, Any], versions: Versions | None = None) -> list[Answer]:
    """The tip's answers in its own form's order, labelled; unknown fields after, by key."""
    nested = tip.get("answers")
    raw: dict[str, Any] = nested if isinstance(nested, dict) else tip
    given: dict[str, Any] = {k: v for k, v in raw.items() if k != "attachments"}
    result: list[Answer] = []
    for field in form_of(tip, versions)["fields"]:
        field_id = field["id"]
        if field_id not in given or given[field_id] in ("", None):
            continue
        options = {
            o["value"]: (o["label"]["id"], o["label"]["en"]) for o in field.get("options", [])
        }
        value = _display(given.pop(field_id), options)
        result.append(Answer(field_id, field["label"]["id"], field["label"]["en"], value))
    for key, value in given.items():
        if key in META and raw is tip:
            continue
        result.append(Answer(str(key), str(key), str(key), _display(value, {})))
    return result


def described_attachments(tip: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """What the reporter's browser said about each attachment, by item id (base64url)."""
    described: dict[str, dict[str, Any]] = {}
    entries = tip.get("attachments")
    if isinstance(entries, list):
        for entry in entries:
            if isinstance(entry, dict) and isinstance(entry.get("item_id"), str):
                described[entry["item_id"]] = entry
    return described
