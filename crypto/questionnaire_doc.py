"""A questionnaire version: its rules, canonical bytes and id (docs/spec/questionnaire-v1.md).

A questionnaire is the report form of one unit: a title and up to
:data:`MAX_FIELDS` questions, each with a key, a type (``text``,
``textarea`` or ``select``), an Indonesian and an English label, an
optional help text in both languages, ``required``, an optional maximum
length, and for ``select`` its options (a value and a label in both
languages). A published version never changes: its id is the SHA-256 of its
canonical JSON (sorted keys, no spaces, UTF-8), which the report page seals
inside the tip, so a server cannot relabel what a reporter answered.

:func:`problems` lists every rule a document breaks, each as an English
message (a catalog msgid, translated where it is shown) with its
parameters, so a person sees all of them at once.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from common.strict_json import is_int, load_object
from crypto.errors import PeluitError

TYPES: Final = ("text", "textarea", "select")
LANGS: Final = ("id", "en")
MAX_FIELDS: Final = 40
MAX_OPTIONS: Final = 30
MAX_TITLE: Final = 120
MAX_LABEL: Final = 200
MAX_HELP: Final = 600
MAX_OPTION_LABEL: Final = 120
MAX_ANSWER: Final = 20000
MAX_BYTES: Final = 256 * 1024
"""The largest canonical document (the bundle entry's bound)."""

KEY: Final = re.compile(r"[a-z][a-z0-9_]{0,39}\Z")
VALUE: Final = re.compile(r"[a-z0-9][a-z0-9-]{0,39}\Z")
FORM_ID: Final = re.compile(r"[a-z0-9][a-z0-9-]{0,63}\Z")
_DIGEST: Final = re.compile(r"[0-9a-f]{64}\Z")


def _(message: str) -> str:
    return message


@dataclass(frozen=True)
class Problem:
    """One broken rule: an English message (msgid) with ``{name}`` parameters."""

    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, translate: Any = None) -> str:
        template = translate(self.message) if translate is not None else self.message
        return str(template).format(**self.params)


class QuestionnaireError(PeluitError):
    """A questionnaire document that breaks its rules; ``problems`` lists each."""

    default_message = "This questionnaire is not valid."

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(self.default_message)
        self.problems = problems


def canonical(document: Mapping[str, Any]) -> bytes:
    """The document's canonical bytes: sorted keys, no spaces, UTF-8."""
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def digest(document: Mapping[str, Any]) -> str:
    """The version's id: SHA-256 (hex) of its canonical bytes."""
    return hashlib.sha256(canonical(document)).hexdigest()


def is_digest(value: object) -> bool:
    return isinstance(value, str) and _DIGEST.match(value) is not None


def _text(value: object, limit: int) -> bool:
    return isinstance(value, str) and value == value.strip() and 1 <= len(value) <= limit


def _both(
    value: object, limit: int, messages: tuple[str, str], where: dict[str, Any]
) -> list[Problem]:
    """Text in both languages: ``messages`` says what is missing, then what is too long."""
    missing, too_long = messages
    if not isinstance(value, dict) or set(value) != set(LANGS):
        return [Problem(missing, where)]
    for lang in LANGS:
        text = value[lang]
        if not isinstance(text, str) or not text.strip():
            return [Problem(missing, where)]
        if not _text(text, limit):
            return [Problem(too_long, {**where, "limit": limit})]
    return []


TITLE: Final = (
    _("The title needs Indonesian and English."),
    _("The title is longer than {limit} characters."),
)
LABEL: Final = (
    _("Question {n}: the label needs Indonesian and English."),
    _("Question {n}: the label is longer than {limit} characters."),
)
HELP: Final = (
    _("Question {n}: the help needs Indonesian and English."),
    _("Question {n}: the help is longer than {limit} characters."),
)
OPTION: Final = (
    _("Question {n}, option {o}: the label needs Indonesian and English."),
    _("Question {n}, option {o}: the label is longer than {limit} characters."),
)


def _options(spec: Mapping[str, Any], where: dict[str, Any]) -> list[Problem]:
    options = spec.get("options")
    if not isinstance(options, list) or not 2 <= len(options) <= MAX_OPTIONS:
        return [
            Problem(
                _("Question {n}: a choice needs 2 to {limit} options."),
                {**where, "limit": MAX_OPTIONS},
            )
        ]
    found: list[Problem] = []
    seen: set[str] = set()
    for number, option in enumerate(options, start=1):
        at = {**where, "o": number}
        if not isinstance(option, dict) or set(option) != {"value", "label"}:
            found.append(Problem(_("Question {n}, option {o}: needs a value and a label."), at))
            continue
        value = option["value"]
        if not isinstance(value, str) or not VALUE.match(value):
            found.append(
                Problem(_("Question {n}, option {o}: the value uses only a-z, 0-9 and '-'."), at)
            )
        elif value in seen:
            found.append(
                Problem(
                    _("Question {n}: the option value '{value}' appears twice."),
                    {**where, "value": value},
                )
            )
        else:
            seen.add(value)
        found += _both(option["label"], MAX_OPTION_LABEL, OPTION, at)
    return found


