"""What an attachment really is, from its bytes, and whether it can act on its own.

Reporters' files may be weapons. The workstation never opens them; it looks
at magic bytes and a few markers while the plaintext streams past (nothing is
kept but the first 4 KiB), and warns about active content:

- OOXML (a ZIP with ``[Content_Types].xml``) holding ``vbaProject.bin``: macros;
- OLE2 (legacy Office): macros possible;
- executables (PE, ELF, Mach-O), scripts (``#!``), HTML and SVG;
- anything else is plain text (UTF-8 without control characters) or "type
  not recognised";
- PDF with ``/JavaScript``, ``/JS``, ``/OpenAction``, ``/AA`` or ``/Launch``
  (names with ``#xx`` escapes are decoded first: ``/J#61vaScript``).

A sniffer is a write-only sink: pass it as the ``dst`` of
``crypto.envelope.open_stream``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

HEAD_SIZE = 4096
_OVERLAP = 64
_PDF_ACTIVE = {b"JavaScript", b"JS", b"OpenAction", b"AA", b"Launch"}
_LONGEST_ESCAPED = 3 * max(len(n) for n in _PDF_ACTIVE)
_PDF_NAME = re.compile(rb"/((?:[A-Za-z0-9]|#[0-9A-Fa-f]{2})+)")
_HTML = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*<(?:!doctype\s+html|html|head|body|script|iframe)", re.I
)
_SVG = re.compile(rb"<svg[\s>]", re.I)
_ZIP_MARKERS = (b"[Content_Types].xml", b"vbaProject.bin")

LABELS = {
    "pdf": "PDF document",
    "jpeg": "JPEG image",
    "png": "PNG image",
    "gif": "GIF image",
    "ooxml": "Office document (OOXML: docx/xlsx/pptx)",
    "zip": "ZIP archive",
    "ole2": "legacy Office document (OLE2: doc/xls/ppt)",
    "pe": "Windows executable (PE)",
    "elf": "Linux executable (ELF)",
    "macho": "macOS executable (Mach-O)",
    "script": "script (#!)",
    "html": "HTML page",
    "svg": "SVG image (can hold scripts)",
    "text": "plain text",
    "unknown": "type not recognised (not a common document, image or program)",
}


@dataclass(frozen=True)
class Sniffed:
    kind: str
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def label(self) -> str:
        return LABELS[self.kind]

    @property
    def active(self) -> bool:
        return bool(self.warnings)


# Signatures at the start of a file, checked in this order after PDF (whose
# header may sit anywhere in the first KiB). A zip holding
# "[Content_Types].xml" is an Office document (ooxml).
_MAGIC: Final = (
    ((b"\xff\xd8\xff",), "jpeg"),
    ((b"\x89PNG\r\n\x1a\n",), "png"),
    ((b"GIF87a", b"GIF89a"), "gif"),
    ((b"PK\x03\x04", b"PK\x05\x06"), "zip"),
    ((b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",), "ole2"),
    ((b"MZ",), "pe"),
    ((b"\x7fELF",), "elf"),
    (
        (
            b"\xfe\xed\xfa\xce",
            b"\xfe\xed\xfa\xcf",
            b"\xce\xfa\xed\xfe",
            b"\xcf\xfa\xed\xfe",
            b"\xca\xfe\xba\xbe",
        ),
        "macho",
    ),
    ((b"#!",), "script"),
)


def _kind_of(head: bytes, zip_markers: set[bytes]) -> str:
    if head.startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return "pdf"
    for prefixes, kind in _MAGIC:
        if head.startswith(prefixes):
            if kind == "zip" and b"[Content_Types].xml" in zip_markers:
                return "ooxml"
            return kind
    if _HTML.match(head):
        return "html"
    if _SVG.search(head):
        return "svg"
    return "text" if _plain_text(head) else "unknown"


_TEXT_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _plain_text(head: bytes) -> bool:
    """UTF-8 text without control characters but tab, newline and form feed.

    ``head`` may end inside a character (it is the first 4 KiB): up to three
    trailing bytes of an unfinished character are not held against it.
    """
    if not head:
        return False
    for cut in range(4):
        try:
            text = head[: len(head) - cut].decode("utf-8")
        except UnicodeDecodeError:
            if cut == 3 or len(head) < HEAD_SIZE:
                return False
            continue
        return not _TEXT_CONTROLS.search(text)
    return False


def _unescape(name: bytes) -> bytes:
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), name)


class Sniffer:
    """A write-only sink that keeps the first 4 KiB and scans the rest for markers."""

    def __init__(self) -> None:
        self._head = bytearray()
        self._tail = b""
        self._pdf_names: set[bytes] = set()
        self._zip_markers: set[bytes] = set()
        self.size = 0

    def write(self, data: bytes | memoryview) -> int:
        chunk = bytes(data)
        if len(self._head) < HEAD_SIZE:
            self._head += chunk[: HEAD_SIZE - len(self._head)]
        window = self._tail + chunk
        head_known = len(self._head) >= HEAD_SIZE
        # Once the first 4 KiB are known, PDF names only matter in a PDF and
        # ZIP markers only in a ZIP (result() reads them for no other kind).
        if not head_known or _kind_of(bytes(self._head), set()) == "pdf":
            for match in _PDF_NAME.finditer(window):
                raw = match.group(1)
                if len(raw) > _LONGEST_ESCAPED:
                    continue  # longer than "OpenAction" with every letter escaped
                name = _unescape(raw) if b"#" in raw else raw
                if name in _PDF_ACTIVE:
                    self._pdf_names.add(name)
        if not head_known or self._head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
            for marker in _ZIP_MARKERS:
                if marker in window:
                    self._zip_markers.add(marker)
        self._tail = window[-_OVERLAP:]
        self.size += len(chunk)
        return len(chunk)

    def result(self) -> Sniffed:
        kind = _kind_of(bytes(self._head), self._zip_markers)
        warnings: list[str] = []
        if kind in ("ooxml", "zip") and b"vbaProject.bin" in self._zip_markers:
            warnings.append("contains macros (vbaProject.bin)")
        if kind == "ole2":
            warnings.append("legacy Office file: macros possible")
        if kind in ("pe", "elf", "macho"):
            warnings.append("executable program: never run it")
        if kind in ("script", "html", "svg"):
            warnings.append("active content (scripts): never open it in a browser or run it")
        if kind == "pdf" and self._pdf_names:
            names = ", ".join("/" + n.decode() for n in sorted(self._pdf_names))
            warnings.append(f"PDF with active content ({names})")
        return Sniffed(kind, tuple(warnings))


def sniff_bytes(data: bytes) -> Sniffed:
    sniffer = Sniffer()
    for start in range(0, max(len(data), 1), 1 << 16):
        sniffer.write(data[start : start + (1 << 16)])
    return sniffer.result()
