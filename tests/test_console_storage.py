"""The console store's newer duties, on a real vault (SQLite file, ciphertext rows, key files).

Standard messages stored and audited in one transaction, unit registration
and the daily ceiling audited, the persistent "must change password" flag
with the current-password check, assignment choices per unit, the
"unassigned" filter, and TOTP secrets sealed under the data folder's
``staff_key``.
"""

from __future__ import annotations

import datetime as dt
import secrets
import sqlite3
import stat
from pathlib import Path

import pyotp
import pytest
from test_lifecycle_fixtures import UNIT_A, UNIT_B, Vault
from vault_fixtures import make_unit
from vault_sql import refuse_inserts

from common.working_days import WorkingCalendar
from crypto.context import Context
from crypto.envelope import seal
from crypto.secret import SecretStr
from vault import staff
from vault.console_store import PermissionDenied, SqliteConsoleStore
from vault.errors import BadInput, NotFound
from vault.staff import AccountLocked, LoginFailed, LoginThrottle, StaffUser, WrongPassword
from vault.staff_totp import KEY_NAME, StaffKeyError

PASSWORD = "kuda-baterai-benar-staples"
T0 = 1_800_000_000.0


class World:
    def __init__(self, tmp_path: Path) -> None:
        self.vault = Vault(tmp_path)
        self.console = self.reopen()
        self.users: dict[str, StaffUser] = {}
        self.totp: dict[str, pyotp.TOTP] = {}
        with self.vault.db() as db:
            for name, role, units in [
                ("admin", "admin", ()),
                ("audit", "auditor", ()),
                ("ani", "inspector", (UNIT_A,)),
                ("adi", "inspector", (UNIT_A,)),
                ("bayu", "inspector", (UNIT_B,)),
            ]:
                self.users[name], secret = staff.create_user(
                    db, name, role, unit_ids=units, password=PASSWORD
                )
                self.totp[name] = pyotp.TOTP(secret.reveal())
        self.case_a = self.vault.new_case(UNIT_A)
        self.case_b = self.vault.new_case(UNIT_B)

    def reopen(self, throttle: LoginThrottle | None = None) -> SqliteConsoleStore:
        """A new console store on the same folder: what a restart does."""
        return SqliteConsoleStore(
            self.vault.store.folder.database_path,
            today=self.vault.day,
            calendar=WorkingCalendar.packaged(),
            throttle=throttle or LoginThrottle(),
        )

    def audit(self) -> list[tuple[str, str, str]]:
        return self.vault.rows("SELECT actor, action, subject FROM audit_log ORDER BY seq")

    def login(self, name: str, password: str = PASSWORD, at: float = T0) -> StaffUser:
        with self.vault.db() as db:
            return staff.authenticate(
                db, name, password, self.totp[name].at(at), now=lambda: at, throttle=LoginThrottle()
            )


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)


# --- standard messages --------------------------------------------------------------


def add_template(world: World, unit: str, template_id: str = "diterima") -> None:
    with world.vault.db() as db:
        db.conn.execute(
            "INSERT INTO ack_templates (unit_id, template_id, text, signature, day)"
            " VALUES (?, ?, ?, ?, ?)",
            [unit, template_id, "Laporan Anda sudah diterima.", b"\x00" * 64, "2026-11-20"],
        )


def sealed_reply(world: World, case_id: str, unit: str = UNIT_A) -> tuple[bytes, bytes]:
    item = secrets.token_bytes(16)
    keys = world.vault.units[unit]
    ctx = Context(unit, bytes.fromhex(case_id), "reply", item)
    return item, seal(b"signature and body", [keys.xwing.public_key()], ctx)


def replies(world: World) -> list[tuple[str, str, str]]:
    return world.vault.rows("SELECT case_id, kind, author FROM envelopes WHERE kind = 'reply'")


def blob_count(world: World) -> int:
    """Items whose ciphertext is stored (rows of pieces)."""
    return len(world.vault.rows("SELECT DISTINCT item_id FROM pieces"))


def test_a_standard_message_is_stored_and_audited_together(world: World) -> None:
    add_template(world, UNIT_A)
    item, envelope = sealed_reply(world, world.case_a)
    world.console.send_template(world.users["ani"], world.case_a, "diterima", item, envelope)
    assert replies(world) == [(world.case_a, "reply", "unit")]
    (last,) = world.vault.rows("SELECT actor, action, detail FROM audit_log ORDER BY seq DESC")[:1]
    assert last == ("ani", "template_sent", f'{{"template":"diterima","unit":"{UNIT_A}"}}')
    assert world.console.ack_templates(world.users["ani"], world.case_a)[0].template_id == (
        "diterima"
    )


def test_a_failing_audit_entry_leaves_no_reply_and_no_blob(world: World) -> None:
    add_template(world, UNIT_A)
    item, envelope = sealed_reply(world, world.case_a)
    blobs, entries = blob_count(world), world.audit()
    with world.vault.db() as db:  # the log refuses writes, as a full or broken log would
        refuse_inserts(db.conn, "audit_log", "audit refused")
    with pytest.raises(sqlite3.IntegrityError):
        world.console.send_template(world.users["ani"], world.case_a, "diterima", item, envelope)
    assert replies(world) == []
    assert (blob_count(world), world.audit()) == (blobs, entries)


