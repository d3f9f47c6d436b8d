"""A real app on a real data folder, with a registered unit and a "workstation".

The unit's keys are made with the crypto API; the private keys stay in this
test process only, standing in for the air-gapped workstation. The server
gets the public card, exactly as ``peluit unit add`` would give it.

Test-only settings, each with its reason:

- proof of work at 8 bits instead of 20: the tests solve many challenges in
  pure Python and would otherwise spend seconds each (the verification path
  is the same at any difficulty);
- the price of a proof of work under a flood at most 12 bits instead of 22
  (same reason; the rising price itself is what the abuse tests measure);
- the delay before a failed lookup's answer at 0.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from run_async import run_async
from starlette.applications import Starlette

from crypto.b64 import b64u_encode
from crypto.envelope import Context, seal
from crypto.proof_of_work import solve
from crypto.signing import SigningKey
from crypto.unit_card import UnitCard
from crypto.xwing import XWingPrivateKey
from vault.database import is_postgres, opened
from vault.limits import Limits as VaultLimits
from vault.store import open_store
from web.app import create_app
from web.settings import Limits, Settings

UNIT_ID = "inspektorat-demo"
TEST_POW_BITS = 8
TEST_POW_MAX_BITS = 12


@dataclass
class Workstation:
    """The unit's private side, held only by the test."""

    xwing: XWingPrivateKey
    signing: SigningKey
    card: UnitCard


def make_unit(unit_id: str = UNIT_ID) -> Workstation:
    _, xwing = XWingPrivateKey.generate()
    signing = SigningKey.generate()
    card = UnitCard.create(
        signing, xwing.public_key(), unit_id, "Inspektorat Demo", "Uji coba", dt.date(2026, 11, 1)
    )
    return Workstation(xwing, signing, card)


_TABLES_SQL = {
    False: "SELECT name FROM sqlite_master WHERE type='table'",
    True: "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()",
}


@dataclass
class Env:
    app: Starlette
    store: Any
    data: Path
    unit: Workstation

    def snapshot(self) -> dict[str, Any]:
        """Every row of every table and every file (with its size) under the data folder."""
        rows: dict[str, Any] = {}
        with opened(self.data / "vault.sqlite3") as db:
            tables = [r[0] for r in db.execute(_TABLES_SQL[is_postgres()])]
            for table in tables:
                rows[table] = sorted(map(repr, db.execute(f"SELECT * FROM {table}")))  # noqa: S608
        files = {}
        for path in sorted(self.data.rglob("*")):
            if path.is_file() and not path.name.startswith("vault.sqlite3"):
                files[str(path.relative_to(self.data))] = path.stat().st_size
        rows["__files__"] = files
        return rows


def make_env(
    tmp_path: Path,
    *,
    per_peer: int = 20,
    total: int = 1000,
    attachment_mib: int = 200,
    vault_limits: VaultLimits | None = None,
    today: Any = None,
    state_url: str = "",
) -> Env:
    """``state_url``: the Redis of shared state (tests/redis_fixtures.py); empty: memory."""
    data = tmp_path / "var"
    settings = Settings(
        data_dir=data,
        pow_difficulty=TEST_POW_BITS,
        pow_max_difficulty=TEST_POW_MAX_BITS,
        lookup_delay_seconds=0.0,
        lookup_failures_per_peer=per_peer,
        lookup_failures_total=total,
        limits=Limits(attachment_bytes=attachment_mib << 20),
        state_url=state_url,
    )
    kwargs: dict[str, Any] = {"limits": vault_limits}
    if today is not None:
        kwargs["today"] = today
    store = open_store(data, **kwargs)
    unit = make_unit()
    store.register_unit(unit.card.to_json())
    app = create_app(settings, store=store)
    return Env(app, store, data, unit)


def another_node(env: Env) -> Env:
    """A second server on the same data folder and the same settings (so the same Redis)."""
    store = open_store(env.data)
    return Env(create_app(env.app.state.settings, store=store), store, env.data, env.unit)


# --- the reporter's side, built directly with the crypto API ------------------


