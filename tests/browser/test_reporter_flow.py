"""The reporter's whole flow in a real browser, in both engines and both languages.

Real app, real SQLite file, real cryptography, Debian's Chromium as it is and
with ``--js-flags=--jitless`` (no JIT, no WebAssembly: Tor Browser *Safer*):

1. the reporter fills the questionnaire (with a unique plaintext marker),
   attaches a photo carrying hidden data, adds an identity, saves the receipt
   code and sends;
2. the marker appears in no request body, nowhere in the database, the blob
   files or the server's logs; the photo's hidden data is gone;
3. the test, standing in for the workstation, opens the tip, identity and
   photo with the unit's key, then answers with a signed reply and also
   plants a reply with a bad signature;
4. the reporter comes back with the code, sees the status, the deadline, the
   verified reply as the unit's words and the forged one only as a warning,
   and sends a message that the unit can open.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from app_fixtures import make_env
from playwright.sync_api import Page

from browser.conftest import assert_engine, open_page, serve_app
from browser.recording import RecordBodies
from crypto.b64 import b64u_encode
from crypto.envelope import Context, open_envelope, seal
from crypto.reply import sign_reply
from crypto.signing import SigningKey
from receipts.derivation import derive
from receipts.receipt_code import parse
from vault.store import NewItem

pytestmark = pytest.mark.browser

EXIF_MARKER = b"GPS-7.2575S-112.7521E-CAMERA-SERIAL-0042"
PNG_MARKER = b"Author: Budi Santoso NIP 198001012005011001"


def jpeg_with_hidden_data() -> bytes:
    """A JPEG's segment structure with EXIF, a comment and a trailer to be removed."""

    def segment(marker: int, body: bytes) -> bytes:
        return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body

    return b"".join(
        [
            b"\xff\xd8",
            segment(0xE1, b"Exif\x00\x00" + EXIF_MARKER),
            segment(0xFE, b"comment " + EXIF_MARKER),
            segment(0xDB, bytes(65)),  # quantisation table
            segment(0xC0, bytes([8, 0, 1, 0, 1, 1, 1, 0x11, 0])),  # frame header
            segment(0xDA, bytes([1, 1, 0, 0, 63, 0])),  # start of scan
            b"\x12\x34\xff\x00\x56\xff\xd0\x78",  # entropy data with stuffing and a restart
            b"\xff\xd9",
            b"TRAILER " + EXIF_MARKER,
        ]
    )


def png_with_text() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            chunk(b"IHDR", ihdr),
            chunk(b"tEXt", PNG_MARKER),
            chunk(b"IDAT", zlib.compress(b"\x00\x00")),
            chunk(b"IEND", b""),
        ]
    )


@pytest.fixture
def env(tmp_path: Path) -> Any:
    return make_env(tmp_path)


def all_stored_bytes(data: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(data.rglob("*")) if p.is_file())


