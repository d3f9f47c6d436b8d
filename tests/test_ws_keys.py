"""Keys on the workstation: passphrase, Shamir backup and restore, rotation, custodian."""

from __future__ import annotations

import io
import itertools
from pathlib import Path

import pytest
from test_ws_support import (
    FAST_KDF,
    PASSPHRASE,
    TODAY,
    export_bundle,
    make_workstation,
    report_case,
    unit_keys,
)

from crypto.errors import WrongPassphrase
from crypto.key_file import read_key_file
from crypto.secret import SecretStr
from crypto.unit_card import UnitCard
from workstation import backup, custodian, rotation
from workstation.cli import main
from workstation.desk import Desk
from workstation.errors import BackupError, CustodianRequired
from workstation.keyring import save_keys

NEW_PASSPHRASE = "lima kata acak baru untuk kunci"


def same_keys(a, b) -> bool:  # type: ignore[no-untyped-def]
    return (
        a.unit_id == b.unit_id
        and a.ed25519_seed == b.ed25519_seed
        and [(s.reveal(), d) for s, d in a.xwing_seeds]
        == [(s.reveal(), d) for s, d in b.xwing_seeds]
        and a.custodian_xwing_public_key == b.custodian_xwing_public_key
    )


def test_wrong_passphrase_says_so(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    make_workstation(tmp_path)
    with pytest.raises(WrongPassphrase):
        Desk.open(tmp_path, SecretStr("salah sekali kata sandi ini"))
    monkeypatch.setattr("sys.stdin", io.StringIO("salah sekali kata sandi ini\n"))
    assert main(["list", "-C", str(tmp_path)]) == 1
    assert capsys.readouterr().err == "error: wrong passphrase, or the key file was altered\n"


def test_every_three_of_five_shares_restore_identical_keys(tmp_path: Path) -> None:
    make_workstation(tmp_path / "ws")
    keys = unit_keys(tmp_path / "ws")
    made = backup.make_backup(keys, shares=5, threshold=3)
    assert len(made.shares) == 5 and all(len(s.split()) == 33 for s in made.shares)
    sheets = [backup.share_sheet(keys.unit_id, "fp", n, made) for n in range(1, 6)]
    for combo in itertools.combinations(range(5), 3):
        restored = backup.recover_keys([sheets[i] for i in combo], made.key_file)
        assert same_keys(restored, keys), combo
    for combo in itertools.combinations(range(5), 2):
        with pytest.raises(BackupError, match="do not rebuild"):
            backup.recover_keys([sheets[i] for i in combo], made.key_file)


def test_shares_from_another_backup_or_altered_words_fail(tmp_path: Path) -> None:
    make_workstation(tmp_path)
    keys = unit_keys(tmp_path)
    first, second = backup.make_backup(keys, 5, 3), backup.make_backup(keys, 5, 3)
    with pytest.raises(BackupError, match="do not rebuild"):
        backup.recover_keys(first.shares[:2] + second.shares[:1], first.key_file)
    with pytest.raises(BackupError, match="do not open this backup file"):
        backup.recover_keys(second.shares[:3], first.key_file)
    words = first.shares[0].split()
    words[5] = "academic" if words[5] != "academic" else "acid"
    with pytest.raises(BackupError):
        backup.recover_keys([" ".join(words), *first.shares[1:3]], first.key_file)


def test_backup_and_restore_through_the_cli(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    make_workstation(tmp_path / "ws")
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSPHRASE + "\n"))
    out = tmp_path / "backup"
    assert (
        main(
            ["backup", str(tmp_path / "ws"), "--shares", "5", "--threshold", "3", "--out", str(out)]
        )
        == 0
    )
    names = sorted(p.name for p in out.iterdir())
    assert names == [f"share-{n}-of-5.txt" for n in range(1, 6)] + [
        "unit-card.json",
        "unit-key.backup.json",
    ]
    files = [
        "--share-file",
        str(out / "share-2-of-5.txt"),
        "--share-file",
        str(out / "share-5-of-5.txt"),
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO(NEW_PASSPHRASE + "\n"))
    restore = ["restore", str(tmp_path / "new"), "--backup-file", str(out / "unit-key.backup.json")]
    assert main(restore + files) == 1
    assert "error: the shares do not rebuild the backup secret" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(NEW_PASSPHRASE + "\n"))
    assert main(restore + files + ["--share-file", str(out / "share-3-of-5.txt")]) == 0
    restored = read_key_file((tmp_path / "new" / "unit-key.json").read_bytes(), NEW_PASSPHRASE)
    assert same_keys(restored, unit_keys(tmp_path / "ws"))
    assert (tmp_path / "new" / "unit-card.json").read_bytes() == (
        tmp_path / "ws" / "unit-card.json"
    ).read_bytes()


