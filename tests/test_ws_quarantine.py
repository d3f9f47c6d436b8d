"""Quarantine on the workstation (issue 17, sections 1 and 2).

The online vault cannot open envelopes, so it exports whatever it holds:
one entry that does not open must never keep the real reports of the same
bundle out. Entries that verify and open are imported; the rest are kept
as they arrived, listed, and opened again only by an explicit retry. The
reporter key named by the (unsigned) export must be the one the reporter
sealed the tip to.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pytest
from test_ws_support import (
    PASSPHRASE,
    TODAY,
    CaseSpec,
    Item,
    Reporter,
    export_bundle,
    make_workstation,
    report_case,
    sealed,
    snapshot,
)

from crypto import envelope
from crypto.b64 import b64u_encode
from crypto.context import Context
from crypto.secret import SecretStr
from crypto.unit_card import UnitCard
from crypto.xwing import XWingPrivateKey
from workstation.desk import Desk
from workstation.errors import BundleRejected, Refused


def open_desk(folder: Path) -> Desk:
    return Desk.open(folder, SecretStr(PASSPHRASE), today=TODAY)


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def other_unit_key():  # type: ignore[no-untyped-def]
    return XWingPrivateKey.generate()[1].public_key()


def message(card: UnitCard, case: CaseSpec, text: str) -> Item:
    return sealed(card.unit_id, [card.xwing_public_key, case.reporter.public()], case, "message",
                  json.dumps({"text": text}).encode())  # fmt: skip


def poisoned_bundle(card: UnitCard) -> tuple[list[CaseSpec], dict[str, Item], bytes]:
    """Three real reports, a forged tip (its own case), a forged message, a truncated attachment."""
    real = [
        report_case(
            card,
            "WBS-2026-0001",
            identity={"name": "Budi"},
            attachments=[("a.pdf", "application/pdf", b"%PDF-1.7 satu")],
        ),
        report_case(card, "WBS-2026-0002"),
        report_case(
            card, "WBS-2026-0003", attachments=[("b.png", "image/png", b"\x89PNG\r\n\x1a\n dua")]
        ),
    ]
    message(card, real[0], "Pesan asli.")
    forged_case = CaseSpec("WBS-2026-0004")
    forged_tip = sealed(card.unit_id, [other_unit_key(), forged_case.reporter.public()],
                        forged_case, "tip", b'{"answers": {}}')  # fmt: skip
    forged_message = sealed(card.unit_id, [other_unit_key()], real[1], "message", b'{"text": "x"}')
    attachment = real[2].items[-1]
    assert attachment.kind == "attachment"
    attachment.data = attachment.data[:-100]  # what the server holds is short
    bad = {"tip": forged_tip, "message": forged_message, "attachment": attachment}
    cases = [real[0], real[1], forged_case, real[2]]
    return cases, bad, export_bundle(card.unit_id, cases)


def test_one_bad_entry_never_keeps_real_reports_out(tmp_path: Path) -> None:
    card = make_workstation(tmp_path)
    _, bad, data = poisoned_bundle(card)
    bundle = write(tmp_path / "1.peluit", data)
    with open_desk(tmp_path) as desk:
        result = desk.import_bundle(bundle)
        assert sorted(result.new_cases) == ["WBS-2026-0001", "WBS-2026-0002", "WBS-2026-0003"]
        first = desk.case("WBS-2026-0001")
        assert [i.text for i in first.reading.items if i.kind == "message"] == ["Pesan asli."]
        assert first.has_identity
        assert len(desk.store.envelopes(first.case_id)) == 4  # tip, attachment, identity, message
        held = desk.quarantine()
        assert {(q.reference, q.kind, q.day, q.check) for q in held} == {
            ("WBS-2026-0004", "tip", "2026-11-23", "envelope"),
            ("WBS-2026-0002", "message", "2026-11-23", "envelope"),
            ("WBS-2026-0003", "attachment", "2026-11-23", "envelope"),
        }
        assert {q.item_id for q in held} == {i.item_id.hex() for i in bad.values()}
        assert {q.item_id for q in result.quarantined} == {i.item_id.hex() for i in bad.values()}
        # kept exactly as it arrived, outside envelopes/, never shown as a case item
        kept = {p.read_bytes() for p in (tmp_path / "store" / "quarantine").iterdir()}
        assert kept == {i.data for i in bad.values()}
        stored = {p.read_bytes() for p in (tmp_path / "store" / "envelopes").iterdir()}
        assert not stored & kept
        assert "WBS-2026-0004" not in {c.reference for c in desk.cases()}


def test_a_whole_bundle_failure_still_rejects_everything(tmp_path: Path) -> None:
    card = make_workstation(tmp_path)
    _, _, data = poisoned_bundle(card)
    altered = bytearray(data)
    altered[-300] ^= 0x01  # a byte of the last envelope: its entry hash fails
    bundle = write(tmp_path / "1.peluit", bytes(altered))
    with open_desk(tmp_path) as desk:
        before = snapshot(tmp_path)
        with pytest.raises(BundleRejected) as rejected:
            desk.import_bundle(bundle)
        assert rejected.value.check == "entry_sha256"
        assert snapshot(tmp_path) == before
        assert desk.quarantine() == []


def test_reexported_items_import_idempotently(tmp_path: Path) -> None:
    card = make_workstation(tmp_path)
    cases, _, data = poisoned_bundle(card)
    first = write(tmp_path / "1.peluit", data)
    again = write(tmp_path / "2.peluit", export_bundle(card.unit_id, cases, export_seq=2))
    with open_desk(tmp_path) as desk:
        desk.import_bundle(first)
        before = {p.name for p in (tmp_path / "store" / "envelopes").iterdir()}
        held = desk.quarantine()
        result = desk.import_bundle(again)
        assert result.new_envelopes == 0 and result.quarantined == []
        assert result.known_envelopes == sum(len(c.items) for c in cases)
        assert {p.name for p in (tmp_path / "store" / "envelopes").iterdir()} == before
        assert desk.quarantine() == held


def test_same_item_id_with_other_ciphertext_is_quarantined(tmp_path: Path) -> None:
    card = make_workstation(tmp_path)
    case = report_case(card, "WBS-2026-0001")
    first = write(tmp_path / "1.peluit", export_bundle(card.unit_id, [case]))
    tip = case.items[0]
    forged = Item(tip.item_id, "tip", tip.data[:-1] + bytes([tip.data[-1] ^ 1]))
    case.items = [forged]
    second = write(tmp_path / "2.peluit", export_bundle(card.unit_id, [case], export_seq=2))
    with open_desk(tmp_path) as desk:
        desk.import_bundle(first)
        result = desk.import_bundle(second)
        [held] = result.quarantined
        assert (held.item_id, held.check) == (tip.item_id.hex(), "item_conflict")
        assert "other content" in held.detail
        view = desk.case("WBS-2026-0001")  # the stored tip is untouched
        assert view.reading.answers and not view.reading.tip_error


def test_an_item_id_queued_as_a_reply_in_another_case_is_quarantined(tmp_path: Path) -> None:
    """Item ids of the outbox count too: an export may not reuse a queued reply's id."""
    card = make_workstation(tmp_path)
    case_a, case_b = report_case(card, "WBS-2026-0001"), report_case(card, "WBS-2026-0002")
    first = write(tmp_path / "1.peluit", export_bundle(card.unit_id, [case_a, case_b]))
    with open_desk(tmp_path) as desk:
        desk.import_bundle(first)
        reply_id = bytes.fromhex(desk.queue_reply("WBS-2026-0001", "Terima kasih."))
        context = Context(card.unit_id, case_b.case_id, "message", reply_id)
        recipients = [card.xwing_public_key, case_b.reporter.public()]
        text = json.dumps({"text": "Pesan lanjutan."}).encode()
        case_b.items = [Item(reply_id, "message", envelope.seal(text, recipients, context))]
        second = write(tmp_path / "2.peluit", export_bundle(card.unit_id, [case_b], export_seq=2))
        [held] = desk.import_bundle(second).quarantined
        assert (held.item_id, held.check) == (reply_id.hex(), "item_conflict")
        assert "another case" in held.detail


