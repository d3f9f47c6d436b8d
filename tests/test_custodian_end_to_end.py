"""The custodian key protects identities, through the command lines only (issue 17, section 8).

Before: ``peluit-ws custodian attach`` set up as the docs describe left
``unit-card.json`` without the custodian key, so the card registered online
kept sealing identities to the unit key, and a report sent afterwards opened
with the unit key alone. Here every step is a command: ``peluit-ws custodian
init`` and ``attach``; ``peluit unit add ... --rotation`` as attach prints it;
``peluit serve``; ``peluit-report submit --identity``; ``peluit export``;
``peluit-ws import`` and ``show --open-identity``, first without the
custodian's key (refused: the unit key alone does not open it), then with it.

The unit's folder is made with the ceremony's function at the spec's smallest
Argon2id parameters (``peluit-ws init`` always uses 256 MiB; each command
here opens the key file again).
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from test_reporter_cli import ANSWERS
from test_ws_support import PASSPHRASE, make_workstation

from bench.live_server import ROOT, LiveServer
from crypto.unit_card import UnitCard
from workstation.cli import main as peluit_ws

pytestmark = pytest.mark.slow
CUSTODIAN_PASSPHRASE = "kunci penjaga identitas pelapor aman"
NAME = "PLANTED-IDENTITY-Siti-Rahayu"


def run(module: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", module, *args], input=stdin, capture_output=True, text=True,
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300, check=False,
    )  # fmt: skip


def ws(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], stdin: str,
       *args: str) -> tuple[int, str, str]:  # fmt: skip
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = peluit_ws(list(args))
    said = capsys.readouterr()
    return code, said.out, said.err


def test_an_identity_sent_after_attach_opens_only_with_the_custodian_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, holder, data = tmp_path / "ws", tmp_path / "custodian", tmp_path / "var"
    card = make_workstation(folder)
    added = run("web.cli", "--data", str(data), "unit", "add", str(folder / "unit-card.json"))
    assert added.returncode == 0, added.stderr

    code, _, err = ws(monkeypatch, capsys, CUSTODIAN_PASSPHRASE + "\n",
                      "custodian", "init", str(holder))  # fmt: skip
    assert code == 0, err
    code, out, err = ws(monkeypatch, capsys, PASSPHRASE + "\n", "custodian", "attach",
                        str(folder), "--card", str(holder / "custodian-card.json"))  # fmt: skip
    assert code == 0, err
    printed = re.search(r"peluit unit add (\S+) --rotation", out)
    assert printed, out
    again = run("web.cli", "--data", str(data), "unit", "add", printed[1], "--rotation")
    assert again.returncode == 0, again.stderr
    assert card.fingerprint() in again.stdout  # the posters stay right

    (tmp_path / "answers.json").write_text(json.dumps(ANSWERS))
    (tmp_path / "identity.json").write_text(json.dumps({"name": NAME}))
    with LiveServer(data, env={"PELUIT_POW_BITS": "8"}) as server:
        sent = run("reporter.cli", "submit", "--server", server.base, "--unit", card.unit_id,
                   "--answers", str(tmp_path / "answers.json"),
                   "--identity", str(tmp_path / "identity.json"),
                   "--fingerprint", card.fingerprint())  # fmt: skip
        assert sent.returncode == 0, sent.stderr
    ref = re.search(r"case: (WBS-\d{4}-\d{4})", sent.stdout)[1]  # type: ignore[index]

    bundle = tmp_path / "export-1.peluit"
    exported = run("web.cli", "--data", str(data), "export", "--unit", card.unit_id,
                   "--out", str(bundle))  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    code, _, err = ws(monkeypatch, capsys, PASSPHRASE + "\n", "import", str(bundle),
                      "-C", str(folder))  # fmt: skip
    assert code == 0, err

    code, out, err = ws(monkeypatch, capsys, PASSPHRASE + "\n", "show", ref, "--open-identity",
                        "-C", str(folder))  # fmt: skip
    assert code == 1
    assert "custodian" in err and NAME not in out  # the unit key alone does not open it

    code, out, err = ws(monkeypatch, capsys, PASSPHRASE + "\n" + CUSTODIAN_PASSPHRASE + "\n",
                        "show", ref, "--open-identity", "-C", str(folder),
                        "--custodian", str(holder))  # fmt: skip
    assert code == 0, err
    assert NAME in out
    registered = UnitCard.parse((folder / "unit-card.json").read_bytes())
    assert registered.custodian_xwing_public_key is not None
