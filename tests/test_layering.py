"""The layering the design asks for, enforced on the source.

- ``common/`` (what every layer shares) imports nothing of the project, and
  every package may import it;
- ``crypto/`` imports nothing of the project but ``common/``;
- ``receipts/`` imports only ``crypto/``;
- ``vault/`` imports no web framework and nothing of ``web/`` or ``workstation/``;
- ``workstation/`` never imports ``web/``;
- nothing in ``web/`` or ``vault/`` can read a private key file: no import of
  the key-file module or of the workstation, no private-key type, no signing;
- storage is reached only through the store interfaces: outside the store
  modules (every module of ``vault/``; on the workstation ``database.py``,
  ``store.py``, ``outbox.py`` and ``held_rows.py``) no module imports
  ``sqlite3``, ``sqlite_utils`` or a connection module, touches a ``.conn``
  or ``._conn``, calls ``execute``, or names a database file path;
- ``web/`` names no backend's class (``Sqlite…``, ``Pg…``, ``FolderJobLock``):
  the stores' factories pick SQLite or PostgreSQL from one setting.

Import cycles and the browser modules' direction: tests/test_layering_graph.py.
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


# --- storage only through the stores -------------------------------------------------

STORE_MODULES = {
    "workstation/database.py",  # the connection and its pragmas
    "workstation/store.py",  # cases, envelopes, meta, imports, identity log, forwards
    "workstation/outbox.py",  # the outbox and the reply bundles that carried it
    "workstation/held_rows.py",  # the quarantine table
}
# ``vault/`` is the online store's implementation: each module owns its tables.
STORE_PACKAGES = {"vault"}
RAW_MODULES = {"sqlite3", "sqlite_utils", "vault.database", "workstation.database", "psycopg"}
RAW_ATTRIBUTES = {"conn", "_conn", "execute", "executemany", "executescript", "database_path"}
# The Redis implementation of the shared ephemeral state runs its pipelines with
# ``.execute()``; it holds no database and may not import one.
REDIS_PIPELINES = "web/shared_state/redis_"


def _is_store_module(path: Path) -> bool:
    relative = path.relative_to(ROOT).as_posix()
    return relative in STORE_MODULES or relative.split("/")[0] in STORE_PACKAGES


def _raw_storage(path: Path) -> list[str]:
    """Every way ``path`` reaches past a store: a driver import, a connection, SQL."""
    where = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
    bad = [
        f"{where} imports {module}"
        for module, _names in _imports(path)
        if module in RAW_MODULES or module.split(".")[0] in RAW_MODULES
    ]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad += [
        f"{where}:{node.lineno} uses .{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr in RAW_ATTRIBUTES
        and not (node.attr == "execute" and where.startswith(REDIS_PIPELINES))
    ]
    return bad


@pytest.mark.parametrize("package", ["web", "workstation", "reporter", "crypto", "receipts"])
def test_storage_only_through_the_store_interfaces(package: str) -> None:
    bad = [
        found
        for path in _modules(package)
        if not _is_store_module(path)
        for found in _raw_storage(path)
    ]
    assert bad == []


# One setting switches the backend (docs/scale.md): outside ``vault/`` no module
# names one backend's implementation; it asks a factory (vault/store.py
# ``open_store``/``open_housekeeping``, vault/job_lock.py ``open_job_lock``).
BACKEND_CLASSES = ("Sqlite", "Pg", "FolderJobLock")


def _backend_names(path: Path) -> list[str]:
    where = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = [
        (node.lineno, alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("vault")
        for alias in node.names
    ]
    names += [(n.lineno, n.id) for n in ast.walk(tree) if isinstance(n, ast.Name)]
    names += [(n.lineno, n.attr) for n in ast.walk(tree) if isinstance(n, ast.Attribute)]
    return sorted({
        f"{where}:{line} names {name}"
        for line, name in names
        if name.startswith(BACKEND_CLASSES) and name[:1].isupper()
    })  # fmt: skip


@pytest.mark.parametrize("package", ["web"])
def test_no_backend_is_named_outside_the_vault(package: str) -> None:
    assert [found for path in _modules(package) for found in _backend_names(path)] == []


def test_the_backend_checker_sees_a_backend_class(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from vault.store import SqliteVaultStore\n"
        "from vault import job_lock\n"
        "lock = job_lock.FolderJobLock(root)\n"
        "other = job_lock.PgJobLock(url)\n"
    )
    found = " ".join(_backend_names(sample))
    for name in ("SqliteVaultStore", "FolderJobLock", "PgJobLock"):
        assert name in found


def test_every_store_module_exists() -> None:
    for relative in STORE_MODULES:
        assert (ROOT / relative).is_file(), relative


def test_the_storage_checker_sees_a_raw_connection(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import sqlite3\n"
        "from vault.database import opened\n"
        "n = desk.store.conn.execute('SELECT 1')\n"
        "m = store._conn.executemany('', [])\n"
        "p = vault.folder.database_path\n"
    )
    found = " ".join(_raw_storage(sample))
    for word in ("sqlite3", "vault.database", ".conn", ".execute", "._conn", ".executemany",
                 ".database_path"):  # fmt: skip
        assert word in found


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
