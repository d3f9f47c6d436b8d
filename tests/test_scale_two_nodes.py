"""Two server processes on one data folder and one Redis act as one server (docs/scale.md).

Each test builds two real apps (A and B) on the same vault (the SQLite data
folder; in the ``PELUIT_TEST_BACKEND=postgres`` run the same PostgreSQL
database) and the same real ``redis-server`` (tests/redis_fixtures.py), as
two processes or two machines would be, and checks that what one remembers
the other knows: spent proofs of work, prices, staff sessions, sign-in
locks, upload pieces in flight, receipts. Writes at the same time through
both: tests/test_scale_two_nodes_concurrent.py; two real server processes:
tests/test_scale_two_servers.py.
"""

from __future__ import annotations

from pathlib import Path

from app_fixtures import (
    UNIT_ID,
    AppClient,
    Env,
    Submission,
    another_node,
    case_pow,
    lookup_body,
    make_env,
    open_upload,
    solved_pow,
)
from console_fixtures import Console, add_account

from crypto.b64 import b64u_encode


def two_nodes(tmp_path: Path, redis_url: str, **kwargs: object) -> tuple[Env, Env]:
    a = make_env(tmp_path, state_url=redis_url, **kwargs)  # type: ignore[arg-type]
    return a, another_node(a)


def submit(client: AppClient, report: Submission) -> None:
    token = open_upload(client)
    created = client.post("/api/cases", json=report.case_body(token, pow=case_pow(client)))
    assert created.status_code == 201, created.text


def test_a_proof_of_work_spent_on_a_is_refused_on_b(tmp_path: Path, redis_url: str) -> None:
    a, b = two_nodes(tmp_path, redis_url)
    with AppClient(a.app) as on_a, AppClient(b.app) as on_b:
        paid = solved_pow(on_a)  # issued by A
        assert on_a.post("/api/uploads", json={"pow": paid}).status_code == 200
        again = on_b.post("/api/uploads", json={"pow": paid})
        assert again.status_code == 400
        assert again.json()["error"] == "pow_spent"
        # A challenge issued by A is good on B (one key for both) until spent there.
        fresh = solved_pow(on_a)
        assert on_b.post("/api/uploads", json={"pow": fresh}).status_code == 200
        assert on_a.post("/api/uploads", json={"pow": fresh}).json()["error"] == "pow_spent"


def test_a_report_sent_to_a_is_found_by_its_receipt_on_b(tmp_path: Path, redis_url: str) -> None:
    a, b = two_nodes(tmp_path, redis_url)
    report = Submission(a.unit)
    with AppClient(a.app) as on_a, AppClient(b.app) as on_b:
        submit(on_a, report)
        found = on_b.post("/api/case", json=lookup_body(on_b), headers=report.authorization())
        assert found.status_code == 200, found.text
        view = found.json()
        # B's pass (one shared key) opens the items on A.
        tip = next(i for i in view["items"] if i["kind"] == "tip")
        read = on_a.post(
            f"/api/case/items/{tip['item_id']}",
            json={"pass": view["pass"]},
            headers=report.authorization(),
        )
        assert read.status_code == 200


def test_the_lookup_price_is_shared(tmp_path: Path, redis_url: str) -> None:
    a, b = two_nodes(tmp_path, redis_url, per_peer=2)
    stranger = Submission(a.unit)  # never submitted: every lookup fails

    def price(client: AppClient) -> int:
        difficulty: int = client.post("/api/pow", json={"purpose": "lookup"}).json()["difficulty"]
        return difficulty

    with AppClient(a.app) as on_a, AppClient(b.app) as on_b:
        base = price(on_b)
        for _ in range(6):
            miss = on_a.post("/api/case", json=lookup_body(on_a), headers=stranger.authorization())
            assert miss.status_code == 404
        assert price(on_b) > base  # B prices this peer by A's failures
        other_peer = AppClient(b.app, peer="198.51.100.7")
        assert price(other_peer) == base  # another peer pays the base (the total is far off)


