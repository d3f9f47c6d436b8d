"""Staff accounts and sessions: Argon2id, TOTP with replay refusal, lock-out, expiry.

TOTP codes are made with pyotp from the secret the account was created with,
at times chosen by the test (``now=``); the throttle and the sessions run on
injected clocks. No timing is measured.
"""

from __future__ import annotations

from pathlib import Path

import pyotp
import pytest
from test_lifecycle_fixtures import UNIT_A, Vault

from crypto.secret import SecretStr
from vault import staff
from vault.errors import BadInput, Conflict, NotFound
from vault.staff import AccountLocked, LoginFailed, LoginThrottle, Role, SignInBusy
from vault.staff_sessions import SessionStore

PASSWORD = "kuda-baterai-benar-staples"
T0 = 1_800_000_000.0  # a fixed instant for TOTP steps


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _setup(tmp_path: Path, role: str = "inspector"):  # type: ignore[no-untyped-def]
    vault = Vault(tmp_path)
    with vault.db() as db:
        user, secret = staff.create_user(
            db, "siti", role, unit_ids=[UNIT_A] if role == "inspector" else (), password=PASSWORD
        )
    return vault, user, pyotp.TOTP(secret.reveal())


def _login(
    vault: Vault,
    code: str,
    *,
    now: float = T0,
    password: str = PASSWORD,
    name: str = "siti",
    throttle: LoginThrottle | None = None,
):  # type: ignore[no-untyped-def]
    with vault.db() as db:
        return staff.authenticate(
            db, name, password, code, now=lambda: now, throttle=throttle or LoginThrottle()
        )


@pytest.mark.sqlite_only
def test_passwords_are_argon2id_and_never_stored(tmp_path: Path) -> None:
    vault, user, _totp = _setup(tmp_path)
    (stored,) = vault.rows("SELECT password_hash FROM staff_users")[0:1]
    assert stored[0].startswith("$argon2id$")
    assert PASSWORD not in stored[0]
    raw = (vault.path / "vault.sqlite3").read_bytes()
    assert PASSWORD.encode() not in raw
    assert user == staff.StaffUser(user.user_id, "siti", Role.INSPECTOR, (UNIT_A,), False)


def test_login_needs_password_and_a_fresh_code(tmp_path: Path) -> None:
    vault, user, totp = _setup(tmp_path)
    assert _login(vault, totp.at(T0)) == user
    # The same code again (replay) is refused, even one step later.
    with pytest.raises(LoginFailed):
        _login(vault, totp.at(T0), now=T0 + 30)
    # An older step than the last used one is refused too.
    with pytest.raises(LoginFailed):
        _login(vault, totp.at(T0 - 30), now=T0 + 1)
    # The next step's code is fine.
    assert _login(vault, totp.at(T0 + 30), now=T0 + 30) == user


def test_code_window_is_one_step_either_side(tmp_path: Path) -> None:
    vault, user, totp = _setup(tmp_path)
    assert _login(vault, totp.at(T0 - 30), now=T0) == user  # previous step
    assert _login(vault, totp.at(T0 + 60), now=T0 + 30) == user  # next step
    with pytest.raises(LoginFailed):
        _login(vault, totp.at(T0 + 300 + 60), now=T0 + 300)  # two steps ahead
    with pytest.raises(LoginFailed):
        _login(vault, totp.at(T0 + 600 - 60), now=T0 + 600)  # two steps behind


def test_failures_look_alike_and_are_audited_without_guesses(tmp_path: Path) -> None:
    vault, _, totp = _setup(tmp_path)
    messages = set()
    for name, password, code in [
        ("siti", "salah-salah-salah", totp.at(T0)),
        ("tidak-ada", PASSWORD, totp.at(T0)),
        ("siti", PASSWORD, "000000" if totp.at(T0) != "000000" else "111111"),
        ("Siti' OR 1=1", PASSWORD, totp.at(T0)),
    ]:
        with pytest.raises(LoginFailed) as failed:
            _login(vault, code, name=name, password=password)
        messages.add(failed.value.user_message)
    assert len(messages) == 1
    subjects = [
        r[0] for r in vault.rows("SELECT subject FROM audit_log WHERE action = 'login_failed'")
    ]
    assert subjects == ["siti", "unknown", "siti", "unknown"]


