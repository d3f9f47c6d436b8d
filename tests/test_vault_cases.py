"""Cases: atomic creation, receipt lookup, follow-ups, listing, status events."""

from __future__ import annotations

import datetime as dt
import secrets
import time
from dataclasses import replace
from pathlib import Path

import pytest
from vault_fixtures import (
    FixedDay,
    chunked,
    make_reporter,
    make_unit,
    new_id,
    open_store,
    seal,
    submission,
)

from common.case_status import CaseStatus
from crypto import envelope
from crypto.context import Context
from vault import cases
from vault.database import opened
from vault.errors import BadInput, Conflict, DailyCeiling, LimitExceeded, NotFound
from vault.limits import Limits

FIXED_NAMES = {
    "vault.sqlite3",
    "vault.sqlite3-wal",
    "vault.sqlite3-shm",
    "vault.sqlite3-writer.lock",
    "staging",
    "pepper",
    "instance_salt",
    "serving.lock",
}


@pytest.fixture
def world(tmp_path: Path):  # type: ignore[no-untyped-def]
    day = FixedDay()
    store = open_store(tmp_path, day=day)
    unit = make_unit()
    store.register_unit(unit.card)
    return store, unit, day


def table_counts(store) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with opened(store.folder.database_path) as db:
        return {
            t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608
            for t in ("cases", "envelopes", "status_events", "reference_counters")
        }


def test_create_case_with_identity_and_attachments(world) -> None:  # type: ignore[no-untyped-def]
    store, unit, _ = world
    reporter = make_reporter()
    case_id = new_id()
    attachment_ids = (new_id(), new_id())
    token = store.open_upload()
    attachments = {}
    for index, item_id in enumerate(attachment_ids):
        text = bytes([65 + index]) * (1_500_000 + index)  # more than one chunk
        sealed = seal(unit, reporter, case_id, "attachment", item_id, text)
        offset = 0
        for piece in chunked(sealed, 400_000):
            offset = store.append_upload(token, item_id, offset, [piece])
        attachments[item_id.hex()] = sealed
    sub = submission(
        unit,
        reporter=reporter,
        case_id=case_id,
        upload_token=token,
        attachment_ids=attachment_ids,
        identity=b"Nama: Budi",
    )
    created = store.create_case(sub.new)
    assert created.case_id == case_id.hex()
    assert created.reference == "WBS-2026-0001"
    assert created.submitted_day == "2026-11-23"
    listed = store.list_envelopes(case_id)
    assert [e.kind for e in listed] == ["tip", "identity", "attachment", "attachment"]
    assert [e.seq for e in listed] == [1, 2, 3, 4]
    assert {e.author for e in listed} == {"reporter"}
    for info in listed[2:]:
        data = b"".join(store.stream_envelope(case_id, info.item_id))
        assert data == attachments[info.item_id] and info.size == len(data)
    tip = b"".join(store.stream_envelope(case_id, sub.tip_id))
    ctx = Context(unit.unit_id, case_id, "tip", sub.tip_id)
    assert envelope.open_envelope(tip, [unit.xwing], ctx) == b"Kepala dinas menerima suap."
    with pytest.raises(NotFound):  # the session is gone once committed
        store.upload_sizes(token)
    # no file per report or attachment: the data folder holds only its fixed names
    names = {p.name for p in store.folder.root.rglob("*")}
    assert names <= FIXED_NAMES, names - FIXED_NAMES


def test_duplicate_case_id_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    store, unit, _ = world
    first = submission(unit)
    store.create_case(first.new)
    again = submission(unit, case_id=first.case_id)
    with pytest.raises(Conflict):
        store.create_case(again.new)
    assert table_counts(store)["cases"] == 1
    assert len(list(store.blobs.item_ids())) == 1


def test_reused_receipt_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    store, unit, _ = world
    first = submission(unit)
    store.create_case(first.new)
    with pytest.raises(Conflict):
        store.create_case(submission(unit, reporter=first.reporter).new)


