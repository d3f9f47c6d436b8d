"""The questionnaire document: canonical bytes, id, and a checker that never crashes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crypto import questionnaire_doc
from crypto.questionnaire_doc import QuestionnaireError

DEFAULT = Path(__file__).resolve().parents[1] / "web" / "questionnaires" / "wbs-default.json"


def built_in() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DEFAULT.read_text(encoding="utf-8"))
    return data


def test_the_built_in_questionnaire_is_valid_and_round_trips() -> None:
    document = built_in()
    assert questionnaire_doc.problems(document) == []
    data = questionnaire_doc.canonical(document)
    assert questionnaire_doc.load(data, questionnaire_doc.digest(document)) == document
    assert data.startswith(b'{"fields":[{"id":"category","label":{"en":"Kind of wrongdoing"')


def test_load_refuses_other_bytes_and_a_wrong_id() -> None:
    document = built_in()
    pretty = json.dumps(document, indent=1, ensure_ascii=False).encode()
    with pytest.raises(QuestionnaireError):
        questionnaire_doc.load(pretty)
    with pytest.raises(QuestionnaireError):
        questionnaire_doc.load(questionnaire_doc.canonical(document), "0" * 64)
    with pytest.raises(QuestionnaireError):
        questionnaire_doc.load(b'{"id": "x", "id": "y"}')


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(JSON)
def test_the_checker_names_problems_for_anything(value: object) -> None:
    found = questionnaire_doc.problems(value)
    assert found and all(isinstance(p.text(), str) for p in found)


@given(
    st.integers(min_value=0, max_value=11),
    st.sampled_from(["label", "help", "type", "required", "max", "options", "id"]),
    st.one_of(st.none(), st.integers(), st.text(max_size=3), st.just({"id": "x"})),
)
def test_a_changed_question_is_checked_whole(index: int, key: str, value: object) -> None:
    document = built_in()
    document["fields"][index][key] = value
    for problem in questionnaire_doc.problems(document):
        assert problem.text()  # every message formats with its own parameters