def test_message_for_a_case_never_seen_waits_and_a_reexport_releases_it(tmp_path: Path) -> None:
    """The issue's story: the tip's bundle was skipped with --allow-gap, a message came later."""
    card = make_workstation(tmp_path)
    case = report_case(card, "WBS-2026-0001")
    tip = list(case.items)
    case.items = []
    later = message(card, case, "Ada bukti baru.")
    second = write(tmp_path / "2.peluit", export_bundle(card.unit_id, [case], export_seq=2))
    case.items = [*tip, later]  # the console asked for the whole case again
    third = write(tmp_path / "3.peluit", export_bundle(card.unit_id, [case], export_seq=3))
    with open_desk(tmp_path) as desk:
        result = desk.import_bundle(second, allow_gap=True)
        [held] = result.quarantined
        assert (held.kind, held.check) == ("message", "case_unknown")
        assert "export" in held.detail
        assert desk.cases() == []
        result = desk.import_bundle(third)
        assert result.new_cases == ["WBS-2026-0001"] and result.new_envelopes == 2
        assert result.released == 1
        assert desk.quarantine() == []
        assert [q.check for q in desk.quarantine(include_released=True)] == ["case_unknown"]
        assert list((tmp_path / "store" / "quarantine").iterdir()) == []
        view = desk.case("WBS-2026-0001")
        assert [i.text for i in view.reading.items if i.kind == "message"] == ["Ada bukti baru."]


