"""The custodian key really protects: attach, rotate and restore write the card that carries it.

Issue 17, section 8: ``peluit-ws custodian attach`` used to update only the
key file, so the card registered online kept sealing identities to the unit
key; ``rotate`` after an attach wrote a card without it, and a restore copied
whatever card lay next to the backup. Each command is driven here through
``peluit-ws``'s own ``main`` with its passphrases on stdin, as a script would.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from test_ws_support import PASSPHRASE, make_workstation, unit_keys

from crypto.unit_card import UnitCard
from workstation.cli import main

CUSTODIAN_PASSPHRASE = "kunci penjaga identitas pelapor aman"
NEW_PASSPHRASE = "lima kata acak baru untuk kunci"


def ws(monkeypatch: pytest.MonkeyPatch, stdin: str, *args: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(list(args))


def card_in(folder: Path) -> UnitCard:
    return UnitCard.parse((folder / "unit-card.json").read_bytes())


@pytest.fixture
def attached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    first = make_workstation(tmp_path / "ws")
    holder = tmp_path / "custodian"
    assert ws(monkeypatch, CUSTODIAN_PASSPHRASE + "\n", "custodian", "init", str(holder)) == 0
    custodian_card = UnitCard.parse((holder / "custodian-card.json").read_bytes())
    capsys.readouterr()
    assert ws(monkeypatch, PASSPHRASE + "\n", "custodian", "attach", str(tmp_path / "ws"),
              "--card", str(holder / "custodian-card.json")) == 0  # fmt: skip
    return first, custodian_card, capsys.readouterr().out


def test_attach_writes_a_card_with_the_custodian_key_and_says_how_to_register_it(
    tmp_path: Path, attached
) -> None:  # type: ignore[no-untyped-def]
    first, custodian_card, out = attached
    card = card_in(tmp_path / "ws")
    assert card.custodian_xwing_public_key == custodian_card.xwing_public_key
    assert card.xwing_public_key == first.xwing_public_key  # same encryption key ...
    assert card.fingerprint() == first.fingerprint()  # ... so the posters stay right
    assert unit_keys(tmp_path / "ws").custodian_xwing_public_key == custodian_card.xwing_public_key
    path = tmp_path / "ws" / "unit-card.json"
    assert f"peluit unit add {path} --rotation" in out
    assert "daftarkan" in out  # Indonesian first, English second


def test_rotate_after_attach_keeps_the_custodian_key_on_the_card(
    tmp_path: Path, attached, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    first, custodian_card, _ = attached
    assert ws(monkeypatch, PASSPHRASE + "\n", "rotate", str(tmp_path / "ws")) == 0
    card = card_in(tmp_path / "ws")
    assert card.xwing_public_key != first.xwing_public_key
    assert card.custodian_xwing_public_key == custodian_card.xwing_public_key


def test_restore_writes_the_card_the_keys_call_for(
    tmp_path: Path, attached, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    first, custodian_card, _ = attached
    out = tmp_path / "backup"
    assert ws(monkeypatch, PASSPHRASE + "\n", "backup", str(tmp_path / "ws"),
              "--shares", "3", "--threshold", "2", "--out", str(out)) == 0  # fmt: skip
    # A card from before the attach lies next to the backup (an old copy):
    # the restore must not bring the unprotected card back.
    (out / "unit-card.json").write_bytes(first.to_json())
    capsys.readouterr()
    shares = ["--share-file", str(out / "share-1-of-3.txt"), "--share-file",
              str(out / "share-3-of-3.txt")]  # fmt: skip
    assert ws(monkeypatch, NEW_PASSPHRASE + "\n", "restore", str(tmp_path / "new"),
              "--backup-file", str(out / "unit-key.backup.json"), *shares) == 0  # fmt: skip
    said = capsys.readouterr().out
    card = card_in(tmp_path / "new")
    assert card.custodian_xwing_public_key == custodian_card.xwing_public_key
    assert card.xwing_public_key == first.xwing_public_key
    assert card.ed25519_public_key == first.ed25519_public_key
    assert "--rotation" in said


def test_restore_with_the_right_card_keeps_it_byte_for_byte(
    tmp_path: Path, attached, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "backup"
    assert ws(monkeypatch, PASSPHRASE + "\n", "backup", str(tmp_path / "ws"),
              "--shares", "3", "--threshold", "2", "--out", str(out)) == 0  # fmt: skip
    shares = ["--share-file", str(out / "share-1-of-3.txt"), "--share-file",
              str(out / "share-2-of-3.txt")]  # fmt: skip
    assert ws(monkeypatch, NEW_PASSPHRASE + "\n", "restore", str(tmp_path / "new"),
              "--backup-file", str(out / "unit-key.backup.json"), *shares) == 0  # fmt: skip
    assert (tmp_path / "new" / "unit-card.json").read_bytes() == (
        tmp_path / "ws" / "unit-card.json"
    ).read_bytes()


def test_a_unit_that_attached_before_the_fix_is_told_and_attach_again_repairs_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The old attach left the key file with a custodian and the card without one."""
    first = make_workstation(tmp_path / "ws")
    holder = tmp_path / "custodian"
    assert ws(monkeypatch, CUSTODIAN_PASSPHRASE + "\n", "custodian", "init", str(holder)) == 0
    assert ws(monkeypatch, PASSPHRASE + "\n", "custodian", "attach", str(tmp_path / "ws"),
              "--card", str(holder / "custodian-card.json")) == 0  # fmt: skip
    (tmp_path / "ws" / "unit-card.json").write_bytes(first.to_json())  # as the old attach left it
    capsys.readouterr()
    assert ws(monkeypatch, PASSPHRASE + "\n", "backup", str(tmp_path / "ws"),
              "--shares", "3", "--threshold", "2", "--out", str(tmp_path / "b")) == 0  # fmt: skip
    assert "does not match the key file" in capsys.readouterr().err
    assert ws(monkeypatch, PASSPHRASE + "\n", "custodian", "attach", str(tmp_path / "ws"),
              "--card", str(holder / "custodian-card.json")) == 0  # fmt: skip
    assert card_in(tmp_path / "ws").custodian_xwing_public_key is not None
