"""Saving an attachment where the inspector asks, and nowhere else.

The plaintext streams from the envelope into a temporary file in the target
folder and is published with ``link()``, which never overwrites: an existing
file (or a symlink planted there) makes the save fail and nothing changes.
The workstation never opens the saved file. The reporter's file name is
used only with ``use_name`` and then only after :func:`safe_file_name`.
``strip_metadata`` runs ``mat2 --inplace`` when mat2 is installed, and says
plainly when it is not.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from crypto import envelope
from crypto.errors import DecryptionError
from crypto.xwing import XWingPrivateKey
from workstation.errors import Refused
from workstation.reading import context_of
from workstation.sniff import Sniffed, Sniffer
from workstation.store import EnvelopeRow, WorkstationStore

MAX_NAME = 100
_UNSAFE_NAME = re.compile(r"[^\w .()+-]", re.UNICODE)
MAT2_TIMEOUT = 300


@dataclass(frozen=True)
class Saved:
    path: Path
    sniffed: Sniffed
    metadata_note: str


def safe_file_name(name: str) -> str:
    """A reporter's file name made harmless: no path, no control or odd characters, no dot start."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").split("/")[-1]
    name = _UNSAFE_NAME.sub("_", name).strip(" .")
    name = re.sub(r"_+", "_", name)[:MAX_NAME].strip(" .")
    return name or "lampiran"


class _Tee:
    def __init__(self, out: object, sniffer: Sniffer) -> None:
        self._out = out
        self._sniffer = sniffer

    def write(self, data: bytes | memoryview) -> int:
        self._sniffer.write(data)
        return self._out.write(data)  # type: ignore[attr-defined, no-any-return]


def save(
    store: WorkstationStore,
    row: EnvelopeRow,
    keys: list[XWingPrivateKey],
    target: Path,
    *,
    strip_metadata: bool = False,
) -> Saved:
    if target.exists() or target.is_symlink():
        raise Refused(f"{target} exists; the workstation never overwrites a file")
    folder = target.parent
    if not folder.is_dir():
        raise Refused(f"the folder {folder} does not exist")
    temp = folder / f".tmp-{secrets.token_hex(16)}"
    sniffer = Sniffer()
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as out, store.ciphertext(row) as src:
            envelope.open_stream(src, _Tee(out, sniffer), keys, context_of(store.unit_id, row))  # type: ignore[arg-type]
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(temp, target)
        except FileExistsError:
            raise Refused(f"{target} exists; the workstation never overwrites a file") from None
    except DecryptionError:
        raise Refused("this attachment could not be decrypted; nothing was saved") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    note = strip(target) if strip_metadata else ""
    return Saved(target, sniffer.result(), note)


def strip(path: Path) -> str:
    """Run mat2 on the saved copy; the note says what happened, in plain words."""
    mat2 = shutil.which("mat2")
    if mat2 is None:
        return "mat2 is not installed: metadata was NOT removed (install mat2, then save again)"
    try:
        done = subprocess.run(  # noqa: S603 - fixed program, our own path argument
            [mat2, "--inplace", "--", str(path)],
            capture_output=True,
            timeout=MAT2_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return "mat2 failed: metadata was NOT removed"
    if done.returncode != 0:
        return "mat2 could not clean this file type: metadata was NOT removed"
    return "metadata removed with mat2 (check the file before forwarding it)"
