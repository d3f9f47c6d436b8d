"""The guide's bind mount makes the data folder ``noatime``, and its check says so.

docs/deploy.md (step 3) gives an fstab line that bind-mounts the data
folder onto itself with ``noatime``, and ``findmnt`` to check it. This
test takes both from the guide, mounts a folder with that line (``mount
-T``: a private fstab, the system's is not touched; runs as root in this
sandbox), and reads a file: its access time stays as it was, while the
same read outside the mount sets it (the file system here is ``relatime``).
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUIDE = (ROOT / "docs" / "deploy.md").read_text()
DATA = "/var/lib/peluit"
TWO_DAYS_AGO = 1_000_000_000  # any time long before the file's mtime


def guide_fstab_line() -> str:
    [line] = set(re.findall(rf"^ *({DATA} +{DATA} +none +bind,noatime +0 +0)$", GUIDE, re.M))
    return line.strip()


def guide_check_command() -> list[str]:
    [command] = set(re.findall(rf"^(findmnt -no OPTIONS --target {DATA}) ", GUIDE, re.M))
    return command.split()


@pytest.fixture
def mounted(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    fstab = tmp_path / "fstab"
    fstab.write_text(guide_fstab_line().replace(DATA, str(folder)) + "\n")
    subprocess.run(["/usr/bin/mount", "-T", str(fstab), str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["/usr/bin/umount", str(folder)], check=True)


def read_keeps_atime(path: Path) -> bool:
    os.utime(path, (TWO_DAYS_AGO, path.stat().st_mtime))
    path.read_bytes()
    return path.stat().st_atime == TWO_DAYS_AGO


def test_the_guides_bind_mount_is_noatime(mounted: Path, tmp_path: Path) -> None:
    check = [*guide_check_command()[:-1], str(mounted)]
    options = subprocess.run(check, capture_output=True, text=True, check=True).stdout
    assert "noatime" in options.strip().split(",")

    inside = mounted / "vault.sqlite3"
    inside.write_bytes(b"ciphertext")
    assert read_keeps_atime(inside)

    outside = tmp_path / "elsewhere.bin"
    outside.write_bytes(b"ciphertext")
    assert not read_keeps_atime(outside), "the read outside the mount should set atime"
