"""``scripts/screenshots`` keeps working: a small part of the run, checked file by file.

The real script (``peluit serve``, ``peluit-ws``, Chromium) renders the home
page and the console's sign-in page in both languages and both sizes; each
image must be a PNG as wide as its screen and at least as tall, the index
must list it, and the text the page showed must be in the page's language.
"""

from __future__ import annotations

import struct
import subprocess
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SIZES = {"phone": (360, 740), "desktop": (1280, 800)}
# A word each language's page shows and the other's does not.
WORDS = {
    "reporter-home-default": {"id": "Cek laporan", "en": "Check a report"},
    "console-signin-empty": {"id": "Kata sandi", "en": "Password"},
}


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_a_small_screenshot_run(tmp_path: Path) -> None:
    out = tmp_path / "shots"
    only = [arg for name in WORDS for arg in ("--only", name)]
    done = subprocess.run(
        [str(ROOT / "scripts" / "screenshots"), "--out", str(out), *only],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    index = (out / "index.html").read_text()
    expected = {
        f"{name}-{lang}-{size}.png" for name in WORDS for lang in ("id", "en") for size in SIZES
    }
    assert {p.name for p in out.glob("*.png")} == expected
    for filename in expected:
        name, lang, size = filename.removesuffix(".png").rsplit("-", 2)
        width, height = png_size(out / filename)
        assert width == SIZES[size][0] and height >= SIZES[size][1], filename
        assert f'src="{filename}"' in index
        text = (out / "text" / filename.replace(".png", ".txt")).read_text()
        other = "en" if lang == "id" else "id"
        assert WORDS[name][lang] in text, filename
        assert WORDS[name][other] not in text, filename
