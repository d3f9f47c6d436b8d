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
    value_id: str  # the answer as written, or the chosen option's Indonesian words
    value_en: str  # the same text, or the option's English words
    code: str = ""  # the chosen option's value ("" for a free-text answer)

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_id

    def words(self, lang: str) -> str:
        return self.value_en if lang == "en" else self.value_id

    @property
    def value(self) -> str:
        """Both languages where they differ (a file or a terminal for either reader)."""
        same = self.value_id == self.value_en
        return self.value_id if same else f"{self.value_id} / {self.value_en}"


@dataclass(frozen=True)
class Labelled:
    """A tip's answers and the questionnaire version they were labelled with."""

    form: dict[str, Any]
    answers: list[Answer]


@cache
def form(name: str = "wbs-default") -> dict[str, Any]:
    if name != "wbs-default":
        name = "wbs-default"  # the only form shipped; unknown names fall back to raw display
    text = (resources.files("workstation") / "forms" / f"{name}.json").read_text("utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def options(form_doc: dict[str, Any], field_id: str) -> dict[str, tuple[str, str]]:
    """A select question's options in ``form_doc``: value -> (Indonesian, English) words."""
    for entry in form_doc["fields"]:
        if entry["id"] == field_id:
            choices = entry.get("options", [])
            return {o["value"]: (o["label"]["id"], o["label"]["en"]) for o in choices}
    return {}


def questions(form_doc: dict[str, Any], lang: str) -> dict[str, str]:
    """Each question's label in ``lang`` by its key (``"en"``, else Indonesian)."""
    return {f["id"]: f["label"]["en" if lang == "en" else "id"] for f in form_doc["fields"]}


def _answer(field_id: str, labels: tuple[str, str], value: Any,
            choices: dict[str, tuple[str, str]]) -> Answer:  # fmt: skip
    if isinstance(value, str) and value in choices:
        return Answer(field_id, *labels, *choices[value], code=value)
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return Answer(field_id, *labels, text, text)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


META = ("questionnaire", "questionnaire_version", "questionnaire_digest", "lang")

Versions = Callable[[object], "dict[str, Any] | None"]
"""Finds a stored questionnaire version by its id (``WorkstationStore.questionnaire``)."""


def form_of(tip: dict[str, Any], versions: Versions | None = None) -> dict[str, Any]:
    """The questionnaire version the tip was made with, else the built-in form."""
    found = versions(tip.get("questionnaire_digest")) if versions is not None else None
    return found if found is not None else form()


def labelled(tip: dict[str, Any], versions: Versions | None = None) -> Labelled:
    """The tip's answers in its own form's order, labelled; unknown fields after, by key.

    A blank answer (empty, spaces only, ``null``) is left out, known or not.
    """
    nested = tip.get("answers")
    raw: dict[str, Any] = nested if isinstance(nested, dict) else tip
    given: dict[str, Any] = {k: v for k, v in raw.items() if k != "attachments"}
    form_doc = form_of(tip, versions)
    result: list[Answer] = []
    for field in form_doc["fields"]:
        field_id = field["id"]
        if field_id not in given:
            continue
        value = given.pop(field_id)
        if not _blank(value):
            labels = (field["label"]["id"], field["label"]["en"])
            result.append(_answer(field_id, labels, value, options(form_doc, field_id)))
    for key, value in given.items():
        if (key in META and raw is tip) or _blank(value):
            continue
        result.append(_answer(str(key), (str(key), str(key)), value, {}))
    return Labelled(form_doc, result)


def answers(tip: dict[str, Any], versions: Versions | None = None) -> list[Answer]:
    """:func:`labelled`'s answers alone."""
    return labelled(tip, versions).answers


def described_attachments(tip: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """What the reporter's browser said about each attachment, by item id (base64url)."""
    described: dict[str, dict[str, Any]] = {}
    entries = tip.get("attachments")
    if isinstance(entries, list):
        for entry in entries:
            if isinstance(entry, dict) and isinstance(entry.get("item_id"), str):
                described[entry["item_id"]] = entry
    return described
