"""A streamed ``multipart/form-data`` upload: one file to a temp file, small fields in memory.

A reply bundle can be tens of MiB. Starlette's ``request.form()`` has no cap
on a file part, so the console parses the body itself with python-multipart's
streaming parser: the file part goes straight to a private temporary file
and the request is refused the moment it passes ``max_bytes``; text fields
(the CSRF token) are capped at a few KiB each. Nothing is ever held whole in
memory, and the file's name and type sent by the browser are ignored (the
vault keeps no file names or types).
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from python_multipart.multipart import MultipartParser, parse_options_header

from web.errors import BadRequest, TooLarge

FIELD_MAX = 4096
MAX_PARTS = 8


@dataclass
class Upload:
    """The parsed form: text ``fields`` and the one file part, as an open temp file."""

    fields: dict[str, str] = field(default_factory=dict)
    file: IO[bytes] | None = None
    file_size: int = 0

    def close(self) -> None:
        if self.file is not None:
            self.file.close()


@dataclass
class _Part:
    name: str = ""
    is_file: bool = False
    data: bytearray = field(default_factory=bytearray)


def _disposition_name(value: bytes) -> tuple[str, bool]:
    kind, params = parse_options_header(value)
    if kind != b"form-data":
        raise BadRequest("body")
    name = params.get(b"name", b"").decode("ascii", "replace")
    return name, b"filename" in params


class _FormReader:
    """The parser's callbacks: each part's headers, its data to a field or the file.

    The first problem found is kept in ``failure`` (the parser cannot raise
    through its callbacks cleanly); :func:`read_upload` raises it after the
    chunk that caused it.
    """

    def __init__(self, file_field: str, temp_dir: Path | None) -> None:
        self.file_field = file_field
        self.temp_dir = temp_dir
        self.upload = Upload()
        self.part = _Part()
        self.header_field = bytearray()
        self.header_value = bytearray()
        self.headers: dict[bytes, bytes] = {}
        self.parts = 0
        self.failure: Exception | None = None

    def fail(self, exc: Exception) -> None:
        if self.failure is None:
            self.failure = exc

    def on_part_begin(self) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            self.fail(BadRequest("body"))
        self.part = _Part()
        self.headers.clear()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_field.extend(data[start:end])

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value.extend(data[start:end])

    def on_header_end(self) -> None:
        self.headers[bytes(self.header_field).lower()] = bytes(self.header_value)
        self.header_field.clear()
        self.header_value.clear()

    def on_headers_finished(self) -> None:
        part = self.part
        try:
            part.name, part.is_file = _disposition_name(
                self.headers.get(b"content-disposition", b"")
            )
        except BadRequest as exc:
            self.fail(exc)
            return
        if part.is_file:
            if part.name != self.file_field or self.upload.file is not None:
                self.fail(BadRequest("body"))
                return
            self.upload.file = tempfile.TemporaryFile(dir=self.temp_dir)  # noqa: SIM115 - closed by Upload

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.failure is not None:
            return
        part, upload = self.part, self.upload
        if part.is_file and upload.file is not None:
            upload.file.write(data[start:end])
            upload.file_size += end - start
        else:
            part.data.extend(data[start:end])
            if len(part.data) > FIELD_MAX:
                self.fail(TooLarge())

    def on_part_end(self) -> None:
        part = self.part
        if self.failure is None and not part.is_file and part.name:
            if part.name in self.upload.fields:
                self.fail(BadRequest("body"))
                return
            try:
                self.upload.fields[part.name] = part.data.decode("utf-8")
            except UnicodeDecodeError:
                self.fail(BadRequest("body"))


def _boundary(content_type: str) -> bytes:
    kind, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary or len(boundary) > 200:
        raise BadRequest("content-type")
    return boundary


async def _feed(
    parser: MultipartParser, reader: _FormReader, chunks: AsyncIterator[bytes], max_bytes: int
) -> None:
    """Write the body to the parser chunk by chunk, stopping at the first problem."""
    received = 0
    async for chunk in chunks:
        received += len(chunk)
        if received > max_bytes:
            raise TooLarge()
        parser.write(chunk)
        if reader.failure is not None:
            raise reader.failure
    parser.finalize()


async def read_upload(
    content_type: str,
    chunks: AsyncIterator[bytes],
    *,
    file_field: str,
    max_bytes: int,
    temp_dir: Path | None = None,
) -> Upload:
    """Parse a multipart body; the part named ``file_field`` goes to a temp file.

    Raises :class:`TooLarge` past ``max_bytes`` of body, :class:`BadRequest`
    for anything that is not a small, well-formed form with that one file.
    """
    boundary = _boundary(content_type)
    reader = _FormReader(file_field, temp_dir)
    upload = reader.upload
    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": reader.on_part_begin,
            "on_part_data": reader.on_part_data,
            "on_part_end": reader.on_part_end,
            "on_header_field": reader.on_header_field,
            "on_header_value": reader.on_header_value,
            "on_header_end": reader.on_header_end,
            "on_headers_finished": reader.on_headers_finished,
        },
    )
    try:
        await _feed(parser, reader, chunks, max_bytes)
    except (TooLarge, BadRequest):
        upload.close()
        raise
    except Exception:  # the parser's own errors: a malformed body
        upload.close()
        raise BadRequest("body") from None
    if reader.failure is not None:
        upload.close()
        raise reader.failure
    if upload.file is None:
        raise BadRequest("upload")
    upload.file.seek(0)
    return upload
