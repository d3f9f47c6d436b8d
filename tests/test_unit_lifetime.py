"""Units over their lifetime: retire, remove, replace the card (issue 14 item 4).

A retired unit refuses new reports (API and page) and says where to go; its
existing reporters still read replies and write back. Only a unit without
cases can be removed. A card replacement shows the new fingerprint and goes
on only when it is confirmed; a card for another unit id is refused.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from app_fixtures import (
    AppClient,
    Env,
    Submission,
    case_pow,
    lookup_body,
    make_env,
    make_unit,
    message_pow,
    open_upload,
)
from console_fixtures import add_account
from vault_sql import tables_with_column, vault_sql

from crypto import envelope
from crypto.reply import sign_reply
from crypto.unit_card import UnitCard
from crypto.xwing import XWingPrivateKey
from vault.database import is_postgres
from vault.errors import BadInput, Conflict
from vault.store import NewItem
from web.cli import main


def submit(env: Env, client: AppClient) -> tuple[Submission, object]:
    report = Submission(env.unit)
    token = open_upload(client)
    body = report.case_body(token, pow=case_pow(client, env.unit.card.unit_id))
    return report, client.post("/api/cases", json=body)


def reply_to(env: Env, report: Submission) -> None:
    reply_id = b"r" * 16
    ctx = report.context("reply", reply_id)
    signed = sign_reply(
        env.unit.signing, ctx, b'{"text": "Terima kasih", "status": null, "template": null}'
    )
    data = envelope.seal(
        signed, [report.reporter.public_key(), env.unit.card.xwing_public_key], ctx
    )
    env.store.add_unit_envelopes(report.case_id, [NewItem(reply_id, "reply", data)])


def cli(env: Env, *args: str) -> int:
    return main(["--data", str(env.data), *args])


def test_retired_unit_refuses_new_reports_but_keeps_its_reporters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = make_env(tmp_path)
    unit_id = env.unit.card.unit_id
    successor = make_unit("inspektorat-baru")
    env.store.register_unit(successor.card.to_json())
    with AppClient(env.app) as client:
        earlier, created = submit(env, client)
        assert created.status_code == 201  # type: ignore[attr-defined]
        reply_to(env, earlier)

        assert cli(env, "unit", "retire", unit_id, "--to", "inspektorat-baru",
                   "--url", "https://wbs.example.go.id/") == 0  # fmt: skip
        out = capsys.readouterr().out
        assert f"unit {unit_id} retired on" in out and "inspektorat-baru" in out

        # a new report: refused with the reason, in both languages, nothing stored
        before = env.snapshot()
        _, refused = submit(env, client)
        assert refused.status_code == 410  # type: ignore[attr-defined]
        assert refused.json()["error"] == "unit_retired"  # type: ignore[attr-defined]
        assert "tidak lagi menerima laporan baru" in refused.json()["message"]  # type: ignore[attr-defined]
        token = open_upload(client)
        body = Submission(env.unit).case_body(token, pow=case_pow(client, unit_id))
        english = client.post("/api/cases?lang=en", json=body)
        assert "no longer accepts new reports" in english.json()["message"]
        after = env.snapshot()
        assert after["cases"] == before["cases"] and after["envelopes"] == before["envelopes"]

        # the earlier reporter still reads the reply and writes back
        case = client.post("/api/case", json=lookup_body(client), headers=earlier.authorization())
        assert case.status_code == 200
        assert "reply" in [item["kind"] for item in case.json()["items"]]
        message = earlier.sealed("message", b'{"text": "masih di sini"}')
        sent = client.post(
            "/api/case/messages",
            headers=earlier.authorization(),
            json={
                "pow": message_pow(client),
                "upload": None,
                "message": message,
                "attachments": [],
            },
        )
        assert sent.status_code in (200, 201), sent.text

        # the pages say where to go instead, and offer no form
        page = client.get(f"/id/lapor/{unit_id}")
        assert page.status_code == 200
        assert "tidak lagi menerima laporan baru" in page.text
        assert 'id="app"' not in page.text
        assert "/id/lapor/inspektorat-baru" in page.text
        assert "https://wbs.example.go.id/" in page.text
        assert "/id/cek" in page.text
        english_page = client.get(f"/en/lapor/{unit_id}").text
        assert "no longer accepts new reports" in english_page
        home = client.get("/id/").text
        assert home.count("tidak lagi menerima laporan baru") == 1
        instance = client.get("/api/instance").json()
        assert {u["unit_id"]: u["retired"] for u in instance["units"]} == {
            unit_id: True,
            "inspektorat-baru": False,
        }
        # the successor still takes reports
        assert client.get("/id/lapor/inspektorat-baru").text.count('id="app"') == 1


def test_retire_needs_a_place_to_go_and_a_good_one(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    unit_id = env.unit.card.unit_id
    with pytest.raises(BadInput):
        env.store.retire_unit(unit_id, forward_unit=None, forward_url=None, actor="system")
    for url in ("http://wbs.example.go.id", "javascript:alert(1)", "https://x y"):
        with pytest.raises(BadInput):
            env.store.retire_unit(unit_id, forward_unit=None, forward_url=url, actor="system")
    with pytest.raises(BadInput):
        env.store.retire_unit(unit_id, forward_unit=unit_id, forward_url=None, actor="system")
    assert cli(env, "unit", "retire", unit_id) == 1
    assert not env.store.get_unit(unit_id).retired
    env.store.retire_unit(unit_id, forward_unit=None, forward_url="https://a.example", actor="x")
    with pytest.raises(Conflict):
        env.store.retire_unit(
            unit_id, forward_unit=None, forward_url="https://b.example", actor="x"
        )


def test_remove_only_a_unit_without_cases(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = make_env(tmp_path)
    demo = make_unit("demo-inspektorat")
    env.store.register_unit(demo.card.to_json())
    add_account(env, "demo-inspektur", "inspector", ("demo-inspektorat",))
    with AppClient(env.app) as client:
        assert submit(env, client)[1].status_code == 201  # type: ignore[attr-defined]
    # a unit with cases: refused, nothing changed
    assert cli(env, "unit", "remove", env.unit.card.unit_id) == 1
    err = capsys.readouterr().err
    assert "retire it instead" in err and "peluit unit retire" in err
    assert env.store.get_unit(env.unit.card.unit_id)
    # the demo unit, with an inspector assigned: gone, every row that named it too
    assert cli(env, "unit", "remove", "demo-inspektorat") == 0
    assert "unit demo-inspektorat removed" in capsys.readouterr().out
    with vault_sql(env.data / "vault.sqlite3") as db:
        for table in tables_with_column(db, "unit_id"):
            query = f"SELECT count(*) FROM {table} WHERE unit_id = ?"  # noqa: S608
            found = db.execute(query, ["demo-inspektorat"]).fetchone()[0]
            assert found == 0, table
        if not is_postgres():  # PostgreSQL checks every foreign key at each statement
            assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        audit = db.execute("SELECT action, subject, detail FROM audit_log").fetchall()
    assert ("unit_changed", "demo-inspektorat", '{"change":"removed"}') in audit


def rotated_card(env: Env, unit_id: str | None = None) -> UnitCard:
    _, xwing = XWingPrivateKey.generate()
    return UnitCard.create(
        env.unit.signing, xwing.public_key(), unit_id or env.unit.card.unit_id,
        "Inspektorat Demo", "Uji coba", dt.date(2026, 11, 20),
    )  # fmt: skip


def test_replace_card_shows_the_fingerprint_and_needs_confirmation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = make_env(tmp_path)
    unit_id = env.unit.card.unit_id
    card = rotated_card(env)
    path = tmp_path / "unit-card.json"
    path.write_bytes(card.to_json())
    old = env.store.get_unit(unit_id).fingerprint

    # no terminal (pytest's stdin): --fingerprint is required
    assert cli(env, "unit", "replace", unit_id, str(path)) == 1
    captured = capsys.readouterr()
    assert f"new fingerprint:     {card.fingerprint()}" in captured.out
    assert f"current fingerprint: {old}" in captured.out
    assert "add --fingerprint" in captured.err
    assert env.store.get_unit(unit_id).fingerprint == old

    # a wrong fingerprint: refused
    assert cli(env, "unit", "replace", unit_id, str(path), "--fingerprint", old) == 1
    assert "does not match" in capsys.readouterr().err
    assert env.store.get_unit(unit_id).fingerprint == old

    # a card for another unit id: refused before anything is shown
    other = tmp_path / "other.json"
    other.write_bytes(rotated_card(env, "inspektorat-lain").to_json())
    assert cli(env, "unit", "replace", unit_id, str(other), "--fingerprint", "x") == 1
    assert "this card is for unit inspektorat-lain" in capsys.readouterr().err

    # the right one (spaces and case do not matter): replaced
    typed = card.fingerprint().upper()
    assert cli(env, "unit", "replace", unit_id, str(path), "--fingerprint", typed) == 0
    assert env.store.get_unit(unit_id).fingerprint == card.fingerprint()
    assert env.store.get_unit(unit_id).xwing_public_key == card.xwing_public_key.to_bytes()


def test_replace_card_at_a_terminal_asks_for_the_fingerprint(tmp_path: Path) -> None:
    """A real terminal (a pseudo-terminal): the typed fingerprint is the confirmation."""
    import os
    import pty
    import subprocess
    import sys

    env = make_env(tmp_path)
    unit_id = env.unit.card.unit_id
    env.store.close()
    card = rotated_card(env)
    path = tmp_path / "unit-card.json"
    path.write_bytes(card.to_json())

    def replace_at_terminal(typed: str) -> tuple[int, str]:
        controller, terminal = pty.openpty()
        proc = subprocess.Popen(
            [sys.executable, "-m", "web.cli", "--data", str(env.data), "unit", "replace",
             unit_id, str(path)],
            stdin=terminal, stdout=terminal, stderr=terminal, close_fds=True,
        )  # fmt: skip
        os.close(terminal)
        os.write(controller, typed.encode() + b"\n")
        output = b""
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
        os.close(controller)
        return proc.wait(30), output.decode(errors="replace")

    code, out = replace_at_terminal("not the fingerprint")
    assert code == 1 and "type the new fingerprint to confirm" in out and "does not match" in out
    code, out = replace_at_terminal(card.fingerprint())
    assert code == 0, out
    assert f"card replaced: fingerprint {card.fingerprint()}" in out


def test_a_demo_card_is_refused_on_a_public_server_unless_demo_ok(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "var"
    card = tmp_path / "unit-card.json"
    card.write_bytes(demo_card_json())
    monkeypatch.setenv("PELUIT_PUBLIC_URL", "https://lapor.inspektorat-uji.go.id")
    assert main(["--data", str(data), "unit", "add", str(card)]) == 1
    err = capsys.readouterr().err
    assert "is a DEMO unit's card; never register one on a production server" in err
    assert "adalah unit DEMO; jangan didaftarkan di server produksi" in err
    assert "--demo-ok" in err
    assert main(["--data", str(data), "unit", "list", "--ids"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["--data", str(data), "unit", "add", str(card), "--demo-ok"]) == 0
    assert "unit demo-uji registered" in capsys.readouterr().out
    # on a test server (loopback) no option is needed
    monkeypatch.setenv("PELUIT_PUBLIC_URL", "http://127.0.0.1:8000")
    assert main(["--data", str(tmp_path / "var2"), "unit", "add", str(card)]) == 0


def demo_card_json() -> bytes:
    from app_fixtures import make_unit

    return make_unit("demo-uji").card.to_json()
