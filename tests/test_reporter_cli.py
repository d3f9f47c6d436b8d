"""``peluit-report`` end to end against a real uvicorn server on 127.0.0.1.

The client runs as a subprocess (``python -m reporter.cli``) with real
Argon2id (profile 1), real envelopes and real proof of work (at the test
difficulty, see app_fixtures). The test plays the workstation: it opens what
arrived with the unit's private key and adds a signed reply through the
vault interface. Planted plaintext markers must never appear in any request
the server received, in the database, in the data folder or in the logs.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from app_fixtures import Env, make_env

from crypto import envelope
from crypto.b64 import b64u_encode
from crypto.reply import sign_reply
from crypto.signing import SigningKey
from crypto.xwing import XWingPublicKey
from receipts.derivation import derive
from receipts.receipt_code import parse
from reporter.http_client import ReporterError, check_server_url
from vault.store import NewItem

ROOT = Path(__file__).resolve().parent.parent
MARKERS = {
    "tip": "PLANTED-TIP-5d1c9a",
    "identity": "PLANTED-IDENTITY-8e02f1",
    "file": "PLANTED-FILE-3b77aa",
    "message": "PLANTED-MESSAGE-c4e610",
}
ANSWERS = {  # an answers file for the wbs-default questionnaire
    "category": "pengadaan",
    "what": MARKERS["tip"],
    "where": "Dinas PU",
    "when": "Oktober 2026",
    "who_position": "Kepala Bagian",
}


class Recorder:
    """ASGI wrapper keeping every request's headers and body, as the server got them."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.requests: list[bytes] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        seen = bytearray(b"%s %s\n" % (scope["method"].encode(), scope["path"].encode()))
        for name, value in scope["headers"]:
            seen += name + b": " + value + b"\n"
        self.requests.append(bytes(seen))
        index = len(self.requests) - 1

        async def recording_receive() -> Any:
            message = await receive()
            if message["type"] == "http.request":
                self.requests[index] += message.get("body", b"")
            return message

        await self.app(scope, recording_receive, send)


class LogCatcher(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Env, Recorder, str, LogCatcher]]:
    env = make_env(tmp_path)
    recorder = Recorder(env.app)
    catcher = LogCatcher()
    root = logging.getLogger()
    root.addHandler(catcher)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    config = uvicorn.Config(
        recorder, host="127.0.0.1", port=0, log_level="debug", access_log=False, lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield env, recorder, f"http://127.0.0.1:{port}", catcher
    finally:
        server.should_exit = True
        thread.join(10)
        root.removeHandler(catcher)
        root.setLevel(old_level)


def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    # English messages whatever the machine's locale (LANG=id... gives Indonesian).
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LC_ALL": "C.UTF-8"}
    return subprocess.run(
        [sys.executable, "-m", "reporter.cli", *args],
        input=stdin, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120, check=False,
    )  # fmt: skip


def workstation_reply(env: Env, code_text: str, text: str, signer: SigningKey) -> None:
    """What the reply bundle would bring: a reply signed and sealed on the workstation."""
    keys = derive(parse(code_text), env.store.instance_salt())
    case = env.store.find_case(keys.selector, keys.validator)
    item_id = os.urandom(16)
    ctx = envelope.Context(case.unit_id, bytes.fromhex(case.case_id), "reply", item_id)
    body = json.dumps({"text": text, "status": None, "template": None}).encode()
    plaintext = sign_reply(signer, ctx, body)
    recipients = [
        XWingPublicKey.from_bytes(case.reporter_public_key),
        env.unit.card.xwing_public_key,
    ]
    env.store.add_unit_envelopes(
        case.case_id, [NewItem(item_id, "reply", envelope.seal(plaintext, recipients, ctx))]
    )


def test_submit_status_and_send_end_to_end(
    served: tuple[Env, Recorder, str, LogCatcher], tmp_path: Path
) -> None:
    env, recorder, url, logs = served
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(ANSWERS))
    identity = tmp_path / "identity.json"
    identity.write_text(json.dumps({"nama": MARKERS["identity"]}))
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 " + MARKERS["file"].encode() + os.urandom(50_000))

    done = cli("submit", "--server", url, "--unit", env.unit.card.unit_id,
               "--answers", str(answers), "--identity", str(identity), "--attach", str(scan),
               "--fingerprint", env.unit.card.fingerprint())  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "metadata" in done.stderr  # the warning about document metadata
    code_text = re.search(r"receipt code: ((?:\d{4} ){5}\d{4})", done.stdout)[1]  # type: ignore[index]
    assert re.search(r"case: WBS-\d{4}-0001 \(Received", done.stdout)

    # The workstation opens the tip, identity and attachment with the unit's key.
    keys = derive(parse(code_text), env.store.instance_salt())
    case = env.store.find_case(keys.selector, keys.validator)
    opened = {}
    for info in env.store.list_envelopes(case.case_id):
        ctx = envelope.Context(case.unit_id, bytes.fromhex(case.case_id), info.kind,
                               bytes.fromhex(info.item_id))  # fmt: skip
        out = io.BytesIO()
        blob = b"".join(env.store.stream_envelope(case.case_id, info.item_id))
        envelope.open_stream(io.BytesIO(blob), out, [env.unit.xwing], ctx)
        opened[info.kind] = out.getvalue()
    tip = json.loads(opened["tip"])  # the report page's tip document
    assert tip["questionnaire"] == "wbs-default"
    assert {k: v for k, v in tip["answers"].items() if v} == ANSWERS
    assert tip["attachments"][0]["name"] == "scan.pdf"
    assert opened["identity"] == identity.read_bytes()
    assert opened["attachment"] == scan.read_bytes()

    workstation_reply(env, code_text, "Laporan Anda sedang diverifikasi", env.unit.signing)
    workstation_reply(env, code_text, "FORGED: send us your name", SigningKey.generate())

    fingerprint = env.unit.card.fingerprint()
    status = cli("status", "--server", url, "--fingerprint", fingerprint, stdin=code_text + "\n")
    assert status.returncode == 0, status.stderr
    assert "status: Received" in status.stdout
    assert MARKERS["tip"] in status.stdout  # the reporter reads their own tip back
    assert "Laporan Anda sedang diverifikasi" in status.stdout
    assert "WARNING" in status.stdout
    assert "FORGED" not in status.stdout  # an unverified reply is never shown as the unit's words
    assert "only the unit can open it" in status.stdout

    sent = cli("send", "--server", url, "--fingerprint", fingerprint, "--attach", str(scan),
               stdin=code_text + "\n" + MARKERS["message"])  # fmt: skip
    assert sent.returncode == 0, sent.stderr
    again = cli("status", "--server", url, "--fingerprint", fingerprint, stdin=code_text)
    assert MARKERS["message"] in again.stdout

    # Nothing readable ever reached the server, its storage or its logs.
    digits = code_text.replace(" ", "")
    everything = b"\n".join(recorder.requests)
    stored = b"".join(p.read_bytes() for p in env.data.rglob("*") if p.is_file())
    logged = "\n".join(logs.lines).encode()
    assert len(recorder.requests) > 10
    for marker in [*MARKERS.values(), digits, code_text]:
        for where, data in (("requests", everything), ("storage", stored), ("logs", logged)):
            assert marker.encode() not in data, f"{marker} found in {where}"


