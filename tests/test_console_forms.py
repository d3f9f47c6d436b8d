"""Console forms on the real app: the password form, assignment choices, the
"unassigned" filter, unit registration and the daily ceiling, all audited.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pyotp
import pytest
from app_fixtures import AppClient, Env, make_env, make_unit
from console_fixtures import Account, Console, add_account, add_unit
from test_bundle_online import submit
from vault_sql import vault_sql

from vault.store import SqliteVaultStore
from web.app import create_app

UNIT = "inspektorat-demo"


@pytest.fixture
def env(tmp_path: Path) -> Env:
    return make_env(tmp_path)


def signed_in(env: Env, account: Account, step: int = 0) -> Console:
    console = Console(env)
    assert console.login(account, step=step).status_code == 303
    return console


def audit(env: Env) -> list[tuple[str, str, str]]:
    with vault_sql(env.data / "vault.sqlite3") as db:
        return db.execute("SELECT actor, action, subject FROM audit_log ORDER BY seq").fetchall()


def restarted(env: Env) -> Env:
    """The same data folder under a new app: memory (sessions, caches) is gone."""
    store = SqliteVaultStore.open(env.data)
    app = create_app(env.app.state.settings, store=store)
    return Env(app, store, env.data, env.unit)


def test_the_password_form_asks_for_the_current_password_and_remembers_after_restart(
    env: Env,
) -> None:
    admin = signed_in(env, add_account(env, "adi", "admin"))
    page = admin.post(
        "/konsol/akun",
        data={"csrf": admin.csrf(), "username": "baru", "role": "inspector", "units": UNIT},
    )
    one_time = re.search(r'id="one-time-password">([^<]+)<', page.text)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.text)
    assert one_time and secret
    new = Account("baru", "inspector", pyotp.TOTP(secret.group(1)), one_time.group(1))

    later = restarted(env)  # the forced change is not forgotten by a restart
    console = Console(later)
    assert console.login(new).headers["location"] == "/konsol/sandi"
    form = console.get("/konsol/sandi").text
    assert 'name="current"' in form and 'autocomplete="current-password"' in form
    wrong = console.post(
        "/konsol/sandi",
        data={
            "csrf": console.csrf(),
            "current": "not the one-time password",
            "new": "my own good password",
            "repeat": "my own good password",
        },
    )
    assert wrong.status_code == 400 and 'id="problem"' in wrong.text
    assert "Kata sandi saat ini tidak benar." in wrong.text
    assert console.get("/konsol/kasus").headers["location"] == "/konsol/sandi"
    missing = console.post(
        "/konsol/sandi",
        data={
            "csrf": console.csrf(),
            "new": "my own good password",
            "repeat": "my own good password",
        },
    )
    assert missing.status_code == 400
    changed = console.post(
        "/konsol/sandi",
        data={
            "csrf": console.csrf(),
            "current": one_time.group(1),
            "new": "my own good password",
            "repeat": "my own good password",
        },
    )
    assert changed.status_code == 303
    assert console.get("/konsol/kasus").status_code == 200
    new.password = "my own good password"
    again = Console(restarted(later))
    assert again.login(new, step=1).headers["location"] == "/konsol/kasus"
    assert ("baru", "login_failed", "baru") in audit(env)


def test_assignment_offers_the_units_inspectors_and_the_unassigned_filter(env: Env) -> None:
    ines = add_account(env, "ines", "inspector", (UNIT,))
    add_account(env, "iwan", "inspector", (UNIT,))
    add_unit(env, "inspektorat-lain")
    add_account(env, "lain", "inspector", ("inspektorat-lain",))
    reports = [submit(env, AppClient(env.app)) for _ in range(2)]
    console = signed_in(env, ines)
    case = reports[0].case_id.hex()
    page = console.get(f"/konsol/kasus/{case}").text
    select = re.search(r'<select id="assignee".*?</select>', page, re.S)
    assert select
    assert re.findall(r'<option value="([^"]+)"', select.group(0)) == ["-", "ines", "iwan"]
    done = console.post(
        f"/konsol/kasus/{case}/tugaskan", data={"csrf": console.csrf(), "assignee": "iwan"}
    )
    assert done.status_code == 303
    unassigned = console.get("/konsol/kasus?assignee=-")
    assert unassigned.status_code == 200
    assert reports[1].case_id.hex() in unassigned.text and case not in unassigned.text
    assert case in console.get("/konsol/kasus?assignee=iwan").text
    refused = console.post(
        f"/konsol/kasus/{case}/tugaskan", data={"csrf": console.csrf(), "assignee": "lain"}
    )
    assert refused.status_code == 400


def test_registering_a_unit_and_the_daily_ceiling_are_audited(env: Env) -> None:
    admin = signed_in(env, add_account(env, "adi", "admin"))
    card = make_unit("inspektorat-baru").card.to_json()
    page = admin.get("/konsol/unit").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf
    registered = admin.post(
        "/konsol/unit",
        data={"csrf": csrf.group(1)},
        files={"card": ("kartu.json", io.BytesIO(card), "application/json")},
    )
    assert registered.status_code == 303, registered.text
    assert audit(env)[-1] == ("adi", "unit_registered", "inspektorat-baru")
    settings = admin.post(
        f"/konsol/pengaturan/{UNIT}",
        data={
            "csrf": admin.csrf(),
            "triage": "3",
            "first_followup": "5",
            "feedback": "30",
            "conclusion": "60",
            "auto_close": "10",
            "retention_days": "365",
            "daily_case_ceiling": "7",
        },
    )
    assert settings.status_code == 200
    assert env.store.unit_settings(UNIT).daily_case_ceiling == 7
    assert audit(env)[-2:] == [
        ("adi", "settings_changed", UNIT),
        ("adi", "unit_settings", UNIT),
    ]
    assert 'value="7"' in admin.get(f"/konsol/pengaturan/{UNIT}").text
