"""The storage interface and its embedded implementation as a whole."""

from __future__ import annotations

import ast
import datetime as dt
import threading
from pathlib import Path

import pytest
from vault_fixtures import make_unit, new_id, open_store, submission

from vault.consistency import check_folder
from vault.database import opened, write_transaction
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


def _old_layout(store: SqliteVaultStore, item_id: str) -> bytes:
    """Turn one envelope back into an earlier version's blob file."""
    data = b"".join(store.blobs.stream(item_id))
    path = store.folder.blobs_path / item_id[:2] / item_id
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    with opened(store.folder.database_path) as db, write_transaction(db):
        db.conn.execute("DELETE FROM pieces WHERE item_id = ?", [item_id])
    return data


@pytest.mark.sqlite_only
def test_opening_moves_an_earlier_versions_blob_files_into_rows(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    unit = make_unit()
    store.register_unit(unit.card)
    subs = [submission(unit) for _ in range(3)]
    for sub in subs:
        store.create_case(sub.new)
    tips = {sub.tip_id.hex(): _old_layout(store, sub.tip_id.hex()) for sub in subs}
    big = subs[0].tip_id.hex()
    # one blob larger than a piece, to move in several pieces
    tips[big] = tips[big] + bytes(range(256)) * 5000
    (store.folder.blobs_path / big[:2] / big).write_bytes(tips[big])
    with opened(store.folder.database_path) as db, write_transaction(db):
        db.conn.execute("UPDATE envelopes SET size = ? WHERE item_id = ?", [len(tips[big]), big])
    orphan = store.folder.blobs_path / "ab" / ("ab" + "0" * 30)
    orphan.parent.mkdir(exist_ok=True)
    orphan.write_bytes(b"a crash's orphan")
    temp = store.folder.blobs_path / "ab" / ".tmp-crashed"
    temp.write_bytes(b"half a blob")
    old_session = store.folder.staging_path / ("c" * 32 + ".session")
    old_session.write_text("2026-11-23")
    (store.folder.staging_path / ("c" * 32)).mkdir()
    (store.folder.staging_path / ("c" * 32) / (new_id().hex() + ".part")).write_bytes(b"x" * 99)
    store.close()

    reopened = open_store(tmp_path)
    for sub in subs:
        item = sub.tip_id.hex()
        assert b"".join(reopened.stream_envelope(sub.case_id, item)) == tips[item]
    assert sorted(reopened.blobs.item_ids()) == sorted(tips)
    assert not reopened.folder.blobs_path.exists()
    assert sorted(p.name for p in reopened.folder.staging_path.iterdir()) == []
    assert check_folder(reopened.folder.root).ok
    assert reopened.find_case(subs[1].reporter.selector, subs[1].reporter.validator) is not None
    reopened.close()
    assert open_store(tmp_path).blobs.item_ids() == sorted(tips)  # a second start: nothing to do


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


def test_a_running_store_expires_abandoned_uploads_once_a_day(tmp_path: Path) -> None:
    from vault_fixtures import FixedDay, seal

    day = FixedDay()
    store = open_store(tmp_path, day=day)
    unit = make_unit()
    store.register_unit(unit.card)
    sub = submission(unit)
    token, item = store.open_upload(), new_id()
    store.append_upload(
        token, item, 0, [seal(unit, sub.reporter, sub.case_id, "attachment", item, b"x")]
    )
    day.day += dt.timedelta(days=2)
    store.open_upload()  # the first upload of the day sweeps
    with opened(store.folder.database_path) as db:
        assert db.execute("SELECT count(*) FROM pieces").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM upload_sessions").fetchone()[0] == 1
