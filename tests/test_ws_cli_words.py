"""``peluit-ws`` speaks the reader's language (``LANG``), and says what happened to a change.

Each command runs as a real subprocess (``python -m workstation.cli``) on a
real workstation folder (fast key-file parameters, see test_ws_support).
Under ``LANG=id_ID.UTF-8`` no English sentence of the command line's own
table may appear; the codes are shown as their words.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from test_ws_support import PASSPHRASE, export_bundle, make_workstation, report_case

from workstation.cli_words import INDONESIAN, translated

ROOT = Path(__file__).resolve().parent.parent
CLI_MODULES = [
    "cli.py",
    "cli_commands.py",
    "cli_parser.py",
    "cli_tools.py",
    "prompts.py",
    "ui/server.py",
]
INDONESIAN_LANG = "id_ID.UTF-8"

# Sentences of the command line as it printed them before it followed LANG:
# none may come back under Indonesian.
OLD_ENGLISH = [
    "(queued)",
    "status change to",
    "since ",
    "submitted ",
    "imported export",
    "nothing is held in quarantine",
    "reply bundle",
    "the reply is empty",
    "no such case",
    "wrong passphrase",
    "cannot become",
    "nothing is queued",
    "register it online",
    "unit card written",
    "signed by the unit",
    "queued, not sent yet",
]


def ws(folder: Path, *args: str, stdin: str = "", lang: str = INDONESIAN_LANG) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES")}
    env["LANG"] = lang
    where = [] if args[0] in ("init", "--help") else ["-C", str(folder)]
    done = subprocess.run(
        [sys.executable, "-m", "workstation.cli", *args, *where],
        input=stdin, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120, check=False,
    )  # fmt: skip
    return done.returncode, done.stdout + done.stderr


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    card = make_workstation(tmp_path)
    case = report_case(card, "WBS-2026-0001")
    (tmp_path / "e.peluit").write_bytes(export_bundle(card.unit_id, [case]))
    return tmp_path


def english_sentences() -> list[str]:
    """The literal parts of the table's English ids that differ from their translation."""
    found = []
    for english, indonesian in INDONESIAN.items():
        if english == indonesian:
            continue
        for part in re.split(r"\{\w+\}", english):
            if len(part.strip()) >= 12 and " " in part.strip() and part not in indonesian:
                found.append(part.strip())
    return found


def assert_indonesian(output: str) -> None:
    for sentence in OLD_ENGLISH + english_sentences():
        assert sentence not in output, (sentence, output)


def test_after_export_replies_the_change_names_its_bundle(folder: Path) -> None:
    assert ws(folder, "import", str(folder / "e.peluit"), stdin=PASSPHRASE + "\n")[0] == 0
    assert ws(folder, "status", "WBS-2026-0001", "diverifikasi", stdin=PASSPHRASE + "\n")[0] == 0
    code, out = ws(folder, "list", stdin=PASSPHRASE + "\n", lang="C.UTF-8")
    assert code == 0 and "Received -> Triaged (queued, not exported yet)" in out
    code, out = ws(folder, "export-replies", str(folder / "r1.peluit"), stdin=PASSPHRASE + "\n",
                   lang="C.UTF-8")  # fmt: skip
    assert code == 0, out
    code, out = ws(folder, "list", stdin=PASSPHRASE + "\n", lang="C.UTF-8")
    assert "Received -> Triaged (exported in reply bundle 1, not applied online yet)" in out
    assert "(queued" not in out
    code, out = ws(folder, "show", "WBS-2026-0001", stdin=PASSPHRASE + "\n", lang="C.UTF-8")
    assert "status change exported in reply bundle 1, not applied online yet: Triaged" in out
    code, out = ws(folder, "list", stdin=PASSPHRASE + "\n")
    assert "Diterima -> Diverifikasi (sudah diekspor dalam paket balasan 1" in out


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("C.UTF-8", [
            "error: the reply is empty: no terminal to open an editor on, and nothing came on "
            "stdin",
            "hint: type the reply in the editor on a terminal, or send it on stdin",
        ]),
        (INDONESIAN_LANG, [
            "error: balasannya kosong: tidak ada terminal untuk membuka editor, dan tidak ada "
            "teks dari stdin",
            "hint: ketik balasan di editor pada terminal, atau kirim lewat stdin",
        ]),
    ],
)  # fmt: skip
def test_an_empty_reply_without_a_terminal_says_where_the_text_was_expected(
    folder: Path, lang: str, expected: list[str]
) -> None:
    assert ws(folder, "import", str(folder / "e.peluit"), stdin=PASSPHRASE + "\n")[0] == 0
    code, out = ws(folder, "reply", "WBS-2026-0001", stdin=PASSPHRASE + "\n", lang=lang)
    assert code == 1
    for line in expected:
        assert line in out, out


