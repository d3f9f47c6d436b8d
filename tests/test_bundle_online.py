"""Bundles on the real store: export, read as the workstation would, reply, import.

Real app, real SQLite file and data folder, real envelopes and signatures.
Every must-reject case of docs/spec/bundles-v1.md for reply bundles checks
that the error names the failed check AND that the database rows and the
data folder's files are exactly as before.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from app_fixtures import (
    AppClient,
    Env,
    Submission,
    Workstation,
    case_pow,
    lookup_body,
    make_env,
    make_unit,
    open_upload,
)
from vault_sql import refuse_inserts, vault_sql

from common.case_status import TRANSITIONS, CaseStatus
from crypto.b64 import b64u_decode, b64u_encode
from crypto.bundle import BundleReader, Entry, Kind
from crypto.bundle_schema import REPLY, STATUS, TEMPLATE, BundleError
from crypto.bundle_template import sign_template
from crypto.bundle_writer import BundleWriter, encode_json, u32, u64
from crypto.context import Context
from crypto.envelope import open_envelope, seal
from crypto.reply import sign_reply, verify_reply
from crypto.signing import SigningKey

OTHER_UNIT = "inspektorat-lain"


# --- the workstation's side, built with crypto/ only --------------------------


def read_export(data: bytes) -> tuple[dict[str, Any], list[Entry]]:
    """Read an export bundle as the workstation does: the shared streaming reader."""
    reader = BundleReader(io.BytesIO(data), Kind.EXPORT, io.BytesIO)  # small: in memory
    return reader.header, list(reader.entries())


@dataclass
class ReplyBundle:
    """A reply bundle under construction, as workstation/reply_bundle.py would write it."""

    unit: Workstation
    sequence: int = 1
    unit_id: str | None = None
    entries: list[tuple[int, dict[str, Any], bytes]] = field(default_factory=list)

    def reply(self, case_id: str, reporter: Any, text: str = "Terima kasih.") -> str:
        item = secrets.token_bytes(16)
        context = Context(self.unit.card.unit_id, bytes.fromhex(case_id), "reply", item)
        body = json.dumps({"text": text, "status": None, "template": None}).encode()
        plaintext = sign_reply(self.unit.signing, context, body)
        data = seal(plaintext, [reporter.public_key(), self.unit.card.xwing_public_key], context)
        meta = {
            "case_id": case_id,
            "item_id": item.hex(),
            "sha256": hashlib.sha256(data).hexdigest(),
        }
        self.entries.append((REPLY, meta, data))
        return item.hex()

    def status(self, case_id: str, status: str, **codes: str | None) -> None:
        meta = {"case_id": case_id, "status": status, "outcome": None, "reason": None}
        meta["target"] = None
        meta.update(codes)
        self.entries.append((STATUS, meta, b""))

    def template(self, template_id: str, text: str) -> None:
        signature = sign_template(self.unit.signing, self.unit.card.unit_id, template_id, text)
        meta = {"template_id": template_id, "text": text, "signature": b64u_encode(signature)}
        self.entries.append((TEMPLATE, meta, b""))

    def header(self) -> dict[str, Any]:
        return {
            "format": "peluit-reply-bundle",
            "version": 1,
            "unit_id": self.unit_id or self.unit.card.unit_id,
            "sequence": self.sequence,
            "created": "2026-11-24",
        }

    def to_bytes(self, signing_key: SigningKey | None = None) -> bytes:
        out = io.BytesIO()
        writer = BundleWriter(out, Kind.REPLY, self.header())
        for entry_type, meta, data in self.entries:
            writer.add(entry_type, meta, data)
        writer.finish(signing_key or self.unit.signing)
        return out.getvalue()


def resign(data: bytes, key: SigningKey) -> bytes:
    """Replace a reply bundle's signature after its bytes were changed."""
    from crypto import labels

    body = data[:-64]
    return body + key.sign(labels.SIG_REPLY_BUNDLE, hashlib.sha256(body).digest())


# --- the reporter's side --------------------------------------------------------


def submit(env: Env, client: AppClient, unit: Workstation | None = None) -> Submission:
    report = Submission(unit or env.unit)
    created = client.post(
        "/api/cases",
        json=report.case_body(open_upload(client), pow=case_pow(client, report.unit.card.unit_id)),
    )
    assert created.status_code == 201, created.text
    return report


