"""The three things a reporter does: submit a report, read the case, send a message.

Everything is sealed here before it leaves: the tip (the checked answers in
the report page's tip document) and the identity section to the unit and the
reporter's own key, attachments (photos without their metadata) to the unit
only, messages (``{"text": ...}``) to both. The receipt code is generated
here, shown once, and never sent: the server gets only the selector and
validator derived from it.

Nothing is sealed to a card, and no reply is verified with one, before the
card passes :mod:`reporter.pinning`: a fingerprint the reporter gave, read
from the receipt file, or confirmed on the terminal.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common.cli_language import language
from common.strict_json import load_object
from crypto import envelope
from crypto.b64 import b64u_decode, b64u_encode
from crypto.errors import DecryptionError, FormatError, SignatureError
from crypto.reply import verify_reply, verify_template_reply
from crypto.unit_card import UnitCard
from receipts.derivation import ReceiptKeys, derive
from receipts.receipt_code import ReceiptCode, generate
from reporter import answers as answers_file
from reporter import receipt_file
from reporter.attachments import Ready, prepared
from reporter.http_client import ApiClient, ReporterError
from reporter.pinning import Confirm, Pin, check, resolve
from reporter.transport import (
    Instance,
    fetch_instance,
    new_id,
    open_upload,
    unit_card,
    upload_attachment,
    verify_card,
)
from reporter.words import t

MAX_TEXT_FILE = 1 << 20
Say = Callable[[str], None]


def authorization(keys: ReceiptKeys) -> str:
    selector = b64u_encode(keys.selector.reveal())
    validator = b64u_encode(keys.validator.reveal())
    return f"Peluit {selector}.{validator}"


def _read_text_file(path: Path, what: str) -> bytes:
    try:
        data = path.read_bytes()
    except OSError:
        raise ReporterError(t("file.unreadable", what=t(f"file.{what}"))) from None
    if len(data) > MAX_TEXT_FILE:
        raise ReporterError(t("file.too_large", what=t(f"file.{what}")))
    return data


def _parse_json(data: bytes, what: str) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except ValueError:
        raise ReporterError(t("file.not_json", what=t(f"file.{what}"))) from None


def read_json_file(path: Path, what: str) -> bytes:
    """The file's bytes, as given, after checking that it is one UTF-8 JSON document."""
    data = _read_text_file(path, what)
    _parse_json(data, what)
    return data


def load_json_file(path: Path, what: str) -> Any:
    """The file's one UTF-8 JSON document."""
    return _parse_json(_read_text_file(path, what), what)


@dataclass
class Submitted:
    code: ReceiptCode
    case_ref: str
    status: str
    submitted: str
    fingerprint: str
    receipt_file: Path | None = None


def _refuse(card: UnitCard) -> Pin:
    raise ReporterError(t("pin.required"), hint=t("pin.required.hint"))


def _quiet(_: str) -> None:
    pass


@dataclass
class Options:
    """What ``submit`` needs; ``derive_keys`` is replaceable only so tests can say why.

    ``pin`` is the fingerprint the reporter gave; without one, ``confirm``
    decides (on a terminal it shows the fingerprint and asks).
    """

    server: str
    unit_id: str
    answers: Path
    identity: Path | None = None
    attachments: list[Path] = field(default_factory=list)
    pin: Pin | None = None
    confirm: Confirm = _refuse
    receipt_file: Path | None = None
    say: Say = _quiet
    derive_keys: Callable[[ReceiptCode, bytes], ReceiptKeys] = derive


def submit(options: Options, client: ApiClient | None = None) -> Submitted:
    client = client or ApiClient(options.server)
    answers = answers_file.check(load_json_file(options.answers, "answers"))
    identity = read_json_file(options.identity, "identity") if options.identity else None
    if options.receipt_file is not None and options.receipt_file.exists():
        raise ReporterError(t("receipt.exists", path=options.receipt_file))

    instance = fetch_instance(client)
    card = unit_card(instance, options.unit_id)
    resolve(card, options.pin, options.confirm)
    if len(options.attachments) > instance.limits.get("attachments", 0):
        raise ReporterError(t("attachment.too_many"))
    with prepared(options.attachments, options.say) as files:
        return _send_report(options, client, instance, card, answers, identity, files)


