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
    kind, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary or len(boundary) > 200:
        raise BadRequest("content-type")
    upload = Upload()
    part = _Part()
    header_field = bytearray()
    header_value = bytearray()
    headers: dict[bytes, bytes] = {}
    parts = 0
    failure: Exception | None = None

    def fail(exc: Exception) -> None:
        nonlocal failure
        if failure is None:
            failure = exc

    def on_part_begin() -> None:
        nonlocal part, parts
        parts += 1
        if parts > MAX_PARTS:
            fail(BadRequest("body"))
        part = _Part()
        headers.clear()

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header_field.extend(data[start:end])

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header_value.extend(data[start:end])

    def on_header_end() -> None:
        headers[bytes(header_field).lower()] = bytes(header_value)
        header_field.clear()
        header_value.clear()

    def on_headers_finished() -> None:
        try:
            part.name, part.is_file = _disposition_name(headers.get(b"content-disposition", b""))
        except BadRequest as exc:
            fail(exc)
            return
        if part.is_file:
            if part.name != file_field or upload.file is not None:
                fail(BadRequest("body"))
                return
            upload.file = tempfile.TemporaryFile(dir=temp_dir)  # noqa: SIM115 - closed by Upload

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if failure is not None:
            return
        if part.is_file and upload.file is not None:
            upload.file.write(data[start:end])
            upload.file_size += end - start
        else:
            part.data.extend(data[start:end])
            if len(part.data) > FIELD_MAX:
                fail(TooLarge())

    def on_part_end() -> None:
        if failure is None and not part.is_file and part.name:
            if part.name in upload.fields:
                fail(BadRequest("body"))
                return
            try:
                upload.fields[part.name] = part.data.decode("utf-8")
            except UnicodeDecodeError:
                fail(BadRequest("body"))

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
        },
    )
    received = 0
    try:
        async for chunk in chunks:
            received += len(chunk)
            if received > max_bytes:
                raise TooLarge()
            parser.write(chunk)
            if failure is not None:
                raise failure
        parser.finalize()
    except (TooLarge, BadRequest):
        upload.close()
        raise
    except Exception:  # the parser's own errors: a malformed body
        upload.close()
        raise BadRequest("body") from None
    if failure is not None:
        upload.close()
        raise failure
    if upload.file is None:
        raise BadRequest("upload")
    upload.file.seek(0)
    return upload