def test_rotation_keeps_old_envelopes_readable(tmp_path: Path) -> None:
    card = make_workstation(tmp_path)
    old_case = report_case(card, "WBS-2026-0001")
    (tmp_path / "1.peluit").write_bytes(export_bundle(card.unit_id, [old_case]))
    new_card = rotation.rotate(tmp_path, SecretStr(PASSPHRASE), TODAY)
    assert new_card.ed25519_public_key == card.ed25519_public_key
    assert new_card.xwing_public_key != card.xwing_public_key
    assert UnitCard.parse((tmp_path / "unit-card.json").read_bytes()) == new_card
    assert len(unit_keys(tmp_path).xwing_seeds) == 2
    new_case = report_case(new_card, "WBS-2026-0002")
    (tmp_path / "2.peluit").write_bytes(export_bundle(card.unit_id, [new_case], export_seq=2))
    with Desk.open(tmp_path, SecretStr(PASSPHRASE), today=TODAY) as desk:
        desk.import_bundle(tmp_path / "1.peluit")
        desk.import_bundle(tmp_path / "2.peluit")
        for ref in ("WBS-2026-0001", "WBS-2026-0002"):
            view = desk.case(ref)
            assert view.reading.tip_error == "" and view.reading.answers[0].field_id == "category"


def test_custodian_identity_needs_the_custodian_key(tmp_path: Path) -> None:
    card = make_workstation(tmp_path / "ws")
    holder = tmp_path / "custodian"
    c_card = custodian.init_custodian(holder, SecretStr("kunci penjaga identitas pelapor aman"),
                                      today=TODAY, kdf=FAST_KDF)  # fmt: skip
    custodian.attach(tmp_path / "ws", SecretStr(PASSPHRASE), holder / "custodian-card.json")
    assert unit_keys(tmp_path / "ws").custodian_xwing_public_key == c_card.xwing_public_key
    case = report_case(card, "WBS-2026-0001", identity={"name": "Siti"},
                       identity_to=c_card.xwing_public_key)  # fmt: skip
    (tmp_path / "e.peluit").write_bytes(export_bundle(card.unit_id, [case]))
    with Desk.open(tmp_path / "ws", SecretStr(PASSPHRASE), today=TODAY) as desk:
        desk.import_bundle(tmp_path / "e.peluit")
        with pytest.raises(CustodianRequired):
            desk.open_identity("WBS-2026-0001")
        with pytest.raises(WrongPassphrase):
            desk.open_identity("WBS-2026-0001", (holder, SecretStr("bukan kata sandi penjaga ini")))
        assert desk.identity_log() == []
        opened = desk.open_identity(
            "WBS-2026-0001", (holder, SecretStr("kunci penjaga identitas pelapor aman"))
        )
        assert opened == [{"name": "Siti"}]
        assert [row[4] for row in desk.identity_log()] == ["custodian"]


def test_restore_keeps_the_custodian_and_the_workstation_key(tmp_path: Path) -> None:
    card = make_workstation(tmp_path)
    keys = unit_keys(tmp_path)
    made = backup.make_backup(keys, 3, 2)
    restored = backup.recover_keys(made.shares[1:], made.key_file)
    (tmp_path / "again").mkdir()
    save_keys(tmp_path / "again", restored, SecretStr(NEW_PASSPHRASE), params=FAST_KDF)
    (tmp_path / "again" / "unit-card.json").write_bytes(card.to_json())
    from workstation.triage import Triage

    case = report_case(card, "WBS-2026-0001")
    (tmp_path / "e.peluit").write_bytes(export_bundle(card.unit_id, [case]))
    with Desk.open(tmp_path, SecretStr(PASSPHRASE), today=TODAY) as desk:
        desk.import_bundle(tmp_path / "e.peluit")
        desk.set_triage("WBS-2026-0001", Triage(urgency="penting"))
    import shutil

    shutil.copytree(tmp_path / "store", tmp_path / "again" / "store")
    with Desk.open(tmp_path / "again", SecretStr(NEW_PASSPHRASE), today=TODAY) as desk:
        assert desk.cases()[0].urgency == "penting"
        assert desk.case("WBS-2026-0001").reading.answers[0].field_id == "category"
