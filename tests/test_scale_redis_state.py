"""The shared state in Redis: what it holds, for how long, and what happens when it is gone.

A real ``redis-server`` (tests/redis_fixtures.py). docs/scale.md promises
that Redis learns nothing more than the single process's memory did: no
address, no session or upload token, no receipt code, only HMACs and
hashes of them, each key with a time to live.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest
from app_fixtures import UNIT_ID, AppClient, Submission, case_pow, make_env, open_upload
from console_fixtures import Console, add_account
from redis_fixtures import start_redis

from crypto.b64 import b64u_encode
from web.errors import MESSAGES
from web.shared_state import open_shared_state
from web.shared_state.redis_connection import StateRefused

PEER = "192.0.2.10"  # AppClient's default address


def test_redis_down_refuses_a_report_with_503_and_stores_nothing(tmp_path: Path) -> None:
    server = start_redis()
    try:
        env = make_env(tmp_path, state_url=server.url)
        report = Submission(env.unit)
        with AppClient(env.app) as client:
            token = open_upload(client)
            body = report.case_body(token, pow=case_pow(client))
            before = env.snapshot()
            server.stop()
            refused = client.post("/api/cases", json=body)
            assert refused.status_code == 503
            assert refused.json() == {
                "error": "state_unavailable",
                "message": MESSAGES["state_unavailable"][0],
            }
            assert refused.headers["retry-after"] == "60"
            assert env.snapshot() == before
            english = client.post("/api/cases?lang=en", json=body).json()["message"]
            assert english == MESSAGES["state_unavailable"][1]
            # A challenge cannot be issued either (its key is in Redis).
            assert client.post("/api/pow", json={"purpose": "upload"}).status_code == 503
    finally:
        server.stop()


def test_redis_down_refuses_staff_sign_in(tmp_path: Path) -> None:
    server = start_redis()
    try:
        env = make_env(tmp_path, state_url=server.url)
        ani = add_account(env, "ani", "inspector", (UNIT_ID,))
        console = Console(env)
        form = console.csrf("/konsol/masuk")
        server.stop()
        answer = console.post(
            "/konsol/masuk",
            data={"csrf": form, "username": "ani", "password": ani.password, "totp": ani.code()},
        )
        assert answer.status_code == 503
        assert "tidak dapat memeriksa proses masuk dan sesi" in answer.text
        assert not console.cookies  # no session
        english = console.post(
            "/en/konsol/masuk",
            data={"csrf": form, "username": "ani", "password": ani.password, "totp": ani.code()},
        )
        assert english.status_code == 503
        assert "cannot check sign-ins and sessions" in english.text
    finally:
        server.stop()


@pytest.mark.parametrize(
    "config", [("--save", "3600 1"), ("--appendonly", "yes")], ids=["save", "appendonly"]
)
def test_a_redis_that_writes_to_disk_is_refused(config: tuple[str, str]) -> None:
    server = start_redis(*config)
    try:
        with pytest.raises(StateRefused) as refused:
            open_shared_state(server.url)
        assert 'save ""' in refused.value.english and "appendonly no" in refused.value.english
        assert "disk" in refused.value.indonesian
    finally:
        server.stop()


@pytest.mark.parametrize("policy", ["volatile-ttl", "allkeys-lru", "volatile-lru"])
def test_a_redis_that_may_evict_keys_is_refused(policy: str) -> None:
    """Evicting a lock-out or a spent mark would fail open: only noeviction is accepted."""
    server = start_redis("--maxmemory", "256mb", "--maxmemory-policy", policy)
    try:
        with pytest.raises(StateRefused) as refused:
            open_shared_state(server.url)
        assert "maxmemory-policy noeviction" in refused.value.english
        assert "maxmemory-policy noeviction" in refused.value.indonesian
        assert "menghapus" in refused.value.indonesian
    finally:
        server.stop()


def test_a_full_redis_refuses_a_spend_instead_of_accepting_it() -> None:
    """With noeviction a full Redis refuses writes: a spend is a 503, never a fresh True."""
    from web.errors import StateUnavailable
    from web.shared_state.redis_reporters import RedisSpent, RedisWindowCounter

    server = start_redis("--maxmemory", "2mb", "--maxmemory-policy", "noeviction")
    try:
        shared = open_shared_state(server.url)
        spent = shared.spent
        assert isinstance(spent, RedisSpent)
        minute = int(time.time() // 60)
        assert spent.spend(b"first", minute + 15, minute)
        counter = RedisWindowCounter(shared.client, "lookups", 3600)
        with pytest.raises(StateUnavailable):
            for n in range(200_000):  # far more than 2 MB of keys: Redis fills up
                counter.add(n.to_bytes(16, "big"))
        with pytest.raises(StateUnavailable):
            spent.spend(b"second", minute + 15, minute)
        assert spent.count() == 1  # nothing was evicted: the first mark is still there
        shared.client.close()
    finally:
        server.stop()


def test_a_redis_that_does_not_answer_is_refused_at_start(tmp_path: Path) -> None:
    with pytest.raises(StateRefused) as refused:
        open_shared_state(f"unix://{tmp_path}/none.sock")
    assert "does not answer" in refused.value.english


def test_redis_holds_hashes_and_hmacs_only_each_with_a_time_to_live(
    tmp_path: Path, redis_url: str, redis_server: object
) -> None:
    env = make_env(tmp_path, state_url=redis_url)
    ani = add_account(env, "ani", "inspector", (UNIT_ID,))
    report = Submission(env.unit)
    console = Console(env)
    assert console.login(ani).status_code == 303
    with AppClient(env.app) as client:
        token = open_upload(client)
        item_id, data = report.attachment(b"x" * 1000)
        piece = client.put(
            f"/api/uploads/{token}/{b64u_encode(item_id)}/0",
            content=data,
            headers={"Content-Type": "application/octet-stream"},
        )
        assert piece.status_code == 200
        body = report.case_body(token, pow=case_pow(client))
        body["attachments"] = [{"item_id": b64u_encode(item_id), "size": len(data)}]
        assert client.post("/api/cases", json=body).status_code == 201
        miss = Submission(env.unit)
        from app_fixtures import lookup_body

        client.post("/api/case", json=lookup_body(client), headers=miss.authorization())

    r = redis_server.client()  # type: ignore[attr-defined]
    keys = sorted(k.decode() for k in r.scan_iter(count=1000))
    kinds = {k.split(":")[1] for k in keys}
    assert {"key", "pow", "volume", "session", "user-sessions"} <= kinds, keys
    everything = b"".join(k.encode() for k in keys)
    for key in keys:
        assert r.pttl(key) > 0, f"{key} never expires"
        kind = r.type(key).decode()
        if kind == "string":
            everything += r.get(key) or b""
        elif kind == "hash":
            everything += b"".join(k + v for k, v in r.hgetall(key).items())
        elif kind == "set":
            everything += b"".join(r.smembers(key))
    secrets_ = [
        PEER.encode(),
        token.encode(),  # the upload session's bearer token
        console.cookies["peluit-konsol"].encode(),  # the console session's token
        b64u_encode(report.selector).encode(),
        b64u_encode(report.validator).encode(),
        report.selector,
        report.validator,
    ]
    for secret in secrets_:
        assert secret not in everything
    # Every key with the data's own lifetime, never longer than a day and a grace.
    assert max(r.ttl(k) for k in keys) <= 86400 + 8 * 3600 + 1
    assert all(r.ttl(k) <= 900 for k in keys if k.startswith("peluit:session:"))
    # A spent mark: the challenge's 15 minutes plus the tolerated clock skew (#3 of review 13).
    from web.shared_state.redis_connection import SKEW_SECONDS

    spent_ttls = [r.ttl(k) for k in keys if k.startswith("peluit:pow:spent:")]
    assert spent_ttls and all(t <= 15 * 60 + SKEW_SECONDS for t in spent_ttls)


def test_the_redis_client_is_an_extra_locked_apart_from_the_runtime() -> None:
    """The workstation's offline wheelhouse is built from requirements.lock: it must not grow."""
    import tomllib

    root = Path(__file__).resolve().parent.parent
    extra = tomllib.loads((root / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]["scale"]
    assert [d.split(">")[0] for d in extra] == ["psycopg-pool", "psycopg[binary]", "redis"]
    runtime = (root / "requirements.lock").read_text()
    assert "redis==" not in runtime and "psycopg" not in runtime
    scale = (root / "requirements-scale.lock").read_text()
    assert "redis==" in scale and "--hash=sha256:" in scale
    postgres = (root / "requirements-postgres.lock").read_text()
    assert "psycopg==" in postgres and "psycopg-pool==" in postgres
    assert "--hash=sha256:" in postgres


def test_shared_keys_agree_rotate_by_period_and_keep_the_previous_for_its_grace(
    redis_server: object, redis_url: str
) -> None:
    from web.shared_state.redis_keys import RedisKeyRing

    now = [10 * 86400 + 100.0]
    client = redis_server.client()  # type: ignore[attr-defined]
    a = RedisKeyRing(client, "pow", 86400, 900, clock=lambda: now[0])
    b = RedisKeyRing(client, "pow", 86400, 900, clock=lambda: now[0])
    first = a.live()
    assert len(first) == 1 and b.live() == first  # B reads the key A drew
    assert 86400 < client.ttl("peluit:key:pow:10") <= 86400 + 901
    now[0] = 11 * 86400 + 10  # the next day, within the grace
    second = b.live()
    assert second[0] != first[0] and second[1:] == first
    assert a.live() == second
    now[0] = 11 * 86400 + 901  # the grace is over
    assert a.live() == [second[0]]


def test_doctor_checks_the_shared_state(tmp_path: Path, redis_url: str) -> None:
    import datetime as dt

    from web.doctor_checks import Context
    from web.doctor_machine import check_shared_state
    from web.settings import Settings

    def finding(url: str) -> tuple[bool, str]:
        ctx = Context(settings=Settings(data_dir=tmp_path, state_url=url), today=dt.date.today())
        (found,) = check_shared_state(ctx)
        return found.ok, found.what.en

    assert finding("") == (True, "one process: the ephemeral state in its memory")
    assert finding(redis_url) == (True, "Redis answers and keeps nothing on disk")
    writing = start_redis("--save", "60 1")
    try:
        good, what = finding(writing.url)
        assert not good and "writes to disk" in what
    finally:
        writing.stop()
    # This machine's clock 30 s away from Redis's (the same clock here): named.
    import web.doctor_machine

    real = time.time
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(web.doctor_machine, "_clock", lambda: real() - 30)
        good, what = finding(redis_url)
    assert not good and "30 s" in what and "Redis" in what
    evicting = start_redis("--maxmemory", "256mb", "--maxmemory-policy", "volatile-ttl")
    try:
        good, what = finding(evicting.url)
        assert not good and "maxmemory-policy noeviction" in what
    finally:
        evicting.stop()


@pytest.mark.parametrize(
    "module", ["web.shared_state", "web.shared_state.redis_reporters", "web.api.state"]
)
def test_the_shared_state_imports_first_on_its_own(module: str) -> None:
    """A tool or a test may import the package before web.app: no circular import."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def test_a_spent_mark_outlives_its_challenge_whatever_redis_s_clock_says(
    redis_server: object, redis_url: str
) -> None:
    """The mark's lifetime comes from the verifier's clock, never an EXAT Redis may see as past.

    ``m`` is Redis's current minute (the same machine's clock here): a
    verifier whose clock is still in minute ``m - 1`` holds a challenge
    expiring at ``m`` alive. An absolute expiry at ``m * 60`` is already in
    Redis's past, where ``SET NX EXAT`` answers OK and keeps nothing.
    """
    from web.shared_state.redis_connection import SKEW_SECONDS
    from web.shared_state.redis_reporters import RedisSpent

    client = redis_server.client()  # type: ignore[attr-defined]
    spent = RedisSpent(client)
    m = int(time.time() // 60)
    assert spent.spend(b"late", m, m - 1)
    assert not spent.spend(b"late", m, m - 1)
    assert not spent.spend(b"late", m, m - 1)
    # A fresh challenge: kept until its expiry plus the tolerated skew, not longer.
    assert spent.spend(b"fresh", m + 15, m)
    ttl = client.ttl(f"peluit:pow:spent:{hashlib.sha256(b'fresh').hexdigest()}")
    assert 15 * 60 < ttl <= 15 * 60 + SKEW_SECONDS


def test_a_verifier_behind_redis_refuses_the_second_spend(
    redis_server: object, redis_url: str
) -> None:
    from web.errors import PowSpent
    from web.proof_of_work import NONCE_SIZE, ProofOfWork
    from web.shared_state.redis_keys import RedisKeyRing
    from web.shared_state.redis_reporters import RedisSpent

    client = redis_server.client()  # type: ignore[attr-defined]
    keys = RedisKeyRing(client, "pow", 86400, 900)
    m = int(time.time() // 60)
    # The challenge was issued 15 minutes ago by a node, and expires in minute m.
    issuer = ProofOfWork(0, clock=lambda: (m - 15) * 60 + 1.0, keyring=keys)
    challenge = issuer.issue()
    # This node's clock is 30 seconds before minute m: for it the challenge is alive.
    behind = ProofOfWork(0, clock=lambda: m * 60 - 30.0, keyring=keys, spent=RedisSpent(client))
    nonce = bytes(NONCE_SIZE)
    assert behind.verify(challenge, nonce) == 0
    with pytest.raises(PowSpent):
        behind.verify(challenge, nonce)


def test_a_lapsed_piece_mark_is_not_released_by_its_former_owner(
    redis_server: object, redis_url: str
) -> None:
    """Compare-and-delete: A's late release must not free the mark B claimed after A's lapsed."""
    from web.shared_state.redis_reporters import RedisPiecesInFlight

    client = redis_server.client()  # type: ignore[attr-defined]
    a, b, c = (RedisPiecesInFlight(client, hold_seconds=0.2) for _ in range(3))
    assert a.claim("upload-token")
    assert not b.claim("upload-token")
    time.sleep(0.4)  # A's piece outlives its mark
    b_long = RedisPiecesInFlight(client, hold_seconds=60)
    assert b_long.claim("upload-token")
    a.release("upload-token")  # A is done at last: B's mark stays
    assert not c.claim("upload-token")
    b_long.release("upload-token")
    assert c.claim("upload-token")
    c.release("upload-token")


def test_a_node_whose_clock_is_behind_cannot_stretch_a_session(
    redis_server: object, redis_url: str
) -> None:
    """Session times come from Redis's clock: a node 10 minutes behind renews the idle
    timer but never past created + 8 h (review 13 #10)."""
    from vault.staff import Role, StaffUser
    from web.shared_state.redis_staff import RedisSessions

    client = redis_server.client()  # type: ignore[attr-defined]
    a = RedisSessions(client)
    behind = RedisSessions(client, clock=lambda: time.time() - 600)
    ani = StaffUser(7, "ani", Role("inspector"), (UNIT_ID,), False)
    token, _ = a.create(ani)
    name = f"peluit:session:{hashlib.sha256(token.encode()).hexdigest()}"
    assert client.hget(name, "created") is not None
    seconds, micros = client.time()
    redis_now = seconds + micros / 1e6
    # The session was made 7 h 55 min ago by Redis's clock: 5 minutes are left.
    created = redis_now - (8 * 3600 - 300)
    client.hset(name, mapping={"created": created, "last_seen": redis_now - 60})
    session = behind.get(token)
    assert session is not None
    renewed = behind.touch(session)
    assert renewed is not None
    assert 0 < client.pttl(name) <= 300_000  # never the full 15 minutes
    # By Redis's clock the 8 hours are over; the node behind still thinks 7 h 55 min.
    client.hset(name, "created", redis_now - 8 * 3600 - 1)
    assert behind.touch(renewed) is None
    assert not client.exists(name)
