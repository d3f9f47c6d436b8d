"""``scripts/run`` says what it did (a demo unit made and registered), step by step.

The scripts run for real from a copy of ``scripts/`` with the real
``peluit-ws`` and ``peluit`` (through this checkout's virtualenv); only
``peluit serve`` is replaced by a stand-in that returns at once, so the
test does not keep a server running.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def copy_of_the_checkout(tmp_path: Path) -> Path:
    root = tmp_path / "peluit"
    (root / "scripts").mkdir(parents=True)
    for name in ("run", "setup"):
        shutil.copy2(ROOT / "scripts" / name, root / "scripts" / name)
    for name in ("requirements.lock", "pyproject.toml"):
        shutil.copy2(ROOT / name, root / name)
    venv = root / ".venv" / "bin"
    venv.mkdir(parents=True)
    (venv / "python").symlink_to(sys.executable)
    (venv / "peluit-ws").symlink_to(BIN / "peluit-ws")
    serve_stand_in = (
        '#!/bin/sh\n[ "$1" = serve ] && { echo "serve $*"; exit 0; }\n'
        f'exec {BIN / "peluit"} "$@"\n'
    )
    (venv / "peluit").write_text(serve_stand_in)
    (venv / "peluit").chmod(0o755)
    # the stamp scripts/setup leaves after installing (see there): nothing to install here
    locks = b"".join(
        f"{hashlib.sha256((root / n).read_bytes()).hexdigest()}  {n}\n".encode()
        for n in ("requirements.lock", "pyproject.toml")
    )
    (root / ".venv" / f".installed-{hashlib.sha256(locks).hexdigest()[:16]}").touch()
    return root


def run(root: Path, lang: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES")}
    env.update({"LANG": lang, "PELUIT_DATA": str(root / "var")})
    env.pop("PELUIT_CONFIG", None)
    return subprocess.run(
        ["scripts/run"], cwd=root, env=env, capture_output=True, text=True, timeout=300,
        check=False,
    )  # fmt: skip


def test_run_says_it_registered_the_demo_unit_itself(tmp_path: Path) -> None:
    root = copy_of_the_checkout(tmp_path)
    first = run(root, "C.UTF-8")
    assert first.returncode == 0, first.stderr
    said = first.stdout + first.stderr
    assert "register it online" not in said  # it was done, not left to the reader
    card = json.loads((root / "demo-workstation" / "unit-card.json").read_text())
    assert card["unit_id"] == "demo-inspektorat"
    assert "run: making the DEMO unit's keys in demo-workstation/" in said
    assert "run: registered the DEMO unit's card on this server" in said
    fingerprint = said.split("fingerprint: ", 1)[1].split("\n", 1)[0]
    assert len(fingerprint.replace(" ", "")) == 32
    assert "run: made the DEMO console account demo-inspektur" in said
    assert "setup: ready" in said and "serve" in first.stdout
    again = run(root, "id_ID.UTF-8")
    assert again.returncode == 0, again.stderr
    assert "setup: siap" in again.stderr and "run: menjalankan server" in again.stderr
    assert "registered" not in again.stderr and "didaftarkan" not in again.stderr