def reporter_view(client: AppClient, report: Submission) -> dict[str, Any]:
    answer = client.post("/api/case", json=lookup_body(client), headers=report.authorization())
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


@pytest.fixture
def env(tmp_path: Path) -> Env:
    return make_env(tmp_path)


def do_import(env: Env, data: bytes) -> Any:
    return env.store.import_reply_bundle(io.BytesIO(data), actor="inspektur")


# --- the round trip -------------------------------------------------------------


def test_round_trip_export_read_reply_import_reporter_sees_it(env: Env) -> None:
    with AppClient(env.app) as client:
        report = submit(env, client)
        out = io.BytesIO()
        summary = env.store.export_bundle(env.unit.card.unit_id, out, actor="inspektur")
        assert (summary.export_seq, summary.cases, summary.envelopes) == (1, 1, 1)

        header, entries = read_export(out.getvalue())
        assert header["unit_id"] == env.unit.card.unit_id and header["export_seq"] == 1
        case_entry, tip_entry = entries
        case_id = case_entry.meta["case_id"]
        assert case_id == report.case_id.hex() and case_entry.meta["status"] == "diterima"
        assert b64u_decode(case_entry.meta["reporter_public_key"]) == (
            report.reporter.public_key().to_bytes()
        )
        context = Context(
            env.unit.card.unit_id, report.case_id, "tip", bytes.fromhex(tip_entry.meta["item_id"])
        )
        assert open_envelope(tip_entry.data.read(), [env.unit.xwing], context) == b'{"apa": "uji"}'

        bundle = ReplyBundle(env.unit)
        reply_id = bundle.reply(case_id, report.reporter, "Laporan Anda sedang diverifikasi.")
        bundle.status(case_id, "diverifikasi")
        bundle.template("diterima", "Laporan Anda telah diterima.")
        applied = do_import(env, bundle.to_bytes())
        assert (applied.sequence, applied.replies, applied.status_changes, applied.templates) == (
            1,
            1,
            1,
            1,
        )

        view = reporter_view(client, report)
        assert view["status"] == "diverifikasi"
        replies = [item for item in view["items"] if item["kind"] == "reply"]
        assert [b64u_decode(item["item_id"]).hex() for item in replies] == [reply_id]
        assert replies[0]["author"] == "unit"
        fetched = client.post(
            f"/api/case/items/{replies[0]['item_id']}",
            json=lookup_body(client),
            headers=report.authorization(),
        )
        assert fetched.status_code == 200, fetched.text
        reply_context = Context(
            env.unit.card.unit_id, report.case_id, "reply", bytes.fromhex(reply_id)
        )
        plaintext = open_envelope(fetched.content, [report.reporter], reply_context)
        body = verify_reply(env.unit.card.ed25519_public_key, reply_context, plaintext)
        assert json.loads(body)["text"] == "Laporan Anda sedang diverifikasi."

    with vault_sql(env.data / "vault.sqlite3") as db:
        assert db.execute("SELECT template_id, text FROM ack_templates").fetchall() == [
            ("diterima", "Laporan Anda telah diterima.")
        ]
        actions = [row[0] for row in db.execute("SELECT action FROM audit_log ORDER BY seq")]
    assert "export" in actions and "import" in actions

    # The next export carries the case again (new status, new reply), only what is new.
    again = io.BytesIO()
    second = env.store.export_bundle(env.unit.card.unit_id, again, actor="inspektur")
    _, entries = read_export(again.getvalue())
    assert (second.export_seq, second.since_seq) == (2, 1)
    assert [(e.name, e.meta.get("item_id")) for e in entries] == [
        ("case", None),
        ("envelope", reply_id),
    ]
    assert entries[0].meta["status"] == "diverifikasi"


def test_sequences_follow_each_other(env: Env) -> None:
    with AppClient(env.app) as client:
        report = submit(env, client)
    case_id = report.case_id.hex()
    first = ReplyBundle(env.unit, sequence=1)
    first.status(case_id, "diverifikasi")
    do_import(env, first.to_bytes())
    second = ReplyBundle(env.unit, sequence=2)
    second.status(case_id, "perlu_informasi")
    second.status(case_id, "diverifikasi")  # back to the state it paused from
    second.status(case_id, "ditindaklanjuti")
    second.status(case_id, "selesai", outcome="terbukti")
    assert do_import(env, second.to_bytes()).status_changes == 4
    assert env.store.get_case(case_id).status is CaseStatus.SELESAI


