"""The Desk keeps the unit's expanded X-Wing keys for its session, masked everywhere.

Expanding a key from its seed (ML-KEM-768 + X25519) cost about 0.5 ms per
case shown; the Desk now does it once. The cached keys must not show up in
any repr, str or pickle of the Desk or of what it holds.
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

import pytest
from test_ws_support import (
    PASSPHRASE,
    TODAY,
    export_bundle,
    make_workstation,
    report_case,
    unit_keys,
)

from crypto.secret import SecretStr
from workstation.desk import Desk


def _secrets_of(folder: Path) -> list[str]:
    """Every private value of the unit as hex: seeds and the expanded X-Wing halves."""
    keys = unit_keys(folder)
    found = [keys.ed25519_seed.reveal().hex()]
    for seed, _ in keys.xwing_seeds:
        expanded = hashlib.shake_256(seed.reveal()).digest(96)  # as crypto/xwing.py expands it
        found += [seed.reveal().hex(), expanded[:64].hex(), expanded[64:].hex()]
    return found


def test_cached_keys_never_appear_in_reprs_or_pickles(tmp_path: Path) -> None:
    card = make_workstation(tmp_path)
    bundle = tmp_path / "e.peluit"
    bundle.write_bytes(export_bundle(card.unit_id, [report_case(card, "WBS-2026-0001")]))
    with Desk.open(tmp_path, SecretStr(PASSPHRASE), today=TODAY) as desk:
        desk.import_bundle(bundle)
        view = desk.case("WBS-2026-0001")
        assert view.reading.answers  # the cached keys open the case
        texts = [repr(desk), str(desk), repr(vars(desk)), repr(desk._xwing), str(desk._xwing)]
        texts += [repr(view), repr(desk.cases())]
        secrets = _secrets_of(tmp_path)
        assert len(secrets) == 1 + 3 * len(desk._xwing)
        for text in texts:
            for secret in secrets:
                assert secret not in text
            assert "***" in text or "WBS-2026-0001" in text
        assert "XWingPrivateKey(key_id=" in repr(desk._xwing)
        for value in (desk, desk._xwing, desk._xwing[0]):
            with pytest.raises(TypeError):
                pickle.dumps(value)


def test_the_cached_keys_are_the_unit_keys_in_the_same_order(tmp_path: Path) -> None:
    make_workstation(tmp_path)
    with Desk.open(tmp_path, SecretStr(PASSPHRASE), today=TODAY) as desk:
        expected = [k.public_key().key_id() for k in unit_keys(tmp_path).xwing_keys()]
        assert [k.public_key().key_id() for k in desk._xwing] == expected
