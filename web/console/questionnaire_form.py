"""The questionnaire editor's form: rows of inputs to and from a questionnaire document.

The editor is a plain HTML form (no script): one group of inputs per
question (key, type, required, longest answer, label and help in Indonesian
and English, the options one a line as ``value | Indonesian | English``, a
position number and a "remove" box) and an empty group to add a question.
Reordering is done by the position numbers. What the form says is turned
into a document here; whether the document is valid is decided by
:mod:`crypto.questionnaire_doc`, the same rules the vault applies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crypto.questionnaire_doc import MAX_FIELDS, Problem
from web.console.forms import Form

FORM_BYTES = 512 * 1024
FORM_FIELDS = 16 + 12 * (MAX_FIELDS + 1)
INPUTS = ("key", "type", "max", "label_id", "label_en", "help_id", "help_en", "options")


def _(message: str) -> str:
    return message


OPTION_LINE = _("Question {n}, option {o}: write it as value | Indonesian | English.")
NOT_A_NUMBER = _("Question {n}: the longest answer is a number.")


@dataclass
class Row:
    """One question as the editor shows it."""

    key: str = ""
    type: str = "text"
    required: bool = False
    max: str = ""
    label_id: str = ""
    label_en: str = ""
    help_id: str = ""
    help_en: str = ""
    options: str = ""
    order: int = 0

    def blank(self) -> bool:
        texts = (self.key, self.max, self.label_id, self.label_en, self.help_id, self.help_en)
        return not any(texts) and not self.options.strip()


@dataclass
class Draft:
    """The editor's content: a title, the questions in order, and what is wrong with them."""

    form_id: str
    title_id: str
    title_en: str
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def rows_of(document: dict[str, Any]) -> Draft:
    """The editor's rows for a stored document."""
    rows = []
    for number, spec in enumerate(document["fields"], start=1):
        help_text = spec.get("help", {})
        options = "\n".join(
            f"{o['value']} | {o['label']['id']} | {o['label']['en']}"
            for o in spec.get("options", [])
        )
        rows.append(
            Row(
                spec["id"],
                spec["type"],
                bool(spec["required"]),
                str(spec.get("max", "")),
                spec["label"]["id"],
                spec["label"]["en"],
                help_text.get("id", ""),
                help_text.get("en", ""),
                options,
                number,
            )
        )
    title = document["title"]
    return Draft(document["id"], title["id"], title["en"], rows)


def _row(form: Form, index: int) -> tuple[Row, bool]:
    """Row ``index`` of the posted form and whether it is to be removed."""
    values = {name: form.fields.get(f"q{index}-{name}", "").strip() for name in INPUTS}
    order = form.fields.get(f"q{index}-order", "").strip()
    row = Row(
        values["key"], values["type"], f"q{index}-required" in form.fields, values["max"],
        values["label_id"], values["label_en"], values["help_id"], values["help_en"],
        form.fields.get(f"q{index}-options", "").replace("\r\n", "\n").strip(),
        int(order) if order.isdigit() else 1000 + index,
    )  # fmt: skip
    return row, f"q{index}-remove" in form.fields


def draft_of(form: Form, form_id: str) -> Draft:
    """The posted editor: kept questions sorted by position (a blank one is dropped)."""
    kept: list[tuple[int, int, Row]] = []
    for index in range(MAX_FIELDS + 2):
        if not any(f"q{index}-{name}" in form.fields for name in INPUTS):
            continue
        row, remove = _row(form, index)
        if not remove and not row.blank():
            kept.append((row.order, index, row))
    rows = [row for _, _, row in sorted(kept, key=lambda item: item[:2])]
    for number, row in enumerate(rows, start=1):
        row.order = number
    title_id = form.fields.get("title_id", "").strip()
    title_en = form.fields.get("title_en", "").strip()
    return Draft(form_id, title_id, title_en, rows)


def _both(indonesian: str, english: str) -> dict[str, str]:
    return {"id": indonesian, "en": english}


def _options(row: Row, number: int, problems: list[Problem]) -> list[dict[str, Any]]:
    options = []
    for place, line in enumerate(filter(None, map(str.strip, row.options.split("\n"))), 1):
        parts = [part.strip() for part in line.split("|")]
        if len(parts) != 3:
            problems.append(Problem(OPTION_LINE, {"n": number, "o": place}))
            continue
        options.append({"value": parts[0], "label": _both(parts[1], parts[2])})
    return options


def document_of(draft: Draft, version: int) -> dict[str, Any]:
    """The document the draft describes; what cannot be read goes to ``draft.problems``."""
    fields = []
    for number, row in enumerate(draft.rows, start=1):
        spec: dict[str, Any] = {
            "id": row.key,
            "type": row.type,
            "required": row.required,
            "label": _both(row.label_id, row.label_en),
        }
        if row.help_id or row.help_en:
            spec["help"] = _both(row.help_id, row.help_en)
        if row.max:
            if row.max.isdigit():
                spec["max"] = int(row.max)
            else:
                draft.problems.append(Problem(NOT_A_NUMBER, {"n": number}))
        if row.type == "select":
            spec["options"] = _options(row, number, draft.problems)
        fields.append(spec)
    return {
        "id": draft.form_id,
        "version": version,
        "title": _both(draft.title_id, draft.title_en),
        "fields": fields,
    }