def test_every_path_of_the_workstation_cli_speaks_indonesian(folder: Path) -> None:
    p = PASSPHRASE + "\n"
    outputs = []

    def run(*args: str, stdin: str = p, code: int = 0) -> str:
        got, out = ws(folder, *args, stdin=stdin)
        assert got == code, (args, out)
        outputs.append(out)
        return out

    assert "ekspor 1 diimpor: 1 kasus baru" in run("import", str(folder / "e.peluit"))
    assert "Diterima" in run("list")
    run("triage", "WBS-2026-0001", "--urgency", "segera", "--risk", "tinggi")
    run("reply", "WBS-2026-0001", stdin=p + "Terima kasih atas laporannya.\n")
    run("status", "WBS-2026-0001", "diverifikasi")
    shown = run("show", "WBS-2026-0001")
    assert "perubahan status menunggu, belum diekspor: Diverifikasi" in shown
    assert "urgensi Segera, risiko pembalasan Tinggi" in shown
    assert "[ditandatangani unit; menunggu, belum dikirim]" in shown
    run("templates", "list")
    run("quarantine", "list")
    run("export-replies", str(folder / "r1.peluit"))
    run("identity-log")
    assert "Diterima -> Diverifikasi (sudah diekspor" in run("list")
    # error paths: error:/hint: stay, the words after them are Indonesian
    assert "error: kasus 'WBS-9' tidak ada di workstation ini" in run("show", "WBS-9", code=1)
    assert "error: frasa sandi salah" in run("list", stdin="salah sekali\n", code=1)
    wrong = run("status", "WBS-2026-0001", "selesai", code=1)
    assert "error: kasus berstatus Diverifikasi tidak dapat menjadi Selesai" in wrong
    assert "error: tidak ada yang menunggu dikirim" in run(
        "export-replies", str(folder / "r2.peluit"), code=1
    )
    assert "error: " in run("reply", "WBS-2026-0001", code=1)
    for out in outputs:
        assert_indonesian(out)


def test_init_speaks_indonesian(tmp_path: Path) -> None:
    code, out = ws(tmp_path / "kosong", "init", str(tmp_path / "kosong"))
    assert code == 1 and "error: --unit-id dan --name wajib diisi" in out
    assert "hint: atau pakai --demo" in out
    code, out = ws(tmp_path, "init", str(tmp_path / "demo"), "--demo")
    assert code == 0 and "kartu unit ditulis ke" in out and "sidik jari untuk diumumkan" in out
    assert_indonesian(out)


def test_the_help_speaks_indonesian(tmp_path: Path) -> None:
    code, out = ws(tmp_path, "--help")
    assert code == 0 and "impor paket ekspor dari server daring" in out
    assert "import an export bundle" not in out


