"""An attachment of several pieces through the real report page, in both engines.

The page seals the next pieces while the current one is on the wire
(web/js/pages/attachments.js) and sends each piece as a Blob
(web/js/pages/api.js). Checked at the server, where every byte sent arrives:
one ``PUT`` per chunk, in order, at the sizes reporter-api-v1 gives; no
plaintext in any body; the pieces joined are the stored envelope, which opens
in Python to exactly the chosen file.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from app_fixtures import make_env
from playwright.sync_api import Page

from browser.conftest import assert_engine, open_page, serve_app
from browser.recording import RecordBodies
from crypto import envelope, stream
from crypto.envelope import Context, open_envelope
from crypto.padding import padded_size
from receipts.derivation import derive
from receipts.receipt_code import parse

pytestmark = pytest.mark.browser

CHUNK = envelope.CHUNK_SIZE


def test_attachment_of_several_pieces(page: Page, engine: str, tmp_path: Path) -> None:
    page.set_default_timeout(180_000)
    env = make_env(tmp_path)
    marker = f"PELUIT-FILE-{secrets.token_hex(8)}".encode()
    # Random bytes with the marker at the start, across each chunk boundary and at the end.
    content = bytearray(secrets.token_bytes(5 * CHUNK + 777))
    for at in (0, *(i * CHUNK - 10 for i in range(1, 6)), len(content) - len(marker)):
        content[at : at + len(marker)] = marker
    file = tmp_path / "rekaman_rapat.bin"
    file.write_bytes(content)
    recorder = RecordBodies(env.app)

    with serve_app(recorder) as base:
        open_page(page, base, f"/id/lapor/{env.unit.card.unit_id}")
        page.wait_for_function("() => document.documentElement.dataset.ready === 'true'")
        assert_engine(page, engine)
        page.select_option("#q-category", "penyalahgunaan-wewenang")
        for field in ("what", "who_name", "where", "when"):
            page.fill(f"#q-{field}", "Rapat pengadaan")
        page.set_input_files("#files", str(file))
        page.wait_for_function("() => document.querySelectorAll('#file-list li').length === 1")
        page.click("#continue")
        code = parse(page.text_content("#receipt-code") or "")
        page.wait_for_function("() => document.getElementById('derive-progress').value === 100")
        page.check("#saved")
        page.click("#send")
        page.wait_for_selector("#step-done", state="visible", timeout=120_000)

    padded = padded_size(8 + len(content))
    chunks = -(-padded // CHUNK)
    assert chunks >= 6
    puts = [r for r in recorder.received if r.method == "PUT"]
    assert [int(r.path.rsplit("/", 1)[1]) for r in puts] == list(range(chunks))
    head = envelope.header_size(1) + envelope.MAC_SIZE
    sizes = [len(r.body) for r in puts]
    assert sizes[0] == head + CHUNK + stream.TAG_SIZE
    assert sizes[1:-1] == [CHUNK + stream.TAG_SIZE] * (chunks - 2)
    assert sum(sizes) == head + stream.body_size(padded, CHUNK)
    for body in recorder.bodies():
        assert marker not in body

    keys = derive(code, env.store.instance_salt())
    case = env.store.find_case(keys.selector.reveal(), keys.validator.reveal())
    assert case is not None
    [info] = [i for i in env.store.list_envelopes(case.case_id) if i.kind == "attachment"]
    stored = b"".join(env.store.stream_envelope(case.case_id, info.item_id))
    assert stored == b"".join(r.body for r in puts)
    ctx = Context(
        case.unit_id, bytes.fromhex(case.case_id), "attachment", bytes.fromhex(info.item_id)
    )
    assert open_envelope(stored, [env.unit.xwing], ctx) == bytes(content)