def fill_report(page: Page, marker: str, files: list[Path]) -> None:
    page.select_option("#q-category", "penyalahgunaan-wewenang")
    page.fill("#q-what", f"Pengadaan fiktif {marker}")
    page.fill("#q-who_name", "Pejabat X")
    page.fill("#q-where", "Dinas Y")
    page.fill("#q-when", "Maret 2026")
    page.set_input_files("#files", [str(f) for f in files])
    page.wait_for_function("() => document.querySelectorAll('#file-list li').length === 2")
    page.click("details.identity summary")
    page.fill("#id-name", f"Nama Saya {marker}")
    page.fill("#id-contact", "Signal +62 000")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_report_and_come_back(
    page: Page, engine: str, env: Any, tmp_path: Path, lang: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    # Argon2id and X-Wing without a JIT take seconds, more on a loaded machine.
    page.set_default_timeout(180_000)
    marker = f"PELUIT-MARKER-{secrets.token_hex(8)}"
    photo = tmp_path / "foto_kantor.jpg"
    photo.write_bytes(jpeg_with_hidden_data())
    scan = tmp_path / "scan.png"
    scan.write_bytes(png_with_text())
    seen: list[bytes] = []
    page.on("request", lambda r: seen.append(r.post_data_buffer or b""))
    # Playwright sees no Blob body (attachment pieces): the server's side does.
    recorder = RecordBodies(env.app)

    def sent() -> list[bytes]:
        return seen + recorder.bodies()

    with serve_app(recorder) as base:
        # -- 1. the report ----------------------------------------------------
        open_page(page, base, f"/{lang}/lapor/{env.unit.card.unit_id}")
        page.wait_for_function("() => document.documentElement.dataset.ready === 'true'")
        assert_engine(page, engine)
        assert page.text_content("#fingerprint") == env.unit.card.fingerprint()

        page.click("#continue")  # empty form: named errors, nothing happens
        assert page.is_visible("#q-what-error")
        assert page.is_hidden("#step-receipt")

        fill_report(page, marker, [photo, scan])
        page.click("#continue")
        page.wait_for_selector("#step-receipt", state="visible")
        code_text = page.text_content("#receipt-code") or ""
        code = parse(code_text)
        assert code.profile == (2 if engine == "chromium-jitless" else 1)
        assert page.is_disabled("#send")
        page.wait_for_function("() => document.getElementById('derive-progress').value === 100")
        page.check("#saved")
        page.click("#send")
        page.wait_for_selector("#step-done", state="visible", timeout=60_000)
        reference = page.text_content("#done-ref")
        assert reference and reference.startswith("WBS-")

        # -- 2. nothing readable left the browser ---------------------------------
        bodies = sent()
        assert bodies, "the page sent nothing?"
        pieces = [r for r in recorder.received if r.method == "PUT"]
        assert len(pieces) == 2 and all(r.body for r in pieces)  # one piece per photo
        for body in bodies:
            assert marker.encode() not in body
            assert EXIF_MARKER not in body
            assert code.digits.encode() not in body
        stored = all_stored_bytes(env.data)
        assert marker.encode() not in stored
        assert code.digits.encode() not in stored
        assert "foto_kantor" not in stored.decode("latin-1")
        assert marker not in caplog.text

        # -- 3. the workstation opens it ---------------------------------------
        keys = derive(code, env.store.instance_salt())
        case = env.store.find_case(keys.selector.reveal(), keys.validator.reveal())
        assert case is not None and case.reference == reference
        assert case.reporter_public_key == keys.public_key().to_bytes()
        case_id = bytes.fromhex(case.case_id)
        unit_key = [env.unit.xwing]
        opened: dict[str, Any] = {}
        for info in env.store.list_envelopes(case.case_id):
            data = b"".join(env.store.stream_envelope(case.case_id, info.item_id))
            assert len(data) == info.size
            ctx = Context(case.unit_id, case_id, info.kind, bytes.fromhex(info.item_id))
            opened.setdefault(info.kind, []).append(open_envelope(data, unit_key, ctx))
        tip = json.loads(opened["tip"][0])
        assert marker in tip["answers"]["what"]
        assert tip["answers"]["category"] == "penyalahgunaan-wewenang"
        assert {a["name"] for a in tip["attachments"]} == {"foto_kantor.jpg", "scan.png"}
        identity = json.loads(opened["identity"][0])
        assert identity["name"] == f"Nama Saya {marker}"
        photos = sorted(opened["attachment"], key=len)
        for cleaned in photos:
            assert EXIF_MARKER not in cleaned and PNG_MARKER not in cleaned
        jpeg = next(p for p in photos if p.startswith(b"\xff\xd8"))
        assert jpeg.endswith(b"\xff\xd9") and b"\x12\x34\xff\x00\x56" in jpeg
        png = next(p for p in photos if p.startswith(b"\x89PNG"))
        assert b"IDAT" in png and png.endswith(b"IEND\xaeB`\x82")

        # the unit answers: one signed reply, one forged
        reporter_pk = keys.public_key()
        reply_text = f"Terima kasih. Mohon jelaskan nomor kontrak. {secrets.token_hex(4)}"

        def reply(signing: SigningKey, text: str) -> NewItem:
            item = os.urandom(16)
            ctx = Context(case.unit_id, case_id, "reply", item)
            body = json.dumps({"text": text, "status": None, "template": None}).encode()
            sealed = seal(
                sign_reply(signing, ctx, body), [reporter_pk, env.unit.card.xwing_public_key], ctx
            )
            return NewItem(item_id=item, kind="reply", envelope=sealed)

        forged_text = "Silakan kirim NIP Anda ke nomor ini"
        env.store.add_unit_envelopes(
            case.case_id,
            [reply(env.unit.signing, reply_text), reply(SigningKey.generate(), forged_text)],
        )

        # -- 4. the reporter comes back --------------------------------------------
        open_page(page, base, f"/{lang}/cek")
        page.wait_for_function("() => document.documentElement.dataset.ready === 'true'")
        typo = code.digits[:5] + str((int(code.digits[5]) + 1) % 10) + code.digits[6:]
        page.fill("#code", typo)
        page.dispatch_event("#code", "input")
        assert page.text_content("#code-error") in (
            "Periksa kodenya: ada satu angka yang tampaknya salah.",
            "Check the code: one digit looks wrong.",
        )
        dashed = "-".join(code.digits[i : i + 4] for i in range(0, 24, 4))
        page.fill("#code", dashed)  # dashes and spaces do not matter
        page.click("#open")
        page.wait_for_selector("#case", state="visible", timeout=120_000)
        assert page.text_content("#case-ref") == reference
        assert page.text_content("#status") in (
            "Diterima: laporan Anda sudah sampai dan menunggu diperiksa.",
            "Received: your report has arrived and is waiting to be checked.",
        )
        conversation = page.inner_text("#conversation")
        assert marker in conversation  # the reporter reads back their own words
        verified = page.locator("#conversation li.unit-msg")
        assert verified.count() == 1
        assert reply_text in verified.inner_text()
        warning = page.locator("#conversation li.warning")
        assert warning.count() == 1
        assert forged_text not in conversation

        message = f"Nomor kontrak 027/{marker}"
        page.fill("#message", message)
        # a file added later: the page pays a proof of work for its upload session,
        # another for the message, and another for the lookup that shows the result
        later = tmp_path / "kontrak.txt"
        later.write_bytes(b"kontrak tambahan " * 100)
        page.set_input_files("#files", str(later))
        page.click("#send-message")
        page.wait_for_function(
            "() => document.querySelectorAll('#conversation li').length === 8", timeout=60_000
        )
        for body in sent():
            assert marker.encode() not in body
        infos = [i for i in env.store.list_envelopes(case.case_id) if i.kind == "message"]
        assert len(infos) == 1
        added = [i for i in env.store.list_envelopes(case.case_id) if i.kind == "attachment"]
        assert len(added) == 3 and added[-1].day == infos[0].day
        data = b"".join(env.store.stream_envelope(case.case_id, infos[0].item_id))
        ctx = Context(case.unit_id, case_id, "message", bytes.fromhex(infos[0].item_id))
        assert json.loads(open_envelope(data, unit_key, ctx))["text"] == message
        assert marker.encode() not in all_stored_bytes(env.data)
        assert b64u_encode(keys.selector.reveal()).encode() not in all_stored_bytes(env.data)
