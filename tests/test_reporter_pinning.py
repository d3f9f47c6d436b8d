"""``peluit-report`` pins the unit before anything is sent (issue 17, section 3).

A seized server serving its own valid, self-signed card used to read a CLI
tip in full: the fingerprint was optional and printed after sending, and
``status``/``send`` fetched the card again each time. Here the server of
the ``served`` fixture plays the seized one whenever the reporter holds a
different fingerprint (the "real" unit's, from its poster). Every refusal is
checked where it matters: no case in the server's database, no request that
carries a report, a message or the code's selector.

The terminal path runs the client on a pseudo-terminal (``pty``), as a
person would: the fingerprint is shown and the report goes only after a typed
"yes". Without a terminal the client refuses unless given ``--fingerprint``
or a receipt file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
import test_reporter_cli
from app_fixtures import Env
from test_reporter_cli import ANSWERS, ROOT, LogCatcher, Recorder, cli
from vault_sql import vault_sql

from crypto import envelope
from crypto.bundle_template import sign_template
from crypto.signing import SigningKey
from crypto.unit_card import UnitCard
from crypto.xwing import XWingPrivateKey, XWingPublicKey
from receipts.derivation import derive
from receipts.receipt_code import parse
from vault.store import NewItem

Served = tuple[Env, Recorder, str, LogCatcher]
served = test_reporter_cli.served  # the same real server on 127.0.0.1


def real_unit_card(unit_id: str) -> UnitCard:
    """The card of the real unit, whose fingerprint is on the poster (not on this server)."""
    _, xwing = XWingPrivateKey.generate()
    return UnitCard.create(
        SigningKey.generate(), xwing.public_key(), unit_id, "Inspektorat Demo", "Uji coba",
        dt.date(2026, 11, 1),
    )  # fmt: skip


def cases_in(env: Env) -> int:
    with vault_sql(env.data / "vault.sqlite3") as db:
        return int(db.execute("SELECT COUNT(*) FROM cases").fetchone()[0])


def reporting_requests(recorder: Recorder) -> list[bytes]:
    """Requests that carry a report, a message, an upload or the code's selector."""
    heads = [r.split(b"\n")[0] for r in recorder.requests]
    return [h for h in heads if h.split(b" ")[1].startswith((b"/api/case", b"/api/uploads"))]


def write_answers(tmp_path: Path) -> Path:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(ANSWERS))
    return path


def on_terminal(args: list[str], replies: list[tuple[str, str]], env: dict[str, str] | None = None,
                timeout: float = 90.0) -> tuple[int, str]:  # fmt: skip
    """Run ``peluit-report`` on a pseudo-terminal; for each (prompt, reply) wait and type."""
    import pty

    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "reporter.cli", *args], stdin=slave, stdout=slave, stderr=slave,
        cwd=ROOT, close_fds=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "LC_ALL": "", "LC_MESSAGES": "", **(env or {})},
    )  # fmt: skip
    os.close(slave)
    seen = b""
    pending = list(replies)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                chunk = b""
            if not chunk and process.poll() is not None:
                break
            seen += chunk
        elif process.poll() is not None:
            break
        if pending and pending[0][0].encode() in seen:
            os.write(master, pending.pop(0)[1].encode() + b"\n")
    process.wait(timeout=10)
    os.close(master)
    return process.returncode, seen.decode("utf-8", "replace")


def test_without_a_terminal_nothing_is_sent_to_an_unconfirmed_card(
    served: Served, tmp_path: Path
) -> None:
    env, recorder, url, _ = served
    answers = write_answers(tmp_path)
    done = cli(
        "submit", "--server", url, "--unit", env.unit.card.unit_id, "--answers", str(answers)
    )
    assert done.returncode == 1
    assert "error: the unit's fingerprint is not confirmed" in done.stderr
    assert "hint: give --fingerprint" in done.stderr
    assert reporting_requests(recorder) == []
    assert cases_in(env) == 0


def test_a_server_serving_another_valid_card_gets_nothing(served: Served, tmp_path: Path) -> None:
    env, recorder, url, _ = served
    real = real_unit_card(env.unit.card.unit_id)  # the poster's; the server serves its own
    answers = write_answers(tmp_path)
    done = cli("submit", "--server", url, "--unit", real.unit_id, "--answers", str(answers),
               "--fingerprint", real.fingerprint())  # fmt: skip
    assert done.returncode == 1
    assert "does not match" in done.stderr
    assert reporting_requests(recorder) == []
    assert cases_in(env) == 0