def test_wrong_code_and_typo_give_short_errors(
    served: tuple[Env, Recorder, str, LogCatcher],
) -> None:
    env, _, url, _ = served
    fp = ("--fingerprint", env.unit.card.fingerprint())
    typo = cli("status", "--server", url, *fp, stdin="1234 5678 9012 3456 7890 1234")
    assert typo.returncode == 1
    assert typo.stderr.startswith("error: ")
    unknown_code = "1" + "0" * 22
    from receipts.receipt_code import damm_check_digit

    unknown = cli(
        "status", "--server", url, *fp, stdin=unknown_code + damm_check_digit(unknown_code)
    )
    assert unknown.returncode == 1
    assert "error: the server refused the request (404 not_found)" in unknown.stderr
    assert "hint: check the receipt code" in unknown.stderr
    assert "Traceback" not in unknown.stderr


def test_unknown_unit_and_bad_fingerprint_stop_before_sending(
    served: tuple[Env, Recorder, str, LogCatcher], tmp_path: Path
) -> None:
    env, recorder, url, _ = served
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps(ANSWERS))
    wrong = cli("submit", "--server", url, "--unit", "nobody", "--answers", str(answers))
    assert wrong.returncode == 1 and "error: no such unit" in wrong.stderr
    fp = cli("submit", "--server", url, "--unit", env.unit.card.unit_id, "--answers", str(answers),
             "--fingerprint", "aaaa " * 8)  # fmt: skip
    assert fp.returncode == 1 and "fingerprint does not match" in fp.stderr
    assert all(b"/api/cases" not in r.split(b"\n")[0] for r in recorder.requests)


def test_plain_http_to_a_remote_server_is_refused() -> None:
    with pytest.raises(ReporterError):
        check_server_url("http://peluit.example.go.id")
    assert check_server_url("http://abc.onion/") == "http://abc.onion"
    assert check_server_url("https://peluit.example.go.id/") == "https://peluit.example.go.id"