def _send_report(
    options: Options,
    client: ApiClient,
    instance: Instance,
    card: UnitCard,
    answers: dict[str, str],
    identity: bytes | None,
    files: list[Ready],
) -> Submitted:
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

    if options.receipt_file is not None:
        receipt_file.write_new(options.receipt_file, receipt_file.ReceiptFile(
            code, client.base, f"{client.base}/{language()}/cek", card.unit_id, card.fingerprint(),
            card.ed25519_public_key.to_bytes(),
        ))  # fmt: skip
        options.say(t("receipt.written", path=options.receipt_file))
    token = open_upload(client)
    uploaded, described = [], []
    for ready in files:
        item_id = new_id()
        size = upload_attachment(
            client, token, ready.path, card, case_id, item_id,
            instance.limits.get("attachment_bytes", 0),
        )  # fmt: skip
        uploaded.append({"item_id": b64u_encode(item_id), "size": size})
        described.append(ready.describe(item_id))

    body: dict[str, Any] = {
        "upload": token,
        "case_id": b64u_encode(case_id),
        "unit_id": card.unit_id,
        "selector": b64u_encode(keys.selector.reveal()),
        "validator": b64u_encode(keys.validator.reveal()),
        "reporter_public_key": b64u_encode(reporter_key.to_bytes()),
        "tip": sealed("tip", answers_file.tip_document(answers, described)),
        "attachments": uploaded,
    }
    if identity is not None:
        body["identity"] = sealed("identity", identity)
    answer = client.json("POST", "/api/cases", body)
    try:
        return Submitted(
            code, str(answer["case_ref"]), str(answer["status"]), str(answer["submitted"]),
            card.fingerprint(), options.receipt_file,
        )  # fmt: skip
    except (KeyError, TypeError):
        raise ReporterError(t("server.malformed")) from None


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
    standard: bool = False  # a standard message: its template signature verified


@dataclass
class CaseView:
    case_ref: str
    status: str
    status_since: str
    deadline: dict[str, Any] | None
    fingerprint: str
    entries: list[Entry]


class Session:
    """A returning reporter: keys from the code, the case, the card (checked against the pin).

    With the unit known (from the receipt file) and a pin, the unit's card is
    checked before the code's selector and validator are sent at all.
    """

    def __init__(
        self,
        server: str,
        code: ReceiptCode,
        pin: Pin | None = None,
        confirm: Confirm = _refuse,
        unit_id: str | None = None,
        derive_keys: Callable[[ReceiptCode, bytes], ReceiptKeys] = derive,
    ) -> None:
        probe = ApiClient(server)
        self.instance: Instance = fetch_instance(probe)
        if unit_id is not None and pin is not None and unit_id in self.instance.cards:
            check(unit_card(self.instance, unit_id), pin)  # a retired unit: checked below
        self.keys = derive_keys(code, self.instance.salt)
        self.client = ApiClient(server, authorization(self.keys))
        self.case: dict[str, Any] = self.client.json("POST", "/api/case")
        try:
            self.case_id = b64u_decode(self.case["case_id"])
            self.unit_id = str(self.case["unit_id"])
            self.card = verify_card(self.case["unit"]["card"], self.unit_id)
        except (KeyError, TypeError, FormatError):
            raise ReporterError(t("server.malformed")) from None
        if unit_id is not None and unit_id != self.unit_id:
            raise ReporterError(t("pin.other_unit"))
        self.pin = resolve(self.card, pin, confirm)

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
                body = self._verified_reply(item_id, plaintext, entry)
                entry.text = str(json.loads(body.decode("utf-8"))["text"])
            except (SignatureError, ValueError, KeyError, TypeError):
                entry.text, entry.verified, entry.standard = "", False, False
            return entry
        if kind == "message":
            try:
                entry.text = str(json.loads(plaintext.decode("utf-8"))["text"])
            except (ValueError, KeyError, TypeError):
                entry.text = plaintext.decode("utf-8", "replace")
            return entry
        entry.text = plaintext.decode("utf-8", "replace")
        return entry

    def _verified_reply(self, item_id: bytes, plaintext: bytes, entry: Entry) -> bytes:
        """As the page does: a body naming a template is checked only as a template signature."""
        try:
            names_template = load_object(plaintext[64:]).get("template") is not None
        except ValueError:
            names_template = False
        if names_template:
            entry.standard = True
            return verify_template_reply(self.card.ed25519_public_key, self.unit_id, plaintext)
        context = envelope.Context(self.unit_id, self.case_id, "reply", item_id)
        return verify_reply(self.card.ed25519_public_key, context, plaintext)

    def view(self) -> CaseView:
        try:
            entries = [self._entry(item) for item in self.case["items"]]
            return CaseView(
                str(self.case["case_ref"]), str(self.case["status"]),
                str(self.case["status_since"]), self.case.get("deadline"),
                self.card.fingerprint(), entries,
            )  # fmt: skip
        except (KeyError, TypeError, ValueError, FormatError):
            raise ReporterError(t("server.malformed")) from None

    def send(self, text: str, attachments: list[Path], say: Say = _quiet) -> None:
        if len(attachments) > self.instance.limits.get("attachments", 0):
            raise ReporterError(t("attachment.too_many"))
        item_ids = [new_id() for _ in attachments]
        document: dict[str, Any] = {"text": text}
        if attachments:
            document["attachments"] = described_files(item_ids, attachments)
        plaintext = json.dumps(document, ensure_ascii=False).encode("utf-8")
        if len(plaintext) > self.instance.limits.get("message_bytes", 0):
            raise ReporterError(t("message.too_long"))
        with prepared(attachments, say) as files:
            self._send_message(plaintext, item_ids, files)

    def _send_message(self, plaintext: bytes, item_ids: list[bytes], files: list[Ready]) -> None:
        token = open_upload(self.client) if files else None
        uploaded = []
        for item_id, ready in zip(item_ids, files, strict=True):
            size = upload_attachment(
                self.client, token or "", ready.path, self.card, self.case_id, item_id,
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
