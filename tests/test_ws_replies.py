"""Replies, status changes and standard messages leave in a signed, numbered reply bundle."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from test_ws_support import PASSPHRASE, TODAY, export_bundle, make_workstation, report_case

from common.case_status import CaseStatus
from crypto import envelope
from crypto.b64 import b64u_decode
from crypto.bundle import BundleReader, Kind, verify_signature
from crypto.bundle_schema import REPLY, STATUS, TEMPLATE
from crypto.bundle_template import verify_template
from crypto.context import Context
from crypto.reply import verify_reply
from crypto.secret import SecretStr
from vault import lifecycle as vault_lifecycle
from workstation import lifecycle
from workstation.cli import main
from workstation.desk import Desk
from workstation.errors import Refused
from workstation.templates import STANDARD_MESSAGES


@pytest.fixture
def setup(tmp_path: Path):  # type: ignore[no-untyped-def]
    card = make_workstation(tmp_path)
    case = report_case(card, "WBS-2026-0001")
    (tmp_path / "e.peluit").write_bytes(export_bundle(card.unit_id, [case]))
    with Desk.open(tmp_path, SecretStr(PASSPHRASE), today=TODAY) as desk:
        desk.import_bundle(tmp_path / "e.peluit")
        yield desk, card, case


def read_bundle(path: Path):  # type: ignore[no-untyped-def]
    with path.open("rb") as src:
        reader = BundleReader(src, Kind.REPLY, io.BytesIO)
        entries = [(e.type, e.meta, e.data.read()) for e in reader.entries()]
    return reader, entries


def test_reply_bundle_round_trip(setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    desk, card, case = setup
    desk.queue_reply("WBS-2026-0001", "Mohon kirim foto kuitansi.")
    desk.queue_template_reply("WBS-2026-0001", "need-info", {"what": "tanggal kejadian"})
    desk.queue_status("WBS-2026-0001", "diverifikasi")
    desk.queue_status("WBS-2026-0001", "ditindaklanjuti")
    desk.queue_standard_messages()
    done = desk.export_replies(tmp_path / "r1.peluit")
    assert (done.sequence, done.replies, done.statuses, done.templates) == (
        1,
        2,
        2,
        len(STANDARD_MESSAGES),
    )

    reader, entries = read_bundle(tmp_path / "r1.peluit")
    verify_signature(reader, card.ed25519_public_key)
    assert reader.header["sequence"] == 1 and reader.header["unit_id"] == card.unit_id
    reporter_key = case.reporter.keys.private_key()  # from the receipt code (receipts.derivation)
    texts = []
    for entry_type, meta, data in entries:
        if entry_type == REPLY:
            ctx = Context(card.unit_id, case.case_id, "reply", bytes.fromhex(meta["item_id"]))
            body = verify_reply(
                card.ed25519_public_key, ctx, envelope.open_envelope(data, [reporter_key], ctx)
            )
            texts.append(json.loads(body)["text"])
            assert envelope.open_envelope(data, desk._keys.xwing_keys(), ctx)  # and to the unit
    assert texts[0] == "Mohon kirim foto kuitansi." and "tanggal kejadian" in texts[1]
    statuses = [(m["status"], m["outcome"]) for t, m, _ in entries if t == STATUS]
    assert statuses == [("diverifikasi", None), ("ditindaklanjuti", None)]
    for t, m, _ in entries:
        if t == TEMPLATE:
            verify_template(card.ed25519_public_key, card.unit_id, m["template_id"], m["text"],
                            b64u_decode(m["signature"]))  # fmt: skip

    with pytest.raises(Refused, match="nothing is queued"):
        desk.export_replies(tmp_path / "r2.peluit")
    desk.queue_status("WBS-2026-0001", "selesai", outcome="terbukti")
    assert desk.export_replies(tmp_path / "r2.peluit").sequence == 2
    reader, entries = read_bundle(tmp_path / "r2.peluit")
    assert reader.header["sequence"] == 2 and [e[0] for e in entries] == [STATUS]
    view = desk.case("WBS-2026-0001")
    assert [i.note.split("; ")[-1] for i in view.reading.items] == ["sent in reply bundle 1"] * 2


def test_a_tampered_reply_bundle_does_not_verify(setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from crypto.bundle import BundleError

    desk, card, _ = setup
    desk.queue_reply("WBS-2026-0001", "Terima kasih.")
    desk.export_replies(tmp_path / "r.peluit")
    data = bytearray((tmp_path / "r.peluit").read_bytes())
    data[-1] ^= 1
    (tmp_path / "bad.peluit").write_bytes(bytes(data))
    reader, _ = read_bundle(tmp_path / "bad.peluit")
    with pytest.raises(BundleError):
        verify_signature(reader, card.ed25519_public_key)


def test_status_changes_are_checked_against_the_lifecycle(setup) -> None:  # type: ignore[no-untyped-def]
    desk, _, _ = setup
    with pytest.raises(Refused, match="cannot become selesai"):
        desk.queue_status("WBS-2026-0001", "selesai", outcome="terbukti")
    with pytest.raises(Refused, match="needs --target"):
        desk.queue_status("WBS-2026-0001", "dilimpahkan")
    with pytest.raises(Refused, match="unknown target"):
        desk.queue_status("WBS-2026-0001", "dilimpahkan", target="dukun")
    with pytest.raises(Refused, match="does not belong"):
        desk.queue_status("WBS-2026-0001", "diverifikasi", reason="duplikat")
    desk.queue_status("WBS-2026-0001", "dilimpahkan", target="kpk")
    assert desk.cases()[0].pending_status == "dilimpahkan"


def test_existing_file_is_never_overwritten_and_nothing_is_marked_sent(
    setup, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    desk, _, _ = setup
    desk.queue_reply("WBS-2026-0001", "Halo.")
    (tmp_path / "taken").write_bytes(b"keep")
    with pytest.raises(Refused, match="exists"):
        desk.export_replies(tmp_path / "taken")
    assert (tmp_path / "taken").read_bytes() == b"keep"
    assert desk.export_replies(tmp_path / "free").sequence == 1


def test_the_workstation_checks_the_vault_lifecycle_table() -> None:
    """One table (common/case_status.py): what the vault allows, the workstation queues."""
    assert set(lifecycle.STATUSES) == {s.value for s in CaseStatus}
    assert lifecycle.TRANSITIONS is vault_lifecycle.TRANSITIONS
    for current, allowed in vault_lifecycle.TRANSITIONS.items():
        for new in set(CaseStatus) - allowed:
            with pytest.raises(Refused, match="cannot become"):
                lifecycle.check_change(current.value, new.value)


def test_reply_from_stdin_through_the_cli(setup, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    desk, _, _ = setup
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSPHRASE + "\nTerima kasih atas laporannya.\n"))
    assert main(["reply", "WBS-2026-0001", "-C", str(desk.folder)]) == 0
    assert "queued" in capsys.readouterr().out
    texts = [i.text for i in desk.case("WBS-2026-0001").reading.items]
    assert texts == ["Terima kasih atas laporannya."]
