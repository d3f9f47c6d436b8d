"""The receipt file: the code, where to come back, and the unit's fingerprint.

The report page's "Download" button and ``peluit-report submit
--receipt-file`` write the same small text file (docs/spec/receipt-v1.md,
"Receipt file"). ``status`` and ``send`` read it back, so the receipt code
stays out of the command line and later commands check the unit against
the fingerprint the reporter confirmed when sending. Lines are
``name: value``; lines with other names (the explanations, in both
languages) are ignored, a known name twice is an error.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from crypto.b64 import b64u_decode, b64u_encode
from crypto.errors import FormatError
from receipts.receipt_code import ReceiptCode, parse
from reporter.http_client import ReporterError
from reporter.words import t

VERSION: Final = "1"
MAX_SIZE: Final = 16 * 1024
REQUIRED: Final = ("peluit-receipt", "code", "server", "address", "unit", "fingerprint")
OPTIONAL: Final = ("signing-key",)


@dataclass(frozen=True)
class ReceiptFile:
    code: ReceiptCode
    server: str
    address: str
    unit_id: str
    fingerprint: str
    signing_key: bytes | None = None  # the unit's Ed25519 key: a rotation keeps it


def render(receipt: ReceiptFile) -> str:
    """The file's text (reveals the code)."""
    lines = [
        "PELUIT - TANDA TERIMA / RECEIPT",
        f"peluit-receipt: {VERSION}",
        f"code: {receipt.code.grouped()}",
        f"server: {receipt.server}",
        f"address: {receipt.address}",
        f"unit: {receipt.unit_id}",
        f"fingerprint: {receipt.fingerprint}",
    ]
    if receipt.signing_key is not None:
        lines.append(f"signing-key: {b64u_encode(receipt.signing_key)}")
    lines += ["", t("receipt.keep")]
    return "\n".join(lines) + "\n"


def write_new(path: Path, receipt: ReceiptFile) -> None:
    """Create ``path`` (mode 0600), never overwriting a file that exists."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ReporterError(t("receipt.exists", path=path)) from None
    except OSError as bad:
        raise ReporterError(t("receipt.bad", why=bad.strerror or "?")) from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(render(receipt))
        handle.flush()
        os.fsync(handle.fileno())


def _bad(why: str) -> ReporterError:
    return ReporterError(t("receipt.bad", why=why))


def parse_text(text: str) -> ReceiptFile:
    fields: dict[str, str] = {}
    for line in text.splitlines():
        name, sep, value = line.partition(":")
        name = name.strip().lower()
        if not sep or name not in REQUIRED + OPTIONAL:
            continue
        if name in fields:
            raise _bad(t("receipt.twice", name=name))
        fields[name] = value.strip()
    missing = [name for name in REQUIRED if not fields.get(name)]
    if missing:
        raise _bad(t("receipt.missing", names=", ".join(missing)))
    if fields["peluit-receipt"] != VERSION:
        raise _bad(t("receipt.version"))
    signing_key = None
    if fields.get("signing-key"):
        try:
            signing_key = b64u_decode(fields["signing-key"])
        except FormatError:
            raise _bad(t("receipt.key")) from None
        if len(signing_key) != 32:
            raise _bad(t("receipt.key"))
    return ReceiptFile(
        parse(fields["code"]), fields["server"], fields["address"], fields["unit"],
        fields["fingerprint"], signing_key,
    )  # fmt: skip


def read(path: Path) -> ReceiptFile:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_SIZE + 1)
    except OSError as bad:
        raise _bad(bad.strerror or "?") from None
    if len(data) > MAX_SIZE:
        raise _bad(t("receipt.size"))
    try:
        return parse_text(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise _bad(t("receipt.utf8")) from None
