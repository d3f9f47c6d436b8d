"""The committed browser bundles are exactly what the pinned bundler makes from the lockfile.

Rebuilds web/js into a temporary static root with `node web/js/build.mjs`
(node_modules as installed by `npm ci`) and compares every file byte for byte
with web/static/dist/ and web/static/selftest.html.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "web" / "static" / "dist"


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "esbuild").is_dir():
        pytest.fail("node and node_modules (npm ci) are needed to rebuild the bundles")
    out = tmp_path_factory.mktemp("static")
    subprocess.run(
        [node, "web/js/build.mjs", "--static-root", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return out


def test_same_files(rebuilt: Path) -> None:
    committed = sorted(p.name for p in DIST.iterdir())
    built = sorted(p.name for p in (rebuilt / "dist").iterdir())
    assert built == committed


def test_bytes_identical(rebuilt: Path) -> None:
    for path in sorted(DIST.iterdir()):
        assert (rebuilt / "dist" / path.name).read_bytes() == path.read_bytes(), path.name
    assert (rebuilt / "selftest.html").read_bytes() == (
        ROOT / "web/static/selftest.html"
    ).read_bytes()


def test_manifest_hashes_match_files() -> None:
    manifest = json.loads((DIST / "manifest.json").read_text("utf-8"))
    listed = set(manifest["files"])
    assert listed == {p.name for p in DIST.iterdir()} - {"manifest.json"}
    for name, entry in manifest["files"].items():
        data = (DIST / name).read_bytes()
        assert entry["size"] == len(data)
        assert entry["sha256"] == base64.b64encode(hashlib.sha256(data).digest()).decode()
        assert entry["sha384"] == base64.b64encode(hashlib.sha384(data).digest()).decode()
        assert entry["integrity"] == "sha384-" + entry["sha384"]
    page = (ROOT / "web/static/selftest.html").read_text("utf-8")
    assert f'integrity="{manifest["files"]["selftest.js"]["integrity"]}"' in page


def test_no_eval_or_remote_urls_in_bundles() -> None:
    """Nothing that the CSP would have to allow, and no address of another origin."""
    for path in DIST.glob("*.js"):
        text = path.read_text("ascii")
        for needle in (
            "eval(",
            "new Function",
            "Math.random",
            "importScripts(",
            "http://",
            "https://",
        ):
            assert needle not in text, (path.name, needle)
