"""The three things a reporter does: submit a report, read the case, send a message.

Everything is sealed here before it leaves: the tip (the answers file as
given) and the identity section to the unit and the reporter's own key,
attachments to the unit only, messages (``{"text": ...}``) to both. The
receipt code is generated here, shown once, and never sent: the server gets
only the selector and validator derived from it.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crypto import envelope
from crypto.b64 import b64u_decode, b64u_encode
from crypto.errors import DecryptionError, FormatError, SignatureError
from crypto.reply import verify_reply
from crypto.unit_card import UnitCard
from receipts.derivation import ReceiptKeys, derive
from receipts.receipt_code import ReceiptCode, generate
from reporter.http_client import ApiClient, ReporterError
from reporter.transport import (
    Instance,
    fetch_instance,
    new_id,
    open_upload,
    unit_card,
    upload_attachment,
    verify_card,
)

MAX_TEXT_FILE = 1 << 20
Say = Callable[[str], None]


def authorization(keys: ReceiptKeys) -> str:
    selector = b64u_encode(keys.selector.reveal())
    validator = b64u_encode(keys.validator.reveal())
    return f"Peluit {selector}.{validator}"


def read_json_file(path: Path, what: str) -> bytes:
    """The file's bytes, after checking that it is one UTF-8 JSON document."""
    try:
        data = path.read_bytes()
    except OSError:
        raise ReporterError(f"cannot read the {what} file") from None
    if len(data) > MAX_TEXT_FILE:
        raise ReporterError(f"the {what} file is larger than 1 MiB")
    try:
        json.loads(data.decode("utf-8"))
    except ValueError:
        raise ReporterError(f"the {what} file is not UTF-8 JSON") from None
    return data


@dataclass
class Submitted:
    code: ReceiptCode
    case_ref: str
    status: str
    submitted: str
    fingerprint: str


@dataclass
class Options:
    """What ``submit`` needs; ``derive_keys`` is replaceable only so tests can say why."""

    server: str
    unit_id: str
    answers: Path
    identity: Path | None = None
    attachments: list[Path] = field(default_factory=list)
    expect_fingerprint: str | None = None
    derive_keys: Callable[[ReceiptCode, bytes], ReceiptKeys] = derive


def _check_fingerprint(card: UnitCard, expected: str | None) -> None:
    if expected is None:
        return
    if expected.replace(" ", "").lower() != card.fingerprint().replace(" ", ""):
        raise ReporterError(
            "the unit's fingerprint does not match the one you gave",
            hint="do not send anything; compare with the poster or the agency's website",
        )


def submit(options: Options, client: ApiClient | None = None) -> Submitted:
    client = client or ApiClient(options.server)
    answers = read_json_file(options.answers, "answers")
    identity = read_json_file(options.identity, "identity") if options.identity else None
    for path in options.attachments:
        if not path.is_file():
            raise ReporterError(f"cannot read the attachment {path.name}")

    instance = fetch_instance(client)
    card = unit_card(instance, options.unit_id)
    _check_fingerprint(card, options.expect_fingerprint)
    if len(options.attachments) > instance.limits.get("attachments", 0):
        raise ReporterError("too many attachments for this server")

    code = generate(1)
    keys = options.derive_keys(code, instance.salt)
    reporter_key = keys.public_key()
    case_id = new_id()

    def sealed(kind: str, plaintext: bytes) -> dict[str, str]:
        item_id = new_id()
        ctx = envelope.Context(card.unit_id, case_id, kind, item_id)
        # With a custodian on the card, only the custodian's key opens the identity.
        unit_key = card.xwing_public_key
        if kind == "identity" and card.custodian_xwing_public_key is not None:
            unit_key = card.custodian_xwing_public_key
        data = envelope.seal(plaintext, [unit_key, reporter_key], ctx)
        return {"item_id": b64u_encode(item_id), "envelope": b64u_encode(data)}

    token = open_upload(client)
    uploaded = []
    for path in options.attachments:
        item_id = new_id()
        size = upload_attachment(
            client, token, path, card, case_id, item_id,
            instance.limits.get("attachment_bytes", 0),
        )  # fmt: skip
        uploaded.append({"item_id": b64u_encode(item_id), "size": size})

    body: dict[str, Any] = {
        "upload": token,
        "case_id": b64u_encode(case_id),
        "unit_id": card.unit_id,
        "selector": b64u_encode(keys.selector.reveal()),
        "validator": b64u_encode(keys.validator.reveal()),
        "reporter_public_key": b64u_encode(reporter_key.to_bytes()),
        "tip": sealed("tip", answers),
        "attachments": uploaded,
    }
    if identity is not None:
        body["identity"] = sealed("identity", identity)
    answer = client.json("POST", "/api/cases", body)
    try:
        return Submitted(
            code, str(answer["case_ref"]), str(answer["status"]), str(answer["submitted"]),
            card.fingerprint(),
        )  # fmt: skip
    except (KeyError, TypeError):
        raise ReporterError("the server's answer is malformed") from None


