"""Shared helpers for the workstation tests (real key files, real envelopes, real bundles).

Key files use Argon2id ops 1 and 8 MiB (the spec's smallest parameters)
instead of 256 MiB so that the suite runs in seconds; receipt codes are
derived with (1, 8192) for the same reason. Everything else is the real
thing: real SQLite files, real X-Wing, real bundles from crypto/bundle's
writer (the online vault uses the same writer).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import secrets
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crypto import envelope
from crypto.b64 import b64u_encode
from crypto.bundle_schema import CASE, ENVELOPE, Kind
from crypto.bundle_writer import BundleWriter
from crypto.context import Context
from crypto.key_file import read_key_file
from crypto.unit_card import UnitCard
from crypto.xwing import XWingPublicKey
from receipts.derivation import ReceiptKeys, derive
from receipts.receipt_code import generate
from workstation.ceremony import init_unit
from workstation.store import DB_FILE, STORE_DIR

PASSPHRASE = "kuda lari cepat di sawah hijau pagi"
UNIT_ID = "inspektorat-demo"
TODAY = dt.date(2026, 11, 23)
FAST_KDF = (1, 8192)  # the spec's minimum: tests only, so hundreds of openings stay fast
INSTANCE_SALT = bytes(range(16))


def make_workstation(folder: Path, unit_id: str = UNIT_ID) -> UnitCard:
    ceremony = init_unit(
        folder, unit_id=unit_id, name="Inspektorat Demo", jurisdiction="Kasus uji",
        passphrase=PASSPHRASE, today=TODAY, kdf_ops=FAST_KDF[0], kdf_mem_kib=FAST_KDF[1],
    )  # fmt: skip
    return ceremony.card


def unit_keys(folder: Path, passphrase: str = PASSPHRASE):  # type: ignore[no-untyped-def]
    return read_key_file((folder / "unit-key.json").read_bytes(), passphrase)


@dataclass
class Reporter:
    code: str
    keys: ReceiptKeys

    @classmethod
    def new(cls) -> Reporter:
        code = generate(1)
        return cls(code.digits, derive(code, INSTANCE_SALT, profile_override=FAST_KDF))

    def public(self) -> XWingPublicKey:
        return self.keys.public_key()


@dataclass
class Item:
    item_id: bytes
    kind: str
    data: bytes
    author: str = "reporter"
    day: str = "2026-11-23"


@dataclass
class CaseSpec:
    reference: str
    reporter: Reporter = field(default_factory=Reporter.new)
    case_id: bytes = field(default_factory=lambda: secrets.token_bytes(16))
    status: str = "diterima"
    items: list[Item] = field(default_factory=list)
    meta_override: dict[str, Any] = field(default_factory=dict)


def sealed(unit_id: str, recipients: list[XWingPublicKey], case: CaseSpec, kind: str,
           plaintext: bytes, author: str = "reporter") -> Item:  # fmt: skip
    item_id = secrets.token_bytes(16)
    context = Context(unit_id, case.case_id, kind, item_id)
    item = Item(item_id, kind, envelope.seal(plaintext, recipients, context), author)
    case.items.append(item)
    return item


def report_case(card: UnitCard, reference: str, *, answers: dict[str, Any] | None = None,
                attachments: list[tuple[str, str, bytes]] = (),  # type: ignore[assignment]
                identity: dict[str, str] | None = None,
                identity_to: XWingPublicKey | None = None) -> CaseSpec:  # fmt: skip
    """A case as the reporter's browser makes it: tip (+ described attachments), identity."""
    case = CaseSpec(reference)
    unit_key, reporter_key = card.xwing_public_key, case.reporter.public()
    described = []
    attached = []
    for name, mime, data in attachments:
        item = sealed(card.unit_id, [unit_key], case, "attachment", data)
        attached.append(item)
        described.append({"item_id": b64u_encode(item.item_id), "name": name, "type": mime,
                          "size": len(data), "cleaned": False})  # fmt: skip
    case.items.clear()
    tip = {"questionnaire": "wbs-default", "questionnaire_version": 1, "lang": "id",
           "answers": answers or {"category": "suap", "what": "Kepala dinas menerima suap.",
                                  "where": "Kantor dinas", "when": "Maret 2026"},
           "attachments": described}  # fmt: skip
    sealed(card.unit_id, [unit_key, reporter_key], case, "tip", json.dumps(tip).encode())
    case.items.extend(attached)
    if identity is not None:
        sealed(card.unit_id, [identity_to or unit_key, reporter_key], case, "identity",
               json.dumps(identity).encode())  # fmt: skip
    return case


def export_bundle(unit_id: str, cases: list[CaseSpec], *, export_seq: int = 1,
                  since_seq: int | None = None, header_override: dict[str, Any] | None = None,
                  ) -> bytes:  # fmt: skip
    out = io.BytesIO()
    total = sum(len(i.data) for c in cases for i in c.items)
    header = {"format": "peluit-export-bundle", "version": 1, "unit_id": unit_id,
              "export_seq": export_seq, "created": "2026-11-23",
              "since_seq": export_seq - 1 if since_seq is None else since_seq,
              "cases": len(cases), "envelopes": sum(len(c.items) for c in cases),
              "bytes": total}  # fmt: skip
    header.update(header_override or {})
    writer = BundleWriter(out, Kind.EXPORT, header)
    for case in cases:
        meta = {"case_id": case.case_id.hex(), "reference": case.reference,
                "status": case.status, "submitted": "2026-11-23", "status_day": "2026-11-23",
                "reporter_public_key": b64u_encode(case.reporter.public().to_bytes())}  # fmt: skip
        meta.update(case.meta_override)
        writer.add(CASE, meta)
        for item in case.items:
            writer.add(ENVELOPE, {"case_id": case.case_id.hex(), "item_id": item.item_id.hex(),
                                  "kind": item.kind, "author": item.author, "day": item.day,
                                  "size": len(item.data),
                                  "sha256": hashlib.sha256(item.data).hexdigest()},
                       item.data)  # fmt: skip
    writer.finish()
    return out.getvalue()


def snapshot(folder: Path) -> dict[str, Any]:
    """Everything the store holds: every table's rows and every file's hash."""
    root = folder / STORE_DIR
    state: dict[str, Any] = {}
    if (root / DB_FILE).exists():
        conn = sqlite3.connect(root / DB_FILE)
        try:
            tables = [
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            ]
            for table in sorted(tables):
                state[table] = sorted(map(repr, conn.execute(f"SELECT * FROM {table}")))  # noqa: S608
        finally:
            conn.close()
    for path in sorted(root.rglob("*")) if root.exists() else []:
        if path.is_file() and path.name not in (DB_FILE, DB_FILE + "-wal", DB_FILE + "-shm"):
            state[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return state


def test_helpers_make_a_bundle_the_reader_accepts(tmp_path: Path) -> None:
    from crypto.bundle import BundleReader

    card = make_workstation(tmp_path)
    data = export_bundle(card.unit_id, [report_case(card, "WBS-2026-0001")])
    reader = BundleReader(io.BytesIO(data), Kind.EXPORT, io.BytesIO)
    assert [e.name for e in reader.entries()] == ["case", "envelope"]
    assert unit_keys(tmp_path).unit_id == UNIT_ID
