"""Browser and Python agree on fresh data: envelopes sealed in the page open in
crypto.envelope and back, and receipt derivation gives the same keys."""

from __future__ import annotations

import base64
import secrets

import pytest

from browser.conftest import call
from crypto.envelope import Context, open_envelope, seal
from crypto.errors import DecryptionError
from crypto.labels import ALL_LABELS
from crypto.xwing import XWingPrivateKey
from receipts.derivation import derive
from receipts.receipt_code import parse

pytestmark = pytest.mark.browser

CHUNK = 1 << 20


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def repeat(pattern: bytes, length: int) -> bytes:
    return (pattern * (length // len(pattern) + 1))[:length]


@pytest.fixture
def keys():
    seeds = [secrets.token_bytes(32) for _ in range(2)]
    return seeds, [XWingPrivateKey.from_seed(s) for s in seeds]


@pytest.fixture
def envelope_context():
    ctx = Context(
        "inspektorat-demo", secrets.token_bytes(16), "attachment", secrets.token_bytes(16)
    )
    js = {
        "unit_id": ctx.unit_id,
        "case_id": b64u(ctx.case_id),
        "kind": ctx.kind,
        "item_id": b64u(ctx.item_id),
    }
    return ctx, js


def public_keys(privs):
    return [b64u(k.public_key().to_bytes()) for k in privs]


def test_labels_match_python(selftest_page):
    labels = call(selftest_page, "peluitTest.labels")
    assert len(set(labels)) == len(labels)
    assert sorted(labels) == sorted(x.decode("ascii") for x in ALL_LABELS)


def test_browser_seal_two_recipients_opens_in_python(selftest_page, keys, envelope_context):
    _seeds, privs = keys
    ctx, js_ctx = envelope_context
    message = "Laporan: dana desa dipotong 30%. ✓".encode()
    env = unb64u(
        call(selftest_page, "peluitTest.envelope.seal", b64u(message), public_keys(privs), js_ctx)
    )
    assert len(env) == 57 + 1177 * 2 + 4096 + 16
    for key in privs:  # each recipient alone can open it
        assert open_envelope(env, [key], ctx) == message
    other = Context(ctx.unit_id, ctx.case_id, "tip", ctx.item_id)
    with pytest.raises(DecryptionError):
        open_envelope(env, privs, other)


@pytest.mark.parametrize("length", [CHUNK - 8, CHUNK - 7, 2 * CHUNK + 12345])
def test_browser_seal_multi_chunk_opens_in_python(selftest_page, keys, envelope_context, length):
    _seeds, privs = keys
    ctx, js_ctx = envelope_context
    pattern = secrets.token_bytes(997)
    env = unb64u(
        call(
            selftest_page,
            "peluitTest.envelope.sealRepeat",
            b64u(pattern),
            length,
            public_keys(privs),
            js_ctx,
        )
    )
    assert open_envelope(env, [privs[1]], ctx) == repeat(pattern, length)


@pytest.mark.parametrize("reader", ["blob", "stream", "slice"])
def test_browser_streaming_sealer_opens_in_python(selftest_page, keys, envelope_context, reader):
    """Blob.stream() with a BYOB reader, and the two fallbacks (default reader, slice())."""
    _seeds, privs = keys
    ctx, js_ctx = envelope_context
    pattern = secrets.token_bytes(1009)
    length = 3 * CHUNK + 777
    got = call(
        selftest_page,
        "peluitTest.envelope.sealStreamRepeat",
        b64u(pattern),
        length,
        public_keys(privs),
        js_ctx,
        reader,
    )
    sizes = got["sizes"]
    assert sizes[0] == 57 + 1177 * 2  # the header comes first, alone
    assert all(s == CHUNK + 16 for s in sizes[1:-1]) and 17 <= sizes[-1] <= CHUNK + 16
    assert len(sizes) >= 5
    assert open_envelope(unb64u(got["envelope"]), [privs[0]], ctx) == repeat(pattern, length)


@pytest.mark.parametrize("length", [0, 1, 4088, CHUNK + 1])
def test_python_seal_opens_in_browser(selftest_page, keys, envelope_context, length):
    seeds, privs = keys
    ctx, js_ctx = envelope_context
    message = repeat(secrets.token_bytes(101), length) if length else b""
    env = seal(message, [k.public_key() for k in privs], ctx)
    got = call(selftest_page, "peluitTest.envelope.open", b64u(env), [b64u(seeds[1])], js_ctx)
    assert got == {"ok": True, "plaintext": b64u(message)}
    wrong = dict(js_ctx, item_id=b64u(secrets.token_bytes(16)))
    got = call(selftest_page, "peluitTest.envelope.open", b64u(env), [b64u(seeds[1])], wrong)
    assert got["ok"] is False and got["error"] == "decrypt"


def test_public_key_and_key_id_match_python(selftest_page, keys):
    seeds, privs = keys
    for seed, key in zip(seeds, privs, strict=True):
        pk = call(selftest_page, "peluitTest.xwing.publicKeyFromSeed", b64u(seed))
        assert pk == b64u(key.public_key().to_bytes())
        assert call(selftest_page, "peluitTest.xwing.keyId", pk) == b64u(key.public_key().key_id())


def test_generated_codes_parse_in_python(selftest_page):
    for profile in (1, 2):
        for _ in range(20):
            code = call(selftest_page, "peluitTest.receipt.generate", profile)
            assert len(code) == 24 and code[0] == str(profile)
            assert parse(code).digits == code
    assert call(selftest_page, "peluitTest.receipt.groupAsTyped", "١٣٢١٩5-4") == "1321 954"


@pytest.mark.parametrize(
    ("browser", "profile"),
    # Profile 1 without WebAssembly takes about 75 s; one receipt vector covers it.
    [("chromium", 1), ("chromium", 2), ("chromium-jitless", 2)],
    indirect=["browser"],
)
def test_fresh_derivation_matches_python(selftest_page, engine, profile):
    code = call(selftest_page, "peluitTest.receipt.generate", profile)
    salt = secrets.token_bytes(16)
    got = call(selftest_page, "peluitTest.derive", code, b64u(salt))
    want = derive(parse(code), salt)
    assert got["ok"] and got["profile"] == profile
    assert got["path"] == ("noble" if engine == "chromium-jitless" else "sodium")
    assert unb64u(got["selector"]) == want.selector.reveal()
    assert unb64u(got["validator"]) == want.validator.reveal()
    assert unb64u(got["xwing_seed"]) == want.xwing_seed.reveal()
    assert unb64u(got["xwing_public_key"]) == want.public_key().to_bytes()


def test_preloaded_worker_gives_the_same_keys(selftest_page):
    code = call(selftest_page, "peluitTest.receipt.generate", 2)
    salt = b64u(secrets.token_bytes(16))
    cold = call(selftest_page, "peluitTest.derive", code, salt)
    call(selftest_page, "peluitTest.preloadArgon2")
    warm = call(selftest_page, "peluitTest.derive", code, salt)
    assert cold["ok"] and warm["ok"]
    assert (cold["selector"], cold["validator"], cold["xwing_seed"]) == (
        warm["selector"],
        warm["validator"],
        warm["xwing_seed"],
    )


def test_typo_is_named_before_any_work(selftest_page):
    got = call(selftest_page, "peluitTest.derive", "132195429260275349977054", b64u(bytes(16)))
    assert got["ok"] is False and got["error"] == "typo"
    assert not any("argon2-" in u for u in selftest_page.peluit.requests)


def test_selftest_button_runs_clean(selftest_page, engine):
    selftest_page.set_default_timeout(120_000)
    selftest_page.click("#run")
    selftest_page.wait_for_function("() => document.querySelectorAll('#results li').length === 3")
    selftest_page.wait_for_function("() => !document.getElementById('run').disabled")
    lines = selftest_page.locator("#results li").all_text_contents()
    assert all(": ok" in line for line in lines), lines


@pytest.mark.parametrize("browser", ["chromium"], indirect=True)
def test_refused_webassembly_falls_back_to_pure_js(page, engine):
    """A page whose CSP refuses WebAssembly still derives, with the @noble/hashes worker.
    (Only the JIT engine has WebAssembly to refuse.)"""
    from browser.conftest import CSP, STATIC, assert_engine, open_page, serve_static

    strict = CSP.replace(" 'wasm-unsafe-eval'", "")
    with serve_static(STATIC, csp=strict) as base:
        open_page(page, base, "/selftest.html")
        page.wait_for_function("() => document.documentElement.dataset.selftest === 'ready'")
        assert_engine(page, engine)
        code = call(page, "peluitTest.receipt.generate", 2)
        salt = secrets.token_bytes(16)
        got = call(page, "peluitTest.derive", code, b64u(salt))
    assert got["ok"] and got["path"] == "noble"
    assert unb64u(got["selector"]) == derive(parse(code), salt).selector.reveal()
    # The refusal (reported from the worker, if at all) is the only CSP report allowed.
    violations = page.peluit.csp_violations
    assert all("WebAssembly" in v or "wasm" in v for v in violations), violations
    page.peluit.csp_violations.clear()
    page.peluit.console_errors[:] = [
        e for e in page.peluit.console_errors if "WebAssembly" not in e
    ]
    page.peluit.page_errors[:] = [e for e in page.peluit.page_errors if "WebAssembly" not in e]
