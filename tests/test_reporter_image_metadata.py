"""peluit-report removes photo metadata before sealing, exactly as the report page does.

Issue 17, section 3: a photo sent with the CLI used to reach the workstation
with its GPS position, camera and author. ``reporter/image_metadata.py``
keeps only the segments and chunks that draw the image, byte for byte. Its
output is compared with the page's own filter (``web/js/pages/image-clean.js``
run in Node) on the same inputs, damaged ones included, so both clients drop
the same things. End to end, the workstation's copy of a photo sent with
``peluit-report`` carries none of the planted metadata.
"""

from __future__ import annotations

import io
import json
import random
import shutil
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

import pytest
import test_reporter_cli
from hypothesis import given
from hypothesis import strategies as st
from test_reporter_cli import ANSWERS, ROOT, cli
from vault_sql import vault_sql

from crypto import envelope
from reporter.image_metadata import clean

served = test_reporter_cli.served  # the real server on 127.0.0.1
GPS = b"GPS-7.2575S-112.7521E-CAMERA-SERIAL-0042"
AUTHOR = b"Author: Budi Santoso NIP 198001012005011001"


def segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


KEPT_JPEG = [
    b"\xff\xd8",
    segment(0xEE, b"Adobe\x00\x64\x00\x00\x00\x00\x01"),  # colour transform flag: kept
    segment(0xDB, bytes(65)),
    segment(0xC0, bytes([8, 0, 1, 0, 1, 1, 1, 0x11, 0])),
    segment(0xDA, bytes([1, 1, 0, 0, 63, 0])),
    b"\x12\x34\xff\x00\x56\xff\xd0\x78\xff",  # stuffing, a restart, a fill byte
    b"\xff\xd9",
]


def jpeg() -> bytes:
    hidden = [
        segment(0xE0, b"JFIF\x00\x01\x02"),
        segment(0xE1, b"Exif\x00\x00" + GPS),
        segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>" + AUTHOR),
        segment(0xED, b"Photoshop 3.0\x00" + AUTHOR),  # IPTC
        segment(0xE2, b"ICC_PROFILE\x00" + bytes(40)),
        segment(0xFE, b"comment " + GPS),
    ]
    return KEPT_JPEG[0] + b"".join(hidden) + b"".join(KEPT_JPEG[1:]) + b"TRAILER " + GPS


KEPT_PNG = [
    b"\x89PNG\r\n\x1a\n",
    chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)),
    chunk(b"pHYs", bytes(9)),
    chunk(b"IDAT", zlib.compress(b"\x00\x00")),
    chunk(b"IEND", b""),
]


def png() -> bytes:
    hidden = [chunk(b"tEXt", AUTHOR), chunk(b"eXIf", GPS), chunk(b"tIME", bytes(7)),
              chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x00\x00\x00\x00" + AUTHOR),
              chunk(b"iCCP", b"p\x00\x00" + bytes(20))]  # fmt: skip
    return KEPT_PNG[0] + KEPT_PNG[1] + b"".join(hidden) + b"".join(KEPT_PNG[2:]) + GPS


def cleaned(data: bytes) -> tuple[bytes, bool, str]:
    dst = io.BytesIO()
    with tempfile.TemporaryFile() as handle:  # clean() maps a real file
        handle.write(data)
        handle.seek(0)
        result = clean(handle, dst)
    assert result.size == len(dst.getvalue())
    return dst.getvalue(), result.cleaned, result.kind


def test_jpeg_loses_exif_xmp_iptc_icc_comments_and_trailer_and_keeps_the_rest() -> None:
    out, done, kind = cleaned(jpeg())
    assert (kind, done) == ("jpeg", True)
    assert out == b"".join(KEPT_JPEG)


def test_png_loses_text_exif_time_and_icc_chunks_and_keeps_the_image() -> None:
    out, done, kind = cleaned(png())
    assert (kind, done) == ("png", True)
    assert out == b"".join(KEPT_PNG)


@pytest.mark.parametrize(
    "data",
    [
        jpeg()[:-60],  # truncated before the end marker
        KEPT_PNG[0] + KEPT_PNG[1] + chunk(b"ABCD", GPS) + b"".join(KEPT_PNG[2:]),  # critical
        b"%PDF-1.4 " + AUTHOR,
        b"",
    ],
)
def test_what_does_not_parse_is_sent_unchanged_and_not_called_clean(data: bytes) -> None:
    out, done, _ = cleaned(data)
    assert out == data and not done


