"""Removing hidden data from JPEG and PNG photos before they are sealed.

The same filter as the report page's (``web/js/pages/image-clean.js``), so a
photo sent with ``peluit-report`` loses what it would lose in the browser:
EXIF (camera, GPS, time), XMP, IPTC, ICC profiles, comments, text chunks,
embedded thumbnails and anything after the image's end. It keeps the byte
ranges that draw the image and drops the others, without decoding or
re-encoding a pixel, so the result is lossless.

No maintained Python library does this losslessly: Pillow re-encodes JPEG,
piexif removes only EXIF and is unmaintained, mat2 re-renders images. A
filter over segments and chunks is about a hundred lines and mirrors the
page's, so both clients drop the same things.

- JPEG: every APPn segment (except Adobe's APP14, a colour flag) and COM
  is dropped; scan data is copied as it is.
- PNG: only the chunks needed to show the image are kept (IHDR, PLTE,
  IDAT, IEND, tRNS, gAMA, cHRM, sRGB, sBIT, bKGD, pHYs and the APNG
  chunks); an unknown critical chunk means "cannot clean".

A file that does not parse is not cleaned: the caller sends it as it is
and warns (as for every other type).
"""

from __future__ import annotations

import mmap
from dataclasses import dataclass
from typing import BinaryIO, Final

PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
PNG_KEEP: Final = frozenset(
    {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"sBIT",
     b"bKGD", b"pHYs", b"acTL", b"fcTL", b"fdAT"}
)  # fmt: skip

Ranges = list[tuple[int, int]]


class NotClean(Exception):
    """The file does not parse as the image it claims to be."""


@dataclass(frozen=True)
class Cleaned:
    kind: str  # "jpeg", "png" or "other"
    cleaned: bool
    size: int


def sniff(head: bytes) -> str:
    if head[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if head[:8] == PNG_SIGNATURE:
        return "png"
    return "other"


def _keep_jpeg_segment(marker: int, body: bytes) -> bool:
    if marker == 0xFE:  # COM
        return False
    if 0xE0 <= marker <= 0xEF:
        return marker == 0xEE and body[:5] == b"Adobe"
    return True


def _scan_end(data: mmap.mmap | bytes, pos: int) -> int:
    """Where the entropy-coded data from ``pos`` ends: the next real marker."""
    size = len(data)
    i = pos
    while True:
        i = data.find(b"\xff", i)
        if i < 0 or i + 1 >= size:
            raise NotClean("no end marker")
        marker = data[i + 1]
        if marker == 0xFF:
            i += 1
        elif marker == 0x00 or 0xD0 <= marker <= 0xD7:
            i += 2
        else:
            return i


def _jpeg_segment(data: mmap.mmap | bytes, pos: int, marker: int, ranges: Ranges) -> int:
    """A segment with a length at ``pos``: keep it unless it is metadata; returns its end."""
    size = len(data)
    if pos + 4 > size:
        raise NotClean("truncated")
    length = int.from_bytes(data[pos + 2 : pos + 4], "big")
    if length < 2 or pos + 2 + length > size:
        raise NotClean("bad length")
    if _keep_jpeg_segment(marker, bytes(data[pos + 4 : pos + 4 + min(length - 2, 16)])):
        ranges.append((pos, pos + 2 + length))
    return pos + 2 + length


def jpeg_ranges(data: mmap.mmap | bytes) -> Ranges:
    size = len(data)
    ranges: Ranges = [(0, 2)]
    pos = 2
    while pos < size:
        if data[pos] != 0xFF or pos + 1 >= size:
            raise NotClean("bad marker")
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1  # fill byte
            continue
        if marker == 0xD9:
            ranges.append((pos, pos + 2))  # EOI: whatever follows is dropped
            return ranges
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            ranges.append((pos, pos + 2))
            pos += 2
            continue
        pos = _jpeg_segment(data, pos, marker, ranges)
        if marker == 0xDA and pos < size:  # SOS: the entropy-coded scan follows
            end = _scan_end(data, pos)
            ranges.append((pos, end))
            pos = end
    raise NotClean("no end marker")


def png_ranges(data: mmap.mmap | bytes) -> Ranges:
    size = len(data)
    ranges: Ranges = [(0, 8)]
    pos = 8
    while pos + 12 <= size:
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = bytes(data[pos + 4 : pos + 8])
        end = pos + 12 + length
        if end > size or not kind.isalpha() or not kind.isascii():
            raise NotClean("bad chunk")
        if kind in PNG_KEEP:
            ranges.append((pos, end))
        elif kind[:1].isupper():
            raise NotClean("unknown critical chunk")
        pos = end
        if kind == b"IEND":
            return ranges
    raise NotClean("no IEND")


def clean(src: BinaryIO, dst: BinaryIO) -> Cleaned:
    """Copy ``src`` to ``dst``, without hidden data when it is a JPEG or PNG that parses."""
    head = src.read(8)
    kind = sniff(head)
    src.seek(0, 2)
    total = src.tell()
    src.seek(0)
    ranges: Ranges = [(0, total)]
    cleaned = False
    if kind != "other":
        with mmap.mmap(src.fileno(), 0, access=mmap.ACCESS_READ) as data:
            try:
                ranges = jpeg_ranges(data) if kind == "jpeg" else png_ranges(data)
                cleaned = True
            except NotClean:
                pass
    written = 0
    for start, end in ranges:
        src.seek(start)
        left = end - start
        while left > 0:
            piece = src.read(min(left, 1 << 20))
            if not piece:
                break
            dst.write(piece)
            left -= len(piece)
            written += len(piece)
    return Cleaned(kind, cleaned, written)
