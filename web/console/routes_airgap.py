"""Across the air gap: download an export bundle, upload a reply bundle.

Export: the vault writes the unit's next export bundle to a private
temporary file (recorded only once completely written and fsynced); the
browser then gets it as a download named ``peluit-export-<unit>-<seq>.bundle``
(no time in the name, only the sequence). Import: the upload is streamed to
a temporary file with a size cap (:mod:`web.console.upload`), its header is
read to check that the bundle is for one of the inspector's units, then the
vault checks everything and applies all of it or nothing; the page shows what
was applied or exactly which check failed.
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from typing import IO

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from crypto.bundle import BundleReader, Kind
from crypto.bundle_schema import BundleError
from web.console.auth import form_of, guard, require_csrf, staff_of
from web.console.forms import Forbidden
from web.console.render import gettext, language, render
from web.console.routes_quarantine import quarantine_rows
from web.console.state import call, console
from web.console.upload import read_upload
from web.errors import BadRequest

BLOCK = 1 << 16


def _(message: str) -> str:
    return message


REFUSED = _("The reply bundle was refused and nothing was applied.")
FAILED_CHECK = _("Failed check: %(check)s")


async def _quarantine(request: Request) -> list[dict[str, object]]:
    notes = await call(console(request).store.unit_quarantine, staff_of(request).session.user)
    return quarantine_rows(language(request), notes)


@guard("inspector")
async def transfer(request: Request) -> Response:
    return render(
        request,
        "transfer.html",
        units=staff_of(request).unit_ids,
        quarantine=await _quarantine(request),
    )


def _stream(handle: IO[bytes]) -> AsyncIterator[bytes]:
    async def chunks() -> AsyncIterator[bytes]:
        while True:
            block = await run_in_threadpool(handle.read, BLOCK)
            if not block:
                break
            yield block

    return chunks()


@guard("inspector")
async def export(request: Request) -> Response:
    staff = staff_of(request)
    state = console(request)
    unit_id = form_of(request).text("unit_id", max_length=64)
    if unit_id not in staff.unit_ids:
        raise Forbidden()
    await call(state.store.check_export, staff.session.user, unit_id)
    handle = tempfile.TemporaryFile(dir=state.temp_dir)  # noqa: SIM115 - closed after sending
    try:
        summary = await call(
            request.app.state.vault.export_bundle, unit_id, handle, actor=staff.username
        )
        size = handle.tell()
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    name = f"peluit-export-{unit_id}-{summary.export_seq}.bundle"
    return StreamingResponse(
        _stream(handle),
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Content-Length": str(size),
            "X-Peluit-Export": f"{summary.export_seq};cases={summary.cases};"
            f"envelopes={summary.envelopes}",
        },
        background=BackgroundTask(handle.close),
    )


def _bundle_unit(handle: IO[bytes]) -> str:
    """The reply bundle's declared unit (its header only; all else is checked by the vault)."""
    handle.seek(0)
    try:
        reader = BundleReader(handle, Kind.REPLY, spill=tempfile.TemporaryFile)  # type: ignore[arg-type]
        unit: str = reader.header["unit_id"]
    finally:
        handle.seek(0)
    return unit


@guard("inspector", form=False)
async def import_bundle(request: Request) -> Response:
    staff = staff_of(request)
    state = console(request)
    lang = language(request)
    upload = await read_upload(
        request.headers.get("content-type", ""),
        request.stream(),
        file_field="bundle",
        max_bytes=state.reply_bundle_max,
        temp_dir=state.temp_dir,
    )
    try:
        require_csrf(request, upload.fields.get("csrf"))
        if upload.file is None or upload.file_size == 0:
            raise BadRequest("bundle")
        try:
            unit_id = await call(_bundle_unit, upload.file)
            if unit_id not in staff.unit_ids:
                raise Forbidden()
            summary = await call(
                request.app.state.vault.import_reply_bundle, upload.file, actor=staff.username
            )
        except BundleError as exc:
            return render(
                request,
                "transfer.html",
                status_code=400,
                units=staff.unit_ids,
                problem=gettext(lang, REFUSED),
                failed_check=gettext(lang, FAILED_CHECK) % {"check": exc.check},
                failed_detail=exc.user_message,
                quarantine=await _quarantine(request),
            )
    finally:
        upload.close()
    return render(
        request,
        "transfer.html",
        units=staff.unit_ids,
        applied=summary,
        quarantine=await _quarantine(request),
    )
