"""Every file in ``deploy/`` explains itself and is in the deployment guide.

An administrator copies these files; each must say in its own comments
what it is for, and docs/deploy.md must name it (its table of files).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
FILES = sorted(p for p in DEPLOY.rglob("*") if p.is_file())
GUIDE = (ROOT / "docs" / "deploy.md").read_text()


def test_the_deploy_folder_is_not_empty() -> None:
    assert len(FILES) >= 13


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(DEPLOY)))
def test_each_file_opens_with_a_plain_language_comment(path: Path) -> None:
    lines = path.read_text().splitlines()
    if lines[0].startswith("#!"):
        lines = lines[1:]
    opening = []
    for line in lines:
        if not line.startswith("#"):
            break
        opening.append(line)
    words = re.findall(r"[A-Za-z]+", " ".join(opening))
    assert len(opening) >= 2 and len(words) >= 8, f"{path.name} does not say what it is"


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(DEPLOY)))
def test_the_guide_names_each_file(path: Path) -> None:
    relative = str(path.relative_to(DEPLOY))
    if path.parent.name == "systemd" and path.name != "peluit.service":
        # The four jobs share one row: systemd/peluit-{deadlines,...}.{service,timer}
        job = path.stem.removeprefix("peluit-")
        row = "`systemd/peluit-{deadlines,retention,notify,backup}.{service,timer}`"
        assert job in row and row in GUIDE
    else:
        assert f"`{relative}`" in GUIDE, relative


@pytest.mark.sqlite_only  # a backup copies the SQLite file
def test_the_backup_script_finds_peluit_beside_itself(tmp_path: Path) -> None:
    """Run from this checkout (not /opt/peluit) with no PELUIT set, as the unit runs it."""
    import os
    import subprocess

    from web.cli import main

    assert Path("/opt/peluit") != ROOT
    assert main(["--data", str(tmp_path / "var"), "migrate"]) == 0  # a new vault
    backups = tmp_path / "backups"
    backups.mkdir(mode=0o700)
    env = {key: value for key, value in os.environ.items() if not key.startswith("PELUIT")}
    env |= {
        "PELUIT_DATA": str(tmp_path / "var"),
        "PELUIT_BACKUP_DIR": str(backups),
        "PELUIT_CONFIG": str(tmp_path / "none.env"),
    }
    (tmp_path / "none.env").write_text("")
    done = subprocess.run(
        ["/bin/sh", str(DEPLOY / "peluit-backup")],
        env=env, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    written = [p.name for p in backups.iterdir()]
    assert len(written) == 1 and written[0].startswith("peluit-"), written
    assert (backups / written[0] / "manifest.json").is_file()


def test_the_backup_unit_leaves_its_settings_to_peluit_env() -> None:
    """EnvironmentFile= wins over Environment=: the folder and count live in peluit.env only."""
    unit = (DEPLOY / "systemd/peluit-backup.service").read_text()
    assert "PELUIT_BACKUP_KEEP=" not in unit and "PELUIT_BACKUP_DIR=" not in unit
    example = (DEPLOY / "peluit.env.example").read_text()
    folder = re.search(r"^PELUIT_BACKUP_DIR=(\S+)$", example, re.M)
    assert folder is not None and f"ReadWritePaths={folder[1]}\n" in unit
