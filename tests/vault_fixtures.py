"""Helpers for the vault tests: real unit cards, real envelopes, real stores."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from crypto import envelope
from crypto.context import Context
from crypto.signing import SigningKey
from crypto.unit_card import UnitCard
from crypto.xwing import XWingPrivateKey
from vault.cases import NewCase
from vault.limits import Limits
from vault.store import SqliteVaultStore

TODAY = dt.date(2026, 11, 23)


class FixedDay:
    """An injectable clock: ``store.today`` answers whatever ``day`` is."""

    def __init__(self, day: dt.date = TODAY) -> None:
        self.day = day

    def __call__(self) -> dt.date:
        return self.day


@dataclass
class UnitKeys:
    unit_id: str
    signing_key: SigningKey
    xwing: XWingPrivateKey
    card: bytes = field(repr=False)


def make_unit(
    unit_id: str = "inspektorat-demo",
    *,
    signing_key: SigningKey | None = None,
    name: str = "Inspektorat Demo",
    created: dt.date = dt.date(2026, 1, 5),
) -> UnitKeys:
    key = signing_key or SigningKey.generate()
    _, xwing = XWingPrivateKey.generate()
    card = UnitCard.create(key, xwing.public_key(), unit_id, name, "Kasus uji", created)
    return UnitKeys(unit_id, key, xwing, card.to_json())


def new_id() -> bytes:
    return secrets.token_bytes(16)


@dataclass
class Reporter:
    selector: bytes
    validator: bytes
    xwing: XWingPrivateKey


def make_reporter() -> Reporter:
    _, key = XWingPrivateKey.generate()
    return Reporter(secrets.token_bytes(32), secrets.token_bytes(32), key)


def seal(
    unit: UnitKeys, reporter: Reporter, case_id: bytes, kind: str, item_id: bytes, text: bytes
) -> bytes:
    recipients = [unit.xwing.public_key(), reporter.xwing.public_key()]
    return envelope.seal(text, recipients, Context(unit.unit_id, case_id, kind, item_id))


def open_store(path: Path, *, limits: Limits | None = None, day: FixedDay | None = None):  # type: ignore[no-untyped-def]
    return SqliteVaultStore.open(path, limits=limits, today=day or FixedDay())


@dataclass
class Submission:
    new: NewCase
    case_id: bytes
    tip_id: bytes
    tip: bytes = field(repr=False)
    reporter: Reporter


def submission(
    unit: UnitKeys,
    *,
    text: bytes = b"Kepala dinas menerima suap.",
    reporter: Reporter | None = None,
    upload_token: str | None = None,
    attachment_ids: tuple[bytes, ...] = (),
    case_id: bytes | None = None,
    identity: bytes | None = None,
) -> Submission:
    reporter = reporter or make_reporter()
    case_id = case_id or new_id()
    tip_id = new_id()
    tip = seal(unit, reporter, case_id, "tip", tip_id, text)
    identity_id = new_id() if identity is not None else None
    identity_env = (
        seal(unit, reporter, case_id, "identity", identity_id, identity)
        if identity is not None and identity_id is not None
        else None
    )
    new = NewCase(
        case_id=case_id,
        unit_id=unit.unit_id,
        selector=reporter.selector,
        validator=reporter.validator,
        reporter_public_key=reporter.xwing.public_key().to_bytes(),
        tip_item_id=tip_id,
        tip=tip,
        identity_item_id=identity_id,
        identity=identity_env,
        upload_token=upload_token,
        attachment_item_ids=attachment_ids,
    )
    return Submission(new, case_id, tip_id, tip, reporter)


def chunked(data: bytes, size: int = 65536):  # type: ignore[no-untyped-def]
    for start in range(0, len(data), size):
        yield data[start : start + size]