def test_the_same_report_again_gets_the_stored_answer(world) -> None:  # type: ignore[no-untyped-def]
    """An answer lost on the way (or a commit whose fate was unknown): send it again."""
    store, unit, day = world
    first = submission(unit)
    created = store.create_case(first.new)
    day.day += dt.timedelta(days=1)  # a retry the next day: still the stored answer
    # A new tip id, as a retry whose envelopes were sealed again would send.
    again = submission(unit, case_id=first.case_id, reporter=first.reporter)
    assert store.create_case(again.new) == created
    assert (
        store.same_report(
            first.case_id, unit.unit_id, first.reporter.selector, first.reporter.validator
        )
        == created
    )
    counts = table_counts(store)
    assert (counts["cases"], counts["envelopes"], counts["status_events"]) == (1, 1, 1)
    assert store.same_report(new_id(), unit.unit_id, make_reporter().selector,
                             make_reporter().validator) is None  # fmt: skip


def test_the_same_report_again_needs_no_upload_session(world) -> None:  # type: ignore[no-untyped-def]
    """The first commit used the upload session up: the repeat is answered anyway."""
    store, unit, _ = world
    token = store.open_upload()
    reporter, case_id, attachment = make_reporter(), new_id(), new_id()
    data = seal(unit, reporter, case_id, "attachment", attachment, b"foto")
    store.append_upload(token, attachment, 0, chunked(data))
    first = submission(unit, reporter=reporter, case_id=case_id, upload_token=token,
                       attachment_ids=(attachment,))  # fmt: skip
    created = store.create_case(first.new)
    with pytest.raises(NotFound):
        store.upload_sizes(token)
    assert store.create_case(first.new) == created
    assert table_counts(store)["envelopes"] == 2


def test_the_same_case_id_with_another_receipt_or_unit_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    """Knowing a case id opens nothing: its reference needs the receipt too."""
    store, unit, _ = world
    other_unit = make_unit("inspektorat-lain")
    store.register_unit(other_unit.card)
    first = submission(unit)
    store.create_case(first.new)
    reporter = first.reporter
    for changed in (
        replace(first.new, selector=make_reporter().selector),
        replace(first.new, validator=make_reporter().validator),
        replace(first.new, unit_id=other_unit.unit_id),
    ):
        with pytest.raises(Conflict) as refused:
            store.create_case(changed)
        assert refused.value.what == "case_id"
        with pytest.raises(Conflict):
            store.same_report(changed.case_id, changed.unit_id, changed.selector,
                              changed.validator)  # fmt: skip
    # The receipt under another case id: the receipt is taken.
    with pytest.raises(Conflict) as refused:
        store.create_case(submission(unit, reporter=reporter).new)
    assert refused.value.what == "lookup"
    assert table_counts(store)["cases"] == 1