def test_retry_opens_held_items_once_their_case_is_known(tmp_path: Path) -> None:
    card = make_workstation(tmp_path)
    case = report_case(card, "WBS-2026-0001")
    tip = list(case.items)
    case.items = []
    message(card, case, "Tambahan.")
    early = write(tmp_path / "2.peluit", export_bundle(card.unit_id, [case], export_seq=2))
    case.items = tip
    late = write(tmp_path / "3.peluit", export_bundle(card.unit_id, [case], export_seq=3))
    with open_desk(tmp_path) as desk:
        desk.import_bundle(early, allow_gap=True)
        desk.import_bundle(late)
        [held] = desk.quarantine()
        assert desk.case("WBS-2026-0001").reading.items == []  # not released by itself
        retried = desk.retry_quarantine([held.id])
        assert retried.released == [held.id] and retried.held == []
        assert desk.quarantine() == []
        view = desk.case("WBS-2026-0001")
        assert [i.text for i in view.reading.items if i.kind == "message"] == ["Tambahan."]


def test_retry_keeps_what_still_does_not_open(tmp_path: Path) -> None:
    card = make_workstation(tmp_path)
    _, _, data = poisoned_bundle(card)
    bundle = write(tmp_path / "1.peluit", data)
    with open_desk(tmp_path) as desk:
        desk.import_bundle(bundle)
        held = desk.quarantine()
        before = snapshot(tmp_path)
        retried = desk.retry_quarantine(None)
        assert retried.released == [] and sorted(retried.held) == sorted(q.id for q in held)
        assert snapshot(tmp_path) == before
        with pytest.raises(Refused, match="nothing is held as #99"):
            desk.retry_quarantine([99])


# --- section 2: the reporter key is bound to the tip ---------------------------


def swapped_key_bundle(card: UnitCard) -> tuple[CaseSpec, CaseSpec, bytes]:
    honest = report_case(card, "WBS-2026-0001")
    victim = report_case(card, "WBS-2026-0002")
    attacker = Reporter.new()
    victim.meta_override = {"reporter_public_key": b64u_encode(attacker.public().to_bytes())}
    return honest, victim, export_bundle(card.unit_id, [honest, victim])


def test_swapped_reporter_key_quarantines_that_case(tmp_path: Path) -> None:
    card = make_workstation(tmp_path)
    honest, _, data = swapped_key_bundle(card)
    bundle = write(tmp_path / "1.peluit", data)
    with open_desk(tmp_path) as desk:
        result = desk.import_bundle(bundle)
        assert result.new_cases == ["WBS-2026-0001"]
        assert [c.reference for c in desk.cases()] == ["WBS-2026-0001"]
        [held] = desk.quarantine()
        assert (held.reference, held.kind, held.check) == ("WBS-2026-0002", "tip", "reporter_key")
        assert "reporter key" in held.detail
        stored = desk.store.case("WBS-2026-0001").reporter_public_key
        assert stored == honest.reporter.public().to_bytes()