def described_files(item_ids: list[bytes], paths: list[Path]) -> list[dict[str, Any]]:
    """What a message tells the inspector about its files, as the browser does.

    Sealed inside the message: the server never sees a name. The file's own
    name only (never its folder); no type is claimed (the workstation sniffs).
    """
    return [
        {"item_id": b64u_encode(item_id), "name": path.name, "type": "",
         "size": path.stat().st_size, "cleaned": False}
        for item_id, path in zip(item_ids, paths, strict=True)
    ]  # fmt: skip


# --- coming back -----------------------------------------------------------


@dataclass
class Entry:
    """One item of the conversation, as the reporter may see it."""

    kind: str
    author: str
    day: str
    size: int
    text: str | None = None  # None: not readable by the reporter (an attachment)
    verified: bool = True


@dataclass
class CaseView:
    case_ref: str
    status: str
    status_since: str
    deadline: dict[str, Any] | None
    fingerprint: str
    entries: list[Entry]


class Session:
    """A returning reporter: keys from the code, the case, the card."""

    def __init__(
        self,
        server: str,
        code: ReceiptCode,
        derive_keys: Callable[[ReceiptCode, bytes], ReceiptKeys] = derive,
    ) -> None:
        probe = ApiClient(server)
        self.instance: Instance = fetch_instance(probe)
        self.keys = derive_keys(code, self.instance.salt)
        self.client = ApiClient(server, authorization(self.keys))
        self.case: dict[str, Any] = self.client.json("POST", "/api/case")
        try:
            self.case_id = b64u_decode(self.case["case_id"])
            self.unit_id = str(self.case["unit_id"])
            self.card = verify_card(self.case["unit"]["card"], self.unit_id)
        except (KeyError, TypeError, FormatError):
            raise ReporterError("the server's answer is malformed") from None

    def _open(self, kind: str, item_id: bytes, size: int) -> bytes:
        ctx = envelope.Context(self.unit_id, self.case_id, kind, item_id)
        with tempfile.TemporaryFile() as blob:
            self.client.download(f"/api/case/items/{b64u_encode(item_id)}", blob, size)
            blob.seek(0)
            with tempfile.TemporaryFile() as plain:
                envelope.open_stream(blob, plain, [self.keys.private_key()], ctx)
                plain.seek(0)
                return plain.read()

    def _entry(self, item: dict[str, Any]) -> Entry:
        kind, author = str(item["kind"]), str(item["author"])
        item_id, size, day = b64u_decode(item["item_id"]), int(item["size"]), str(item["day"])
        entry = Entry(kind, author, day, size)
        if kind == "attachment":
            return entry  # sealed to the unit only
        try:
            plaintext = self._open(kind, item_id, size)
        except DecryptionError:
            entry.text, entry.verified = "", False
            return entry
        if kind == "reply":
            try:
                body = verify_reply(
                    self.card.ed25519_public_key,
                    envelope.Context(self.unit_id, self.case_id, kind, item_id),
                    plaintext,
                )
                entry.text = str(json.loads(body.decode("utf-8"))["text"])
            except (SignatureError, ValueError, KeyError, TypeError):
                entry.text, entry.verified = "", False
            return entry
        if kind == "message":
            try:
                entry.text = str(json.loads(plaintext.decode("utf-8"))["text"])
            except (ValueError, KeyError, TypeError):
                entry.text = plaintext.decode("utf-8", "replace")
            return entry
        entry.text = plaintext.decode("utf-8", "replace")
        return entry

    def view(self) -> CaseView:
        try:
            entries = [self._entry(item) for item in self.case["items"]]
            return CaseView(
                str(self.case["case_ref"]), str(self.case["status"]),
                str(self.case["status_since"]), self.case.get("deadline"),
                self.card.fingerprint(), entries,
            )  # fmt: skip
        except (KeyError, TypeError, ValueError, FormatError):
            raise ReporterError("the server's answer is malformed") from None

    def send(self, text: str, attachments: list[Path]) -> None:
        if len(attachments) > self.instance.limits.get("attachments", 0):
            raise ReporterError("too many attachments for this server")
        item_ids = [new_id() for _ in attachments]
        document: dict[str, Any] = {"text": text}
        if attachments:
            document["attachments"] = described_files(item_ids, attachments)
        plaintext = json.dumps(document, ensure_ascii=False).encode("utf-8")
        if len(plaintext) > self.instance.limits.get("message_bytes", 0):
            raise ReporterError("the message is too long")
        token = open_upload(self.client) if attachments else None
        uploaded = []
        for item_id, path in zip(item_ids, attachments, strict=True):
            size = upload_attachment(
                self.client, token or "", path, self.card, self.case_id, item_id,
                self.instance.limits.get("attachment_bytes", 0),
            )  # fmt: skip
            uploaded.append({"item_id": b64u_encode(item_id), "size": size})
        item_id = new_id()
        ctx = envelope.Context(self.unit_id, self.case_id, "message", item_id)
        sealed = envelope.seal(plaintext, [self.card.xwing_public_key, self.keys.public_key()], ctx)
        self.client.json("POST", "/api/case/messages", {
            "upload": token,
            "message": {"item_id": b64u_encode(item_id), "envelope": b64u_encode(sealed)},
            "attachments": uploaded,
        })  # fmt: skip
