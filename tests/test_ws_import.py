"""Importing export bundles: the good path, and hostile bundles that must change nothing."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from test_ws_support import (
    PASSPHRASE,
    TODAY,
    CaseSpec,
    Item,
    export_bundle,
    make_workstation,
    report_case,
    sealed,
    snapshot,
)

from crypto.b64 import b64u_encode
from crypto.secret import SecretStr
from crypto.signing import SigningKey
from crypto.unit_card import UnitCard
from crypto.xwing import XWingPrivateKey
from workstation.desk import Desk
from workstation.errors import BundleRejected


def open_desk(folder: Path) -> Desk:
    return Desk.open(folder, SecretStr(PASSPHRASE), today=TODAY)


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def u32(n: int) -> bytes:
    return n.to_bytes(4, "big")


def raw_bundle(header: dict, entries: list[tuple[int, dict, int, bytes]]) -> bytes:
    """A bundle framed by hand, with a correct trailer, so one chosen defect stands alone."""

    def js(d: dict) -> bytes:
        return json.dumps(d, separators=(",", ":")).encode()

    body = b"PELUITX\x01" + u32(len(js(header))) + js(header)
    for entry_type, meta, data_len, data in entries:
        body += bytes([entry_type]) + u32(len(js(meta))) + js(meta)
        body += data_len.to_bytes(8, "big") + data
    trailer = js({"entries": len(entries), "sha256": hashlib.sha256(body).hexdigest()})
    return body + b"\xff" + u32(len(trailer)) + trailer + bytes(8)


def test_import_stores_ciphertext_as_it_arrived_under_random_names(tmp_path: Path) -> None:
    card = make_workstation(tmp_path)
    case = report_case(
        card, "WBS-2026-0001", attachments=[("a.pdf", "application/pdf", b"%PDF-1.7 x")]
    )
    bundle = write(tmp_path / "export.peluit", export_bundle(card.unit_id, [case]))
    with open_desk(tmp_path) as desk:
        result = desk.import_bundle(bundle)
        assert result.new_cases == ["WBS-2026-0001"] and result.new_envelopes == 2
        files = sorted((tmp_path / "store" / "envelopes").iterdir())
        stored = {p.read_bytes() for p in files}
        assert stored == {item.data for item in case.items}
        ids = {item.item_id.hex() for item in case.items}
        assert all(p.name not in ids and len(p.name) == 32 for p in files)
        assert list((tmp_path / "store" / "staging").iterdir()) == []
        [summary] = desk.cases()
        assert (summary.reference, summary.status, summary.items) == (
            "WBS-2026-0001",
            "diterima",
            2,
        )


def test_a_later_export_updates_status_and_adds_messages(tmp_path: Path) -> None:
    card = make_workstation(tmp_path)
    case = report_case(card, "WBS-2026-0001")
    first = write(tmp_path / "1.peluit", export_bundle(card.unit_id, [case]))
    tip = list(case.items)
    case.items = []
    case.status = "diverifikasi"
    sealed(card.unit_id, [card.xwing_public_key, case.reporter.public()], case, "message",
           json.dumps({"text": "Ada bukti baru."}).encode())  # fmt: skip
    second = write(tmp_path / "2.peluit", export_bundle(card.unit_id, [case], export_seq=2))
    with open_desk(tmp_path) as desk:
        desk.import_bundle(first)
        result = desk.import_bundle(second)
        assert result.updated_cases == ["WBS-2026-0001"] and result.new_envelopes == 1
        view = desk.case("wbs-2026-0001")
        assert view.status == "diverifikasi"
        assert [i.text for i in view.reading.items] == ["Ada bukti baru."]
        assert len(desk.store.envelopes(view.case_id)) == len(tip) + 1


# --- hostile bundles ---------------------------------------------------------

Maker = Callable[[UnitCard, Path], bytes]


def _good(card: UnitCard, ref: str = "WBS-2026-0002") -> CaseSpec:
    return report_case(card, ref, attachments=[("x.png", "image/png", b"\x89PNG\r\n\x1a\n....")])


def truncated(card: UnitCard, _: Path) -> bytes:
    return export_bundle(card.unit_id, [_good(card)], export_seq=2)[:-500]


def trailing_bytes(card: UnitCard, _: Path) -> bytes:
    return export_bundle(card.unit_id, [_good(card)], export_seq=2) + b"\x00"


def oversized_data_len(card: UnitCard, _: Path) -> bytes:
    case = _good(card)
    item = case.items[0]
    header = {"format": "peluit-export-bundle", "version": 1, "unit_id": card.unit_id,
              "export_seq": 2, "created": "2026-11-23", "since_seq": 1, "cases": 1,
              "envelopes": 1, "bytes": 1 << 40}  # fmt: skip
    case_meta = {"case_id": case.case_id.hex(), "reference": "WBS-2026-0002", "status": "diterima",
                 "submitted": "2026-11-23", "status_day": "2026-11-23",
                 "reporter_public_key": b64u_encode(case.reporter.public().to_bytes())}  # fmt: skip
    env_meta = {"case_id": case.case_id.hex(), "item_id": item.item_id.hex(), "kind": item.kind,
                "author": "reporter", "day": "2026-11-23", "size": 1 << 40,
                "sha256": hashlib.sha256(item.data).hexdigest()}  # fmt: skip
    return raw_bundle(header, [(1, case_meta, 0, b""), (2, env_meta, 1 << 40, item.data)])


def declared_small_entries_huge(card: UnitCard, _: Path) -> bytes:
    return export_bundle(card.unit_id, [_good(card)], export_seq=2, header_override={"bytes": 10})


def duplicated_entry(card: UnitCard, _: Path) -> bytes:
    case = _good(card)
    case.items.append(case.items[0])
    return export_bundle(card.unit_id, [case], export_seq=2)


def duplicated_case(card: UnitCard, _: Path) -> bytes:
    case = _good(card)
    return export_bundle(card.unit_id, [case, case], export_seq=2)


def altered_hash(card: UnitCard, _: Path) -> bytes:
    data = bytearray(export_bundle(card.unit_id, [_good(card)], export_seq=2))
    data[-200] ^= 0x01  # inside the last envelope's body
    return bytes(data)


def path_in_reference(card: UnitCard, _: Path) -> bytes:
    case = _good(card)
    case.meta_override = {"reference": "../../etc/passwd"}
    return export_bundle(card.unit_id, [case], export_seq=2)


def path_in_item_id(card: UnitCard, _: Path) -> bytes:
    case = _good(card)
    item = case.items[0]
    header = {"format": "peluit-export-bundle", "version": 1, "unit_id": card.unit_id,
              "export_seq": 2, "created": "2026-11-23", "since_seq": 1, "cases": 1,
              "envelopes": 1, "bytes": len(item.data)}  # fmt: skip
    case_meta = {"case_id": case.case_id.hex(), "reference": "WBS-2026-0002", "status": "diterima",
                 "submitted": "2026-11-23", "status_day": "2026-11-23",
                 "reporter_public_key": b64u_encode(case.reporter.public().to_bytes())}  # fmt: skip
    env_meta = {"case_id": case.case_id.hex(), "item_id": "../../etc/passwd", "kind": item.kind,
                "author": "reporter", "day": "2026-11-23", "size": len(item.data),
                "sha256": hashlib.sha256(item.data).hexdigest()}  # fmt: skip
    return raw_bundle(header, [(1, case_meta, 0, b""), (2, env_meta, len(item.data), item.data)])


def envelope_for_another_unit(card: UnitCard, _: Path) -> bytes:
    other = UnitCard.create(SigningKey.generate(), XWingPrivateKey.generate()[1].public_key(),
                            "inspektorat-lain", "Lain", "", TODAY)  # fmt: skip
    case = _good(card)
    sealed(card.unit_id, [other.xwing_public_key], case, "message", b'{"text": "x"}')
    return export_bundle(card.unit_id, [case], export_seq=2)


def envelope_bound_to_another_unit_id(card: UnitCard, _: Path) -> bytes:
    case = _good(card)
    sealed("inspektorat-lain", [card.xwing_public_key], case, "message", b'{"text": "x"}')
    return export_bundle(card.unit_id, [case], export_seq=2)


def envelope_moved_to_another_case(card: UnitCard, _: Path) -> bytes:
    first, second = _good(card), _good(card, "WBS-2026-0003")
    second.items.append(Item(first.items[-1].item_id, "tip", first.items[-1].data))
    first.items.pop()
    return export_bundle(card.unit_id, [first, second], export_seq=2)


def bundle_for_another_unit(card: UnitCard, _: Path) -> bytes:
    return export_bundle("inspektorat-lain", [_good(card)], export_seq=2)


def replayed_bundle(card: UnitCard, folder: Path) -> bytes:
    return (folder / "first.peluit").read_bytes()


def gap_in_exports(card: UnitCard, _: Path) -> bytes:
    return export_bundle(card.unit_id, [_good(card)], export_seq=5, since_seq=4)


def unknown_status(card: UnitCard, _: Path) -> bytes:
    case = _good(card)
    case.status = "dibakar"
    return export_bundle(card.unit_id, [case], export_seq=2)


def tip_written_by_unit(card: UnitCard, _: Path) -> bytes:
    case = _good(card)
    case.items[-1].author = "unit"
    return export_bundle(card.unit_id, [case], export_seq=2)


def changed_reporter_key(card: UnitCard, folder: Path) -> bytes:
    case = _good(card, "WBS-2026-0001")
    case.case_id = bytes.fromhex(json.loads((folder / "first-case-id").read_text()))
    case.items = []
    return export_bundle(card.unit_id, [case], export_seq=2)


HOSTILE: dict[str, tuple[Maker, str]] = {
    "truncated": (truncated, "truncated"),
    "trailing bytes": (trailing_bytes, "trailing_bytes"),
    "oversized data_len": (oversized_data_len, "data_len"),
    "declared totals small, entries huge": (declared_small_entries_huge, "declared_totals"),
    "duplicated entry": (duplicated_entry, "duplicate"),
    "duplicated case": (duplicated_case, "duplicate"),
    "altered hash": (altered_hash, "entry_sha256"),
    "path in a reference": (path_in_reference, "field_value"),
    "path in an item id": (path_in_item_id, "field_value"),
    "bundle for another unit": (bundle_for_another_unit, "unit"),
    "replayed bundle": (replayed_bundle, "export_seq"),
    "gap in exports": (gap_in_exports, "export_seq"),
}

# One bad entry, not a bad bundle: it is quarantined (tests/test_ws_quarantine.py) and
# the rest imports. (name: maker, the check each held row names, the cases imported)
HELD: dict[str, tuple[Maker, list[tuple[str, str]], list[str]]] = {
    "envelope for another unit's key": (
        envelope_for_another_unit, [("message", "envelope")], ["WBS-2026-0002"]
    ),
    "envelope bound to another unit id": (
        envelope_bound_to_another_unit_id, [("message", "envelope")], ["WBS-2026-0002"]
    ),
    "envelope moved to another case": (
        envelope_moved_to_another_case, [("tip", "envelope")], ["WBS-2026-0002", "WBS-2026-0003"]
    ),
    "unknown status": (unknown_status, [("tip", "status"), ("attachment", "status")], []),
    "tip written by the unit": (tip_written_by_unit, [("attachment", "author")], ["WBS-2026-0002"]),
    "known case with another reporter key": (
        changed_reporter_key, [("case", "case_changed")], []
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_bundle_is_rejected_and_changes_nothing(tmp_path: Path, name: str) -> None:
    card = make_workstation(tmp_path)
    first_case = report_case(card, "WBS-2026-0001")
    first = write(tmp_path / "first.peluit", export_bundle(card.unit_id, [first_case]))
    (tmp_path / "first-case-id").write_text(json.dumps(first_case.case_id.hex()))
    maker, check = HOSTILE[name]
    hostile = write(tmp_path / "hostile.peluit", maker(card, tmp_path))
    with open_desk(tmp_path) as desk:
        desk.import_bundle(first)
        before = snapshot(tmp_path)
        with pytest.raises(BundleRejected) as rejected:
            desk.import_bundle(hostile)
        assert rejected.value.check == check
        assert rejected.value.user_message.startswith("bundle rejected: ")
        assert "nothing was imported" in rejected.value.user_message
        assert snapshot(tmp_path) == before
        assert list((tmp_path / "store" / "staging").iterdir()) == []


@pytest.mark.parametrize("name", sorted(HELD))
def test_hostile_entry_is_quarantined_and_the_rest_imports(tmp_path: Path, name: str) -> None:
    card = make_workstation(tmp_path)
    first_case = report_case(card, "WBS-2026-0001")
    first = write(tmp_path / "first.peluit", export_bundle(card.unit_id, [first_case]))
    (tmp_path / "first-case-id").write_text(json.dumps(first_case.case_id.hex()))
    maker, held, imported = HELD[name]
    hostile = write(tmp_path / "hostile.peluit", maker(card, tmp_path))
    with open_desk(tmp_path) as desk:
        desk.import_bundle(first)
        result = desk.import_bundle(hostile)
        assert sorted((q.kind, q.check) for q in result.quarantined) == sorted(held)
        assert [q.id for q in desk.quarantine()] == [q.id for q in result.quarantined]
        assert sorted(result.new_cases) == imported
        assert sorted(c.reference for c in desk.cases()) == sorted(["WBS-2026-0001", *imported])
        assert desk.store.last_export_seq() == 2
        assert list((tmp_path / "store" / "staging").iterdir()) == []
