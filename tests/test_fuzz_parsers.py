"""Hostile bytes against every parser of outside data: typed errors only, never a crash.

Each parser gets two kinds of input: arbitrary bytes, and a valid sample
(from tests/vectors/) with bytes flipped, cut or inserted, which reaches the
deeper checks. Every parser must either accept the input or raise its own
error (a :class:`crypto.errors.PeluitError` with a ``user_message``); any
other exception, or an example slower than the deadline (a hang), fails.
Profiles: tests/fuzz_profiles.py (``HYPOTHESIS_PROFILE=long`` for long runs).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import fuzz_profiles  # noqa: F401  (loads the Hypothesis profile)
from hypothesis import given
from hypothesis import strategies as st

from crypto import envelope
from crypto.b64 import b64u_decode
from crypto.bundle import BundleReader, Kind, ReaderLimits
from crypto.errors import PeluitError
from crypto.key_file import read_key_file
from crypto.unit_card import UnitCard
from crypto.xwing import XWingPrivateKey
from receipts.receipt_code import parse
from vault.envelope_shape import PREFIX_SIZE, check_envelope

VECTORS = Path(__file__).parent / "vectors"


def _vector(folder: str, name: str) -> dict[str, object]:
    data: dict[str, object] = json.loads((VECTORS / folder / name).read_text("utf-8"))
    return data


ENVELOPE = _vector("envelope", "ok-4088.json")
ENVELOPE_BYTES = b64u_decode(str(ENVELOPE["envelope"]))
CARD = str(_vector("card", "ok.json")["card"]).encode()
KEY_FILE = _vector("keyfile", "ok.json")
BUNDLES = {
    Kind.EXPORT: (VECTORS / "bundle" / "export-ok.bundle").read_bytes(),
    Kind.REPLY: (VECTORS / "bundle" / "reply-ok.bundle").read_bytes(),
}


@st.composite
def mutated(draw: st.DrawFn, sample: bytes) -> bytes:
    """``sample`` with a few bytes flipped, a slice cut out, or bytes inserted."""
    data = bytearray(sample)
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["flip", "cut", "insert", "truncate"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if action == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif action == "cut":
            del data[at : at + draw(st.integers(1, 64))]
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        else:
            del data[at:]
    return bytes(data)


def _context() -> envelope.Context:
    ctx = ENVELOPE["context"]
    assert isinstance(ctx, dict)
    return envelope.Context(
        ctx["unit_id"], b64u_decode(ctx["case_id"]), ctx["kind"], b64u_decode(ctx["item_id"])
    )


SEEDS = ENVELOPE["recipient_seeds"]
assert isinstance(SEEDS, list)
KEYS = [XWingPrivateKey.from_seed(b64u_decode(SEEDS[0]))]


@given(st.one_of(st.binary(max_size=6000), mutated(ENVELOPE_BYTES)))
def test_envelope_open(data: bytes) -> None:
    try:
        envelope.open_envelope(data, KEYS, _context())
    except PeluitError as refused:
        assert refused.user_message


@given(st.one_of(st.binary(max_size=200), mutated(ENVELOPE_BYTES)), st.integers(0, 1 << 32))
def test_envelope_shape_check(data: bytes, size: int) -> None:
    try:
        check_envelope(data[:PREFIX_SIZE], size, 1 << 20, "tip")
    except PeluitError as refused:
        assert refused.user_message


@given(st.one_of(st.binary(max_size=3000), mutated(CARD)))
def test_unit_card(data: bytes) -> None:
    try:
        UnitCard.parse(data)
    except PeluitError as refused:
        assert refused.user_message


@given(mutated(str(KEY_FILE["key_file"]).encode()))
def test_key_file(data: bytes) -> None:
    # A flipped byte in the Argon2id parameters could ask for gigabytes: the
    # reader must refuse such parameters before deriving anything.
    try:
        read_key_file(data, str(KEY_FILE["passphrase"]))
    except PeluitError as refused:
        assert refused.user_message


LIMITS = ReaderLimits(spill_threshold=4096)


def _read_bundle(data: bytes, kind: Kind) -> None:
    reader = BundleReader(io.BytesIO(data), kind, io.BytesIO, LIMITS)
    for entry in reader.entries():
        entry.data.read()


@given(
    st.sampled_from([Kind.EXPORT, Kind.REPLY]).flatmap(
        lambda kind: st.tuples(
            st.just(kind), st.one_of(st.binary(max_size=2000), mutated(BUNDLES[kind]))
        )
    )
)
def test_bundle_readers(case: tuple[Kind, bytes]) -> None:
    kind, data = case
    try:
        _read_bundle(data, kind)
    except PeluitError as refused:
        assert refused.user_message


@given(
    st.one_of(
        st.text(max_size=80),
        st.text(alphabet="0123456789 -\u0660\u0661\uff11", min_size=20, max_size=40),
    )
)
def test_receipt_code(text: str) -> None:
    try:
        code = parse(text)
    except PeluitError as refused:
        assert refused.user_message
    else:
        assert len(code.digits) == 24