def test_a_staff_session_opened_on_a_works_on_b_until_signed_out_on_a(
    tmp_path: Path, redis_url: str
) -> None:
    a, b = two_nodes(tmp_path, redis_url)
    ani = add_account(a, "ani", "inspector", (UNIT_ID,))
    on_a, on_b = Console(a), Console(b)
    signed_in = on_a.login(ani)
    assert signed_in.status_code == 303, signed_in.text
    on_b.cookies = dict(on_a.cookies)  # the load balancer sends the next request to B
    assert on_b.get("/konsol/kasus").status_code == 200
    # B's page carries the session's CSRF token; A accepts the sign-out form from it.
    out = on_a.post("/konsol/keluar", data={"csrf": on_b.csrf("/konsol/kasus")})
    assert out.status_code == 303
    after = on_b.get("/konsol/kasus")
    assert after.status_code == 303 and after.headers["location"].endswith("/masuk")


def test_the_sign_in_form_of_a_is_accepted_by_b(tmp_path: Path, redis_url: str) -> None:
    a, b = two_nodes(tmp_path, redis_url)
    ani = add_account(a, "ani", "inspector", (UNIT_ID,))
    on_a, on_b = Console(a), Console(b)
    form = on_a.csrf("/konsol/masuk")
    answer = on_b.post(
        "/konsol/masuk",
        data={"csrf": form, "username": "ani", "password": ani.password, "totp": ani.code()},
    )
    assert answer.status_code == 303, answer.text


def test_the_sign_in_throttle_is_shared(tmp_path: Path, redis_url: str) -> None:
    a, b = two_nodes(tmp_path, redis_url)
    ani = add_account(a, "ani", "inspector", (UNIT_ID,))
    on_a, on_b = Console(a), Console(b)
    wrong = {"username": "ani", "password": "not the password", "totp": "000000"}
    for _ in range(5):
        failed = on_a.post("/konsol/masuk", data={"csrf": on_a.csrf("/konsol/masuk"), **wrong})
        assert failed.status_code in (401, 429)
    assert failed.status_code == 429  # the 5th failure locked the account
    right = {"username": "ani", "password": ani.password, "totp": ani.code()}
    locked = on_b.post("/konsol/masuk", data={"csrf": on_b.csrf("/konsol/masuk"), **right})
    assert locked.status_code == 429  # B knows the lock A set: no hash, no sign-in


def test_one_piece_in_flight_per_upload_across_nodes(tmp_path: Path, redis_url: str) -> None:
    a, b = two_nodes(tmp_path, redis_url)
    report = Submission(a.unit)
    with AppClient(a.app) as on_a, AppClient(b.app) as on_b:
        token = open_upload(on_a)
        assert a.app.state.api.in_flight.claim(token)  # A is receiving a piece
        item_id, data = report.attachment(b"bukti " * 100)
        busy = on_b.put(
            f"/api/uploads/{token}/{b64u_encode(item_id)}/0",
            content=data,
            headers={"Content-Type": "application/octet-stream"},
        )
        # Piece 0 of an empty session is in order: only "busy" refuses it.
        assert busy.status_code == 409 and busy.json()["error"] == "conflict"
        a.app.state.api.in_flight.release(token)
        done = on_b.put(
            f"/api/uploads/{token}/{b64u_encode(item_id)}/0",
            content=data,
            headers={"Content-Type": "application/octet-stream"},
        )
        assert done.status_code == 200, done.text


def test_a_forced_password_change_known_on_a_holds_on_b(tmp_path: Path, redis_url: str) -> None:
    import pyotp
    from console_fixtures import PASSWORD, Account

    from vault import staff
    from vault.database import opened

    a, b = two_nodes(tmp_path, redis_url)
    with opened(a.data / "vault.sqlite3") as db:
        user, secret = staff.create_user(
            db, "budi", "inspector", unit_ids=(UNIT_ID,), password=PASSWORD,
            one_time_password=True,
        )  # fmt: skip
    budi = Account("budi", "inspector", pyotp.TOTP(secret.reveal()), user_id=user.user_id)
    on_a, on_b = Console(a), Console(b)
    signed_in = on_a.login(budi)
    assert signed_in.headers["location"].endswith("/sandi")
    on_b.cookies = dict(on_a.cookies)
    elsewhere = on_b.get("/konsol/kasus")
    assert elsewhere.status_code == 303 and elsewhere.headers["location"].endswith("/sandi")
