"""``peluit`` speaks the reader's language (``LANG``): its own lines and its error lines.

Each command runs as a real subprocess (``python -m web.cli``) on a real
data folder. Under ``LANG=id_ID.UTF-8`` none of the English sentences the
command printed before it followed the locale may appear; ``error:`` and
``hint:`` keep their shape. The catalog itself is checked by
tests/test_i18n.py (every msgid of ``web/**.py`` translated) and here (no
fuzzy, no empty entry).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from test_lifecycle_fixtures import UNIT_A, UNIT_B, Vault

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "web" / "locale" / "id" / "LC_MESSAGES" / "messages.po"

ENGLISH = ["registered", "fingerprint:", "cases closed", "notifications run", "entries",
           "cases destroyed", "files wiped", "backup written", "written to", "already exists",
           "choose a new file name", "cannot read", "the passwords differ", "added:",
           "scan this code", "nothing was", "an anchor is", "head:", "keep it as safe",
           "password must", "say where", "no such unit", "schema at"]  # fmt: skip


def peluit(data: Path, *args: str, stdin: str = "", lang: str = "id_ID.UTF-8") -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES")}
    env["LANG"] = lang
    env.pop("PELUIT_CONFIG", None)
    done = subprocess.run(
        [sys.executable, "-m", "web.cli", "--data", str(data), *args], input=stdin,
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120, check=False,
    )  # fmt: skip
    return done.returncode, done.stdout + done.stderr


@pytest.mark.sqlite_only  # it makes a backup, which copies the SQLite file
def test_every_path_of_peluit_speaks_indonesian(tmp_path: Path) -> None:
    vault = Vault(tmp_path)
    vault.new_case()
    data = vault.path
    outputs = []

    def run(*args: str, stdin: str = "", code: int = 0) -> str:
        got, out = peluit(data, *args, stdin=stdin)
        assert got == code, (args, out)
        outputs.append(out)
        return out

    added = run("user", "add", "ani", "--role", "inspector", "--unit", UNIT_A,
                stdin="kuda-baterai-benar-staples\n")  # fmt: skip
    assert f"pengguna ani ditambahkan: inspector, unit {UNIT_A}" in added
    assert "pindai kode ini dengan aplikasi autentikator" in added
    assert "aktif" in run("user", "list")
    run("unit", "list")
    assert "baik: " in run("audit", "verify")
    assert "kasus ditutup" in run("deadlines", "close-due")
    assert "pemberitahuan dijalankan" in run("notify", "run")
    assert "kasus dimusnahkan" in run("retention", "run")
    out = run("export", "--unit", UNIT_A, "--out", str(tmp_path / "e1.peluit"))
    assert f"ekspor 1 untuk {UNIT_A} ditulis ke" in out
    assert "cadangan ditulis ke" in run("backup", str(tmp_path / "cadangan"))
    # error paths
    again = run("export", "--unit", UNIT_A, "--out", str(tmp_path / "e1.peluit"), code=1)
    assert "error: " in again and "sudah ada" in again
    assert "hint: pilih nama berkas baru" in again
    missing = run("import", str(tmp_path / "tidak-ada.peluit"), code=1)
    assert "error: " in missing and "tidak dapat dibaca" in missing
    card = run("unit", "add", str(tmp_path / "tidak-ada.json"), code=1)
    assert "tidak dapat dibaca" in card
    assert "error: jangkar ditulis N:HASH" in run("audit", "verify", "--anchor", "x", code=1)
    short = run("user", "add", "budi", "--role", "auditor", stdin="pendek\n", code=1)
    assert "error: kata sandi harus 12 sampai 1024 karakter" in short
    retire = run("unit", "retire", UNIT_B, code=1)
    assert "error: sebutkan ke mana pelapor harus pergi" in retire and "hint: pakai --to" in retire
    nobody = run("unit", "retire", "tidak-ada", "--to", UNIT_A, code=1)
    assert "error: unit itu tidak ada" in nobody and "hint: tidak ada yang diubah" in nobody
    assert "skema pada versi" in run("migrate", "--check")
    for out in outputs:
        for english in ENGLISH:
            assert english not in out, (english, out)


def test_the_help_speaks_indonesian(tmp_path: Path) -> None:
    code, out = peluit(tmp_path / "var", "--help")
    assert code == 0 and "jalankan brankas daring" in out and "run the online vault" not in out


def test_peluit_still_speaks_english_elsewhere(tmp_path: Path) -> None:
    vault = Vault(tmp_path)
    code, out = peluit(vault.path, "deadlines", "close-due", lang="C.UTF-8")
    assert code == 0 and "0 cases closed" in out


def test_the_catalog_has_no_fuzzy_and_no_empty_entry() -> None:
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="id")
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    empty = [m.id for m in catalog if m.id and not m.string]
    assert fuzzy == [] and empty == []
