"""The whole reporter flow through the real app, real SQLite, real crypto."""

from __future__ import annotations

import io
import json
from pathlib import Path

from app_fixtures import (
    AppClient,
    Submission,
    case_pow,
    lookup_body,
    make_env,
    message_pow,
    open_upload,
    put_envelope,
)

from crypto import envelope
from crypto.b64 import b64u_decode, b64u_encode
from crypto.envelope import open_envelope, open_stream
from crypto.reply import sign_reply
from crypto.unit_card import UnitCard
from vault.store import NewItem


def test_instance_describes_units_with_verifiable_cards(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    with AppClient(env.app) as client:
        answer = client.get("/api/instance").json()
    assert answer["version"] == 1
    assert len(b64u_decode(answer["instance_salt"])) == 16
    assert answer["chunk_size"] == envelope.CHUNK_SIZE
    [unit] = answer["units"]
    card = UnitCard.parse(json.dumps(unit["card"]).encode())
    assert card.fingerprint() == env.unit.card.fingerprint() == unit["fingerprint"]


def test_submit_lookup_read_decrypt_and_add_message(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    report = Submission(env.unit)
    evidence = b"ledger page " * 5000
    with AppClient(env.app) as client:
        token = open_upload(client)
        att_id, att = report.attachment(evidence)
        put_envelope(client, token, att_id, att, envelope.CHUNK_SIZE + 16)
        body = report.case_body(token, tip=b'{"apa": "pungli di loket"}', pow=case_pow(client))
        body["identity"] = report.sealed("identity", b'{"nama": "Budi"}')
        body["attachments"] = [{"item_id": b64u_encode(att_id), "size": len(att)}]
        created = client.post("/api/cases", json=body)
        assert created.status_code == 201, created.text
        assert created.json()["status"] == "diterima"
        assert created.json()["case_ref"].startswith("WBS-")

        case = client.post("/api/case", json=lookup_body(client), headers=report.authorization())
        assert case.status_code == 200, case.text
        view = case.json()
        assert b64u_decode(view["case_id"]) == report.case_id
        assert view["status"] == "diterima"
        kinds = [item["kind"] for item in view["items"]]
        assert sorted(kinds) == ["attachment", "identity", "tip"]
        assert all(item["author"] == "reporter" for item in view["items"])

        # The workstation (the test) opens every item with the unit's key.
        opened = {}
        for item in view["items"]:
            item_id = b64u_decode(item["item_id"])
            blob = client.post(
                f"/api/case/items/{item['item_id']}",
                json={"pass": view["pass"]},
                headers=report.authorization(),
            )
            assert blob.status_code == 200
            assert blob.headers["content-type"] == "application/octet-stream"
            assert len(blob.content) == item["size"]
            out = io.BytesIO()
            open_stream(
                io.BytesIO(blob.content),
                out,
                [env.unit.xwing],
                report.context(item["kind"], item_id),
            )
            opened[item["kind"]] = out.getvalue()
        assert opened["tip"] == b'{"apa": "pungli di loket"}'
        assert opened["identity"] == b'{"nama": "Budi"}'
        assert opened["attachment"] == evidence

        # The reporter reads their own tip back with the key from the code.
        tip_item = next(i for i in view["items"] if i["kind"] == "tip")
        tip_blob = client.post(
            f"/api/case/items/{tip_item['item_id']}",
            json={"pass": view["pass"]},
            headers=report.authorization(),
        ).content
        assert open_envelope(
            tip_blob, [report.reporter], report.context("tip", b64u_decode(tip_item["item_id"]))
        ) == (b'{"apa": "pungli di loket"}')

        # A unit reply, added the way the reply bundle would add it.
        reply_id = b"r" * 16
        ctx = report.context("reply", reply_id)
        signed = sign_reply(
            env.unit.signing, ctx, b'{"text": "Terima kasih", "status": null, "template": null}'
        )
        reply = envelope.seal(
            signed, [report.reporter.public_key(), env.unit.card.xwing_public_key], ctx
        )
        env.store.add_unit_envelopes(report.case_id, [NewItem(reply_id, "reply", reply)])

        message = report.sealed("message", b'{"text": "ada bukti baru"}')
        sent = client.post(
            "/api/case/messages",
            headers=report.authorization(),
            json={
                "pow": message_pow(client),
                "upload": None,
                "message": message,
                "attachments": [],
            },
        )
        assert sent.status_code == 201, sent.text
        view = client.post(
            "/api/case", json=lookup_body(client), headers=report.authorization()
        ).json()
        assert [i["kind"] for i in view["items"]][-2:] == ["reply", "message"]
        assert [i["author"] for i in view["items"]][-2:] == ["unit", "reporter"]


def test_message_with_attachment_needs_its_own_upload_session(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    report = Submission(env.unit)
    with AppClient(env.app) as client:
        created = client.post(
            "/api/cases", json=report.case_body(open_upload(client), pow=case_pow(client))
        )
        assert created.status_code == 201
        token = open_upload(client)
        att_id, att = report.attachment(b"photo")
        put_envelope(client, token, att_id, att, envelope.CHUNK_SIZE + 16)
        message = report.sealed("message", b'{"text": "foto"}')
        sent = client.post(
            "/api/case/messages",
            headers=report.authorization(),
            json={
                "pow": message_pow(client),
                "upload": token,
                "message": message,
                "attachments": [{"item_id": b64u_encode(att_id), "size": len(att)}],
            },
        )
        assert sent.status_code == 201, sent.text
        assert [i["kind"] for i in sent.json()["items"]] == ["message", "attachment"]


def test_the_same_report_sent_again_is_201_with_its_reference(tmp_path: Path) -> None:
    """A reporter whose answer was lost (or who was told 503) sends the same body again:
    a new proof of work, the upload session the first commit used up."""
    env = make_env(tmp_path)
    report = Submission(env.unit)
    with AppClient(env.app) as client:
        token = open_upload(client)
        att_id, att = report.attachment(b"photo")
        put_envelope(client, token, att_id, att, envelope.CHUNK_SIZE + 16)
        body = report.case_body(token)
        body["attachments"] = [{"item_id": b64u_encode(att_id), "size": len(att)}]
        first = client.post("/api/cases", json={**body, "pow": case_pow(client)})
        assert first.status_code == 201, first.text
        again = client.post("/api/cases", json={**body, "pow": case_pow(client)})
        assert again.status_code == 201, again.text
        assert again.json() == first.json()
        # The same proof of work twice is still refused, before any of this.
        paid = case_pow(client)
        assert client.post("/api/cases", json={**body, "pow": paid}).status_code == 201
        assert client.post("/api/cases", json={**body, "pow": paid}).json()["error"] == "pow_spent"
        # Another receipt for this case id: 409, and no reference.
        for field in ("selector", "validator"):
            other = {**body, field: b64u_encode(b"\x01" * 32), "pow": case_pow(client)}
            refused = client.post("/api/cases", json=other)
            assert refused.status_code == 409, refused.text
            assert "WBS" not in refused.text
        view = client.post("/api/case", json=lookup_body(client), headers=report.authorization())
        assert view.status_code == 200
        assert [i["kind"] for i in view.json()["items"]] == ["tip", "attachment"]
