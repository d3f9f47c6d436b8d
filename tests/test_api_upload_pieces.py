"""The piece path of ``PUT /api/uploads``: bytes kept exactly, buffers bounded.

- A piece is read whole before it is written, whatever the network reads
  look like: piece 0 whose envelope prefix is split over several reads, a
  piece in hundreds of small reads, with and without ``Content-Length``; the
  committed blob is the envelope byte for byte.
- At most ``PIECE_BUFFERS`` pieces are held in memory at once: with one
  slot, a second piece's body is not read until the first piece is done.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import anyio
import httpx
import pytest
from app_fixtures import AppClient, Submission, make_env, open_upload

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
        body = report.case_body(token)
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
        token = open_upload(client)
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

            async def put(item: bytes, body: AsyncIterator[bytes]) -> None:
                url = f"/api/uploads/{token}/{b64u_encode(item)}/0"
                statuses.append((await http.put(url, content=body, headers=OCTETS)).status_code)

            async with anyio.create_task_group() as tasks:
                tasks.start_soon(put, a_id, held())
                while not events:
                    await anyio.sleep(0.01)
                tasks.start_soon(put, b_id, waiting())
                await anyio.sleep(0.3)  # b has long passed its session check
                events.append("a released")
                release.set()
        return statuses

    assert anyio.run(main) == [200, 200]
    assert events == ["a: first bytes read", "a released", "a: rest read", "b: body read"]
    assert env.store.upload_sizes(token) == {a_id.hex(): len(a), b_id.hex(): len(b)}
