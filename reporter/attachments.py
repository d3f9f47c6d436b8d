"""Attachments made ready to seal: photos without their hidden data, others as they are.

A JPEG or PNG is copied without its hidden data into a private temporary
folder (mode 0700) through :func:`reporter.image_metadata.clean`; the copies
are removed when the report or message has been sent (or has failed). Any
other file, or an image that does not parse, is sealed from where it is. What the reporter is told
about each file goes through ``say``.
"""

from __future__ import annotations

import contextlib
import mimetypes
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crypto.b64 import b64u_encode
from reporter.http_client import ReporterError
from reporter.image_metadata import clean, sniff
from reporter.words import t

KIND_NAMES = {"jpeg": "JPEG", "png": "PNG"}


@dataclass(frozen=True)
class Ready:
    path: Path  # the copy to seal
    name: str
    media_type: str
    size: int
    cleaned: bool

    def describe(self, item_id: bytes) -> dict[str, Any]:
        """The tip's entry for this file, as the report page writes it."""
        return {
            "item_id": b64u_encode(item_id),
            "name": self.name,
            "type": self.media_type,
            "size": self.size,
            "cleaned": self.cleaned,
        }


@contextlib.contextmanager
def prepared(paths: list[Path], say: Callable[[str], None]) -> Iterator[list[Ready]]:
    for path in paths:
        if not path.is_file():
            raise ReporterError(t("attachment.unreadable", name=path.name))
    folder = Path(tempfile.mkdtemp(prefix="peluit-"))
    try:
        yield [_ready(path, folder / f"{number}.bin", say) for number, path in enumerate(paths)]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _ready(path: Path, copy: Path, say: Callable[[str], None]) -> Ready:
    """A cleaned copy of a JPEG or PNG; any other file (or one that does not parse) as it is."""
    media_type = mimetypes.guess_type(path.name)[0] or ""
    try:
        with path.open("rb") as src:
            kind = sniff(src.read(8))
            if kind == "other":
                say(t("metadata.kept", name=path.name))
                return Ready(path, path.name, media_type, os.fstat(src.fileno()).st_size, False)
            src.seek(0)
            with copy.open("xb") as dst:
                result = clean(src, dst)
    except OSError:
        raise ReporterError(t("attachment.unreadable", name=path.name)) from None
    if not result.cleaned:
        copy.unlink()
        say(t("metadata.unclean", name=path.name, kind=KIND_NAMES[kind]))
        return Ready(path, path.name, media_type, path.stat().st_size, False)
    say(t("metadata.cleaned", name=path.name, kind=KIND_NAMES[kind]))
    return Ready(copy, path.name, media_type, result.size, True)