_FIELD_KEYS: Final = {"id", "type", "required", "label"}
_FIELD_OPTIONAL: Final = {"help", "max", "options"}


def _field_key(key: object, keys: set[str], where: dict[str, Any]) -> list[Problem]:
    if not isinstance(key, str) or not KEY.match(key):
        return [
            Problem(
                _("Question {n}: the key is a-z first, then a-z, 0-9 or '_' (at most 40)."),
                where,
            )
        ]
    if key in keys:
        return [Problem(_("Question {n}: the key '{key}' is used twice."), {**where, "key": key})]
    keys.add(key)
    return []


def _field_max(limit: Any, kind: object, where: dict[str, Any]) -> list[Problem]:
    if kind == "select" or not is_int(limit) or not 1 <= limit <= MAX_ANSWER:
        return [
            Problem(
                _("Question {n}: the longest answer is 1 to {limit} characters."),
                {**where, "limit": MAX_ANSWER},
            )
        ]
    return []


def _field(spec: object, number: int, keys: set[str]) -> list[Problem]:
    where: dict[str, Any] = {"n": number}
    if not isinstance(spec, dict) or not _FIELD_KEYS <= set(spec) <= _FIELD_KEYS | _FIELD_OPTIONAL:
        return [Problem(_("Question {n} is not a question."), where)]
    found = _field_key(spec["id"], keys, where)
    kind = spec["type"]
    if kind not in TYPES:
        found.append(Problem(_("Question {n}: unknown type."), where))
    if not isinstance(spec["required"], bool):
        found.append(Problem(_("Question {n} is not a question."), where))
    found += _both(spec["label"], MAX_LABEL, LABEL, where)
    if "help" in spec:
        found += _both(spec["help"], MAX_HELP, HELP, where)
    if "max" in spec:
        found += _field_max(spec["max"], kind, where)
    if kind == "select":
        found += _options(spec, where)
    elif "options" in spec:
        found.append(Problem(_("Question {n}: only a choice has options."), where))
    return found


def problems(document: object) -> list[Problem]:
    """Every rule ``document`` breaks; an empty list for a valid questionnaire."""
    if not isinstance(document, dict) or set(document) != {"id", "version", "title", "fields"}:
        return [Problem(_("This is not a questionnaire."))]
    found: list[Problem] = []
    if not isinstance(document["id"], str) or not FORM_ID.match(document["id"]):
        found.append(Problem(_("This is not a questionnaire.")))
    version = document["version"]
    if not is_int(version) or not 1 <= version < 1 << 31:
        found.append(Problem(_("This is not a questionnaire.")))
    found += _both(document["title"], MAX_TITLE, TITLE, {})
    fields = document["fields"]
    if not isinstance(fields, list) or not 1 <= len(fields) <= MAX_FIELDS:
        return [
            *found,
            Problem(_("A questionnaire has 1 to {limit} questions."), {"limit": MAX_FIELDS}),
        ]
    keys: set[str] = set()
    for number, spec in enumerate(fields, start=1):
        found += _field(spec, number, keys)
    if not found and len(canonical(document)) > MAX_BYTES:
        found.append(Problem(_("This questionnaire is too large.")))
    return found


def check(document: object) -> dict[str, Any]:
    """``document`` if it is a valid questionnaire; :class:`QuestionnaireError` otherwise."""
    found = problems(document)
    if found:
        raise QuestionnaireError(found)
    assert isinstance(document, dict)  # problems() returned nothing  # noqa: S101
    return document


def load(data: bytes, expected_digest: str | None = None) -> dict[str, Any]:
    """Parse and check canonical bytes; with ``expected_digest``, they must hash to it."""
    if expected_digest is not None and hashlib.sha256(data).hexdigest() != expected_digest:
        raise QuestionnaireError([Problem(_("The questionnaire does not match its id."))])
    try:
        document = load_object(data)
    except ValueError:
        raise QuestionnaireError([Problem(_("This is not a questionnaire."))]) from None
    check(document)
    if canonical(document) != data:
        raise QuestionnaireError([Problem(_("The questionnaire is not in its canonical form."))])
    return document
