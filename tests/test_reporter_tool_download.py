"""The site offers ``peluit-report`` as one checkable file (web/reporter_tool.py).

Attacks: a reporter downloading the program must get a file whose SHA-256
is the one the guide shows and that anyone rebuilding from the same source
gets too; the file must run as the program on its own (its packages from
inside the zip, not from an installed Peluit).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from app_fixtures import AppClient, Env, make_env

from web import reporter_tool

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def env(tmp_path: Path) -> Env:
    return make_env(tmp_path)


def _copy_source(target: Path) -> None:
    for package in reporter_tool.PACKAGES:
        shutil.copytree(
            ROOT / package, target / package, ignore=shutil.ignore_patterns("__pycache__")
        )


def test_the_download_is_the_file_whose_hash_the_guide_shows(env: Env) -> None:
    client = AppClient(env.app)
    for lang in ("id", "en"):
        page = client.get(f"/{lang}/panduan").text
        shown = re.search(r'<code id="tool-sha256">([0-9a-f]{64})</code>', page)
        assert shown is not None
        assert f'href="{reporter_tool.URL}"' in page
        download = client.get(reporter_tool.URL)
        assert download.status_code == 200
        assert download.headers["content-disposition"] == 'attachment; filename="peluit-report.pyz"'
        assert hashlib.sha256(download.content).hexdigest() == shown.group(1)
        assert "set-cookie" not in download.headers


def test_a_rebuild_from_a_copy_of_the_source_gives_the_same_bytes(tmp_path: Path) -> None:
    _copy_source(tmp_path)
    for path in tmp_path.rglob("*.py"):  # other times and modes than the original's
        path.chmod(0o600)
    assert reporter_tool.build(tmp_path).data == reporter_tool.build().data


def test_a_changed_source_file_changes_the_hash(tmp_path: Path) -> None:
    _copy_source(tmp_path)
    envelope = tmp_path / "crypto" / "envelope.py"
    envelope.write_text(envelope.read_text() + "\n# changed\n")
    assert reporter_tool.build(tmp_path).sha256 != reporter_tool.build().sha256


def test_the_file_holds_the_program_and_nothing_of_the_server() -> None:
    data = reporter_tool.build().data
    assert data.startswith(b"#!/usr/bin/env python3\n")
    with zipfile.ZipFile(reporter_tool.io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        dates = {info.date_time for info in archive.infolist()}
    assert {
        "__main__.py",
        "reporter/cli.py",
        "crypto/envelope.py",
        "receipts/receipt_code.py",
    } <= names
    assert any(name.startswith("reporter/forms/") and name.endswith(".json") for name in names)
    assert not any(name.startswith(("web/", "vault/", "workstation/")) for name in names)
    assert not any("__pycache__" in name for name in names)
    assert dates == {reporter_tool.EPOCH}


def test_the_downloaded_file_runs_as_the_program_from_inside_the_zip(
    env: Env, tmp_path: Path
) -> None:
    tool = tmp_path / "peluit-report.pyz"
    tool.write_bytes(AppClient(env.app).get(reporter_tool.URL).content)
    where = subprocess.run(
        [sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); "
         "import reporter.answers, common.working_days; print(reporter.answers.__file__); "
         "print(len(reporter.answers.describe_fields()))", str(tool)],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert where.stdout.startswith(str(tool) + "/reporter/answers.py"), where.stdout
    shown = subprocess.run(
        [sys.executable, str(tool), "--help"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
        env={"LANG": "id_ID.UTF-8", "PATH": "/usr/bin"},
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert "submit" in shown.stdout
