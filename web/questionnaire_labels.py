"""The questionnaires' words, so a reporter reads back their report as the form was.

A tip carries ``questionnaire`` and ``questionnaire_version`` inside its
envelope (the server never sees them). The check page embeds, in the page's
language, the labels of every questionnaire version this server knows: the
current ones (``web/questionnaires/<id>.json``) and the earlier versions
kept in ``web/questionnaires/versions/<id>-v<N>.json``. The page script
picks the version the report was made with, falls back to the current
version of the same questionnaire (then to the default questionnaire), and
shows an answer whose key no version knows under its key, as it came.

Versions a unit published in the console live in the vault, not here: the
case view (``POST /api/case``) carries their words in both languages
(:func:`published_words`), and the page picks the one whose digest the tip
names (``questionnaire_digest``) before any of the versions above.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

QUESTIONNAIRES = Path(__file__).resolve().parent / "questionnaires"
DEFAULT_QUESTIONNAIRE = "wbs-default"


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@cache
def known_versions() -> dict[tuple[str, int], dict[str, Any]]:
    """Every questionnaire version shipped, by ``(id, version)``."""
    found: dict[tuple[str, int], dict[str, Any]] = {}
    for path in sorted((QUESTIONNAIRES / "versions").glob("*.json")):
        form = _load(path)
        found[(form["id"], int(form["version"]))] = form
    for path in sorted(QUESTIONNAIRES.glob("*.json")):
        form = _load(path)
        found[(form["id"], int(form["version"]))] = form
    return found


@cache
def current_versions() -> dict[str, int]:
    """The version each questionnaire's reporters fill in today."""
    return {
        form["id"]: int(form["version"])
        for form in map(_load, sorted(QUESTIONNAIRES.glob("*.json")))
    }


def _words(text: dict[str, str], lang: str) -> str:
    return text.get(lang) or text.get("id") or next(iter(text.values()), "")


def labels(lang: str) -> dict[str, Any]:
    """The data block of the check page: each version's labels in ``lang``."""
    forms: dict[str, Any] = {}
    for (form_id, version), form in known_versions().items():
        forms[f"{form_id}@{version}"] = {
            "fields": [
                {
                    "id": field["id"],
                    "label": _words(field["label"], lang),
                    "options": {
                        option["value"]: _words(option["label"], lang)
                        for option in field.get("options", [])
                    },
                }
                for field in form["fields"]
            ]
        }
    return {"default": DEFAULT_QUESTIONNAIRE, "current": current_versions(), "forms": forms}


def published_words(digest: str, form: dict[str, Any]) -> dict[str, Any]:
    """A published version's labels and option words in both languages, by its digest."""
    return {
        "digest": digest,
        "fields": [
            {
                "id": field["id"],
                "label": field["label"],
                "options": {
                    option["value"]: option["label"] for option in field.get("options", [])
                },
            }
            for field in form["fields"]
        ],
    }
