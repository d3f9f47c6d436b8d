"""No import cycles, in Python or in the browser modules; the browser modules' direction.

Python: every import of a project module counts, ``if TYPE_CHECKING:`` and
function-local ones included, because a type-only cycle is still two
modules that cannot be read (or moved) one without the other.

Browser (``web/js``), three layers, each importing only from below:

- the core, ``web/js/*.js`` that are not entries: formats and cryptography
  (envelope, receipt, unit card, signing, labels, bytes, ...). It imports
  only the core and npm packages: never ``pages/``, ``console/`` or an entry;
  and it touches neither the page nor the network (no ``document``,
  ``window``, ``fetch``, ``XMLHttpRequest``, ``localStorage``);
- ``web/js/pages/`` (the reporter pages' DOM, API and upload helpers) and
  ``web/js/console/`` (the console's quick acknowledgements): the core and
  their own folder, never each other and never an entry;
- the entries that ``web/js/build.mjs`` bundles (``submit``, ``status``,
  ``console``, ``selftest``, the Argon2 workers): anything below; nothing
  imports an entry.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("crypto", "receipts", "vault", "web", "workstation", "reporter")
JS = ROOT / "web" / "js"


# --- Python ------------------------------------------------------------------------


def _python_modules(root: Path = ROOT, packages: Iterable[str] = PACKAGES) -> dict[str, Path]:
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _known(name: str, modules: Mapping[str, Path]) -> str | None:
    """The module ``name`` names, or the nearest package above it that exists."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _python_edges(modules: Mapping[str, Path]) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str | None] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                targets.update(_known(alias.name, modules) for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parts, base] if base else parts)
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    targets.add(full if full in modules else _known(base, modules))
        edges[name] = {t for t in targets if t is not None and t != name}
    return edges


def _cycles(edges: Mapping[str, Iterable[str]]) -> list[list[str]]:  # noqa: C901 (Tarjan reads as one loop)
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycle_among_python_modules() -> None:
    assert _cycles(_python_edges(_python_modules())) == []


def test_the_cycle_finder_sees_a_type_only_cycle(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "a.py").write_text("from pkg.b import B\n")
    (tmp_path / "pkg" / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import a\n"
    )
    (tmp_path / "pkg" / "c.py").write_text("from . import a\n")
    modules = _python_modules(tmp_path, ["pkg"])
    edges = _python_edges(modules)
    assert edges["pkg.c"] == {"pkg.a"}
    assert _cycles(edges) == [["pkg.a", "pkg.b"]]


# --- browser modules ---------------------------------------------------------------

IMPORT = re.compile(r"""^\s*(?:import|export)\b[^'"]*?\bfrom\s*["']([^"']+)["']""", re.M)
BARE_IMPORT = re.compile(r"""^\s*import\s*["']([^"']+)["']""", re.M)
DYNAMIC_IMPORT = re.compile(r"""\bimport\(\s*["']([^"']+)["']\s*\)""")


def _entries() -> set[str]:
    text = (JS / "build.mjs").read_text(encoding="utf-8")
    listed = re.search(r"ENTRIES\s*=\s*\[(.*?)\]", text, re.S)
    assert listed is not None, "build.mjs lists its ENTRIES"
    return {f"{name}.js" for name in re.findall(r'"([\w-]+)"', listed.group(1))}


def _js_modules() -> list[Path]:
    return sorted(JS.rglob("*.js"))


def _js_imports(path: Path) -> list[str]:
    """The project modules ``path`` imports, relative to web/js (npm packages left out)."""
    text = path.read_text(encoding="utf-8")
    specs = IMPORT.findall(text) + BARE_IMPORT.findall(text) + DYNAMIC_IMPORT.findall(text)
    return [
        (path.parent / spec).resolve().relative_to(JS.resolve()).as_posix()
        for spec in specs
        if spec.startswith(".")
    ]


def _layer(module: str, entries: set[str]) -> str:
    if module in entries:
        return "entry"
    if "/" in module:
        return module.split("/")[0]  # "pages" or "console"
    return "core"


ALLOWED_JS = {
    "core": {"core"},
    "pages": {"core", "pages"},
    "console": {"core", "console"},
    "entry": {"core", "pages", "console"},
}


def test_browser_modules_import_only_downwards() -> None:
    entries = _entries()
    modules = {p.relative_to(JS).as_posix() for p in _js_modules()}
    assert entries <= modules, "every entry in build.mjs is a module here"
    bad = []
    for path in _js_modules():
        module = path.relative_to(JS).as_posix()
        for target in _js_imports(path):
            assert target in modules, f"{module} imports {target}, which does not exist"
            layer = _layer(target, entries)
            if layer not in ALLOWED_JS[_layer(module, entries)]:
                bad.append(f"{module} ({_layer(module, entries)}) imports {target} ({layer})")
    assert bad == []


PAGE_AND_NETWORK = re.compile(r"\b(document|window|fetch|XMLHttpRequest|localStorage)\b")
COMMENT_OR_STRING = re.compile(
    r"//[^\n]*|/\*.*?\*/|\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|`(?:\\.|[^`\\])*`", re.S
)


def _page_or_network(text: str) -> list[str]:
    """Names of the page or the network used as code (comments and strings left out)."""
    return PAGE_AND_NETWORK.findall(COMMENT_OR_STRING.sub(" ", text))


def test_the_browser_core_touches_no_page_and_no_network() -> None:
    entries = _entries()
    bad = [
        f"{path.relative_to(JS).as_posix()} uses {name}"
        for path in _js_modules()
        if _layer(path.relative_to(JS).as_posix(), entries) == "core"
        for name in _page_or_network(path.read_text(encoding="utf-8"))
    ]
    assert bad == []


def test_the_page_checker_sees_code_not_words() -> None:
    assert _page_or_network('throw new Error("Not a strict JSON document."); // window') == []
    assert _page_or_network("const r = await fetch(url); document.title = t;") == [
        "fetch",
        "document",
    ]


def test_browser_layers_are_all_known() -> None:
    entries = _entries()
    for path in _js_modules():
        assert _layer(path.relative_to(JS).as_posix(), entries) in ALLOWED_JS, path


def test_no_import_cycle_among_browser_modules() -> None:
    edges = {p.relative_to(JS).as_posix(): set(_js_imports(p)) for p in _js_modules()}
    assert _cycles(edges) == []


def test_the_browser_checker_sees_imports() -> None:
    imports = _js_imports(JS / "status.js")
    assert "envelope.js" in imports
    assert "pages/dom.js" in imports
    assert _layer("envelope.js", _entries()) == "core"
    assert _layer("status.js", _entries()) == "entry"
    assert _cycles({"a.js": {"b.js"}, "b.js": {"a.js"}}) == [["a.js", "b.js"]]
