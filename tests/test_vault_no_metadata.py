"""Nothing identifying reaches the disk: plant markers through every API, then scan."""

from __future__ import annotations

import inspect
import os
import re
from dataclasses import fields, replace
from pathlib import Path

import pytest
from vault_fixtures import make_reporter, make_unit, new_id, open_store, seal, submission

from crypto import envelope
from vault.cases import NewCase
from vault.errors import BadInput, NotFound
from vault.staging import Staging
from vault.store import NewItem, VaultStore

IP = "203.0.113.77"
FILE_NAME = "laporan_suap_bupati.docx"
USER_AGENT = "Mozilla/5.0 (PeluitMarkerAgent)"
PLAINTEXT = "PLAINTEXT-MARKER-a91f Kepala dinas menerima suap"
RECEIPT = "1234 5678 9012 3456 7890 1234"
MARKERS = [IP, FILE_NAME, USER_AGENT, PLAINTEXT, RECEIPT.replace(" ", ""), "PeluitMarker"]
FORBIDDEN_PARAMETERS = re.compile(
    r"(^|_)(ip|addr|address|agent|user_agent|referr?er|time|timestamp|filename|file_name|"
    r"mime|content_type|length|plaintext|code|receipt|private)($|_)"
)


def everything_on_disk(root: Path) -> list[tuple[str, bytes]]:
    found = []
    for path in root.rglob("*"):
        found.append((str(path.relative_to(root)), b""))
        if path.is_file():
            found.append((str(path.relative_to(root)), path.read_bytes()))
    return found


@pytest.mark.sqlite_only
def test_markers_never_reach_the_disk(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    unit = make_unit()
    store.register_unit(unit.card)
    reporter = make_reporter()
    body = "\n".join(MARKERS).encode() * 50

    # 1. real envelopes whose plaintext carries every marker: stored, but only as ciphertext
    case_id, attachment_id = new_id(), new_id()
    token = store.open_upload()
    sealed = seal(unit, reporter, case_id, "attachment", attachment_id, body * 40)
    store.append_upload(token, attachment_id, 0, [sealed])
    sub = submission(
        unit,
        text=body,
        reporter=reporter,
        case_id=case_id,
        upload_token=token,
        attachment_ids=(attachment_id,),
        identity=body,
    )
    store.create_case(sub.new)
    message_id = new_id()
    store.append_reporter_message(
        case_id, message_id, seal(unit, reporter, case_id, "message", message_id, body)
    )

    # 2. plaintext passed where ciphertext belongs: refused
    plain = body.ljust(envelope.sealed_size(len(body), 2), b" ")
    with pytest.raises(BadInput):
        store.create_case(replace(submission(unit).new, tip=plain))
    with pytest.raises(BadInput):
        store.append_reporter_message(case_id, new_id(), plain)
    with pytest.raises(BadInput):
        store.add_unit_envelopes(case_id, [NewItem(new_id(), "reply", plain)])
    token2 = store.open_upload()
    with pytest.raises(BadInput):
        store.append_upload(token2, new_id(), 0, [plain])
    # a marker disguised behind a valid prefix is kept in staging only until refused at commit
    disguised = envelope.MAGIC + bytes(16) + b"\x02" + body
    store.append_upload(token2, attachment_id_2 := new_id(), 0, [disguised])
    with pytest.raises(BadInput):
        store.create_case(
            replace(
                submission(unit).new, upload_token=token2, attachment_item_ids=[attachment_id_2]
            )
        )
    store.discard_upload(token2)

    # 3. markers where ids, units and tokens go: refused
    for marker in MARKERS:
        with pytest.raises(BadInput):
            store.append_upload(token2, marker, 0, [sealed])
        with pytest.raises(BadInput):
            store.create_case(replace(submission(unit).new, case_id=marker))
        with pytest.raises((BadInput, NotFound)):
            store.create_case(replace(submission(unit).new, unit_id=marker))
        with pytest.raises(BadInput):
            store.stream_envelope(case_id, marker)
        with pytest.raises((BadInput, NotFound)):
            store.upload_sizes(marker)
    with pytest.raises(TypeError):
        NewCase(**{**_fields(submission(unit).new), "file_name": FILE_NAME})  # type: ignore[arg-type]

    # 4. scan the database (and its WAL), every file name, every file's content
    store.sweep()
    disk = everything_on_disk(tmp_path)
    assert any(name.endswith("vault.sqlite3") for name, _ in disk)
    for marker in MARKERS:
        needle = marker.encode()
        for name, content in disk:
            assert marker not in name, (marker, name)
            assert needle not in content, (marker, name)
            assert marker.encode("utf-16-le") not in content, (marker, name)


def _fields(new: NewCase) -> dict[str, object]:
    return {f.name: getattr(new, f.name) for f in fields(new)}


def test_the_interface_has_no_place_for_metadata() -> None:
    names: list[str] = []
    for _, method in inspect.getmembers(VaultStore, inspect.isfunction):
        names += list(inspect.signature(method).parameters)
    names += [f.name for f in fields(NewCase)] + [f.name for f in fields(NewItem)]
    allowed = {"declared_length"}  # the length of a ciphertext piece in transit
    for name in set(names) - allowed:
        assert not FORBIDDEN_PARAMETERS.search(name), name


def test_days_only_in_the_database(tmp_path: Path) -> None:
    import sqlite3

    store = open_store(tmp_path)
    unit = make_unit()
    store.register_unit(unit.card)
    sub = submission(unit)
    store.create_case(sub.new)
    store.set_status(sub.case_id, "diverifikasi")  # type: ignore[arg-type]
    conn = sqlite3.connect(store.folder.database_path)
    try:
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            for row in conn.execute(f"SELECT * FROM {table}"):  # noqa: S608
                for value in row:
                    if isinstance(value, str):
                        assert not re.search(r"\d{1,2}:\d{2}", value), (table, value)
    finally:
        conn.close()


def test_staging_files_are_owner_only(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    token = store.open_upload()
    store.append_upload(token, new_id(), 0, [envelope.MAGIC + bytes(16) + b"\x01" + b"x" * 10])
    for path in store.folder.root.rglob("*"):
        if path.is_file() and path.suffix != ".sqlite3" and "-" not in path.name:
            assert os.stat(path).st_mode & 0o077 == 0, path
    assert isinstance(store.staging, Staging)