def test_export_holds_only_new_or_changed_cases(env: Env) -> None:
    unit_id = env.unit.card.unit_id
    with AppClient(env.app) as client:
        quiet = submit(env, client)
        busy = submit(env, client)
        env.store.export_bundle(unit_id, io.BytesIO(), actor="inspektur")
        nothing = io.BytesIO()
        empty = env.store.export_bundle(unit_id, nothing, actor="inspektur")
        assert (empty.cases, empty.envelopes, empty.export_seq) == (0, 0, 2)
        assert read_export(nothing.getvalue())[1] == []
    message = busy.sealed("message", b"tambahan")
    env.store.append_reporter_message(
        busy.case_id, b64u_decode(message["item_id"]), b64u_decode(message["envelope"])
    )
    env.store.set_status(quiet.case_id, CaseStatus.DIVERIFIKASI)
    out = io.BytesIO()
    third = env.store.export_bundle(unit_id, out, actor="inspektur")
    _, entries = read_export(out.getvalue())
    cases = {e.meta["case_id"]: e for e in entries if e.name == "case"}
    envelopes = [e for e in entries if e.name == "envelope"]
    assert set(cases) == {quiet.case_id.hex(), busy.case_id.hex()}
    assert [e.meta["kind"] for e in envelopes] == ["message"]
    assert envelopes[0].meta["case_id"] == busy.case_id.hex()
    assert (third.cases, third.envelopes) == (2, 1)