def test_on_a_terminal_the_fingerprint_is_shown_and_must_be_accepted(
    served: Served, tmp_path: Path
) -> None:
    env, recorder, url, _ = served
    answers = write_answers(tmp_path)
    args = ["submit", "--server", url, "--unit", env.unit.card.unit_id, "--answers", str(answers)]
    code, seen = on_terminal(args, [("Type 'yes'", "no")], env={"LANG": "C.UTF-8"})
    assert code == 1, seen
    assert env.unit.card.fingerprint() in seen  # shown before anything is sent
    assert "poster" in seen
    assert "nothing was sent" in seen
    assert reporting_requests(recorder) == [] and cases_in(env) == 0

    code, seen = on_terminal(args, [("Ketik 'ya'", "ya")], env={"LANG": "id_ID.UTF-8"})
    assert code == 0, seen
    assert "Bandingkan sidik jari" in seen and env.unit.card.fingerprint() in seen
    assert cases_in(env) == 1


def test_the_receipt_file_pins_status_and_send(served: Served, tmp_path: Path) -> None:
    env, recorder, url, _ = served
    answers = write_answers(tmp_path)
    receipt = tmp_path / "tanda-terima.txt"
    done = cli("submit", "--server", url, "--unit", env.unit.card.unit_id, "--answers",
               str(answers), "--fingerprint", env.unit.card.fingerprint(),
               "--receipt-file", str(receipt))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert receipt.stat().st_mode & 0o777 == 0o600
    text = receipt.read_text()
    code_text = re.search(r"receipt code: ((?:\d{4} ){5}\d{4})", done.stdout)[1]  # type: ignore[index]
    assert f"code: {code_text}\n" in text
    assert f"fingerprint: {env.unit.card.fingerprint()}\n" in text
    assert f"server: {url}\n" in text
    assert re.search(f"address: {re.escape(url)}/(id|en)/cek\n", text)  # the CLI's language

    status = cli("status", "--receipt-file", str(receipt))  # nothing on stdin, nothing in argv
    assert status.returncode == 0, status.stderr
    assert ANSWERS["what"] in status.stdout

    again = cli("submit", "--server", url, "--unit", env.unit.card.unit_id, "--answers",
                str(answers), "--fingerprint", env.unit.card.fingerprint(),
                "--receipt-file", str(receipt))  # fmt: skip
    assert again.returncode == 1 and "never overwritten" in again.stderr
    assert receipt.read_text() == text

    # The server is seized and serves its own card for the unit from now on.
    impostor = real_unit_card(env.unit.card.unit_id)
    with vault_sql(env.data / "vault.sqlite3") as db:
        db.execute("UPDATE units SET card = ?", [impostor.to_json()])
    before = len(recorder.requests)
    refused = cli("status", "--receipt-file", str(receipt))
    assert refused.returncode == 1 and "does not match" in refused.stderr
    sent = cli("send", "--receipt-file", str(receipt), stdin="PLANTED-FOR-THE-IMPOSTOR")
    assert sent.returncode == 1 and "does not match" in sent.stderr
    after = [r.split(b"\n")[0] for r in recorder.requests[before:]]
    assert after and all(h.startswith(b"GET /api/instance") for h in after), after
    assert not any(b"PLANTED-FOR-THE-IMPOSTOR" in r for r in recorder.requests)


def test_a_rotation_signed_by_the_unit_is_still_accepted(served: Served, tmp_path: Path) -> None:
    env, _, url, _ = served
    receipt = tmp_path / "r.txt"
    done = cli("submit", "--server", url, "--unit", env.unit.card.unit_id, "--answers",
               str(write_answers(tmp_path)), "--fingerprint", env.unit.card.fingerprint(),
               "--receipt-file", str(receipt))  # fmt: skip
    assert done.returncode == 0, done.stderr
    _, new_key = XWingPrivateKey.generate()
    rotated = UnitCard.create(
        env.unit.signing, new_key.public_key(), env.unit.card.unit_id, "Inspektorat Demo",
        "Uji coba", dt.date(2026, 11, 20),
    )  # fmt: skip
    env.store.register_unit(rotated.to_json(), rotation=True)
    status = cli("status", "--receipt-file", str(receipt))
    assert status.returncode == 0, status.stderr
    assert f"unit fingerprint: {rotated.fingerprint()}" in status.stdout


def test_a_message_never_comes_from_argv(served: Served, tmp_path: Path) -> None:
    env, recorder, url, _ = served
    refused = cli("send", "--server", url, "--fingerprint", env.unit.card.fingerprint(),
                  "--message", "PLANTED-ARGV", stdin="1" * 24)  # fmt: skip
    assert refused.returncode == 1
    assert "never taken from the command line" in refused.stderr
    assert recorder.requests == []


def submitted_receipt(env: Env, url: str, tmp_path: Path) -> tuple[Path, str]:
    receipt = tmp_path / "r.txt"
    done = cli("submit", "--server", url, "--unit", env.unit.card.unit_id, "--answers",
               str(write_answers(tmp_path)), "--fingerprint", env.unit.card.fingerprint(),
               "--receipt-file", str(receipt))  # fmt: skip
    assert done.returncode == 0, done.stderr
    return receipt, re.search(r"receipt code: ((?:\d{4} ){5}\d{4})", done.stdout)[1]  # type: ignore[index]