@given(st.binary(max_size=300), st.sampled_from([b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n"]))
def test_any_bytes_after_an_image_signature_never_crash_the_filter(
    tail: bytes, head: bytes
) -> None:
    out, done, _ = cleaned(head + tail)
    if not done:
        assert out == head + tail
    else:
        assert len(out) <= len(head + tail)


def mutations() -> list[bytes]:
    rng = random.Random(17)
    samples = [jpeg(), png()]
    for base in (jpeg(), png()):
        for _ in range(40):
            data = bytearray(base)
            for _ in range(rng.randint(1, 4)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            samples.append(bytes(data))
        samples += [base[:n] for n in range(0, len(base), 7)]
    return samples


@pytest.mark.skipif(shutil.which("node") is None, reason="node is needed to run the page's filter")
def test_the_cli_drops_exactly_what_the_page_drops(tmp_path: Path) -> None:
    samples = mutations()
    (tmp_path / "in.json").write_text(json.dumps([s.hex() for s in samples]))
    script = (
        "import { cleanImage } from '" + (ROOT / "web/js/pages/image-clean.js").as_uri() + "';"
        "import { readFileSync } from 'node:fs';"
        "const inputs = JSON.parse(readFileSync(process.argv[1], 'utf8'));"
        "const out = [];"
        "for (const hex of inputs) {"
        "  const r = await cleanImage(new Blob([Buffer.from(hex, 'hex')]));"
        "  out.push([Buffer.from(await r.blob.arrayBuffer()).toString('hex'), r.cleaned]);"
        "}"
        "console.log(JSON.stringify(out));"
    )
    done = subprocess.run(
        ["node", "--input-type=module", "-e", script, str(tmp_path / "in.json")],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    page = json.loads(done.stdout)
    assert len(page) == len(samples)
    for sample, (page_hex, page_cleaned) in zip(samples, page, strict=True):
        out, done_here, _ = cleaned(sample)
        assert (out.hex(), done_here) == (page_hex, page_cleaned), sample.hex()


def test_a_photo_sent_with_the_cli_reaches_the_unit_without_its_metadata(
    served,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    env, recorder, url, _ = served
    (tmp_path / "foto_kantor.jpg").write_bytes(jpeg())
    (tmp_path / "denah.png").write_bytes(png())
    (tmp_path / "a.json").write_text(json.dumps(ANSWERS))
    photos = [str(tmp_path / "foto_kantor.jpg"), str(tmp_path / "denah.png")]
    done = cli("submit", "--server", url, "--unit", env.unit.card.unit_id,
               "--answers", str(tmp_path / "a.json"), "--fingerprint", env.unit.card.fingerprint(),
               "--attach", *photos)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "metadata removed from foto_kantor.jpg (JPEG)" in done.stderr
    assert "metadata removed from denah.png (PNG)" in done.stderr
    with vault_sql(env.data / "vault.sqlite3") as db:
        ((case_hex, unit_id),) = db.execute("SELECT case_id, unit_id FROM cases").fetchall()
    opened = {}
    for info in env.store.list_envelopes(case_hex):
        ctx = envelope.Context(unit_id, bytes.fromhex(case_hex), info.kind,
                               bytes.fromhex(info.item_id))  # fmt: skip
        blob = b"".join(env.store.stream_envelope(case_hex, info.item_id))
        out = io.BytesIO()
        envelope.open_stream(io.BytesIO(blob), out, [env.unit.xwing], ctx)
        opened.setdefault(info.kind, []).append(out.getvalue())
    assert sorted(opened["attachment"]) == sorted([b"".join(KEPT_JPEG), b"".join(KEPT_PNG)])
    tip = json.loads(opened["tip"][0])
    assert {(a["name"], a["cleaned"]) for a in tip["attachments"]} == {
        ("foto_kantor.jpg", True),
        ("denah.png", True),
    }
    assert all(GPS not in r and AUTHOR not in r for r in recorder.requests)


def test_each_file_is_cleaned_or_named_in_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reporter.attachments import prepared

    monkeypatch.setenv("LC_ALL", "C.UTF-8")  # the English messages

    (tmp_path / "foto.jpg").write_bytes(jpeg())
    (tmp_path / "rusak.jpg").write_bytes(jpeg()[:-60])
    (tmp_path / "surat.pdf").write_bytes(b"%PDF-1.4 " + AUTHOR)
    said: list[str] = []
    paths = [tmp_path / "foto.jpg", tmp_path / "rusak.jpg", tmp_path / "surat.pdf"]
    with prepared(paths, said.append) as ready:
        assert [r.cleaned for r in ready] == [True, False, False]
        assert ready[0].path.read_bytes() == b"".join(KEPT_JPEG)
        assert ready[0].path.parent.stat().st_mode & 0o777 == 0o700
        assert [r.path for r in ready[1:]] == paths[1:]  # sealed from where they are
        assert [r.media_type for r in ready] == ["image/jpeg", "image/jpeg", "application/pdf"]
        copy = ready[0].path
    assert not copy.exists()  # the cleaned copy is gone afterwards
    assert said == [
        "metadata removed from foto.jpg (JPEG) before encryption",
        "warning: rusak.jpg looks like a JPEG but its structure cannot be cleaned; it is sent as "
        "it is",
        "warning: surat.pdf is sent as it is; documents and other files can carry metadata "
        "(author, device, place, times) that can identify you; remove it first if it matters",
    ]