def test_only_an_inspector_of_the_cases_unit_sends_a_standard_message(world: World) -> None:
    add_template(world, UNIT_A)
    add_template(world, UNIT_B)
    item, envelope = sealed_reply(world, world.case_a)
    entries = world.audit()
    with pytest.raises(NotFound):  # another unit's case looks like no case at all
        world.console.send_template(world.users["bayu"], world.case_a, "diterima", item, envelope)
    for role in ("admin", "audit"):
        with pytest.raises(PermissionDenied):
            world.console.send_template(world.users[role], world.case_a, "diterima", item, envelope)
        with pytest.raises(PermissionDenied):
            world.console.ack_templates(world.users[role], world.case_a)
    with pytest.raises(NotFound):  # unit B's template does not exist for unit A
        world.console.send_template(world.users["ani"], world.case_a, "lainnya", item, envelope)
    with pytest.raises(BadInput):  # not an envelope v1
        world.console.send_template(world.users["ani"], world.case_a, "diterima", item, b"x" * 99)
    assert replies(world) == [] and world.audit() == entries


# --- units ------------------------------------------------------------------------------


def test_registering_a_unit_is_for_admins_and_audited(world: World) -> None:
    card = make_unit("inspektorat-c").card
    for name in ("ani", "audit"):
        with pytest.raises(PermissionDenied):
            world.console.register_unit(world.users[name], card)
    unit = world.console.register_unit(world.users["admin"], card)
    assert unit.unit_id == "inspektorat-c"
    entries = world.audit()
    assert entries[-1] == ("admin", "unit_registered", "inspektorat-c")
    world.console.register_unit(world.users["admin"], card)  # the same card: nothing new
    assert world.audit() == entries


