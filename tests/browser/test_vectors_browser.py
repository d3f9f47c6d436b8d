"""Every vector under tests/vectors/ gives its expected outcome in the browser, in both engines.

The page is web/static/selftest.html (the committed bundles, served under the
strict CSP); binary values cross the page boundary as base64url strings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from vector_files import read_vector, vector_files, vector_name

from browser.conftest import ENGINES, call

pytestmark = pytest.mark.browser

VECTORS = Path(__file__).resolve().parents[1] / "vectors"


def load(kind: str) -> list[Any]:
    files = vector_files(VECTORS / kind)
    return [pytest.param(read_vector(f), id=vector_name(f)) for f in files]


def test_vectors_exist():
    for kind in ("receipt", "receipt-parse", "envelope", "card", "reply"):
        assert vector_files(VECTORS / kind), f"no {kind} vectors"


@pytest.mark.parametrize("vector", load("receipt-parse"))
def test_receipt_parse(selftest_page, vector):
    assert vector["kind"] == "receipt-parse"
    got = call(selftest_page, "peluitTest.receipt.parse", vector["input"])
    if vector["expect"] == "ok":
        assert got == {"ok": True, "normalised": vector["normalised"], "grouped": vector["grouped"]}
    else:
        assert got["ok"] is False
        assert got["error"] == vector["expect"]


FIRST_PROFILE_1 = next(p.id for p in load("receipt") if p.values[0]["profile"] == 1)


def _receipt_params() -> list[Any]:
    """Every receipt vector in both engines, except that without a JIT (about
    75 s per profile-1 derivation) one profile-1 vector proves the point."""
    out = []
    for engine in ENGINES:
        for p in load("receipt"):
            vector = p.values[0]
            if engine == "chromium-jitless" and vector["profile"] == 1 and p.id != FIRST_PROFILE_1:
                continue
            marks = [pytest.mark.slow] if vector["profile"] == 1 else []
            out.append(pytest.param(engine, vector, id=f"{engine}-{p.id}", marks=marks))
    return out


@pytest.mark.parametrize(("browser", "vector"), _receipt_params(), indirect=["browser"])
def test_receipt_derivation(selftest_page, engine, vector):
    assert vector["kind"] == "receipt" and vector["expect"] == "ok"
    if engine == "chromium-jitless" and vector["profile"] == 1:
        selftest_page.set_default_timeout(300_000)
    got = call(selftest_page, "peluitTest.derive", vector["code"], vector["instance_salt"])
    assert got["ok"], got
    expected_path = "noble" if engine == "chromium-jitless" else "sodium"
    assert got["path"] == expected_path
    assert got["progress"] >= 2
    for name in ("selector", "validator", "xwing_seed", "xwing_public_key", "key_id"):
        assert got[name] == vector[name], name
    requests = selftest_page.peluit.requests
    assert any(u.endswith(f"/dist/argon2-{expected_path}.js") for u in requests)
    assert not any(
        u.endswith(f"/dist/argon2-{'sodium' if expected_path == 'noble' else 'noble'}.js")
        for u in requests
    )


@pytest.mark.parametrize("browser", ["chromium"], indirect=True)
@pytest.mark.parametrize("vector", [p for p in load("receipt") if p.values[0]["profile"] == 2])
def test_receipt_derivation_noble_worker_with_jit(selftest_page, engine, vector):
    """The @noble/hashes worker also agrees where it is not the default (JIT engine;
    without a JIT it is the default and test_receipt_derivation covers it)."""
    got = call(
        selftest_page,
        "peluitTest.derive",
        vector["code"],
        vector["instance_salt"],
        {"path": "noble"},
    )
    assert got["ok"] and got["path"] == "noble"
    assert (got["selector"], got["validator"], got["xwing_seed"]) == (
        vector["selector"],
        vector["validator"],
        vector["xwing_seed"],
    )


@pytest.mark.parametrize("vector", load("envelope"))
def test_envelope(selftest_page, vector):
    assert vector["kind"] == "envelope"
    args = (vector["envelope"], vector["recipient_seeds"], vector["context"])
    if "plaintext_repeat" in vector:
        rep = vector["plaintext_repeat"]
        got = call(
            selftest_page, "peluitTest.envelope.openRepeat", *args, rep["pattern"], rep["length"]
        )
    else:
        got = call(selftest_page, "peluitTest.envelope.open", *args)
    if vector["expect"] == "ok":
        assert got["ok"], got
        if "plaintext_repeat" in vector:
            assert got["length"] == vector["plaintext_repeat"]["length"] and got["equal"]
        else:
            assert got["plaintext"] == vector["plaintext"]
    else:
        assert vector["expect"] == "decrypt"
        assert got == {
            "ok": False,
            "error": "decrypt",
            "name": "EnvelopeError",
            "message": "The envelope could not be opened.",
        }


def _backends(page) -> list[str]:
    return (
        ["webcrypto", "noble"]
        if call(page, "peluitTest.signing.backend") == "webcrypto"
        else ["noble"]
    )


@pytest.mark.parametrize("vector", load("card"))
def test_card(selftest_page, vector):
    assert vector["kind"] == "card"
    for backend in _backends(selftest_page):
        call(selftest_page, "peluitTest.signing.setBackend", backend)
        got = call(selftest_page, "peluitTest.card.parse", vector["card"])
        if vector["expect"] == "ok":
            assert got["ok"], (backend, got)
            assert got["fingerprint"] == vector["fingerprint"]
            assert got["custodian_xwing_public_key"] == vector.get("custodian_xwing_public_key")
        else:
            assert got["ok"] is False and got["error"] == "card", (backend, got)


@pytest.mark.parametrize("vector", load("reply"))
def test_reply(selftest_page, vector):
    assert vector["kind"] == "reply"
    for backend in _backends(selftest_page):
        call(selftest_page, "peluitTest.signing.setBackend", backend)
        got = call(
            selftest_page,
            "peluitTest.reply.verify",
            vector["reply_plaintext"],
            vector["ed25519_public_key"],
            vector["context"],
        )
        if vector["expect"] == "ok":
            assert got == {"ok": True, "body": vector["body"]}, backend
        else:
            assert got["ok"] is False and got["error"] == "signature", (backend, got)
