"""Role permissions enforced in the console store itself, on a real vault."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from test_lifecycle_fixtures import UNIT_A, UNIT_B, Vault

from common.working_days import WorkingCalendar
from vault import staff
from vault.console_store import PermissionDenied, SqliteConsoleStore
from vault.deadlines import DeadlinePolicy
from vault.errors import BadInput, NotFound
from vault.lifecycle import IllegalTransition
from vault.staff import StaffUser

PASSWORD = "kuda-baterai-benar-staples"


class World:
    def __init__(self, tmp_path: Path) -> None:
        self.vault = Vault(tmp_path)
        self.console = SqliteConsoleStore(
            self.vault.store.folder.database_path,
            today=self.vault.day,
            calendar=WorkingCalendar.packaged(),
        )
        self.users: dict[str, StaffUser] = {}
        with self.vault.db() as db:
            for name, role, units in [
                ("admin", "admin", ()),
                ("audit", "auditor", ()),
                ("ani", "inspector", (UNIT_A,)),
                ("adi", "inspector", (UNIT_A,)),
                ("bayu", "inspector", (UNIT_B,)),
            ]:
                self.users[name], _ = staff.create_user(
                    db, name, role, unit_ids=units, password=PASSWORD
                )
        self.case_a = self.vault.new_case(UNIT_A)
        self.case_b = self.vault.new_case(UNIT_B)


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)


def test_inspectors_see_only_their_units(world: World) -> None:
    ani, bayu = world.users["ani"], world.users["bayu"]
    assert [r.case_id for r in world.console.list_cases(ani).items] == [world.case_a]
    assert [r.case_id for r in world.console.list_cases(bayu).items] == [world.case_b]
    # Asking for another unit by name gives nothing, not an error that confirms it.
    assert world.console.list_cases(ani, unit_ids=[UNIT_B]).items == []
    with pytest.raises(NotFound):
        world.console.case_summary(ani, world.case_b)
    with pytest.raises(NotFound):
        world.console.change_status(ani, world.case_b, "diverifikasi")
    with pytest.raises(NotFound):
        world.console.assign(ani, world.case_b, "bayu")
    with pytest.raises(NotFound):
        world.console.check_export(ani, UNIT_B)
    world.console.check_export(ani, UNIT_A)
    assert world.vault.rows("SELECT status FROM cases WHERE case_id = ?", world.case_b) == [
        ("diterima",)
    ]


def test_admin_manages_accounts_but_never_cases(world: World) -> None:
    admin = world.users["admin"]
    for call in (
        lambda: world.console.list_cases(admin),
        lambda: world.console.case_summary(admin, world.case_a),
        lambda: world.console.change_status(admin, world.case_a, "diverifikasi"),
        lambda: world.console.assign(admin, world.case_a, "ani"),
        lambda: world.console.check_export(admin, UNIT_A),
        lambda: world.console.dashboard(admin),
        lambda: world.console.audit_entries(admin),
    ):
        with pytest.raises(PermissionDenied):
            call()
    user, secret = world.console.create_user(
        admin, "citra", "inspector", unit_ids=[UNIT_B], password=PASSWORD
    )
    assert user.unit_ids == (UNIT_B,) and len(secret.reveal()) == 32
    world.console.update_unit_settings(
        admin, UNIT_A, policy=DeadlinePolicy(triage=5), retention_days=365
    )
    settings = world.console.unit_settings(admin, UNIT_A)
    assert (settings.policy.triage, settings.retention_days) == (5, 365)
    assert world.console.disable_user(admin, "citra").disabled
    with pytest.raises(BadInput):
        world.console.disable_user(admin, "admin")


def test_auditor_reads_the_log_and_figures_only(world: World) -> None:
    audit = world.users["audit"]
    assert world.console.verify_audit(audit).ok
    entries = world.console.audit_entries(audit)
    assert [e.action for e in entries][-1] == "user_created"
    figures = {f.unit_id: f for f in world.console.dashboard(audit)}
    assert figures[UNIT_A].by_status["diterima"] == 1
    for call in (
        lambda: world.console.list_cases(audit),
        lambda: world.console.case_summary(audit, world.case_a),
        lambda: world.console.change_status(audit, world.case_a, "diverifikasi"),
        lambda: world.console.create_user(audit, "x1", "admin", password=PASSWORD),
        lambda: world.console.update_unit_settings(audit, UNIT_A, retention_days=1),
        lambda: world.console.set_units(audit, "ani", [UNIT_B]),
        lambda: world.console.check_export(audit, UNIT_A),
    ):
        with pytest.raises(PermissionDenied):
            call()


def test_inspectors_cannot_administer(world: World) -> None:
    ani = world.users["ani"]
    for call in (
        lambda: world.console.create_user(ani, "x1", "admin", password=PASSWORD),
        lambda: world.console.set_units(ani, "ani", [UNIT_A, UNIT_B]),
        lambda: world.console.update_unit_settings(ani, UNIT_A, retention_days=1),
        lambda: world.console.audit_entries(ani),
        lambda: world.console.set_password(ani, "adi", PASSWORD),
    ):
        with pytest.raises(PermissionDenied):
            call()
    world.console.set_password(ani, "ani", "kata-sandi-baru-panjang")  # one's own is fine


def test_a_disabled_or_stale_account_is_refused_at_once(world: World) -> None:
    ani = world.users["ani"]
    world.console.disable_user(world.users["admin"], "ani")
    with pytest.raises(PermissionDenied):
        world.console.list_cases(ani)
    # A session that still claims unit B for adi gets only what the database says.
    adi = world.users["adi"]
    forged = StaffUser(adi.user_id, "adi", adi.role, (UNIT_A, UNIT_B), False)
    with pytest.raises(NotFound):
        world.console.case_summary(forged, world.case_b)


def test_assign_and_change_status_are_audited(world: World) -> None:
    ani = world.users["ani"]
    row = world.console.assign(ani, world.case_a, "adi")
    assert row.assignee == "adi"
    with pytest.raises(BadInput):
        world.console.assign(ani, world.case_a, "bayu")  # not an inspector of unit A
    with pytest.raises(BadInput):
        world.console.assign(ani, world.case_a, "audit")
    row = world.console.change_status(ani, world.case_a, "diverifikasi")
    assert row.status == "diverifikasi" and row.deadline is not None
    assert row.deadline.stage == "first_followup"
    with pytest.raises(IllegalTransition):
        world.console.change_status(ani, world.case_a, "selesai", outcome="terbukti")
    summary = world.console.case_summary(ani, world.case_a)
    assert [e[1] for e in summary.events] == ["diterima", "diverifikasi"]
    assert summary.envelope_counts == {"tip": 1}
    assert [c.stage for c in summary.clocks] == ["triage", "first_followup"]
    last = world.vault.rows("SELECT actor, action FROM audit_log ORDER BY seq DESC LIMIT 2")
    assert last == [("ani", "status_change"), ("ani", "assignment")]
    assert world.console.list_cases(ani, assignee="adi").total == 1
    assert world.console.list_cases(ani, assignee="ani").total == 0


def test_filters_paging_and_figures(world: World) -> None:
    ani = world.users["ani"]
    day = world.vault.day
    for _ in range(4):
        world.vault.new_case(UNIT_A, day=dt.date(2026, 12, 1))
    assert world.console.list_cases(ani).total == 5
    page = world.console.list_cases(ani, per_page=2, page=3)
    assert (len(page.items), page.total) == (1, 5)
    assert world.console.list_cases(ani, month="2026-11").total == 1
    assert world.console.list_cases(ani, status="diverifikasi").total == 0
    day.day = dt.date(2026, 12, 1)
    # The 23 Nov case is past its triage day (26 Nov); the 1 Dec cases are not.
    overdue = world.console.list_cases(ani, overdue=True)
    assert [r.case_id for r in overdue.items] == [world.case_a]
    assert overdue.items[0].age_days == 8
    assert world.console.new_reports_today(ani) == {UNIT_A: 4}
    (figures,) = world.console.dashboard(ani)
    assert figures.by_month == {"2026-11": 1, "2026-12": 4}
    assert figures.compliance["triage"] == {"met": 0, "missed": 1, "running": 4}
    assert figures.new_today == 4
    with pytest.raises(BadInput):
        world.console.list_cases(ani, month="Desember")
