"""The package maps say what is in the folder, and only that.

``vault/__init__.py``, ``workstation/__init__.py`` and ``common/__init__.py``
name every module of their folder in a line ``- ``name``: what it owns``,
grouped by what the module serves. A module added without a line, or a line left behind for a
module that is gone, fails here.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENTRY = re.compile(r"^- ``(\w+)``: \S", re.MULTILINE)


def _mapped(package: str) -> list[str]:
    tree = ast.parse((ROOT / package / "__init__.py").read_text(encoding="utf-8"))
    return ENTRY.findall(ast.get_docstring(tree) or "")


def _present(package: str) -> set[str]:
    folder = ROOT / package
    modules = {path.stem for path in folder.glob("*.py") if path.stem != "__init__"}
    packages = {path.parent.name for path in folder.glob("*/__init__.py")}
    return modules | packages


@pytest.mark.parametrize("package", ["vault", "workstation", "common"])
def test_the_map_names_every_module_once_and_nothing_else(package: str) -> None:
    mapped = _mapped(package)
    assert sorted(mapped) == sorted(set(mapped)), "a module is named twice"
    assert set(mapped) == _present(package)


def test_the_map_reader_sees_entries_and_only_entries() -> None:
    """The pattern must find real lines, or the test above proves nothing."""
    text = "Storage\n\n- ``store``: the store\n- ``database``: pragmas\n"
    text += "  - ``x``: nested\n``y``: no dash\n- ``z`` no colon"
    assert ENTRY.findall(text) == ["store", "database"]