@dataclass
class Submission:
    """What a browser would make for one report."""

    unit: Workstation
    case_id: bytes = field(default_factory=lambda: secrets.token_bytes(16))
    selector: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    validator: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    reporter: XWingPrivateKey = field(default_factory=lambda: XWingPrivateKey.generate()[1])

    def context(self, kind: str, item_id: bytes) -> Context:
        return Context(self.unit.card.unit_id, self.case_id, kind, item_id)

    def sealed(self, kind: str, plaintext: bytes, to_reporter: bool = True) -> dict[str, str]:
        item_id = os.urandom(16)
        recipients = [self.unit.card.xwing_public_key]
        if to_reporter:
            recipients.append(self.reporter.public_key())
        data = seal(plaintext, recipients, self.context(kind, item_id))
        return {"item_id": b64u_encode(item_id), "envelope": b64u_encode(data)}

    def attachment(self, plaintext: bytes) -> tuple[bytes, bytes]:
        item_id = os.urandom(16)
        data = seal(
            plaintext, [self.unit.card.xwing_public_key], self.context("attachment", item_id)
        )
        return item_id, data

    def authorization(self) -> dict[str, str]:
        return {
            "Authorization": f"Peluit {b64u_encode(self.selector)}.{b64u_encode(self.validator)}"
        }

    def case_body(
        self, upload: str, tip: bytes = b'{"apa": "uji"}', *, pow: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """The ``POST /api/cases`` body; ``pow`` from :func:`case_pow` (left out if None)."""
        return {
            **({"pow": pow} if pow is not None else {}),
            "upload": upload,
            "case_id": b64u_encode(self.case_id),
            "unit_id": self.unit.card.unit_id,
            "selector": b64u_encode(self.selector),
            "validator": b64u_encode(self.validator),
            "reporter_public_key": b64u_encode(self.reporter.public_key().to_bytes()),
            "tip": self.sealed("tip", tip),
            "attachments": [],
        }


def solved_pow(client: Any, purpose: str = "upload", unit_id: str | None = None) -> dict[str, str]:
    """A challenge for ``purpose`` (and ``unit_id`` for ``case``), solved."""
    from crypto.b64 import b64u_decode

    ask: dict[str, str] = {"purpose": purpose}
    if unit_id is not None:
        ask["unit_id"] = unit_id
    answer = client.post("/api/pow", json=ask).json()
    nonce = solve(b64u_decode(answer["challenge"]), answer["difficulty"])
    return {"challenge": answer["challenge"], "nonce": b64u_encode(nonce)}


def case_pow(client: Any, unit_id: str = UNIT_ID) -> dict[str, str]:
    return solved_pow(client, "case", unit_id)


def lookup_body(client: Any) -> dict[str, Any]:
    """The body of ``POST /api/case`` (or an item read): a solved ``lookup`` challenge."""
    return {"pow": solved_pow(client, "lookup")}


def message_pow(client: Any) -> dict[str, str]:
    return solved_pow(client, "message")


def open_upload(client: Any) -> str:
    response = client.post("/api/uploads", json={"pow": solved_pow(client)})
    assert response.status_code == 200, response.text
    token: str = response.json()["upload"]
    return token


def put_envelope(client: Any, token: str, item_id: bytes, data: bytes, chunk: int) -> None:
    """Send an envelope in pieces: header + first chunk, then one chunk each."""
    from crypto import envelope

    header = envelope.header_size(data[24]) + envelope.MAC_SIZE
    pieces = [data[: header + chunk]]
    pieces += [data[i : i + chunk] for i in range(header + chunk, len(data), chunk)]
    for index, piece in enumerate(pieces):
        response = client.put(
            f"/api/uploads/{token}/{b64u_encode(item_id)}/{index}",
            content=piece,
            headers={"Content-Type": "application/octet-stream"},
        )
        assert response.status_code == 200, response.text


def send_report(client: Any, report: Submission) -> tuple[int, dict[str, Any]]:
    """Open an upload and file ``report``: the status and body of the 201 or first refusal."""
    opened = client.post("/api/uploads", json={"pow": solved_pow(client)})
    if opened.status_code != 200:
        return opened.status_code, opened.json()
    token = opened.json()["upload"]
    created = client.post("/api/cases", json=report.case_body(token, pow=case_pow(client)))
    return created.status_code, created.json()


def healthy_again(client: Any) -> bool:
    """``/healthz`` says 200 again, polled as a load balancer would (at most 30 tries).

    After PostgreSQL comes back (a restart, a promoted standby) the pool reconnects
    on its own; a try may still find it between two attempts of its backoff
    (vault/database.py ``RECONNECT_SECONDS``) and answer 503 after
    ``POOL_WAIT_SECONDS``.
    """
    return any(client.get("/healthz").status_code == 200 for _ in range(30))


class AppClient:
    """A synchronous client on the ASGI app through httpx's ASGI transport.

    (Starlette's TestClient warns about httpx and warnings are errors here.)
    ``peer`` is the address the app sees, so tests can play several peers.
    """

    def __init__(self, app: Starlette, peer: str = "192.0.2.10") -> None:
        self.app = app
        self.peer = peer

    def __enter__(self) -> AppClient:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        content = kwargs.get("content")
        if content is not None and hasattr(content, "__next__"):
            blocks = content

            async def streamed() -> Any:
                for block in blocks:
                    yield block

            kwargs["content"] = streamed()

        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(
                app=self.app, raise_app_exceptions=False, client=(self.peer, 40000)
            )
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
                response = await c.request(method, url, **kwargs)
                await response.aread()
                return response

        return run_async(go)

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", url, **kwargs)
