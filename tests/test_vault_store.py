"""The storage interface and its embedded implementation as a whole."""

from __future__ import annotations

import ast
import os
import threading
from pathlib import Path

from vault_fixtures import make_unit, new_id, open_store, submission

from vault.store import SqliteVaultStore, VaultStore
from vault.store import open_store as open_default_store

VAULT = Path(__file__).resolve().parent.parent / "vault"


def test_the_sqlite_store_implements_the_interface(tmp_path: Path) -> None:
    store = open_default_store(tmp_path)
    assert isinstance(store, VaultStore)
    assert isinstance(store, SqliteVaultStore)
    protocol_methods = {
        name
        for name in vars(VaultStore)
        if not name.startswith("_") and callable(vars(VaultStore)[name])
    }
    assert protocol_methods <= set(dir(SqliteVaultStore))
    assert len(store.instance_salt()) == 16


def test_opening_sweeps_orphans_and_expired_uploads(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    unit = make_unit()
    store.register_unit(unit.card)
    sub = submission(unit)
    store.create_case(sub.new)
    # a crash between the rename and the commit leaves a blob without a row
    orphan = new_id().hex()
    store.blobs.put(orphan, [b"ciphertext"], max_bytes=100)
    os.utime(store.blobs.path_for(orphan), (0, 0))
    recent = new_id().hex()  # ... and one that may be a commit in progress elsewhere
    store.blobs.put(recent, [b"ciphertext"], max_bytes=100)
    reopened = open_store(tmp_path)
    assert not reopened.blobs.exists(orphan)
    assert reopened.blobs.exists(recent)
    assert reopened.blobs.exists(sub.tip_id.hex())
    assert reopened.find_case(sub.reporter.selector, sub.reporter.validator) is not None


def test_parallel_case_creation_from_threads(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    unit = make_unit()
    store.register_unit(unit.card)
    subs = [submission(unit) for _ in range(12)]
    errors: list[BaseException] = []

    def create(index: int) -> None:
        try:
            store.create_case(subs[index].new)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=create, args=(i,)) for i in range(len(subs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    references = {store.get_case(s.case_id).reference for s in subs}
    assert references == {f"WBS-2026-{n:04d}" for n in range(1, 13)}


FORBIDDEN_IMPORTS = ("starlette", "web", "workstation", "uvicorn", "jinja2", "crypto.key_file")
FORBIDDEN_NAMES = ("XWingPrivateKey", "SigningKey", "open_envelope", "open_stream", "read_key_file")


def test_vault_imports_no_web_framework_and_no_private_keys() -> None:
    for path in VAULT.rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                modules = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                )
                for module in modules:
                    assert not module.startswith(FORBIDDEN_IMPORTS), (path.name, module)
                for alias in node.names:
                    assert alias.name not in FORBIDDEN_NAMES, (path.name, alias.name)
            if isinstance(node, ast.Name | ast.Attribute):
                name = node.id if isinstance(node, ast.Name) else node.attr
                assert name not in FORBIDDEN_NAMES, (path.name, name)


def test_a_committed_case_is_answered_even_if_its_session_cannot_be_removed(
    tmp_path: Path,
) -> None:
    """The session is removed after the commit; failing there must not turn a
    stored report into an error the reporter would retry into "already exists"."""
    import pytest

    store = open_store(tmp_path)
    unit = make_unit()
    store.register_unit(unit.card)
    token = store.open_upload()
    sub = submission(unit, upload_token=token)

    def full_disk(token: str) -> None:
        raise OSError(28, "No space left on device")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store.staging, "discard", full_disk)
        created = store.create_case(sub.new)
    assert store.get_case(sub.case_id).reference == created.reference
    store.close()
