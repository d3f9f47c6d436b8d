"""Every document the repository cites exists in the repository.

A reader of the repository has nothing else: a docstring that says "see
design.md" must lead to a file here. Three kinds of citation are checked in
every source and document file we write (not in third-party or generated
files):

- a path under ``docs/`` (``docs/spec/envelope-v1.md``), from the root;
- a bare ``design.md`` or ``domain.md``, which must be written as
  ``docs/design.md`` / ``docs/domain.md`` (the bare name once pointed outside
  the repository);
- a relative Markdown link ``[text](path)`` in a ``.md`` file, from that
  file's folder.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SELF = Path(__file__).resolve()
SKIP_DIRS = {
    ".git",
    ".venv",
    "node_modules",
    "var",
    "demo-workstation",
    "__pycache__",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".hypothesis",
}
SKIP_PREFIXES = ("web/static/dist/", "tests/vectors/", "bench/results/")
SUFFIXES = {".py", ".md", ".js", ".mjs", ".sql", ".html", ".toml", ".txt", ".j2", ".cfg"}

DOCS_PATH = re.compile(r"(?<![\w/.-])(docs/[\w./-]+?\.md)\b")
BARE_DESIGN = re.compile(r"(?<![\w/.-])(design|domain)\.md\b")
MD_LINK = re.compile(r"\]\(([^)\s#]+)(?:#[^)]*)?\)")


def _files() -> list[Path]:
    found = []
    for folder, dirs, names in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
        for name in names:
            path = Path(folder, name)
            rel = path.relative_to(ROOT)
            if rel.as_posix().startswith(SKIP_PREFIXES) or path == SELF:
                continue  # this file names the patterns it looks for
            if path.suffix in SUFFIXES or rel.parts[0] in {"scripts", "deploy", ".ci"}:
                found.append(path)
    return found


def _citations(path: Path) -> list[tuple[int, str, Path | None]]:
    """(line, what was cited, the file it must be; None for a bare name)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    out: list[tuple[int, str, Path | None]] = []
    for number, line in enumerate(text.splitlines(), 1):
        out.extend((number, m.group(1), ROOT / m.group(1)) for m in DOCS_PATH.finditer(line))
        out.extend((number, m.group(0), None) for m in BARE_DESIGN.finditer(line))
        if path.suffix == ".md":
            for m in MD_LINK.finditer(line):
                target = m.group(1)
                if re.match(r"^[a-z]+:", target) or target.startswith("/"):
                    continue  # a URL or a path on the server, not a file here
                out.append((number, target, (path.parent / target).resolve()))
    return out


def test_the_scan_sees_the_citations_it_must_check() -> None:
    files = {p.relative_to(ROOT).as_posix() for p in _files()}
    assert {"README.md", "SECURITY.md", "vault/cases.py", "docs/design.md"} <= files
    cited = {what for what, _ in _cited_pairs(ROOT / "vault" / "cases.py")}
    assert "docs/design.md" in cited


def _cited_pairs(path: Path) -> list[tuple[str, Path | None]]:
    return [(what, target) for _, what, target in _citations(path)]


def test_every_cited_document_exists() -> None:
    missing = []
    for path in _files():
        for number, what, target in _citations(path):
            rel = f"{path.relative_to(ROOT)}:{number}"
            if target is None:
                missing.append(f"{rel}: bare {what!r}; write docs/{what}")
            elif not target.exists():
                missing.append(f"{rel}: {what} does not exist")
    assert not missing, "\n".join(missing)


def test_the_design_and_domain_pages_are_in_the_repository() -> None:
    for name in ("design.md", "domain.md"):
        text = (ROOT / "docs" / name).read_text(encoding="utf-8")
        assert len(text.split()) > 800, f"docs/{name} is a stub"
