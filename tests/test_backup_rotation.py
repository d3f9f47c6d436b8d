"""``deploy/peluit-backup``: the nightly backup with rotation, run for real.

The script the backup timer starts, with the real ``peluit`` command on a
real data folder: one backup folder a day, the newest N kept, nothing but
our own day-named folders ever deleted, a second run on the same day
changes nothing, and bad settings are refused before anything happens.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from app_fixtures import make_unit

from common.days import jakarta_today
from vault.store import open_store

# On PostgreSQL the vault has no SQLite file to back up, migrate from or time (docs/scale.md).
pytestmark = pytest.mark.sqlite_only

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "deploy" / "peluit-backup"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    with open_store(folder) as store:
        store.register_unit(make_unit().card.to_json())
    return folder


def backup(data: Path, target: Path, keep: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ["PATH"],
        "PELUIT_DATA": str(data),
        "PELUIT_BACKUP_DIR": str(target),
        "PELUIT_BACKUP_KEEP": keep,
        "PELUIT": str(ROOT / ".venv" / "bin" / "peluit"),
    }
    return subprocess.run(
        [str(SCRIPT)], env=env, capture_output=True, text=True, check=False, timeout=120
    )


def test_one_backup_a_day_and_only_the_newest_kept(data: Path, tmp_path: Path) -> None:
    target = tmp_path / "backups"
    target.mkdir(mode=0o700)
    for day in range(1, 6):
        old = target / f"peluit-2020-01-0{day}"
        old.mkdir()
        (old / "manifest.json").write_text("{}")
    (target / "notes").mkdir()
    (target / "peluit-2020-01-06.partial").write_text("not ours to delete")

    done = backup(data, target, "3")
    assert done.returncode == 0, done.stderr
    today = f"peluit-{jakarta_today().isoformat()}"
    assert (target / today / "manifest.json").is_file()
    assert (target / today / "pepper").is_file()
    assert oct((target / today).stat().st_mode & 0o777) == "0o700"
    left = sorted(p.name for p in target.iterdir())
    assert left == sorted(
        [today, "peluit-2020-01-05", "peluit-2020-01-04", "notes", "peluit-2020-01-06.partial"]
    )
    assert done.stdout.count("removed the old backup") == 3

    again = backup(data, target, "3")
    assert again.returncode == 0, again.stderr
    assert f"{target / today} already exists; left as it is" in again.stdout
    assert "removed" not in again.stdout
    assert sorted(p.name for p in target.iterdir()) == left


@pytest.mark.parametrize("keep", ["0", "x", "-1", "07", "3 "])
def test_a_bad_keep_count_is_refused_before_anything_happens(
    data: Path, tmp_path: Path, keep: str
) -> None:
    target = tmp_path / "backups"
    target.mkdir(mode=0o700)
    (target / "peluit-2020-01-01").mkdir()
    refused = backup(data, target, keep)
    assert refused.returncode == 2
    assert refused.stderr.startswith("error: PELUIT_BACKUP_KEEP must be a whole number")
    assert [p.name for p in target.iterdir()] == ["peluit-2020-01-01"]


def test_a_missing_backup_folder_is_named(data: Path, tmp_path: Path) -> None:
    refused = backup(data, tmp_path / "nowhere", "7")
    assert refused.returncode == 2
    assert "the backup folder" in refused.stderr and "does not exist" in refused.stderr
    assert not (tmp_path / "nowhere").exists()