def test_a_unit_and_its_audit_entry_commit_together(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vault import audit_log

    def broken_append(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(audit_log, "append", broken_append)
    before = world.audit()
    with pytest.raises(sqlite3.OperationalError):
        world.console.register_unit(world.users["admin"], make_unit("inspektorat-d").card)
    assert world.vault.rows("SELECT unit_id FROM units WHERE unit_id = 'inspektorat-d'") == []
    assert (
        world.vault.rows("SELECT unit_id FROM unit_settings WHERE unit_id = 'inspektorat-d'") == []
    )
    assert world.audit() == before


def test_the_daily_ceiling_is_for_admins_audited_and_checked(world: World) -> None:
    admin = world.users["admin"]
    for name in ("ani", "audit"):
        with pytest.raises(PermissionDenied):
            world.console.update_unit_settings(world.users[name], UNIT_A, daily_case_ceiling=5)
    settings = world.console.update_unit_settings(admin, UNIT_A, daily_case_ceiling=5)
    assert settings.daily_case_ceiling == 5
    assert world.vault.store.unit_settings(UNIT_A).daily_case_ceiling == 5
    (detail,) = world.vault.rows(
        "SELECT detail FROM audit_log WHERE action = 'unit_settings' AND subject = ?", UNIT_A
    )
    assert detail == ('{"daily_case_ceiling":5,"was":200}',)
    entries = world.audit()
    for bad in (-1, 1_000_001, "7", True):
        with pytest.raises(BadInput):
            world.console.update_unit_settings(
                admin,
                UNIT_A,
                retention_days=99,
                daily_case_ceiling=bad,  # type: ignore[arg-type]
            )
    assert world.audit() == entries
    assert world.vault.store.unit_settings(UNIT_A).retention_days != 99
    with pytest.raises(NotFound):
        world.console.update_unit_settings(admin, "tidak-ada", daily_case_ceiling=5)


# --- assignment ---------------------------------------------------------------------------


def test_assignment_choices_are_the_active_inspectors_of_the_cases_unit(world: World) -> None:
    ani = world.users["ani"]
    assert world.console.assignable_inspectors(ani, world.case_a) == ["adi", "ani"]
    assert world.console.unit_inspectors(ani) == ["adi", "ani"]
    with pytest.raises(NotFound):
        world.console.assignable_inspectors(ani, world.case_b)
    for name in ("admin", "audit"):
        with pytest.raises(PermissionDenied):
            world.console.assignable_inspectors(world.users[name], world.case_a)
    world.console.disable_user(world.users["admin"], "adi")
    assert world.console.assignable_inspectors(ani, world.case_a) == ["ani"]


def test_the_unassigned_filter(world: World) -> None:
    ani = world.users["ani"]
    other = world.vault.new_case(UNIT_A)
    world.console.assign(ani, world.case_a, "adi")
    assert [r.case_id for r in world.console.list_cases(ani, unassigned=True).items] == [other]
    assert world.console.list_cases(ani, assignee="adi").total == 1
    with pytest.raises(BadInput):
        world.console.list_cases(ani, assignee="adi", unassigned=True)


def test_overdue_marking_follows_the_injected_clock(world: World) -> None:
    ani = world.users["ani"]
    # Submitted Monday 23 Nov 2026; triage is due 3 working days later (26 Nov).
    assert world.console.list_cases(ani, overdue=True).total == 0
    world.vault.day.day = dt.date(2026, 11, 26)
    (row,) = world.console.list_cases(ani).items
    assert (row.deadline and row.deadline.due, row.overdue) == (dt.date(2026, 11, 26), False)
    world.vault.day.day = dt.date(2026, 11, 27)
    (row,) = world.console.list_cases(ani, overdue=True).items
    assert row.case_id == world.case_a and row.overdue and row.age_days == 4
    # Verified: the next stage's clock starts on the day of the change.
    world.console.change_status(ani, world.case_a, "diverifikasi")
    assert world.console.list_cases(ani, overdue=True).total == 0


# --- passwords ------------------------------------------------------------------------------


def test_a_console_created_account_must_change_its_password_even_after_a_restart(
    world: World,
) -> None:
    admin = world.users["admin"]
    user, _ = world.console.create_user(
        admin, "citra", "inspector", unit_ids=[UNIT_A], password="one-time-pass-123"
    )
    restarted = world.reopen()
    assert restarted.password_change_required(user)
    with pytest.raises(WrongPassword):
        restarted.change_own_password(user, "not-the-one-time", "my own good password")
    assert restarted.password_change_required(user)
    restarted.change_own_password(user, "one-time-pass-123", "my own good password")
    assert not world.reopen().password_change_required(user)
    # An administrator's reset is one-time again; the account's own change is not.
    world.console.set_password(admin, "citra", "reset-by-admin-123")
    assert world.console.password_change_required(user)
    actions = [a for _, a, s in world.audit() if s == "citra"]
    assert actions == ["user_created", "login_failed", "password_changed", "password_changed"]
    assert not world.console.password_change_required(world.users["ani"])  # made on the CLI


def test_the_current_password_check_is_throttled(world: World) -> None:
    ani = world.users["ani"]
    store = world.reopen(LoginThrottle(max_failures=2))
    with pytest.raises(WrongPassword):
        store.change_own_password(ani, "wrong password 1", "my own good password")
    with pytest.raises(AccountLocked):
        store.change_own_password(ani, "wrong password 2", "my own good password")
    with pytest.raises(AccountLocked):  # even the right one, while locked
        store.change_own_password(ani, PASSWORD, "my own good password")
    with pytest.raises(BadInput):
        world.console.change_own_password(ani, PASSWORD, "short")
    with pytest.raises(BadInput):
        world.console.change_own_password(ani, PASSWORD, PASSWORD)
    with world.vault.db() as db:
        with pytest.raises(WrongPassword):
            staff.check_current_password(db, "ani", "kuda", throttle=LoginThrottle())
        staff.check_current_password(db, "ani", SecretStr(PASSWORD), throttle=LoginThrottle())


# --- TOTP secrets at rest ---------------------------------------------------------------------


def test_totp_secrets_are_sealed_under_the_staff_key_file(world: World) -> None:
    key = world.vault.path / KEY_NAME
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(key.read_bytes()) == 32
    rows = world.vault.rows("SELECT totp_secret, totp_sealed FROM staff_users")
    assert all(plain == "" and sealed and sealed[0] == 1 for plain, sealed in rows)
    raw = b"".join(p.read_bytes() for p in world.vault.path.glob("vault.sqlite3*"))
    for totp in world.totp.values():
        assert totp.secret.encode() not in raw
        assert key.read_bytes() not in raw
    assert world.login("ani").username == "ani"


def test_a_sealed_secret_does_not_open_on_another_account(world: World) -> None:
    with world.vault.db() as db:
        db.conn.execute(
            "UPDATE staff_users SET totp_sealed ="
            " (SELECT totp_sealed FROM staff_users WHERE username = 'adi') WHERE username = 'ani'"
        )
    with pytest.raises(StaffKeyError):
        world.login("ani")


def test_another_folders_key_opens_nothing(world: World, tmp_path: Path) -> None:
    key = world.vault.path / KEY_NAME
    key.write_bytes(secrets.token_bytes(32))
    with pytest.raises(StaffKeyError):
        world.login("ani")
    key.chmod(0o644)
    with pytest.raises(StaffKeyError, match="0600"):
        world.login("adi")


def test_plain_secrets_from_before_version_4_are_sealed_at_start(world: World) -> None:
    with world.vault.db() as db:  # as a version-3 database held it
        db.conn.execute(
            "UPDATE staff_users SET totp_secret = ?, totp_sealed = NULL WHERE username = 'ani'",
            [world.totp["ani"].secret],
        )
    assert world.login("ani", at=T0).username == "ani"  # still read before sealing
    world.reopen()
    ((plain, sealed),) = world.vault.rows(
        "SELECT totp_secret, totp_sealed FROM staff_users WHERE username = 'ani'"
    )
    assert plain == "" and sealed[0] == 1
    assert world.login("ani", at=T0 + 30).username == "ani"
    with pytest.raises(LoginFailed):
        world.login("ani", password="wrong password!", at=T0 + 60)
