"""The console's case list pages in SQL through an index: no full scan, no sort.

This is what keeps a page of 50 out of 100,000 cases cheap (bench/bench_scale.py
measures it); the test checks the query plan, never a time.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from app_fixtures import make_env

from vault.console_access import CASE_SQL
from vault.database import opened

ORDER = " ORDER BY c.submitted_day DESC, c.reference DESC LIMIT 50 OFFSET 100"


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    ("condition", "args"),
    [("c.unit_id IN (?)", []), ("c.unit_id IN (?) AND c.status = ?", ["diterima"])],
)
def test_listing_and_counting_use_an_index(tmp_path: Path, condition: str, args: list[str]) -> None:
    env = make_env(tmp_path)
    params = [env.unit.card.unit_id, *args]
    with opened(env.data / "vault.sqlite3") as db:
        page = db.conn.execute(f"EXPLAIN QUERY PLAN {CASE_SQL} WHERE {condition}{ORDER}", params)
        plan = " | ".join(row[3] for row in page)
        assert "SCAN c" not in plan and "TEMP B-TREE" not in plan, plan
        count = db.conn.execute(
            f"EXPLAIN QUERY PLAN SELECT count(*) FROM cases c WHERE {condition}",  # noqa: S608
            params,
        )
        plan = " | ".join(row[3] for row in count)
        assert "COVERING INDEX" in plan, plan
