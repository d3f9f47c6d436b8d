"""Backup of a running vault and restore into a fresh data folder (vault/backup.py).

A real ``peluit serve`` takes reports from four client threads while
``peluit backup OUT`` runs as its own process. The backup is restored with
``peluit restore`` into a new folder and served by a second ``peluit serve``:
every report acknowledged before the backup started (and every other one the
backup holds) opens with its receipt through the API, and every envelope in
the restored folder decrypts with the unit key under its own context.
Damaged and misplaced backups are refused with nothing written.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bench.live_server import ROOT, LiveServer, prepare_data
from bench.reporter_load import PreparedReport, prepare_report, read_back, send_report
from crypto import envelope
from crypto.b64 import b64u_decode
from reporter.http_client import ApiClient
from vault.backup import BackupError, backup, restore
from vault.consistency import check_folder

# On PostgreSQL the vault has no SQLite file to back up, migrate from or time (docs/scale.md).
pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]


def peluit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "web.cli", *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_backup_while_taking_reports_then_restore_and_read_everything(tmp_path: Path) -> None:
    data = tmp_path / "var"
    unit = prepare_data(data)
    holidays = (ROOT / "common" / "cuti_bersama.json").read_text()  # an instance override
    (data / "cuti_bersama.json").write_text(holidays)
    with LiveServer(data, env={"PELUIT_POW_BITS": "8"}) as server:
        client = ApiClient(server.base)
        salt = b64u_decode(client.json("GET", "/api/instance")["instance_salt"])
        before: list[PreparedReport] = []
        for _ in range(12):
            report = prepare_report(client, unit.card, salt)
            send_report(client, report)
            before.append(report)

        during: list[PreparedReport] = []
        stop = threading.Event()

        def keep_submitting() -> None:
            api = ApiClient(server.base)
            while not stop.is_set():
                report = prepare_report(api, unit.card, salt)
                send_report(api, report)
                during.append(report)

        threads = [threading.Thread(target=keep_submitting) for _ in range(4)]
        for thread in threads:
            thread.start()
        while len(during) < 8:  # reports are arriving while the backup runs
            threading.Event().wait(0.05)
        done = peluit("--data", str(data), "backup", str(tmp_path / "backup"))
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
        assert done.returncode == 0, done.stderr
        assert "backup written to" in done.stdout
        assert len(during) >= 8

    restored = tmp_path / "restored"
    done = peluit("restore", str(tmp_path / "backup"), str(restored))
    assert done.returncode == 0, done.stderr
    check = check_folder(restored)
    assert check.ok, check.problems
    assert (restored / "cuti_bersama.json").read_text() == holidays
    assert (restored / "pepper").stat().st_mode & 0o077 == 0

    with sqlite3.connect(restored / "vault.sqlite3") as db:
        in_backup = {row[0] for row in db.execute("SELECT case_id FROM cases")}
        envelopes = db.execute(
            "SELECT e.item_id, e.case_id, e.kind, c.unit_id FROM envelopes e JOIN cases c"
            " USING (case_id)"
        ).fetchall()
    assert check.cases == len(in_backup) >= len(before)
    with LiveServer(restored) as second:
        for report in before + during:
            if b64u_decode(report.body["case_id"]).hex() not in in_backup:
                assert report in during  # arrived after the copy was taken
                continue
            case = read_back(second.base, report, unit.xwing)
            assert report.marker.encode() in case["tip"]
    for item_id, case_id, kind, unit_id in envelopes:
        with sqlite3.connect(restored / "vault.sqlite3") as db:
            pieces = db.execute(
                "SELECT data FROM pieces WHERE item_id = ? ORDER BY start", [item_id]
            ).fetchall()
        blob = b"".join(piece[0] for piece in pieces)
        ctx = envelope.Context(unit_id, bytes.fromhex(case_id), kind, bytes.fromhex(item_id))
        assert envelope.open_envelope(blob, [unit.xwing], ctx)


def test_damaged_or_misplaced_backups_are_refused_with_nothing_written(tmp_path: Path) -> None:
    data = tmp_path / "var"
    unit = prepare_data(data)
    with LiveServer(data, env={"PELUIT_POW_BITS": "8"}) as server:
        client = ApiClient(server.base)
        salt = b64u_decode(client.json("GET", "/api/instance")["instance_salt"])
        send_report(client, prepare_report(client, unit.card, salt))
    done = backup(data, tmp_path / "b")
    assert done.cases == 1 and done.envelopes == 1

    with pytest.raises(BackupError, match="never overwrites"):
        backup(data, tmp_path / "b")
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "something").write_text("x")
    with pytest.raises(BackupError, match="not empty"):
        restore(tmp_path / "b", busy)
    assert sorted(p.name for p in busy.iterdir()) == ["something"]

    blob = tmp_path / "b" / "vault.sqlite3"  # the ciphertext is in the database
    original = blob.read_bytes()
    blob.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
    with pytest.raises(BackupError, match="does not match its hash"):
        restore(tmp_path / "b", tmp_path / "new")
    assert not (tmp_path / "new").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]
    blob.write_bytes(original)

    manifest = tmp_path / "b" / "manifest.json"
    text = manifest.read_text()
    manifest.write_text(text.replace('"pepper"', '"../pepper"'))
    with pytest.raises(BackupError, match="outside its layout"):
        restore(tmp_path / "b", tmp_path / "new")
    manifest.write_text(text)

    done = peluit("restore", str(tmp_path / "b"), str(tmp_path / "new"))
    assert done.returncode == 0, done.stderr
    assert check_folder(tmp_path / "new").ok
    refused = peluit("restore", str(tmp_path / "b"), str(tmp_path / "new"))
    assert refused.returncode == 1
    assert refused.stderr.startswith("error: ") and "not empty" in refused.stderr


def test_a_backup_of_an_earlier_version_restores_into_rows(tmp_path: Path) -> None:
    """A backup made before issue 17 carries ``blobs/`` files and an older schema:
    restoring it moves every blob into the database and leaves no ``blobs/``."""
    import hashlib
    import json

    from vault_fixtures import make_unit, open_store, submission

    store = open_store(tmp_path / "var")
    unit = make_unit()
    store.register_unit(unit.card)
    subs = [submission(unit) for _ in range(2)]
    for sub in subs:
        store.create_case(sub.new)
    tips = {
        sub.tip_id.hex(): b"".join(store.stream_envelope(sub.case_id, sub.tip_id)) for sub in subs
    }
    store.close()
    backup(tmp_path / "var", tmp_path / "b")

    # make it look like an earlier version's backup
    old = tmp_path / "b"
    manifest = json.loads((old / "manifest.json").read_text())
    with sqlite3.connect(old / "vault.sqlite3") as db:
        db.execute("DROP TABLE pieces")
        db.execute("DROP TABLE upload_items")
        db.execute("DROP TABLE upload_sessions")
        db.execute("DELETE FROM schema_version WHERE version = 7")  # 0007_ciphertext_rows
    for item, data in tips.items():
        path = old / "blobs" / item[:2] / item
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        manifest["files"][f"blobs/{item[:2]}/{item}"] = hashlib.sha256(data).hexdigest()
    manifest["files"]["vault.sqlite3"] = hashlib.sha256(
        (old / "vault.sqlite3").read_bytes()
    ).hexdigest()
    (old / "manifest.json").write_text(json.dumps(manifest))

    restored = restore(old, tmp_path / "restored")
    assert (restored.cases, restored.envelopes) == (2, 2)
    assert restored.bytes == sum(len(data) for data in tips.values())
    assert not (tmp_path / "restored" / "blobs").exists()
    again = open_store(tmp_path / "restored")
    for sub in subs:
        assert b"".join(again.stream_envelope(sub.case_id, sub.tip_id)) == tips[sub.tip_id.hex()]
    again.close()
