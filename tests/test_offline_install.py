"""Offline installation for real: build the wheelhouse once, install with no index, run the tool.

The wheelhouse is built from PyPI (hash-checked against requirements.lock),
so this test needs the network once per session; the installation itself
runs with ``--no-index``, ``PIP_CONFIG_FILE=/dev/null`` and a proxy that goes
nowhere, so any attempt to reach an index would fail.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEMO_PASSPHRASE = "demo peluit bukan untuk laporan sungguhan"
NO_NETWORK = {
    "PIP_CONFIG_FILE": "/dev/null",
    "PIP_NO_INDEX": "1",
    "http_proxy": "http://127.0.0.1:9",
    "https_proxy": "http://127.0.0.1:9",
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
}

pytestmark = pytest.mark.slow


def _run(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=900, check=False,
                          **kwargs)  # type: ignore[call-overload]  # fmt: skip


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheelhouse")
    env = {**os.environ, "PYTHON": sys.executable}
    done = _run([str(ROOT / "scripts/build-wheelhouse"), str(out)], env=env)
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="session")
def offline_venv(wheelhouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("offline") / "venv"
    env = {**os.environ, **NO_NETWORK, "PYTHON": sys.executable}
    done = _run([str(ROOT / "scripts/install-offline"), str(wheelhouse), str(venv)], env=env,
                cwd=str(venv.parent))  # fmt: skip
    assert done.returncode == 0, done.stderr
    return venv


def test_the_wheelhouse_holds_every_locked_package_and_peluit(wheelhouse: Path) -> None:
    locked = {
        line.split("==")[0].lower().replace("-", "_")
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if line and not line.startswith((" ", "#", "-"))
    }
    wheels = {p.name.split("-")[0].lower() for p in wheelhouse.glob("*.whl")}
    assert locked | {"peluit"} == wheels
    assert (wheelhouse / "peluit.txt").read_text().startswith("peluit==0.1.0 --hash=sha256:")
    checked = _run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=str(wheelhouse))
    assert checked.returncode == 0


def test_installed_tool_runs_a_ceremony_offline(offline_venv: Path, tmp_path: Path) -> None:
    tool = str(offline_venv / "bin" / "peluit-ws")
    env = {**os.environ, **NO_NETWORK, "PYTHONPATH": ""}
    shown = _run([tool, "--help"], env=env, cwd=str(tmp_path))
    assert shown.returncode == 0
    for command in ("init", "import", "ui", "forward", "open-forward", "report"):
        assert command in shown.stdout
    unit = tmp_path / "unit"
    made = _run([tool, "init", str(unit), "--demo"], env=env, cwd=str(tmp_path))
    assert made.returncode == 0, made.stderr
    assert "fingerprint to publish:" in made.stdout and (unit / "unit-card.json").is_file()
    # the packaged migrations, form, templates and calendar are all there
    listed = _run([tool, "list", "-C", str(unit)], input=DEMO_PASSPHRASE + "\n", env=env,
                  cwd=str(tmp_path))  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    assert "no cases yet" in listed.stdout
    args = [tool, "report", "--period", "2026", "--out", str(tmp_path / "r"), "-C", str(unit)]
    report = _run(args, input=DEMO_PASSPHRASE + "\n", env=env, cwd=str(tmp_path))
    assert report.returncode == 0, report.stderr
    assert (tmp_path / "r" / "peluit-report-2026.html").is_file()
    where = _run([str(offline_venv / "bin" / "python"), "-c",
                  "import workstation; print(workstation.__file__)"], env=env,
                 cwd=str(tmp_path))  # fmt: skip
    assert str(offline_venv) in where.stdout  # the installed copy, not this checkout


def test_install_refuses_a_damaged_wheelhouse(wheelhouse: Path, tmp_path: Path) -> None:
    copy = tmp_path / "wh"
    _run(["cp", "-r", str(wheelhouse), str(copy)])
    victim = sorted(copy.glob("pynacl-*.whl"))[0]
    victim.write_bytes(victim.read_bytes()[:-10] + b"0123456789")
    env = {**os.environ, **NO_NETWORK, "PYTHON": sys.executable}
    done = _run([str(ROOT / "scripts/install-offline"), str(copy), str(tmp_path / "v")], env=env)
    assert done.returncode != 0 and "SHA256SUMS" in done.stderr
    assert not (tmp_path / "v").exists()
