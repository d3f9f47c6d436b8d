"""``peluit-report`` as one file the site offers: ``/unduh/peluit-report.pyz``.

A reporter who does not want to trust a web page each visit can send with
``peluit-report`` instead: a program checked once and run on their own
computer, so a server that is later taken over cannot change the encryption
code it runs (the reporter page's scripts come from the server every time).

The file is a Python zip application (PEP 441) of the pure-Python packages
the program needs (``reporter``, ``crypto``, ``receipts``, ``common``) with
its ``__main__``. It is built from the installed source, byte for byte the
same for the same source: names sorted, every date 1980-01-01, one mode. So
anyone can rebuild it from the repository (``python -m web.reporter_tool``
prints the SHA-256) and compare with what this server hands out; the guide
page tells the reporter to compare the hash with a second place, because a
dishonest server could serve another program together with its own hash.
The compiled libraries it uses (cryptography, argon2-cffi, Babel, holidays)
are installed once with pip.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("common", "crypto", "receipts", "reporter")
DATA = ("reporter/forms/*.json", "common/cuti_bersama.json")
FILE_NAME = "peluit-report.pyz"
URL = f"/unduh/{FILE_NAME}"
LIBRARIES = ("cryptography", "argon2-cffi", "babel", "holidays")
"""What ``pip install`` must add once; the program imports nothing else from outside."""
SHEBANG = b"#!/usr/bin/env python3\n"
MAIN = b"from reporter.cli import main\n\nraise SystemExit(main())\n"
EPOCH = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Tool:
    data: bytes
    sha256: str

    @property
    def size_kib(self) -> int:
        return -(-len(self.data) // 1024)


def _members(root: Path) -> list[tuple[str, Path]]:
    paths = {p for package in PACKAGES for p in (root / package).rglob("*.py")}
    paths |= {p for pattern in DATA for p in root.glob(pattern)}
    members = [(p.relative_to(root).as_posix(), p) for p in paths if "__pycache__" not in p.parts]
    return sorted(members)


def build(root: Path = ROOT) -> Tool:
    """The zip application from the source under ``root``; the same bytes for the same source."""
    buffer = io.BytesIO()
    buffer.write(SHEBANG)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in [("__main__.py", MAIN)] + [
            (n, p.read_bytes()) for n, p in _members(root)
        ]:
            info = zipfile.ZipInfo(name, date_time=EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=9)
    data = buffer.getvalue()
    return Tool(data, hashlib.sha256(data).hexdigest())


@cache
def served() -> Tool:
    """Built once per process, at the first request that needs it."""
    return build()


async def download(request: Request) -> Response:
    tool = served()
    return Response(
        tool.data,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{FILE_NAME}"',
            "Cache-Control": "no-store",
        },
    )


def routes() -> list[BaseRoute]:
    return [Route(URL, download)]


if __name__ == "__main__":  # pragma: no cover - the rebuild a reader runs by hand
    print(f"{build().sha256}  {FILE_NAME}")
