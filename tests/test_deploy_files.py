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
