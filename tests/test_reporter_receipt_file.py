"""The receipt file's format (docs/spec/receipt-v1.md, "Receipt file"), the questionnaire copy,
and the CLI's two languages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.cli_language import language
from crypto.errors import PeluitError
from receipts.receipt_code import ReceiptTypo, generate
from reporter import receipt_file
from reporter.http_client import ReporterError
from reporter.receipt_file import ReceiptFile, parse_text, render
from reporter.words import WORDS, t

ROOT = Path(__file__).resolve().parent.parent
PAGE_RECEIPT = """PELUIT - TANDA TERIMA / RECEIPT
peluit-receipt: 1
code: {code}
server: https://peluit.example.go.id
address: https://peluit.example.go.id/id/cek
unit: inspektorat-demo
fingerprint: abcd efgh ijkl mnop qrst uvwx yz23 4567

Kode ini rahasia: ... / This code is secret: ...
"""


def sample() -> ReceiptFile:
    return ReceiptFile(
        generate(1), "https://peluit.example.go.id", "https://peluit.example.go.id/id/cek",
        "inspektorat-demo", "abcd efgh ijkl mnop qrst uvwx yz23 4567", bytes(range(32)),
    )  # fmt: skip


def test_a_receipt_file_round_trips() -> None:
    receipt = sample()
    assert parse_text(render(receipt)) == receipt


def test_the_pages_receipt_without_a_signing_key_parses() -> None:
    code = generate(2)
    parsed = parse_text(PAGE_RECEIPT.format(code=code.grouped()))
    assert parsed.code == code and parsed.signing_key is None
    assert parsed.unit_id == "inspektorat-demo"


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda s: s.replace("peluit-receipt: 1", "peluit-receipt: 2"), "unknown version"),
        (lambda s: s.replace("fingerprint:", "fingerprunt:"), "missing fingerprint"),
        (lambda s: s + "unit: another-unit\n", "unit twice"),
        (lambda s: s.replace("signing-key: ", "signing-key: AAAA"), "signing-key"),
    ],
)
def test_a_damaged_receipt_file_is_refused_clearly(change, why: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ReporterError, match=why):
        parse_text(change(render(sample())))


def test_a_wrong_code_in_the_file_says_check_the_code() -> None:
    text = render(sample())
    digits = text.split("code: ")[1][:4]
    broken = text.replace("code: " + digits, "code: " + str((int(digits) + 1) % 10000).zfill(4))
    with pytest.raises(ReceiptTypo):
        parse_text(broken)


@given(st.text(max_size=400))
def test_any_text_is_parsed_or_refused_with_a_reporter_error(text: str) -> None:
    try:
        parse_text(text)
    except ReporterError:
        pass
    except PeluitError:  # the code's own errors (typo, invalid) are PeluitErrors too
        pass


def test_the_file_is_new_and_private(tmp_path: Path) -> None:
    path, receipt = tmp_path / "r.txt", sample()
    receipt_file.write_new(path, receipt)
    assert path.stat().st_mode & 0o777 == 0o600
    with pytest.raises(ReporterError, match="never overwritten"):
        receipt_file.write_new(path, sample())
    assert receipt_file.read(path) == receipt


def test_the_questionnaire_copy_is_the_servers() -> None:
    copy = json.loads((ROOT / "reporter/forms/wbs-default.json").read_text("utf-8"))
    original = json.loads((ROOT / "web/questionnaires/wbs-default.json").read_text("utf-8"))
    assert copy == original


def test_every_message_has_indonesian_and_english(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, (indonesian, english) in WORDS.items():
        assert indonesian.strip() and english.strip(), key
    monkeypatch.setenv("LC_ALL", "")
    monkeypatch.setenv("LC_MESSAGES", "")
    monkeypatch.setenv("LANG", "id_ID.UTF-8")
    assert language() == "id" and t("message.empty").startswith("pesannya kosong")
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert language() == "en" and t("message.empty").startswith("the message is empty")
    monkeypatch.setenv("LC_ALL", "id_ID.UTF-8")
    assert language() == "id"