def test_failure_during_insert_leaves_no_rows_and_no_blobs(
    world, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    store, unit, _ = world
    reporter = make_reporter()
    case_id, item_id = new_id(), new_id()
    token = store.open_upload()
    sealed = seal(unit, reporter, case_id, "attachment", item_id, b"evidence" * 1000)
    store.append_upload(token, item_id, 0, [sealed])
    sub = submission(
        unit, reporter=reporter, case_id=case_id, upload_token=token, attachment_ids=(item_id,)
    )
    before = table_counts(store)

    def explode(db, rows):  # type: ignore[no-untyped-def]
        db.conn.execute(
            "INSERT INTO envelopes (item_id, case_id, seq, kind, author, size, day)"
            " VALUES (:item_id, :case_id, :seq, :kind, :author, :size, :day)",
            rows[0],
        )
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(cases, "insert_envelope_rows", explode)
    with pytest.raises(RuntimeError):
        store.create_case(sub.new)
    assert table_counts(store) == before
    assert list(store.blobs.item_ids()) == []
    # the staged attachment is back where it was: the browser can retry
    assert store.upload_sizes(token) == {item_id.hex(): len(sealed)}
    monkeypatch.undo()
    assert store.create_case(sub.new).reference == "WBS-2026-0001"


def test_lookup_gives_the_same_answer_for_unknown_and_wrong(world) -> None:  # type: ignore[no-untyped-def]
    store, unit, _ = world
    sub = submission(unit)
    store.create_case(sub.new)
    found = store.find_case(sub.reporter.selector, sub.reporter.validator)
    assert found is not None and found.case_id == sub.case_id.hex()
    assert found.status is CaseStatus.DITERIMA
    wrong_validator = store.find_case(sub.reporter.selector, secrets.token_bytes(32))
    unknown_selector = store.find_case(secrets.token_bytes(32), sub.reporter.validator)
    assert wrong_validator is None and unknown_selector is None
    with pytest.raises(BadInput):
        store.find_case(b"short", sub.reporter.validator)


def test_lookup_does_the_same_work_either_way(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    store, unit, _ = world
    sub = submission(unit)
    store.create_case(sub.new)
    calls: list[bytes] = []
    real = cases.validator_matches

    def spy(stored: bytes, validator: bytes) -> bool:
        calls.append(stored)
        return real(stored, validator)

    monkeypatch.setattr(cases, "validator_matches", spy)
    store.find_case(sub.reporter.selector, secrets.token_bytes(32))
    store.find_case(secrets.token_bytes(32), secrets.token_bytes(32))
    assert len(calls) == 2 and all(len(c) == 32 for c in calls)


def test_lookup_timing_is_similar(world) -> None:  # type: ignore[no-untyped-def]
    store, unit, _ = world
    sub = submission(unit)
    store.create_case(sub.new)

    def median(selector: bytes) -> float:
        times = []
        for _ in range(41):
            start = time.perf_counter()
            store.find_case(selector, secrets.token_bytes(32))
            times.append(time.perf_counter() - start)
        return sorted(times)[20]

    known, unknown = median(sub.reporter.selector), median(secrets.token_bytes(32))
    assert 1 / 3 < known / unknown < 3  # coarse: the same steps, no early return


def test_per_unit_daily_ceiling(world) -> None:  # type: ignore[no-untyped-def]
    store, unit, day = world
    store.update_unit_settings(unit.unit_id, daily_case_ceiling=2)
    other = make_unit("inspektorat-lain")
    store.register_unit(other.card)
    store.create_case(submission(unit).new)
    store.create_case(submission(unit).new)
    with pytest.raises(DailyCeiling) as caught:
        store.create_case(submission(unit).new)
    assert isinstance(caught.value, LimitExceeded) and caught.value.limit == 2
    assert "tomorrow" in caught.value.user_message
    assert len(list(store.blobs.item_ids())) == 2
    store.create_case(submission(other).new)  # another unit is not affected
    day.day += dt.timedelta(days=1)
    assert store.create_case(submission(unit).new).reference == "WBS-2026-0003"


def test_references_count_per_unit_and_year(world) -> None:  # type: ignore[no-untyped-def]
    store, unit, day = world
    other = make_unit("inspektorat-lain")
    store.register_unit(other.card)
    assert store.create_case(submission(unit).new).reference == "WBS-2026-0001"
    assert store.create_case(submission(other).new).reference == "WBS-2026-0001"
    assert store.create_case(submission(unit).new).reference == "WBS-2026-0002"
    day.day = dt.date(2027, 1, 1)
    assert store.create_case(submission(unit).new).reference == "WBS-2027-0001"


def test_unknown_unit_and_malformed_input(world) -> None:  # type: ignore[no-untyped-def]
    store, unit, _ = world
    sub = submission(unit)
    with pytest.raises(NotFound):
        store.create_case(replace(sub.new, unit_id="tidak-ada"))
    with pytest.raises(BadInput):
        store.create_case(replace(sub.new, case_id="not-hex"))
    with pytest.raises(BadInput):
        store.create_case(replace(sub.new, reporter_public_key=b"\x00" * 32))
    with pytest.raises(BadInput):
        store.create_case(replace(sub.new, tip=b"Kepala dinas menerima suap." * 400))
    with pytest.raises(BadInput):
        store.create_case(replace(sub.new, tip=sub.tip + b"\x00"))  # impossible size
    with pytest.raises(BadInput):
        store.create_case(replace(sub.new, attachment_item_ids=[new_id()]))  # no session
    assert table_counts(store)["cases"] == 0
    assert list(store.blobs.item_ids()) == []


def test_envelope_size_limit(tmp_path: Path) -> None:
    store = open_store(tmp_path, limits=Limits(envelope_max=8000))
    unit = make_unit()
    store.register_unit(unit.card)
    store.create_case(submission(unit, text=b"short").new)
    with pytest.raises(LimitExceeded):
        store.create_case(submission(unit, text=b"x" * 20_000).new)


def test_follow_up_messages_and_unit_replies(world) -> None:  # type: ignore[no-untyped-def]
    from vault.store import NewItem

    store, unit, day = world
    sub = submission(unit)
    store.create_case(sub.new)
    day.day += dt.timedelta(days=3)
    message_id = new_id()
    message = seal(unit, sub.reporter, sub.case_id, "message", message_id, b"Tambahan")
    added = store.append_reporter_message(sub.case_id, message_id, message)
    assert [(e.kind, e.seq, e.day) for e in added] == [("message", 2, "2026-11-26")]
    reply_id = new_id()
    reply = seal(unit, sub.reporter, sub.case_id, "reply", reply_id, b"signed reply")
    store.add_unit_envelopes(sub.case_id, [NewItem(reply_id, "reply", reply)])
    listed = store.list_envelopes(sub.case_id)
    assert [(e.kind, e.author) for e in listed] == [
        ("tip", "reporter"),
        ("message", "reporter"),
        ("reply", "unit"),
    ]
    with pytest.raises(Conflict):  # an item id is never reused
        store.append_reporter_message(sub.case_id, message_id, message)
    with pytest.raises(BadInput):
        store.add_unit_envelopes(sub.case_id, [NewItem(new_id(), "tip", reply)])
    other = submission(unit)
    store.create_case(other.new)
    with pytest.raises(NotFound):  # an item is read only through its own case
        store.stream_envelope(other.case_id, message_id)


def test_closed_case_takes_no_reporter_messages(world) -> None:  # type: ignore[no-untyped-def]
    store, unit, _ = world
    sub = submission(unit)
    store.create_case(sub.new)
    store.set_status(sub.case_id, CaseStatus.DITUTUP)
    message_id = new_id()
    message = seal(unit, sub.reporter, sub.case_id, "message", message_id, b"late")
    with pytest.raises(Conflict):
        store.append_reporter_message(sub.case_id, message_id, message)
    assert list(store.blobs.item_ids()) == [sub.tip_id.hex()]


def test_status_events_keep_days_only(world) -> None:  # type: ignore[no-untyped-def]
    store, unit, day = world
    sub = submission(unit)
    store.create_case(sub.new)
    day.day += dt.timedelta(days=2)
    store.set_status(sub.case_id, CaseStatus.DIVERIFIKASI)
    day.day += dt.timedelta(days=5)
    store.set_status(sub.case_id, "ditindaklanjuti")  # type: ignore[arg-type]
    events = store.status_events(sub.case_id)
    assert [(e.seq, e.status.value, e.day) for e in events] == [
        (1, "diterima", "2026-11-23"),
        (2, "diverifikasi", "2026-11-25"),
        (3, "ditindaklanjuti", "2026-11-30"),
    ]
    case = store.get_case(sub.case_id)
    assert case.status is CaseStatus.DITINDAKLANJUTI and case.status_day == "2026-11-30"
    with pytest.raises(BadInput):
        store.set_status(sub.case_id, "dibuang")  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        store.set_status(new_id(), CaseStatus.SELESAI)


@pytest.mark.sqlite_only
def test_destroy_case_removes_rows_and_wipes_blobs(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, unit, _ = world
    sub = submission(unit)
    store.create_case(sub.new)
    keep = submission(unit)
    store.create_case(keep.new)
    trace = sub.tip[len(sub.tip) // 2 : len(sub.tip) // 2 + 64]
    files = [p for p in store.folder.root.rglob("*") if p.is_file()]
    assert any(trace in p.read_bytes() for p in files)
    assert store.destroy_case(sub.case_id) == 1
    files = [p for p in store.folder.root.rglob("*") if p.is_file()]
    assert not any(trace in p.read_bytes() for p in files)  # zeroed, and the log emptied
    assert store.find_case(sub.reporter.selector, sub.reporter.validator) is None
    with pytest.raises(NotFound):
        store.get_case(sub.case_id)
    with pytest.raises(NotFound):
        store.destroy_case(sub.case_id)
    assert table_counts(store)["cases"] == 1
    assert list(store.blobs.item_ids()) == [keep.tip_id.hex()]
    assert store.create_case(submission(unit).new).reference == "WBS-2026-0003"  # never reused
