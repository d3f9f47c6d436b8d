"""The layering the design asks for, enforced on the source.

- ``common/`` (what every layer shares) imports nothing of the project, and
  every package may import it;
- ``crypto/`` imports nothing of the project but ``common/``;
- ``receipts/`` imports only ``crypto/``;
- ``vault/`` imports no web framework and nothing of ``web/`` or ``workstation/``;
- ``workstation/`` never imports ``web/``;
- nothing in ``web/`` or ``vault/`` can read a private key file: no import of
  the key-file module or of the workstation, no private-key type, no signing.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT = {"common", "crypto", "receipts", "vault", "web", "workstation", "reporter"}

ALLOWED = {
    "common": set(),
    "crypto": {"common"},
    "receipts": {"common", "crypto"},
    "vault": {"common", "crypto", "receipts"},
    "web": {"common", "crypto", "receipts", "vault"},
    "workstation": {"common", "crypto", "receipts"},
    "reporter": {"common", "crypto", "receipts"},
}

# Names that would let online code hold or load a unit's private key.
FORBIDDEN_ONLINE = {
    "crypto.key_file",
    "read_key_file",
    "write_key_file",
    "UnitKeys",
    "SigningKey",
    "sign_reply",
}


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[str, list[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                continue  # relative import stays inside the package
            found.append((node.module or "", [alias.name for alias in node.names]))
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_packages_import_only_what_the_layering_allows(package: str) -> None:
    violations = []
    for path in _modules(package):
        for module, _names in _imports(path):
            top = module.split(".")[0]
            if top in PROJECT and top != package and top not in ALLOWED[package]:
                violations.append(f"{path.relative_to(ROOT)} imports {module}")
    assert violations == []


@pytest.mark.parametrize("package", ["common", "vault", "crypto", "receipts"])
def test_no_web_framework_below_web(package: str) -> None:
    frameworks = {"starlette", "uvicorn", "jinja2", "multipart"}
    bad = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in _modules(package)
        for module, _ in _imports(path)
        if module.split(".")[0] in frameworks
    ]
    assert bad == []


@pytest.mark.parametrize("package", ["common", "web", "vault"])
def test_online_code_cannot_read_a_private_key_file(package: str) -> None:
    bad = []
    for path in _modules(package):
        source = path.read_text(encoding="utf-8")
        for module, names in _imports(path):
            if module in FORBIDDEN_ONLINE or module.startswith("workstation"):
                bad.append(f"{path.relative_to(ROOT)} imports {module}")
            bad.extend(
                f"{path.relative_to(ROOT)} imports {module}.{name}"
                for name in names
                if name in FORBIDDEN_ONLINE or f"{module}.{name}" in FORBIDDEN_ONLINE
            )
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_ONLINE:
                bad.append(f"{path.relative_to(ROOT)} uses .{node.attr}")
            if isinstance(node, ast.Name) and node.id in FORBIDDEN_ONLINE:
                bad.append(f"{path.relative_to(ROOT)} uses {node.id}")
    assert bad == []


def test_the_checker_sees_a_violation(tmp_path: Path) -> None:
    """The walker must find imports, or the tests above prove nothing."""
    sample = tmp_path / "sample.py"
    sample.write_text("import web.app\nfrom crypto.key_file import read_key_file\n")
    found = _imports(sample)
    assert ("web.app", []) in found
    assert ("crypto.key_file", ["read_key_file"]) in found


def test_every_package_has_modules() -> None:
    for package in ALLOWED:
        assert _modules(package), f"{package}/ has no Python modules"


def test_every_package_is_under_the_layering() -> None:
    """A new top-level package must say what it may import before it ships."""
    packages = {path.parent.name for path in ROOT.glob("*/__init__.py")}
    assert packages - {"bench"} == PROJECT  # bench/ is not shipped and may import anything


def test_the_shared_package_holds_no_cryptography() -> None:
    """``common/`` is shared by every layer: no key, no cipher, no signature in it."""
    bad = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in _modules("common")
        for module, _ in _imports(path)
        if module.split(".")[0] in {"cryptography", "nacl", "argon2", "hashlib", "hmac"}
    ]
    assert bad == []