def test_send_opens_the_editor_on_a_terminal(served: Served, tmp_path: Path) -> None:
    env, _, url, _ = served
    receipt, _ = submitted_receipt(env, url, tmp_path)
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys, os, stat\n"
        "path = sys.argv[1]\n"
        "assert stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o700\n"
        "open(path, 'w').write('PLANTED-FROM-THE-EDITOR\\n')\n"
    )
    code, seen = on_terminal(
        ["send", "--receipt-file", str(receipt)], [],
        env={"EDITOR": f"{sys.executable} {editor}", "VISUAL": ""},
    )  # fmt: skip
    assert code == 0, seen
    status = cli("status", "--receipt-file", str(receipt))
    assert "PLANTED-FROM-THE-EDITOR" in status.stdout
    piped = cli("send", "--receipt-file", str(receipt), stdin="PLANTED-FROM-STDIN\n")
    assert piped.returncode == 0, piped.stderr
    assert "PLANTED-FROM-STDIN" in cli("status", "--receipt-file", str(receipt)).stdout


def add_template_reply(env: Env, code_text: str, text: str, signer: SigningKey) -> None:
    """What the console sends: a standard message with the workstation's template signature."""
    keys = derive(parse(code_text), env.store.instance_salt())
    case = env.store.find_case(keys.selector, keys.validator)
    item_id = os.urandom(16)
    ctx = envelope.Context(case.unit_id, bytes.fromhex(case.case_id), "reply", item_id)
    body = json.dumps({"text": text, "status": None, "template": "received"}).encode()
    plaintext = sign_template(signer, case.unit_id, "received", text) + body
    recipients = [
        XWingPublicKey.from_bytes(case.reporter_public_key),
        env.unit.card.xwing_public_key,
    ]
    env.store.add_unit_envelopes(
        case.case_id, [NewItem(item_id, "reply", envelope.seal(plaintext, recipients, ctx))]
    )


def test_standard_messages_verify_as_template_signatures(served: Served, tmp_path: Path) -> None:
    env, _, url, _ = served
    receipt, code_text = submitted_receipt(env, url, tmp_path)
    add_template_reply(env, code_text, "Laporan Anda telah diterima.", env.unit.signing)
    add_template_reply(env, code_text, "FORGED standard message", SigningKey.generate())
    status = cli("status", "--receipt-file", str(receipt))
    assert status.returncode == 0, status.stderr
    assert "[the unit's standard message]\nLaporan Anda telah diterima." in status.stdout
    assert "FORGED" not in status.stdout and "WARNING" in status.stdout


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({**ANSWERS, "nama_saya": "x"}, "keys the questionnaire does not know: nama_saya"),
        ({k: v for k, v in ANSWERS.items() if k != "where"}, "required fields empty: where"),
        ({**ANSWERS, "category": "kejahatan"}, "category must be one of: korupsi"),
        ({**ANSWERS, "what": 5}, "answer to what must be a string"),
        (["a list"], "must be a JSON object"),
    ],
)
def test_answers_are_checked_before_anything_is_sent(
    served: Served, tmp_path: Path, answers: object, expected: str
) -> None:
    env, recorder, url, _ = served
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers))
    done = cli("submit", "--server", url, "--unit", env.unit.card.unit_id, "--answers", str(path),
               "--fingerprint", env.unit.card.fingerprint())  # fmt: skip
    assert done.returncode == 1
    assert expected in done.stderr and "hint: see the fields with" in done.stderr
    assert recorder.requests == []


def test_submit_help_documents_the_answers_file() -> None:
    shown = cli("submit", "--help")
    assert shown.returncode == 0
    assert "* category" in shown.stdout and "one of: korupsi" in shown.stdout
    assert "  who_name" in shown.stdout  # optional fields too


def test_status_shows_no_terminal_control_characters(served: Served, tmp_path: Path) -> None:
    """A message (or a seized server's case fields) cannot drive the reporter's terminal."""
    env, _, url, _ = served
    receipt, _ = submitted_receipt(env, url, tmp_path)
    hostile = "\x1b]0;PWNED\x07\x1b[2Jfirst line\nsecond line \u202egnp.exe"
    sent = cli("send", "--receipt-file", str(receipt), stdin=hostile)
    assert sent.returncode == 0, sent.stderr
    status = cli("status", "--receipt-file", str(receipt))
    assert status.returncode == 0, status.stderr
    assert "\x1b" not in status.stdout and "\x07" not in status.stdout
    assert "\u202e" not in status.stdout
    assert "?[2Jfirst line\nsecond line ?gnp.exe" in status.stdout
