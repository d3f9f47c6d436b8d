"""A message to the unit, from stdin or from an editor; never from the command line.

On a terminal, ``send`` opens ``$VISUAL`` or ``$EDITOR`` (else ``nano``,
else ``vi``) on an empty file in a private temporary folder (mode 0700) and
sends what was saved there; the file is overwritten and removed afterwards
(Python cannot promise the disk forgets it: see SECURITY.md). Without a
terminal the message is the rest of stdin.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TextIO

from reporter.http_client import ReporterError
from reporter.words import t

MAX_MESSAGE_CHARS = 1 << 20


def editor_command() -> list[str]:
    chosen = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if chosen:
        return shlex.split(chosen)
    return ["nano"] if shutil.which("nano") else ["vi"]


def _checked(text: str) -> str:
    text = text.strip()
    if not text:
        raise ReporterError(t("message.empty"))
    return text


def from_editor() -> str:
    command = editor_command()
    folder = Path(tempfile.mkdtemp(prefix="peluit-"))
    path = folder / "message.txt"
    try:
        path.touch(mode=0o600)
        try:
            done = subprocess.run([*command, str(path)], check=False)  # noqa: S603 (the user's editor)
        except OSError:
            raise ReporterError(t("message.editor_failed", editor=command[0])) from None
        if done.returncode != 0:
            raise ReporterError(t("message.editor_failed", editor=command[0]))
        with path.open(encoding="utf-8", errors="replace") as handle:
            return _checked(handle.read(MAX_MESSAGE_CHARS + 1))
    finally:
        with contextlib.suppress(OSError):
            size = path.stat().st_size
            with path.open("r+b") as handle:
                handle.write(b"\0" * size)
                handle.flush()
                os.fsync(handle.fileno())
        with contextlib.suppress(OSError):
            path.unlink()
        with contextlib.suppress(OSError):
            folder.rmdir()


def read_message(stdin: TextIO) -> str:
    if stdin.isatty():
        return from_editor()
    return _checked(stdin.read(MAX_MESSAGE_CHARS + 1))
