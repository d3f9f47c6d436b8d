"""What the reporter client needs from the server before and while sealing.

- :func:`fetch_instance`: the instance salt, chunk size, limits and the unit
  cards, each card verified here (its self-signature) and its fingerprint
  computed here, never taken from the server's text;
- :func:`open_upload`: a proof of work (purpose ``upload``) solved and spent
  on an upload session (the other paid requests are paid for in
  ``reporter/http_client.py``);
- :func:`upload_attachment`: a file sealed with ``seal_stream`` and sent in
  pieces as it is sealed, so neither the file nor its envelope is ever held
  whole in memory.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crypto import envelope
from crypto.b64 import b64u_decode, b64u_encode
from crypto.errors import CardError, FormatError
from crypto.unit_card import UnitCard
from reporter.http_client import ApiClient, ReporterError
from reporter.words import t

ID_SIZE = 16


def new_id() -> bytes:
    return secrets.token_bytes(ID_SIZE)


@dataclass(frozen=True)
class Instance:
    salt: bytes
    chunk_size: int
    limits: dict[str, int]
    cards: dict[str, dict[str, Any]]


def fetch_instance(client: ApiClient) -> Instance:
    data = client.json("GET", "/api/instance")
    try:
        salt = b64u_decode(data["instance_salt"])
        chunk_size = data["chunk_size"]
        limits = {k: int(v) for k, v in data["limits"].items()}
        cards = {u["unit_id"]: u["card"] for u in data["units"]}
    except (KeyError, TypeError, ValueError, AttributeError, FormatError):
        raise ReporterError(t("server.instance")) from None
    if len(salt) != 16:
        raise ReporterError(t("server.salt"))
    if chunk_size != envelope.CHUNK_SIZE:
        raise ReporterError(t("server.chunk"), hint=t("server.chunk.hint"))
    return Instance(salt, chunk_size, limits, cards)


def verify_card(card: object, unit_id: str) -> UnitCard:
    """Parse and verify a card the server sent for ``unit_id``."""
    try:
        parsed = UnitCard.parse(json.dumps(card).encode("utf-8"))
    except (CardError, TypeError, ValueError):
        raise ReporterError(t("card.bad"), hint=t("card.bad.hint")) from None
    if parsed.unit_id != unit_id:
        raise ReporterError(t("card.other_unit"))
    return parsed


def unit_card(instance: Instance, unit_id: str) -> UnitCard:
    if unit_id not in instance.cards:
        units = ", ".join(instance.cards)
        raise ReporterError(t("unit.unknown"), hint=t("unit.unknown.hint", units=units))
    return verify_card(instance.cards[unit_id], unit_id)


def solve_pow(client: ApiClient, purpose: str = "upload") -> dict[str, str]:
    return client.solve_pow(purpose)


def open_upload(client: ApiClient) -> str:
    data = client.json("POST", "/api/uploads", {"pow": solve_pow(client)})
    token = data.get("upload") if isinstance(data, dict) else None
    if not isinstance(token, str):
        raise ReporterError(t("server.upload"))
    return token


class _PieceSender:
    """A write-only file that sends what it receives in pieces of about one chunk."""

    def __init__(self, client: ApiClient, path: str, piece_size: int) -> None:
        self.client = client
        self.path = path
        self.piece_size = piece_size
        self.buffer = bytearray()
        self.index = 0
        self.sent = 0

    def write(self, data: bytes) -> int:
        self.buffer += data
        if len(self.buffer) >= self.piece_size:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if not self.buffer:
            return
        answer = self.client.put_bytes(f"{self.path}/{self.index}", bytes(self.buffer))
        self.sent += len(self.buffer)
        self.buffer.clear()
        self.index += 1
        if not isinstance(answer, dict) or answer.get("received") != self.sent:
            raise ReporterError(t("attachment.lost"), hint=t("send.again"))


def upload_attachment(
    client: ApiClient,
    token: str,
    source: Path,
    card: UnitCard,
    case_id: bytes,
    item_id: bytes,
    max_plaintext: int,
) -> int:
    """Seal ``source`` to the unit only (kind ``attachment``) and upload it; return its size."""
    length = os.stat(source).st_size
    if length > max_plaintext:
        raise ReporterError(
            t("attachment.too_large", name=source.name),
            hint=t("attachment.limit", mib=max_plaintext // (1 << 20)),
        )
    context = envelope.Context(card.unit_id, case_id, "attachment", item_id)
    sender = _PieceSender(
        client, f"/api/uploads/{token}/{b64u_encode(item_id)}", envelope.CHUNK_SIZE + 16
    )
    with source.open("rb") as src:
        written = envelope.seal_stream(src, length, sender, [card.xwing_public_key], context)  # type: ignore[arg-type]
    sender.flush()
    if sender.sent != written:
        raise ReporterError(t("attachment.incomplete"))
    return written