class _FailingOutput(io.RawIOBase):
    """An output that breaks after ``limit`` bytes (a USB stick pulled out)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.written = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if self.written + len(data) > self.limit:
            raise OSError(28, "No space left on device")
        self.written += len(data)
        return len(data)


def test_an_export_that_fails_midway_changes_nothing_and_can_be_retried(env: Env) -> None:
    with AppClient(env.app) as client:
        submit(env, client)
    before = env.snapshot()
    with pytest.raises(OSError):
        env.store.export_bundle(env.unit.card.unit_id, _FailingOutput(2000), actor="inspektur")
    assert env.snapshot() == before

    def refuse() -> None:
        raise OSError(17, "File exists")

    with pytest.raises(OSError):
        env.store.export_bundle(env.unit.card.unit_id, io.BytesIO(), actor="x", on_written=refuse)
    assert env.snapshot() == before
    retried = env.store.export_bundle(env.unit.card.unit_id, io.BytesIO(), actor="inspektur")
    assert (retried.export_seq, retried.cases, retried.envelopes) == (1, 1, 1)


def test_export_records_days_ids_and_counts_only(env: Env) -> None:
    with AppClient(env.app) as client:
        submit(env, client)
    env.store.export_bundle(env.unit.card.unit_id, io.BytesIO(), actor="inspektur")
    with vault_sql(env.data / "vault.sqlite3") as db:
        [(unit, seq, day, cases, envelopes, size)] = db.execute("SELECT * FROM bundle_exports")
        detail = db.execute("SELECT detail FROM audit_log WHERE action = 'export'").fetchone()[0]
    assert (unit, seq, cases, envelopes) == (env.unit.card.unit_id, 1, 1, 1) and size > 0
    assert len(day) == 10
    assert json.loads(detail) == {"cases": 1, "envelopes": 1, "export_seq": 1}


# --- must reject (reply bundles, online) ----------------------------------------


@dataclass
class Scene:
    env: Env
    report: Submission
    other: Workstation
    other_report: Submission

    @property
    def case_id(self) -> str:
        return self.report.case_id.hex()


@pytest.fixture
def scene(env: Env) -> Scene:
    other = make_unit(OTHER_UNIT)
    env.store.register_unit(other.card.to_json())
    with AppClient(env.app) as client:
        report = submit(env, client)
        other_report = submit(env, client, other)
    return Scene(env, report, other, other_report)


def good(scene: Scene, sequence: int = 1) -> ReplyBundle:
    bundle = ReplyBundle(scene.env.unit, sequence=sequence)
    bundle.reply(scene.case_id, scene.report.reporter)
    bundle.status(scene.case_id, "diverifikasi")
    return bundle


def rejected(scene: Scene, data: bytes, check: str, words: str) -> None:
    before = scene.env.snapshot()
    with pytest.raises(BundleError) as caught:
        do_import(scene.env, data)
    assert caught.value.check == check
    assert caught.value.user_message.startswith("bundle rejected: ")
    assert words in caught.value.user_message
    assert scene.env.snapshot() == before


def _replace_once(data: bytes, old: bytes, new: bytes) -> bytes:
    assert data.count(old) == 1 and len(old) == len(new)
    return data.replace(old, new)


def test_reject_bad_signature(scene: Scene) -> None:
    data = bytearray(good(scene).to_bytes())
    data[-1] ^= 1
    rejected(scene, bytes(data), "signature", "signature does not verify")


def test_reject_signature_by_another_unit(scene: Scene) -> None:
    rejected(scene, good(scene).to_bytes(scene.other.signing), "signature", "signature")


def test_reject_replayed_sequence(scene: Scene) -> None:
    data = good(scene).to_bytes()
    do_import(scene.env, data)
    rejected(scene, data, "sequence", "already applied")


def test_reject_skipped_sequence(scene: Scene) -> None:
    rejected(scene, good(scene, sequence=2).to_bytes(), "sequence", "not the next one")


def test_reject_unknown_case(scene: Scene) -> None:
    bundle = good(scene)
    bundle.status(secrets.token_hex(16), "diverifikasi")
    rejected(scene, bundle.to_bytes(), "case_unknown", "entry 3 is for an unknown case")


def test_reject_reply_for_a_case_of_another_unit(scene: Scene) -> None:
    bundle = good(scene)
    bundle.reply(scene.other_report.case_id.hex(), scene.other_report.reporter)
    rejected(scene, bundle.to_bytes(), "case_unit", "entry 3 is for a case of another unit")


def test_reject_illegal_transition(scene: Scene) -> None:
    assert CaseStatus.SELESAI not in TRANSITIONS[CaseStatus.DIVERIFIKASI]
    bundle = good(scene)
    bundle.status(scene.case_id, "selesai", outcome="terbukti")  # diverifikasi -> selesai
    rejected(scene, bundle.to_bytes(), "transition", "entry 3 is an illegal status transition")


def test_reject_transition_with_a_missing_code(scene: Scene) -> None:
    bundle = good(scene)
    bundle.status(scene.case_id, "dilimpahkan")  # needs a target
    rejected(scene, bundle.to_bytes(), "transition", "entry 3")


def test_reject_unknown_status(scene: Scene) -> None:
    bundle = good(scene)
    bundle.status(scene.case_id, "dibatalkan")
    rejected(scene, bundle.to_bytes(), "status", "entry 3's status is not a lifecycle state")


def test_reject_malformed_entry(scene: Scene) -> None:
    bundle = good(scene)
    bundle.entries.append((STATUS, {"case_id": scene.case_id, "status": "diverifikasi"}, b""))
    rejected(scene, bundle.to_bytes(), "fields", "entry 3's meta lacks the field 'outcome'")


def test_reject_entry_field_of_the_wrong_type(scene: Scene) -> None:
    bundle = good(scene)
    bundle.status(scene.case_id, "ditindaklanjuti", outcome=7)  # type: ignore[arg-type]
    rejected(scene, bundle.to_bytes(), "field_value", "entry 3's meta's field 'outcome'")


def test_reject_unregistered_unit_id(scene: Scene) -> None:
    bundle = good(scene)
    bundle.unit_id = "tidak-terdaftar"
    rejected(scene, bundle.to_bytes(), "unit_id", "'tidak-terdaftar' is not a registered unit")


def test_reject_unit_id_of_another_registered_unit(scene: Scene) -> None:
    bundle = good(scene)
    bundle.unit_id = OTHER_UNIT  # signed by our unit, claims the other: its key says no
    rejected(scene, bundle.to_bytes(), "signature", "signature does not verify")


def test_reject_truncated(scene: Scene) -> None:
    data = good(scene).to_bytes()
    for cut in (len(data) - 1, len(data) - 64, len(data) // 2, 9):
        rejected(scene, data[:cut], "truncated", "truncated")


def test_reject_trailing_bytes(scene: Scene) -> None:
    rejected(scene, good(scene).to_bytes() + b"\x00", "trailing_bytes", "bytes after the end")


def test_reject_bad_trailer_hash(scene: Scene) -> None:
    data = good(scene).to_bytes()
    trailer_at = data.rindex(b'"sha256":"') + len(b'"sha256":"')
    old = data[trailer_at : trailer_at + 64]
    forged = _replace_once(data, old, hashlib.sha256(b"other").hexdigest().encode())
    rejected(scene, resign(forged, scene.env.unit.signing), "trailer_sha256", "trailer's sha256")


def test_reject_bad_trailer_count(scene: Scene) -> None:
    data = good(scene).to_bytes()
    forged = _replace_once(data, b'"entries":2', b'"entries":3')
    rejected(scene, resign(forged, scene.env.unit.signing), "trailer_entries", "entry count")


def test_reject_entry_hash_mismatch(scene: Scene) -> None:
    bundle = good(scene)
    entry_type, meta, data = bundle.entries[0]
    bundle.entries[0] = (entry_type, meta, data[:-1] + bytes([data[-1] ^ 1]))
    rejected(scene, bundle.to_bytes(), "entry_sha256", "entry 1's sha256 does not match its data")


def test_reject_duplicated_item(scene: Scene) -> None:
    bundle = good(scene)
    bundle.entries.append(bundle.entries[0])
    rejected(scene, bundle.to_bytes(), "duplicate", "entry 3 repeats an item_id")


def test_reject_item_id_that_exists(scene: Scene) -> None:
    tip_id = scene.env.store.list_envelopes(scene.case_id)[0].item_id
    bundle = good(scene)
    entry_type, meta, data = bundle.entries[0]
    bundle.entries[0] = (entry_type, {**meta, "item_id": tip_id}, data)
    rejected(scene, bundle.to_bytes(), "item_exists", "entry 1's item_id already exists")


def test_reject_reply_that_is_not_an_envelope(scene: Scene) -> None:
    bundle = good(scene)
    fake = b"PELUITE\x01" + bytes(16) + b"\x01" + b"plaintext, not sealed" * 10
    meta = {"case_id": scene.case_id, "item_id": secrets.token_hex(16)}
    bundle.entries.append((REPLY, {**meta, "sha256": hashlib.sha256(fake).hexdigest()}, fake))
    rejected(scene, bundle.to_bytes(), "envelope_shape", "entry 3 is not a plausible reply")


def test_reject_reply_with_a_wrong_magic(scene: Scene) -> None:
    bundle = good(scene)
    fake = b"plaintext reply " * 4
    meta = {"case_id": scene.case_id, "item_id": secrets.token_hex(16)}
    bundle.entries.append((REPLY, {**meta, "sha256": hashlib.sha256(fake).hexdigest()}, fake))
    rejected(scene, bundle.to_bytes(), "envelope_shape", "does not start like an envelope v1")


def test_reject_forged_template(scene: Scene) -> None:
    bundle = good(scene)
    bundle.template("diterima", "Laporan diterima.")
    entry_type, meta, data = bundle.entries[-1]
    bundle.entries[-1] = (entry_type, {**meta, "text": "Laporan ditolak."}, data)
    rejected(scene, bundle.to_bytes(), "template_signature", "entry 3's template signature")


def _raw_entry(entry_type: int, meta: bytes, data_len: int) -> bytes:
    return bytes([entry_type]) + u32(len(meta)) + meta + u64(data_len)


def _prefix(scene: Scene) -> bytes:
    body = encode_json(ReplyBundle(scene.env.unit).header())
    return b"PELUITR\x01" + u32(len(body)) + body


class _CountingSource(io.BytesIO):
    """Records how far the reader went."""

    high_water = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.high_water = max(self.high_water, self.tell())
        return data

    def readinto(self, buffer: Any) -> int:
        count = super().readinto(buffer)
        self.high_water = max(self.high_water, self.tell())
        return count


def test_reject_oversized_meta_before_reading_it(scene: Scene) -> None:
    head = _prefix(scene) + bytes([STATUS]) + u32(65537)
    data = head + b"{" + b" " * 65535 + b"}" + u64(0)
    source = _CountingSource(data)
    before = scene.env.snapshot()
    with pytest.raises(BundleError) as caught:
        scene.env.store.import_reply_bundle(source, actor="inspektur")
    assert caught.value.check == "json_size" and "entry 1's meta is larger than 64 KiB" in str(
        caught.value.user_message
    )
    assert source.high_water == len(head)
    assert scene.env.snapshot() == before


def test_reject_oversized_data_len_before_reading_it(scene: Scene) -> None:
    meta = encode_json(
        {"case_id": scene.case_id, "item_id": secrets.token_hex(16), "sha256": "0" * 64}
    )
    head = _prefix(scene) + _raw_entry(REPLY, meta, (1 << 20) + 1)
    source = _CountingSource(head + b"PELUITE\x01" + bytes(1 << 20))
    before = scene.env.snapshot()
    with pytest.raises(BundleError) as caught:
        scene.env.store.import_reply_bundle(source, actor="inspektur")
    assert caught.value.check == "data_len"
    assert "entry 1's data_len is over its bound" in caught.value.user_message
    assert source.high_water == len(head)
    assert scene.env.snapshot() == before


def test_reject_unknown_entry_type(scene: Scene) -> None:
    data = _prefix(scene) + _raw_entry(0x15, b"{}", 0)  # 0x14 is the quarantine report
    rejected(scene, data, "entry_type", "entry 1 has an unknown type 0x15")


def test_reject_export_bundle_offered_as_reply(scene: Scene) -> None:
    out = io.BytesIO()
    scene.env.store.export_bundle(scene.env.unit.card.unit_id, out, actor="inspektur")
    rejected(scene, out.getvalue(), "magic", "not a Peluit reply bundle")


def test_reject_bundle_over_the_importers_limit(scene: Scene) -> None:
    scene.env.store.import_limits = type(scene.env.store.import_limits)(max_entries=1)
    rejected(scene, good(scene).to_bytes(), "limit_entries", "entry 2 is over the limit")


def test_a_failed_commit_wipes_the_reply_blobs(scene: Scene) -> None:
    """The transaction fails at its last statement: the reply blob written before it goes."""
    with vault_sql(scene.env.data / "vault.sqlite3") as db:
        refuse_inserts(db, "reply_bundle_sequence", "refused by the test")
    blobs_before = stored_items(scene)
    rejected(scene, good(scene).to_bytes(), "conflict", "try again")
    assert stored_items(scene) == blobs_before


def stored_items(scene: Scene) -> list[str]:
    """Items whose ciphertext is stored (rows of pieces, not merely staged)."""
    return scene.env.store.blobs.item_ids()


# --- the command line -------------------------------------------------------------


def test_cli_export_and_import(
    env: Env, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from web.cli import main

    with AppClient(env.app) as client:
        report = submit(env, client)
    data = ["--data", str(env.data)]
    target = tmp_path / "ekspor-1.bundle"
    assert main([*data, "export", "--unit", env.unit.card.unit_id, "--out", str(target)]) == 0
    assert "export 1 of inspektorat-demo" in capsys.readouterr().out
    header, entries = read_export(target.read_bytes())
    assert header["export_seq"] == 1 and len(entries) == 2
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".tmp-")] == []

    snapshot = env.snapshot()
    assert main([*data, "export", "--unit", env.unit.card.unit_id, "--out", str(target)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "already exists" in err
    assert env.snapshot() == snapshot and read_export(target.read_bytes())[0]["export_seq"] == 1

    bundle = ReplyBundle(env.unit)
    bundle.status(report.case_id.hex(), "diverifikasi")
    reply_file = tmp_path / "balasan-1.bundle"
    reply_file.write_bytes(bundle.to_bytes())
    assert main([*data, "import", str(reply_file)]) == 0
    assert "reply bundle 1 of inspektorat-demo applied: 0 replies, 1 status changes" in (
        capsys.readouterr().out
    )
    assert main([*data, "import", str(reply_file)]) == 1
    err = capsys.readouterr().err
    assert err.splitlines()[0] == "error: bundle rejected: sequence 1 was already applied (replay)"
    assert err.splitlines()[1] == "hint: nothing was applied"


def test_no_file_is_left_in_the_data_folder_by_a_rejected_import(scene: Scene) -> None:
    bundle = good(scene)
    for _ in range(3):
        bundle.reply(scene.case_id, scene.report.reporter, "x" * 70_000)  # spilled to files
    data = bytearray(bundle.to_bytes())
    data[-1] ^= 1
    rejected(scene, bytes(data), "signature", "signature")
    assert not any(os.scandir(scene.env.data / "staging"))


def test_destroying_an_exported_case_removes_its_export_rows(env: Env) -> None:
    with AppClient(env.app) as client:
        report = submit(env, client)
    env.store.export_bundle(env.unit.card.unit_id, io.BytesIO(), actor="inspektur")
    assert env.store.destroy_case(report.case_id) == 1
    with vault_sql(env.data / "vault.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM exported_envelopes").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM exported_cases").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM bundle_exports").fetchone()[0] == 1
