"""A full disk during an upload: a clear error, nothing corrupted, uploads work again later.

The data folder lives on its own 24 MiB tmpfs (``mount -t tmpfs``; the test
runs as root in this sandbox). A real ``peluit serve`` takes one report,
then a filler file takes all but about 1 MiB of the space and the reporter
uploads a 4 MiB attachment: a piece fails with ``507 storage_full`` and a
message (never a bare ``500``); with the last bytes filled too, a new
report is refused the same way; the
folder stays consistent (vault/consistency.py) with the first report
readable. Once the filler is removed the same attachment goes through and
both reports read back.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.live_server import LiveServer, prepare_data
from bench.reporter_load import prepare_report, read_back, send_report
from crypto import envelope
from crypto.b64 import b64u_decode, b64u_encode
from reporter.http_client import ApiClient, ReporterError
from vault.consistency import check_folder

# On PostgreSQL the vault has no SQLite file to back up, migrate from or time (docs/scale.md).
pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]
MIB = 1 << 20


@contextlib.contextmanager
def small_filesystem(where: Path, size_mib: int) -> Iterator[Path]:
    where.mkdir()
    subprocess.run(
        ["/usr/bin/mount", "-t", "tmpfs", "-o", f"size={size_mib}m,mode=0700", "tmpfs", str(where)],
        check=True,
    )
    try:
        yield where
    finally:
        subprocess.run(["/usr/bin/umount", "-l", str(where)], check=False)


def fill(path: Path, leave: int) -> None:
    """Write a file that leaves about ``leave`` bytes free on ``path``'s filesystem."""
    stats = os.statvfs(path.parent)
    free = stats.f_bavail * stats.f_frsize
    with path.open("wb") as out:
        remaining = max(0, free - leave)
        while remaining:
            remaining -= out.write(bytes(min(MIB, remaining)))
        out.flush()
        os.fsync(out.fileno())


def upload(client: ApiClient, token: str, item_id: bytes, data: bytes) -> None:
    header = envelope.header_size(data[24]) + envelope.MAC_SIZE
    piece = envelope.CHUNK_SIZE + 16
    cuts = [0, header + piece, *range(header + 2 * piece, len(data), piece), len(data)]
    for index, (a, b) in enumerate(itertools.pairwise(cuts)):
        path = f"/api/uploads/{token}/{b64u_encode(item_id)}/{index}"
        assert client.put_bytes(path, data[a:b])["received"] == b


def test_full_disk_gives_a_clear_error_and_recovers(tmp_path: Path) -> None:
    with small_filesystem(tmp_path / "small", 24) as mount:
        data = mount / "var"
        unit = prepare_data(data)
        server = LiveServer(data, env={"PELUIT_POW_BITS": "8"}, log=tmp_path / "server.log")
        with server:
            client = ApiClient(server.base)
            salt = b64u_decode(client.json("GET", "/api/instance")["instance_salt"])
            first = prepare_report(client, unit.card, salt)
            assert send_report(client, first)["status"] == "diterima"

            second = prepare_report(client, unit.card, salt)
            case_id = b64u_decode(second.body["case_id"])
            item_id = os.urandom(16)
            ctx = envelope.Context(unit.card.unit_id, case_id, "attachment", item_id)
            attachment = envelope.seal(os.urandom(4 * MIB), [unit.card.xwing_public_key], ctx)
            token = client.json("POST", "/api/uploads", {"pow": second.pow})["upload"]

            filler = mount / "filler"
            fill(filler, leave=MIB)
            with pytest.raises(ReporterError) as refused:
                upload(client, token, item_id, attachment)
            assert refused.value.code == "storage_full"
            assert "507" in refused.value.user_message
            small = prepare_report(client, unit.card, salt)
            # The ciphertext is rows now: the refused piece's frames left room in
            # SQLite's log that the next transaction would reuse. Empty the log
            # (with room to do so), so that a report needs new space, as it would
            # on a log that was cut back; then fill the disk again.
            filler.unlink()
            with sqlite3.connect(data / "vault.sqlite3") as db:
                assert db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
            fill(filler, leave=MIB)
            fill(mount / "filler-2", leave=0)  # now not even a small report fits
            with pytest.raises(ReporterError) as also:
                send_report(client, small)
            assert also.value.code == "storage_full"
            (mount / "filler-2").unlink()  # a little room again (SQLite needs some to open)

            check = check_folder(data)
            assert check.ok, check.problems
            assert first.marker.encode() in read_back(server.base, first, unit.xwing)["tip"]

            filler.unlink()  # space is back
            again = prepare_report(client, unit.card, salt)
            token = client.json("POST", "/api/uploads", {"pow": again.pow})["upload"]
            upload(client, token, item_id, attachment)
            body = {**second.body, "upload": token}
            body["attachments"] = [{"item_id": b64u_encode(item_id), "size": len(attachment)}]
            assert client.json("POST", "/api/cases", body)["status"] == "diterima"
            case = read_back(server.base, second, unit.xwing)
            assert second.marker.encode() in case["tip"]
            assert [i["size"] for i in case["items"] if i["kind"] == "attachment"] == [
                len(attachment)
            ]
        check = check_folder(data)
        assert check.ok, check.problems