def test_disabled_accounts_cannot_sign_in(tmp_path: Path) -> None:
    vault, _, totp = _setup(tmp_path)
    with vault.db() as db:
        assert staff.disable_user(db, "siti", actor="admin").disabled
    with pytest.raises(LoginFailed):
        _login(vault, totp.at(T0))


def test_failures_lock_the_account_for_a_rising_while(tmp_path: Path) -> None:
    vault, user, totp = _setup(tmp_path)
    clock = Clock()
    throttle = LoginThrottle(clock=clock)
    for _ in range(4):
        with pytest.raises(LoginFailed):
            _login(vault, totp.at(T0), password="salah-salah-salah", throttle=throttle)
    with pytest.raises(AccountLocked) as locked:
        _login(vault, totp.at(T0), password="salah-salah-salah", throttle=throttle)
    assert locked.value.seconds == 30
    assert "wait 30 seconds" in locked.value.user_message
    # Even the right password and code are refused while locked.
    clock.now += 29
    with pytest.raises(AccountLocked):
        _login(vault, totp.at(T0), throttle=throttle)
    # Each further failure in a row doubles the lock, up to 15 minutes.
    waits = []
    for _ in range(8):
        clock.now += 901
        with pytest.raises(AccountLocked) as locked:
            _login(vault, totp.at(T0), password="salah-salah-salah", throttle=throttle)
        waits.append(locked.value.seconds)
    assert waits == [60, 120, 240, 480, 900, 900, 900, 900]
    clock.now += 901
    assert _login(vault, totp.at(T0), throttle=throttle) == user
    actions = [r[0] for r in vault.rows("SELECT action FROM audit_log ORDER BY seq")]
    assert actions.count("lockout") == 9 and actions[-1] == "login"


def test_unknown_names_lock_the_same_way(tmp_path: Path) -> None:
    vault, _, _totp = _setup(tmp_path)
    throttle = LoginThrottle(clock=Clock())
    for _ in range(4):
        with pytest.raises(LoginFailed):
            _login(vault, "123456", name="hantu", throttle=throttle)
    with pytest.raises(AccountLocked):
        _login(vault, "123456", name="hantu", throttle=throttle)


def test_spraying_many_accounts_never_pauses_another_account(tmp_path: Path) -> None:
    """Issue 17: 100 failures anywhere paused every staff sign-in for 15 minutes."""
    vault, user, totp = _setup(tmp_path)
    throttle = LoginThrottle(clock=Clock())
    for i in range(150):  # counted as authenticate counts them (without 150 real hashes)
        throttle.check(f"tebak{i}")
        throttle.failed(f"tebak{i}")
    for _ in range(10):  # and one name locked over and over
        with pytest.raises((LoginFailed, AccountLocked)):
            _login(vault, "123456", name="tebak0", throttle=throttle)
    assert _login(vault, totp.at(T0), throttle=throttle) == user


