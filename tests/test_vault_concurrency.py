"""Writers that run at the same time still behave as if each ran alone.

Several stores on one vault (as several server processes or machines
would have: each its own connections and group committer) write at once.
On SQLite each write transaction holds the whole file; on PostgreSQL
(``PELUIT_TEST_BACKEND=postgres``) each holds the vault's write lock at
``SERIALIZABLE``, plus a row lock on the counter it moves. Checked
2026-12-02 without them: under READ COMMITTED two concurrent writers both
passed a daily ceiling of 1.
"""

from __future__ import annotations

from pathlib import Path

from threads_at_once import at_once
from vault_fixtures import FixedDay, make_unit, open_store, submission

from vault import audit_log
from vault.database import opened
from vault.errors import DailyCeiling

STORES = 3


def test_a_daily_ceiling_of_n_takes_exactly_n_of_n_plus_k(tmp_path: Path) -> None:
    ceiling, extra = 6, 6
    day = FixedDay()
    stores = [open_store(tmp_path, day=day) for _ in range(STORES)]
    unit = make_unit()
    stores[0].register_unit(unit.card)
    stores[0].update_unit_settings(unit.unit_id, daily_case_ceiling=ceiling)
    subs = [submission(unit) for _ in range(ceiling + extra)]
    results = at_once(
        [
            (lambda s=s, i=i: stores[i % STORES].create_case(s.new))
            for i, s in enumerate(subs)
        ]
    )  # fmt: skip
    accepted = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(accepted) == ceiling
    assert len(refused) == extra and all(isinstance(r, DailyCeiling) for r in refused), refused
    with opened(stores[0].folder.database_path) as db:
        count = db.execute("SELECT count(*) FROM cases").fetchone()[0]
    assert count == ceiling
    for store in stores:
        store.close()


def test_references_stay_unique_and_dense_under_concurrent_writers(tmp_path: Path) -> None:
    stores = [open_store(tmp_path) for _ in range(STORES)]
    unit = make_unit()
    stores[0].register_unit(unit.card)
    subs = [submission(unit) for _ in range(18)]
    results = at_once(
        [(lambda s=s, i=i: stores[i % STORES].create_case(s.new)) for i, s in enumerate(subs)]
    )
    assert [r for r in results if isinstance(r, BaseException)] == []
    references = sorted(stores[1].get_case(s.case_id).reference for s in subs)
    assert references == [f"WBS-2026-{n:04d}" for n in range(1, len(subs) + 1)]
    for store in stores:
        store.close()


def test_messages_of_one_case_get_dense_sequence_numbers(tmp_path: Path) -> None:
    from vault_fixtures import new_id, seal

    stores = [open_store(tmp_path) for _ in range(STORES)]
    unit = make_unit()
    stores[0].register_unit(unit.card)
    sub = submission(unit)
    stores[0].create_case(sub.new)

    def message(i: int) -> object:
        item = new_id()
        sealed = seal(unit, sub.reporter, sub.case_id, "message", item, b"lagi %d" % i)
        return stores[i % STORES].append_reporter_message(sub.case_id, item, sealed)

    results = at_once([(lambda i=i: message(i)) for i in range(9)])
    assert [r for r in results if isinstance(r, BaseException)] == []
    seqs = [e.seq for e in stores[2].list_envelopes(sub.case_id)]
    assert seqs == list(range(1, 11))  # the tip, then nine messages
    for store in stores:
        store.close()


def test_the_audit_chain_verifies_after_concurrent_appends(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    path = store.folder.database_path
    day = FixedDay()()

    def append(i: int) -> object:
        with opened(path) as db:  # each writer its own connection
            return audit_log.append(
                db, actor="system", action="retention_destroyed", subject=f"WBS-2026-{i:04d}",
                detail={"unit": "inspektorat-demo"}, today=day,
            )  # fmt: skip

    results = at_once([(lambda i=i: append(i)) for i in range(16)])
    assert [r for r in results if isinstance(r, BaseException)] == []
    with opened(path) as db:
        report = audit_log.verify(db)
    assert report.ok and report.count == 16, report.line()
    assert sorted(r.seq for r in results) == list(range(1, 17))  # type: ignore[attr-defined]
    store.close()
