"""The piece path of ``PUT /api/uploads``: bytes kept exactly, buffers bounded.

- A piece is read whole before it is written, whatever the network reads
  look like: piece 0 whose envelope prefix is split over several reads, a
  piece in hundreds of small reads, with and without ``Content-Length``; the
  committed blob is the envelope byte for byte.
- At most ``PIECE_BUFFERS`` pieces are held in memory at once: with one
  slot, a second piece's body is not read until the first piece is done.
- One session has one piece in flight: a second is ``409`` at once, so one
  proof of work cannot take every buffer.
- Small network reads are gathered: a piece sent a few bytes at a time is
  kept as a few blocks, not one Python object per read.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import anyio
import httpx
import pytest
from app_fixtures import (
    AppClient,
    Submission,
    case_pow,
    make_env,
    open_upload,
)

from crypto import envelope
from crypto.b64 import b64u_encode
from web.api import uploads

OCTETS = {"Content-Type": "application/octet-stream"}
PIECE = envelope.CHUNK_SIZE + 16


def _split(data: bytes, sizes: list[int]) -> Iterator[bytes]:
    start = 0
    for size in sizes:
        yield data[start : start + size]
        start += size
    yield data[start:]


def test_pieces_in_many_network_reads_are_staged_exactly(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    report = Submission(env.unit)
    att_id, att = report.attachment(b"bukti " * 400_000)  # three pieces
    header = envelope.header_size(att[24]) + envelope.MAC_SIZE
    first, second, third = (
        att[: header + PIECE],
        att[header + PIECE : header + 2 * PIECE],
        att[header + 2 * PIECE :],
    )
    assert first and second and third
    url = f"/api/uploads/{{}}/{b64u_encode(att_id)}/{{}}"
    with AppClient(env.app) as client:
        token = open_upload(client)
        # the envelope prefix (25 bytes) arrives in three reads; Content-Length given
        answer = client.put(
            url.format(token, 0),
            content=_split(first, [3, 10, 20, 1000]),
            headers={**OCTETS, "Content-Length": str(len(first))},
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["received"] == len(first)
        # hundreds of small reads, no Content-Length
        answer = client.put(
            url.format(token, 1), content=_split(second, [4096] * 250), headers=OCTETS
        )
        assert answer.status_code == 200, answer.text
        answer = client.put(url.format(token, 2), content=third, headers=OCTETS)
        assert answer.json()["received"] == len(att)
        body = report.case_body(token, pow=case_pow(client))
        body["attachments"] = [{"item_id": b64u_encode(att_id), "size": len(att)}]
        created = client.post("/api/cases", json=body)
        assert created.status_code == 201, created.text
    stored = b"".join(env.store.stream_envelope(report.case_id, att_id))
    assert stored == att


def test_a_piece_waits_for_a_buffer_before_its_body_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uploads, "PIECE_BUFFERS", 1)
    env = make_env(tmp_path)
    report = Submission(env.unit)
    a_id, a = report.attachment(b"a")
    b_id, b = report.attachment(b"b")
    with AppClient(env.app) as client:
        token, other = open_upload(client), open_upload(client)
    events: list[str] = []

    async def main() -> list[int]:
        release = anyio.Event()

        async def held() -> AsyncIterator[bytes]:
            events.append("a: first bytes read")
            yield a[:100]
            await release.wait()
            events.append("a: rest read")
            yield a[100:]

        async def waiting() -> AsyncIterator[bytes]:
            events.append("b: body read")
            yield b

        transport = httpx.ASGITransport(app=env.app, client=("192.0.2.10", 40000))
        statuses: list[int] = []
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:

            async def put(session: str, item: bytes, body: AsyncIterator[bytes]) -> None:
                url = f"/api/uploads/{session}/{b64u_encode(item)}/0"
                statuses.append((await http.put(url, content=body, headers=OCTETS)).status_code)

            async with anyio.create_task_group() as tasks:
                tasks.start_soon(put, token, a_id, held())
                while not events:
                    await anyio.sleep(0.01)
                tasks.start_soon(put, other, b_id, waiting())
                await anyio.sleep(0.3)  # b has long passed its session check
                events.append("a released")
                release.set()
        return statuses

    assert anyio.run(main) == [200, 200]
    assert events == ["a: first bytes read", "a released", "a: rest read", "b: body read"]
    assert env.store.upload_sizes(token) == {a_id.hex(): len(a)}
    assert env.store.upload_sizes(other) == {b_id.hex(): len(b)}


def test_one_session_has_one_piece_in_flight(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    report = Submission(env.unit)
    a_id, a = report.attachment(b"a")
    b_id, b = report.attachment(b"b")
    with AppClient(env.app) as client:
        token = open_upload(client)

    async def main() -> tuple[int, int, str]:
        release = anyio.Event()
        started = anyio.Event()

        async def held() -> AsyncIterator[bytes]:
            yield a[:100]
            started.set()
            await release.wait()
            yield a[100:]

        transport = httpx.ASGITransport(app=env.app, client=("192.0.2.10", 40000))
        first: list[int] = []
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:

            async def put_a() -> None:
                url = f"/api/uploads/{token}/{b64u_encode(a_id)}/0"
                first.append((await http.put(url, content=held(), headers=OCTETS)).status_code)

            async with anyio.create_task_group() as tasks:
                tasks.start_soon(put_a)
                await started.wait()
                url = f"/api/uploads/{token}/{b64u_encode(b_id)}/0"
                second = await http.put(url, content=b, headers=OCTETS)
                release.set()
        return first[0], second.status_code, second.json()["error"]

    assert anyio.run(main) == (200, 409, "conflict")
    assert env.store.upload_sizes(token) == {a_id.hex(): len(a)}
    with AppClient(env.app) as client:  # the session is free again
        url = f"/api/uploads/{token}/{b64u_encode(b_id)}/0"
        assert client.put(url, content=b, headers=OCTETS).status_code == 200


def test_small_network_reads_are_gathered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = make_env(tmp_path)
    report = Submission(env.unit)
    att_id, att = report.attachment(b"kecil " * 2000)
    assert len(att) < uploads.GATHER
    kept: list[int] = []
    real = env.store.append_upload

    def counting(token: str, item: bytes, offset: int, data: list[bytes], **kw: object) -> int:
        kept.append(len(data))
        return real(token, item, offset, data, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(env.store, "append_upload", counting)
    with AppClient(env.app) as client:
        token = open_upload(client)
        url = f"/api/uploads/{token}/{b64u_encode(att_id)}/0"
        answer = client.put(url, content=_split(att, [7] * (len(att) // 7)), headers=OCTETS)
        assert answer.status_code == 200, answer.text
    assert kept == [1]  # one block, not one object per 7-byte read
    assert env.store.upload_sizes(token) == {att_id.hex(): len(att)}