def test_honest_bundle_binds_the_reporter_key(tmp_path: Path) -> None:
    card = make_workstation(tmp_path)
    case = report_case(card, "WBS-2026-0001")
    bundle = write(tmp_path / "1.peluit", export_bundle(card.unit_id, [case]))
    with open_desk(tmp_path) as desk:
        result = desk.import_bundle(bundle)
        assert result.new_cases == ["WBS-2026-0001"] and result.quarantined == []
        row = desk.store.case("WBS-2026-0001")
        assert row.reporter_public_key == case.reporter.public().to_bytes()


def test_known_case_with_another_key_keeps_its_key_and_is_quarantined(tmp_path: Path) -> None:
    card = make_workstation(tmp_path)
    case = report_case(card, "WBS-2026-0001")
    first = write(tmp_path / "1.peluit", export_bundle(card.unit_id, [case]))
    honest_key = case.reporter.public().to_bytes()
    case.items = []
    message(card, case, "Tambahan.")
    case.reporter = Reporter.new()
    case.status = "diverifikasi"
    other = report_case(card, "WBS-2026-0002")
    second = write(tmp_path / "2.peluit", export_bundle(card.unit_id, [case, other], export_seq=2))
    with open_desk(tmp_path) as desk:
        desk.import_bundle(first)
        result = desk.import_bundle(second)
        assert result.new_cases == ["WBS-2026-0002"]
        [held] = result.quarantined
        assert (held.kind, held.check) == ("message", "case_changed")
        row = desk.store.case("WBS-2026-0001")
        assert row.reporter_public_key == honest_key and row.status == "diterima"


def test_quarantined_hashes_are_recorded(tmp_path: Path) -> None:
    card = make_workstation(tmp_path)
    _, bad, data = poisoned_bundle(card)
    with open_desk(tmp_path) as desk:
        desk.import_bundle(write(tmp_path / "1.peluit", data))
        assert {q.sha256 for q in desk.quarantine()} == {
            hashlib.sha256(i.data).hexdigest() for i in bad.values()
        }


def test_cli_lists_and_retries_the_quarantine(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from workstation.cli import main

    card = make_workstation(tmp_path)
    _, _, data = poisoned_bundle(card)
    bundle = write(tmp_path / "1.peluit", data)
    where = ["-C", str(tmp_path)]
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSPHRASE + "\n"))
    assert main(["import", str(bundle), *where]) == 0
    out = capsys.readouterr().out
    assert "3 new case(s)" in out and out.count("quarantined: #") == 3
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSPHRASE + "\n"))
    assert main(["quarantine", "list", *where]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and all(": envelope (" in line for line in lines)
    assert any("WBS-2026-0004 tip of 2026-11-23" in line for line in lines)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSPHRASE + "\n"))
    assert main(["quarantine", "retry", *where]) == 0
    assert "released 0 item(s), 3 still held" in capsys.readouterr().out


def test_local_ui_import_names_what_was_quarantined(tmp_path: Path) -> None:
    from test_ws_ui import UiClient

    from workstation.ui.app import create_ui_app

    card = make_workstation(tmp_path)
    _, _, data = poisoned_bundle(card)
    bundle = write(tmp_path / "1.peluit", data)
    app = create_ui_app(tmp_path, today=TODAY)
    client = UiClient(app)
    try:
        client.login()
        done = client.post("/impor", {"csrf": client.csrf(), "path": str(bundle)})
        assert done.status_code == 200 and "3 kasus baru" in done.text
        assert done.text.count("Dikarantina, tidak dibuka") == 3
        held = "WBS-2026-0004 · Laporan · 23 Nov 2026 · tidak dapat dibuka dengan kunci unit ini"
        assert held in done.text  # the kind, the day and the reason in the page's words
        assert "tip 2026-11-23" not in done.text and "does not open" not in done.text
    finally:
        app.state.ui.log_out()