def test_at_most_two_hashes_run_at_once_and_a_crowd_is_turned_away_unhashed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17: 40 parallel sign-ins ran 40 Argon2id hashes of 64 MiB at once."""
    import threading

    from vault import staff_login

    running, peak, hashed = 0, 0, 0
    lock = threading.Lock()
    release = threading.Event()
    real = staff_login.hasher

    class CountingHasher:
        def verify(self, encoded: str, password: str) -> bool:
            nonlocal running, peak, hashed
            with lock:
                running += 1
                hashed += 1
                peak = max(peak, running)
            release.wait(10)  # hold every hash until the crowd has arrived
            try:
                return real.verify(encoded, password)
            finally:
                with lock:
                    running -= 1

        def __getattr__(self, name: str) -> object:
            return getattr(real, name)

    monkeypatch.setattr(staff_login, "hasher", CountingHasher())
    monkeypatch.setattr(staff_login, "DEFAULT_GATE", staff_login.HashGate())
    vault, _, _ = _setup(tmp_path)
    outcomes: list[str] = []

    def attempt(i: int) -> None:
        try:
            with vault.db() as db:
                staff.authenticate(
                    db, f"tamu{i}", "salah", "123456", throttle=LoginThrottle(),
                    gate=staff_login.DEFAULT_GATE,
                )  # fmt: skip
        except SignInBusy:
            outcomes.append("busy")
        except LoginFailed:
            outcomes.append("failed")

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(40)]
    for thread in threads:
        thread.start()
    while outcomes.count("busy") < 34 and any(t.is_alive() for t in threads):
        release.wait(0.05)  # the 34 turned away answer without waiting for any hash
    release.set()
    for thread in threads:
        thread.join()
    assert peak <= 2
    assert hashed == 6  # 2 running and 4 queued; the other 34 never hashed
    assert outcomes.count("busy") == 34 and outcomes.count("failed") == 6


def test_account_rules(tmp_path: Path) -> None:
    vault, _, _ = _setup(tmp_path)
    with vault.db() as db:
        with pytest.raises(Conflict):
            staff.create_user(db, "siti", "auditor", password=PASSWORD)
        with pytest.raises(BadInput, match="12 to 1024"):
            staff.create_user(db, "budi", "auditor", password="pendek")
        with pytest.raises(BadInput, match="username"):
            staff.create_user(db, "Budi Santoso", "auditor", password=PASSWORD)
        with pytest.raises(BadInput, match="role"):
            staff.create_user(db, "budi", "superuser", password=PASSWORD)
        with pytest.raises(BadInput, match="Only inspectors"):
            staff.create_user(db, "budi", "admin", unit_ids=[UNIT_A], password=PASSWORD)
        with pytest.raises(NotFound):
            staff.create_user(db, "budi", "inspector", unit_ids=["nowhere"], password=PASSWORD)
        user = staff.set_units(db, "siti", ["inspektorat-b", UNIT_A], actor="admin")
        assert user.unit_ids == (UNIT_A, "inspektorat-b")
        staff.set_password(db, "siti", SecretStr("kata-sandi-baru-panjang"), actor="admin")
        assert [u.username for u in staff.list_users(db)] == ["siti"]
    with pytest.raises(LoginFailed):
        _login(vault, "000000")


def test_provisioning_uri_names_issuer_and_account(tmp_path: Path) -> None:
    vault = Vault(tmp_path)
    with vault.db() as db:
        _, secret = staff.create_user(db, "andi", "auditor", password=PASSWORD)
    assert "***" in repr(secret)
    uri = staff.provisioning_uri("andi", secret)
    assert uri.startswith("otpauth://totp/Peluit:andi?") and f"secret={secret.reveal()}" in uri


# --- sessions -------------------------------------------------------------------

USER = staff.StaffUser(7, "siti", Role.INSPECTOR, (UNIT_A,), False)


def test_sessions_expire_when_idle() -> None:
    clock = Clock()
    sessions = SessionStore(clock=clock)
    token, _csrf = sessions.create(USER)
    clock.now += 899
    session = sessions.get(token)
    assert session is not None and session.user == USER
    assert sessions.touch(session) is not None
    clock.now += 899  # 899 s after the touch: still alive
    assert sessions.get(token) is not None
    clock.now += 901
    assert sessions.get(token) is None
    assert len(sessions) == 0


def test_sessions_end_after_eight_hours_whatever_the_activity() -> None:
    clock = Clock()
    sessions = SessionStore(clock=clock)
    token, _ = sessions.create(USER)
    start = clock.now
    while clock.now + 600 - start < 28800:  # active every 10 minutes
        clock.now += 600
        session = sessions.get(token)
        assert session is not None
        sessions.touch(session)
    clock.now = start + 28799  # less than 10 idle minutes, under 8 hours
    assert sessions.get(token) is not None
    clock.now = start + 28800
    assert sessions.get(token) is None


def test_tokens_are_kept_hashed_and_csrf_is_checked() -> None:
    sessions = SessionStore()
    token, csrf = sessions.create(USER)
    other_token, other_csrf = sessions.create(USER)
    assert token not in repr(sessions.__dict__) and csrf not in repr(sessions.get(token))
    session = sessions.get(token)
    assert session is not None
    assert sessions.check_csrf(session, csrf)
    assert not sessions.check_csrf(session, other_csrf)
    assert not sessions.check_csrf(session, "")
    assert not sessions.check_csrf(session, None)
    assert sessions.get("nope") is None and sessions.get(None) is None
    sessions.destroy(token)
    assert sessions.get(token) is None and sessions.get(other_token) is not None
    assert sessions.destroy_user(USER.user_id) == 1
    assert sessions.get(other_token) is None
