"""Every word ``peluit-report`` uses exists in Indonesian and English, with the same blanks."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from reporter.http_client import HINTS
from reporter.words import WORDS

REPORTER = Path(__file__).resolve().parent.parent / "reporter"


def used_keys() -> set[str]:
    """Every literal key given to ``t()`` anywhere in ``reporter/``."""
    found = set()
    for path in REPORTER.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "t":
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.add(first.value)
    return found


def test_every_key_used_is_in_the_table() -> None:
    used = used_keys()
    assert len(used) > 60
    assert sorted(used - set(WORDS)) == []


def test_every_computed_key_is_in_the_table() -> None:
    codes = [f"hint.{code}" for code in HINTS] + ["file.answers", "file.identity"]
    statuses = ["diterima", "diverifikasi", "perlu_informasi", "dilimpahkan",
                "tidak_dapat_ditindaklanjuti", "ditindaklanjuti", "selesai", "ditutup"]  # fmt: skip
    codes += [f"status.{s}" for s in statuses]
    codes += [f"kind.{k}" for k in ("tip", "message", "reply", "attachment")]
    assert sorted(set(codes) - set(WORDS)) == []


def test_both_languages_are_there_with_the_same_blanks() -> None:
    for key, (indonesian, english) in WORDS.items():
        assert indonesian.strip() and english.strip(), key
        blanks = re.compile(r"(?<!\{)\{(\w+)\}")
        assert set(blanks.findall(indonesian)) == set(blanks.findall(english)), key


def test_every_error_the_reporter_raises_is_worded() -> None:
    """A ReporterError's message and hint come from the table (``t()``), never a bare literal."""
    bare = []
    for path in REPORTER.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) in
                    ("ReporterError", "_bad")):  # fmt: skip
                continue
            values = [*node.args[:1], *(k.value for k in node.keywords if k.arg == "hint")]
            bare += [
                f"{path.name}:{node.lineno}"
                for value in values
                if isinstance(value, (ast.Constant, ast.JoinedStr))
            ]
    assert bare == []
