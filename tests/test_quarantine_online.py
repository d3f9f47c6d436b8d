"""Quarantine reports and re-export on the online side (issue 17, section 1).

Nothing the online vault has exported may become unreachable: an inspector
asks for a case (or a whole unit) again and the next export carries all of
it. The workstation's reply bundle says what it held in quarantine; the
console shows it (kind, day, check) so staff see an attack happening. Real
app, real SQLite, real bundles, and a real workstation for the last test.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from app_fixtures import AppClient, Env, make_env
from console_fixtures import Account, Console, add_account, add_unit
from test_bundle_online import ReplyBundle, read_export, submit
from vault_sql import vault_sql

from crypto.bundle_schema import QUARANTINE

UNIT = "inspektorat-demo"


@pytest.fixture
def env(tmp_path: Path) -> Env:
    return make_env(tmp_path)


@pytest.fixture
def inspector(env: Env) -> Account:
    return add_account(env, "ines", "inspector", (UNIT,))


def signed_in(env: Env, account: Account) -> Console:
    console = Console(env)
    assert console.login(account).status_code == 303
    return console


def export(env: Env) -> tuple[dict[str, Any], list[Any]]:
    out = io.BytesIO()
    env.store.export_bundle(UNIT, out, actor="ines")
    return read_export(out.getvalue())


def items(entries: list[Any]) -> set[str]:
    return {e.meta["item_id"] for e in entries if e.name == "envelope"}


def audit(env: Env) -> list[tuple[str, str, str]]:
    with vault_sql(env.data / "vault.sqlite3") as db:
        return [tuple(r) for r in db.execute("SELECT actor, action, subject FROM audit_log")]


def test_a_case_asked_again_goes_whole_into_the_next_export_only(
    env: Env, inspector: Account
) -> None:
    client = AppClient(env.app)
    report, other = submit(env, client), submit(env, client)
    _, first = export(env)
    case = report.case_id.hex()
    tip_and_all = {
        e.meta["item_id"] for e in first if e.meta.get("item_id") and e.meta["case_id"] == case
    }
    console = signed_in(env, inspector)
    answer = console.post(f"/konsol/kasus/{case}/ekspor-ulang", data={"csrf": console.csrf()})
    assert answer.status_code == 303
    page = console.get(answer.headers["location"]).text
    assert 'id="reexport-pending"' in page
    assert ("ines", "reexport", report_reference(env, case)) in audit(env)
    header, second = export(env)
    assert header["since_seq"] == 1 and header["export_seq"] == 2
    assert [e.meta["case_id"] for e in second if e.name == "case"] == [case]
    assert items(second) == tip_and_all and other.case_id.hex() not in str(second)
    _, third = export(env)
    assert third == []
    assert 'id="reexport-pending"' not in console.get(f"/konsol/kasus/{case}").text


def report_reference(env: Env, case_id: str) -> str:
    return str(env.store.get_case(case_id).reference)


def test_a_whole_unit_can_be_asked_again(env: Env, inspector: Account) -> None:
    client = AppClient(env.app)
    reports = [submit(env, client) for _ in range(3)]
    _, first = export(env)
    console = signed_in(env, inspector)
    answer = console.post(
        "/konsol/pertukaran/ekspor-ulang", data={"csrf": console.csrf(), "unit_id": UNIT}
    )
    assert answer.status_code == 200 and 'id="reexport-unit"' in answer.text
    assert ("ines", "reexport", UNIT) in audit(env)
    _, second = export(env)
    assert items(second) == items(first)
    assert {e.meta["case_id"] for e in second if e.name == "case"} == {
        r.case_id.hex() for r in reports
    }


def test_reexport_needs_csrf_and_an_inspector_of_the_unit(env: Env, inspector: Account) -> None:
    report = submit(env, AppClient(env.app))
    case = report.case_id.hex()
    add_unit(env, "inspektorat-lain")
    stranger = add_account(env, "oni", "inspector", ("inspektorat-lain",))
    admin = add_account(env, "adi", "admin")
    before = env.snapshot()
    console = signed_in(env, inspector)
    for form in ({"unit_id": UNIT}, {"csrf": "x" * 43}):
        assert console.post(f"/konsol/kasus/{case}/ekspor-ulang", data=form).status_code == 403
    unit_wide = {"unit_id": UNIT, "csrf": "x" * 43}
    assert console.post("/konsol/pertukaran/ekspor-ulang", data=unit_wide).status_code == 403
    other = signed_in(env, stranger)
    answer = other.post(f"/konsol/kasus/{case}/ekspor-ulang", data={"csrf": other.csrf()})
    assert answer.status_code == 404
    answer = other.post(
        "/konsol/pertukaran/ekspor-ulang", data={"csrf": other.csrf(), "unit_id": UNIT}
    )
    assert answer.status_code == 403
    boss = signed_in(env, admin)
    answer = boss.post(f"/konsol/kasus/{case}/ekspor-ulang", data={"csrf": boss.csrf()})
    assert answer.status_code == 403
    after = env.snapshot()
    for table in ("reexport_cases", "audit_log"):
        kept = [r for r in after[table] if "reexport" in r or table == "reexport_cases"]
        assert kept == [r for r in before[table] if "reexport" in r or table == "reexport_cases"]


def quarantine_entry(case_id: str, item_id: str | None, kind: str, check: str) -> tuple:  # type: ignore[type-arg]
    meta = {"case_id": case_id, "item_id": item_id, "kind": kind, "day": "2026-11-23"}
    return (QUARANTINE, {**meta, "check": check}, b"")


def test_reported_quarantine_is_shown_on_the_case_and_for_the_unit(
    env: Env, inspector: Account
) -> None:
    report = submit(env, AppClient(env.app))
    case = report.case_id.hex()
    forged_case = "ab" * 16
    bundle = ReplyBundle(env.unit)
    bundle.entries.append(quarantine_entry(case, "cd" * 16, "message", "envelope"))
    bundle.entries.append(quarantine_entry(case, None, "case", "case_changed"))
    bundle.entries.append(quarantine_entry(forged_case, "ef" * 16, "tip", "reporter_key"))
    summary = env.store.import_reply_bundle(io.BytesIO(bundle.to_bytes()), actor="ines")
    assert summary.quarantined == 3
    console = signed_in(env, inspector)
    page = console.get(f"/konsol/kasus/{case}").text
    held = page.split('id="quarantine"')[1].split("</table>")[0]
    assert "pesan" in held.lower() and "23 Nov 2026" in held and "envelope" in held
    assert "case_changed" in held and forged_case not in held
    english = console.get(f"/en/konsol/kasus/{case}").text
    assert "Quarantined on the workstation" in english
    unit_page = console.get("/konsol/pertukaran").text
    listed = unit_page.split('id="quarantine-unit"')[1].split("</table>")[0]
    assert "reporter_key" in listed and listed.count("<tr") == 4  # a header and three rows
    assert report_reference(env, case) in listed


def test_a_malformed_quarantine_entry_rejects_the_reply_bundle(env: Env) -> None:
    from crypto.bundle_schema import BundleError

    report = submit(env, AppClient(env.app))
    bundle = ReplyBundle(env.unit)
    bundle.entries.append(quarantine_entry(report.case_id.hex(), None, "case", "Not A Code!"))
    before = env.snapshot()
    with pytest.raises(BundleError) as refused:
        env.store.import_reply_bundle(io.BytesIO(bundle.to_bytes()), actor="ines")
    assert refused.value.check == "field_value"
    assert env.snapshot() == before


def test_the_workstation_reports_what_it_held_and_the_vault_records_it(
    env: Env, tmp_path: Path
) -> None:
    """A real workstation: a poisoned export, its reply bundle, the online import."""
    from test_ws_quarantine import PASSPHRASE, TODAY, poisoned_bundle
    from test_ws_support import make_workstation

    from crypto.secret import SecretStr
    from workstation.desk import Desk
    from workstation.errors import Refused

    folder = tmp_path / "ws"
    folder.mkdir()
    card = make_workstation(folder, unit_id="inspektorat-kota")
    env.store.register_unit(card.to_json())
    _, bad, data = poisoned_bundle(card)
    (tmp_path / "1.peluit").write_bytes(data)
    with Desk.open(folder, SecretStr(PASSPHRASE), today=TODAY) as desk:
        desk.import_bundle(tmp_path / "1.peluit")
        done = desk.export_replies(tmp_path / "r1.peluit")
        assert done.quarantined == 3
        with pytest.raises(Refused, match="nothing is queued"):
            desk.export_replies(tmp_path / "r2.peluit")
    with (tmp_path / "r1.peluit").open("rb") as handle:
        summary = env.store.import_reply_bundle(handle, actor="ines")
    assert summary.quarantined == 3
    with vault_sql(env.data / "vault.sqlite3") as db:
        rows = db.execute("SELECT item_id, kind, check_code FROM workstation_quarantine").fetchall()
    assert {(r[0], r[1], r[2]) for r in rows} == {
        (i.item_id.hex(), kind, "envelope") for kind, i in bad.items()
    }


def test_destroying_a_case_removes_its_quarantine_reports_and_reexport_mark(
    env: Env, inspector: Account
) -> None:
    report = submit(env, AppClient(env.app))
    case = report.case_id.hex()
    bundle = ReplyBundle(env.unit)
    bundle.entries.append(quarantine_entry(case, "cd" * 16, "message", "envelope"))
    env.store.import_reply_bundle(io.BytesIO(bundle.to_bytes()), actor="ines")
    console = signed_in(env, inspector)
    console.post(f"/konsol/kasus/{case}/ekspor-ulang", data={"csrf": console.csrf()})
    env.store.destroy_case(case)
    with vault_sql(env.data / "vault.sqlite3") as db:
        for table in ("workstation_quarantine", "reexport_cases"):
            assert db.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)  # noqa: S608
