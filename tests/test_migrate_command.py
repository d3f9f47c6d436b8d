"""``peluit migrate``: on an older schema a backup comes first; on the current one nothing to do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vault.data_folder import DataFolder
from vault.database import opened, write_transaction
from vault.schema import available_migrations, current_version, split_statements
from web.cli import main

# On PostgreSQL the vault has no SQLite file to back up, migrate from or time (docs/scale.md).
pytestmark = pytest.mark.sqlite_only

LATEST = available_migrations()[-1].version


def old_vault(tmp_path: Path, version: int = 4) -> Path:
    """A data folder whose database stopped at ``version`` (an earlier release)."""
    folder = DataFolder.prepare(tmp_path / "var")
    with opened(folder.database_path) as db, write_transaction(db):
        db.conn.execute(
            "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT"
        )
        for migration in available_migrations():
            if migration.version > version:
                break
            for statement in split_statements(migration.sql):
                db.conn.execute(statement)
            db.conn.execute(
                "INSERT INTO schema_version VALUES (?, ?)", (migration.version, migration.name)
            )
    return folder.root


def version_of(data: Path) -> int:
    with opened(data / "vault.sqlite3") as db:
        return current_version(db)


def test_migrate_backs_up_first_then_migrates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = old_vault(tmp_path)
    assert main(["--data", str(data), "migrate", "--check"]) == 1
    assert "schema at version 4; to apply" in capsys.readouterr().out
    assert version_of(data) == 4
    assert main(["--data", str(data), "migrate"]) == 0
    out = capsys.readouterr().out
    backups = [p for p in tmp_path.iterdir() if p.name.startswith("var-before-v")]
    assert len(backups) == 1
    assert f"backup written to {backups[0]} (schema version 4)" in out
    assert "schema migrated from version 4: applied" in out
    # the backup holds the old schema and the secrets
    manifest = json.loads((backups[0] / "manifest.json").read_text())
    assert {"vault.sqlite3", "pepper", "instance_salt"} <= set(manifest["files"])
    assert version_of(backups[0]) == 4
    assert version_of(data) == LATEST
    # and again: nothing to do, no second backup
    assert main(["--data", str(data), "migrate"]) == 0
    assert f"schema at version {LATEST}: nothing to do" in capsys.readouterr().out
    assert len([p for p in tmp_path.iterdir() if p.name.startswith("var-before")]) == 1


def test_migrate_refuses_when_the_backup_cannot_be_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = old_vault(tmp_path)
    taken = tmp_path / "taken"
    taken.mkdir()
    assert main(["--data", str(data), "migrate", "--backup-to", str(taken)]) == 1
    err = capsys.readouterr().err
    assert "error: no migration applied" in err and "already exists" in err
    assert version_of(data) == 4


def test_any_command_on_an_old_schema_backs_up_before_migrating(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = old_vault(tmp_path)
    assert main(["--data", str(data), "unit", "list"]) == 0
    captured = capsys.readouterr()
    assert "upgrades the schema from version 4" in captured.err
    assert [p.name.startswith("var-before-v") for p in tmp_path.iterdir()].count(True) == 1
    assert version_of(data) == LATEST


def test_a_new_data_folder_needs_no_backup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data", str(tmp_path / "var"), "migrate"]) == 0
    assert "backup" not in capsys.readouterr().out
    assert [p.name for p in tmp_path.iterdir()] == ["var"]
    assert version_of(tmp_path / "var") == LATEST


@pytest.mark.parametrize(
    "command",
    [["serve", "--port", "1"], ["deadlines", "close-due"], ["retention", "run"], ["notify", "run"]],
)
def test_the_service_and_daily_jobs_refuse_an_old_schema_and_name_migrate(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
) -> None:
    """Under systemd (ProtectSystem=strict) the backup beside the data folder cannot
    be written: these never migrate; they stop and say what to run (docs/admin.md)."""
    import web.cli

    monkeypatch.setattr(web.cli, "cmd_serve", lambda args, settings: 0)  # never listens
    data = old_vault(tmp_path)
    assert main(["--data", str(data), *command]) == 1
    err = capsys.readouterr().err
    assert "schema is at version 4" in err and "run peluit migrate first" in err
    assert "/.venv/bin/peluit migrate" in err
    assert [p.name for p in tmp_path.iterdir()] == ["var"]  # no backup attempted
    assert version_of(data) == 4


def test_check_on_a_new_folder_says_what_migrate_applies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "var"
    assert main(["--data", str(data), "migrate", "--check"]) == 1
    to_apply = capsys.readouterr().out.strip().rsplit(": ", 1)[1]
    assert main(["--data", str(data), "migrate"]) == 0
    applied = capsys.readouterr().out.strip().rsplit(": applied ", 1)[1]
    assert to_apply == applied


def test_the_backup_before_a_migration_goes_to_the_backup_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """/var/lib is root's: the peluit user can write PELUIT_BACKUP_DIR, not beside the data."""
    data = old_vault(tmp_path)
    backups = tmp_path / "backups"
    backups.mkdir()
    monkeypatch.setenv("PELUIT_BACKUP_DIR", str(backups))
    assert main(["--data", str(data), "migrate"]) == 0
    written = [p.name for p in backups.iterdir()]
    assert len(written) == 1 and written[0].startswith("var-before-v"), written
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("var-")] == []
    assert f"backup written to {backups / written[0]}" in capsys.readouterr().out
