"""Small building blocks agree with Python exactly: PADMÉ sizes and strict base64url."""

from __future__ import annotations

import pytest

from browser.conftest import call
from crypto.b64 import b64u_decode
from crypto.errors import FormatError
from crypto.padding import padded_size, padme

pytestmark = pytest.mark.browser

LENGTHS = sorted(
    {
        0,
        1,
        2,
        3,
        7,
        8,
        9,
        4095,
        4096,
        4097,
        4104,
        65535,
        65536,
        65537,
        1 << 20,
        (1 << 20) + 1,
        (1 << 30) - 1,
        1 << 30,
        (1 << 30) + 1,
        5 * 10**9,
        (1 << 40) + 12345,
        1 << 50,
    }
    | {n for e in range(2, 34) for n in ((1 << e) - 1, 1 << e, (1 << e) + 1, 3 << (e - 1))}
)


def test_padme_matches_python(selftest_page):
    got = selftest_page.evaluate(
        "(ls) => ls.map((n) => [peluitTest.padme(n), peluitTest.paddedPlaintextSize(n)])", LENGTHS
    )
    want = [[padme(n), padded_size(8 + n)] for n in LENGTHS]
    assert got == want


B64_INPUTS = [
    "",
    "A",
    "AA",
    "AB",
    "AAA",
    "AAB",
    "AAAA",
    "_-_-",
    "ab+/",
    "YQ==",
    "YQ",
    "YR",
    "YWI",
    "YWJ",
    "YWJj",
    "YW Jj",
    "YWJj\n",
    "é",
    "Zm9vYmFy",
    "Zm9vYmE",
    "Zm9vYmF",
]


@pytest.mark.parametrize("text", B64_INPUTS)
def test_strict_base64url_matches_python(selftest_page, text):
    try:
        want = list(b64u_decode(text))
    except FormatError:
        want = None
    got = call(selftest_page, "peluitTest.b64.decode", text)
    assert (got["bytes"] if got["ok"] else None) == want