def used_ids() -> set[str]:
    """Every string literal given to ``_()`` in the workstation's command line."""
    found = set()
    for name in CLI_MODULES:
        tree = ast.parse((ROOT / "workstation" / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_":
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.add(first.value)
    return found


def test_every_message_id_has_both_languages() -> None:
    used = used_ids()
    assert len(used) > 60
    assert sorted(used - set(INDONESIAN)) == []
    for english, indonesian in INDONESIAN.items():
        assert indonesian.strip(), english
        assert set(re.findall(r"\{\w+\}", english)) == set(re.findall(r"\{\w+\}", indonesian))


ERRORS = {"Refused", "UnknownCase", "UnknownItem", "BackupError", "NotInitialised",
          "WorkstationError", "FolderNotEmpty", "WeakPassphrase"}  # fmt: skip


def raised_messages() -> list[tuple[str, str]]:
    """The message of every workstation error raised with a literal or an f-string."""
    found = []
    modules = [*(ROOT / "workstation").glob("*.py"), *(ROOT / "workstation/ui").glob("*.py")]
    for path in sorted(modules):  # the UI's refusals are shown on its pages too
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) in ERRORS):
                continue
            if not node.args:
                continue
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.append((path.name, first.value))
            elif isinstance(first, ast.JoinedStr):
                parts = [v.value if isinstance(v, ast.Constant) else "X" for v in first.values]
                found.append((path.name, "".join(str(p) for p in parts)))
    return found


def test_every_error_the_workstation_raises_has_its_indonesian_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LC_ALL", INDONESIAN_LANG)
    messages = raised_messages()
    assert len(messages) > 30
    untranslated = [(name, text) for name, text in messages if translated(text) == text]
    assert untranslated == []


def test_show_names_the_answers_in_the_readers_language(folder: Path) -> None:
    assert ws(folder, "import", str(folder / "e.peluit"), stdin=PASSPHRASE + "\n")[0] == 0
    code, out = ws(folder, "show", "WBS-2026-0001", stdin=PASSPHRASE + "\n")
    assert code == 0 and "- Jenis pelanggaran:\n  Suap, pemerasan, pungli\n" in out
    assert "Kind of wrongdoing" not in out and "Bribery" not in out
    code, out = ws(folder, "show", "WBS-2026-0001", stdin=PASSPHRASE + "\n", lang="C.UTF-8")
    assert code == 0 and "- Kind of wrongdoing:\n  Bribery, extortion, illegal levies\n" in out
    assert "Jenis pelanggaran" not in out and "Suap" not in out


def bundle_details() -> list[tuple[str, str]]:
    """Each detail a rejected bundle can give (the second argument of its error)."""
    found = []
    for name in ("crypto/bundle.py", "crypto/bundle_schema.py", "workstation/bundle_import.py"):
        for node in ast.walk(ast.parse((ROOT / name).read_text(encoding="utf-8"))):
            errors = ("BundleError", "BundleRejected")
            if not (isinstance(node, ast.Call) and len(node.args) == 2
                    and getattr(node.func, "id", None) in errors):  # fmt: skip
                continue
            detail = node.args[1]
            if isinstance(detail, ast.Constant) and isinstance(detail.value, str):
                found.append((name, detail.value))
            elif isinstance(detail, ast.JoinedStr):
                parts = [v.value if isinstance(v, ast.Constant) else "X" for v in detail.values]
                found.append((name, "".join(str(p) for p in parts)))
    return found


def test_every_reason_a_bundle_is_rejected_has_its_indonesian_words() -> None:
    details = bundle_details()
    assert len(details) > 30
    untranslated = []
    for name, detail in details:
        said = translated(f"bundle rejected: check ({detail}); nothing was imported", "id")
        if detail in said or not said.startswith("paket ditolak: check ("):
            untranslated.append((name, detail))
    assert untranslated == []
    said = translated("bundle rejected: magic (this is not a Peluit export bundle, version 1);"
                      " nothing was imported", "id")  # fmt: skip
    expected = "paket ditolak: magic (ini bukan paket ekspor Peluit versi 1)"
    assert said == expected + "; tidak ada yang diimpor"