def test_a_file_sent_with_a_message_keeps_its_name(
    served: tuple[Env, Recorder, str, LogCatcher], tmp_path: Path
) -> None:
    """Issue 15: "reporter says ? (?)" for files sent by `peluit-report send`."""
    env, _recorder, url, _logs = served
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(ANSWERS))
    done = cli("submit", "--server", url, "--unit", env.unit.card.unit_id,
               "--answers", str(answers), "--fingerprint", env.unit.card.fingerprint())  # fmt: skip
    assert done.returncode == 0, done.stderr
    code_text = re.search(r"receipt code: ((?:\d{4} ){5}\d{4})", done.stdout)[1]  # type: ignore[index]
    folder = tmp_path / "rahasia"
    folder.mkdir()
    contract = folder / "kontrak_027.pdf"
    contract.write_bytes(b"%PDF-1.4 kontrak")
    sent = cli("send", "--server", url, "--fingerprint", env.unit.card.fingerprint(),
               "--attach", str(contract), stdin=code_text + "\nKontrak terlampir.")  # fmt: skip
    assert sent.returncode == 0, sent.stderr

    keys = derive(parse(code_text), env.store.instance_salt())
    case = env.store.find_case(keys.selector, keys.validator)
    infos = {i.kind: i for i in env.store.list_envelopes(case.case_id)}
    message = infos["message"]
    ctx = envelope.Context(case.unit_id, bytes.fromhex(case.case_id), "message",
                           bytes.fromhex(message.item_id))  # fmt: skip
    blob = b"".join(env.store.stream_envelope(case.case_id, message.item_id))
    document = json.loads(envelope.open_envelope(blob, [env.unit.xwing], ctx))
    assert document["text"] == "Kontrak terlampir."
    [told] = document["attachments"]
    assert told["name"] == "kontrak_027.pdf"  # the name only, never the folder
    assert told["item_id"] == b64u_encode(bytes.fromhex(infos["attachment"].item_id))
    assert told["size"] == len(b"%PDF-1.4 kontrak")


def cli_in(lang: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES")}
    env.update({"PYTHONPATH": str(ROOT), "LANG": lang})
    return subprocess.run(
        [sys.executable, "-m", "reporter.cli", *args],
        input=stdin, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120, check=False,
    )  # fmt: skip


# What peluit-report printed in English only before every message had its words.
ENGLISH_ONLY = ["receipt code:", "case: ", "unit fingerprint", "since ", "message sent",
                "from the unit", "the server refused", "check the receipt code", "no such unit",
                "write the receipt code down", "(diterima", "status: diterima",
                "the unit's fingerprint", "the report, a JSON file"]  # fmt: skip


def test_every_path_of_the_reporter_speaks_indonesian(
    served: tuple[Env, Recorder, str, LogCatcher], tmp_path: Path
) -> None:
    env, _, url, _ = served
    lang = "id_ID.UTF-8"
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(ANSWERS))
    fingerprint = env.unit.card.fingerprint()
    done = cli_in(lang, "submit", "--server", url, "--unit", env.unit.card.unit_id,
                  "--answers", str(answers), "--fingerprint", fingerprint)  # fmt: skip
    assert done.returncode == 0, done.stderr
    code_text = re.search(r"kode tanda terima: ((?:\d{4} ){5}\d{4})", done.stdout)[1]  # type: ignore[index]
    assert re.search(r"kasus: WBS-\d{4}-0001 \(Diterima", done.stdout)
    assert "hint: catat kode tanda terima" in done.stderr
    workstation_reply(env, code_text, "Laporan Anda sedang diverifikasi", env.unit.signing)
    status = cli_in(lang, "status", "--server", url, "--fingerprint", fingerprint,
                    stdin=code_text + "\n")  # fmt: skip
    assert status.returncode == 0, status.stderr
    assert "status: Diterima (sejak " in status.stdout and "balasan dari unit" in status.stdout
    sent = cli_in(lang, "send", "--server", url, "--fingerprint", fingerprint,
                  stdin=code_text + "\nSaya punya bukti tambahan.")  # fmt: skip
    assert sent.returncode == 0 and "pesan terkirim" in sent.stdout
    unknown_code = "1" + "0" * 22
    from receipts.receipt_code import damm_check_digit

    unknown = cli_in(lang, "status", "--server", url, "--fingerprint", fingerprint,
                     stdin=unknown_code + damm_check_digit(unknown_code))  # fmt: skip
    assert "error: server menolak permintaan (404 not_found)" in unknown.stderr
    assert "hint: periksa kode tanda terima" in unknown.stderr
    nobody = cli_in(lang, "submit", "--server", url, "--unit", "nobody", "--answers", str(answers))
    assert "error: unit itu tidak ada di server ini" in nobody.stderr
    remote = cli_in(lang, "status", "--server", "http://peluit.example.go.id",
                    "--fingerprint", fingerprint, stdin=code_text + "\n")  # fmt: skip
    assert "error: http:// biasa ke server jarak jauh ditolak" in remote.stderr
    helped = cli_in(lang, "submit", "--help")
    assert "kirim laporan baru" in cli_in(lang, "--help").stdout
    assert "sidik jari unit seperti di poster" in helped.stdout
    assert "berkas jawaban" in helped.stdout
    for run in (done, status, sent, unknown, nobody, remote, helped):
        for english in ENGLISH_ONLY:
            assert english not in run.stdout + run.stderr, (english, run.stdout, run.stderr)
