"""Receipt codes: generation, Damm, normalisation, error messages; derivation matches libsodium."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nacl import pwhash

from receipts import receipt_code
from receipts.derivation import (
    PROFILES,
    argon2id,
    derive,
    lookup_hash,
    validator_hash,
    validator_matches,
)
from receipts.errors import InvalidReceiptCode, ReceiptError, ReceiptTypo
from receipts.receipt_code import ReceiptCode, damm_check_digit, generate, parse


def test_damm_known_value() -> None:
    assert damm_check_digit("572") == "4"  # the classic example from Damm (2004)


@given(st.integers(1, 2))
def test_generate_is_valid(profile: int) -> None:
    code = generate(profile)
    assert code.profile == profile
    assert len(code.digits) == 24 and code.digits.isdigit()
    assert parse(code.grouped()) == code
    assert code.grouped().count(" ") == 5


def test_generate_refuses_unknown_profile() -> None:
    with pytest.raises(ValueError, match="profile"):
        generate(3)


def test_random_digits_roughly_uniform() -> None:
    digits = "".join(generate(1).digits[1:23] for _ in range(500))
    counts = [digits.count(str(d)) for d in range(10)]
    assert min(counts) > 0.8 * len(digits) / 10 and max(counts) < 1.2 * len(digits) / 10


@settings(max_examples=200)
@given(st.data())
def test_single_digit_errors_and_transpositions_caught(data: st.DataObject) -> None:
    code = generate(data.draw(st.integers(1, 2))).digits
    i = data.draw(st.integers(0, 23))
    wrong = data.draw(st.sampled_from([d for d in "0123456789" if d != code[i]]))
    with pytest.raises(ReceiptError):
        parse(code[:i] + wrong + code[i + 1 :])
    j = data.draw(st.integers(0, 22))
    if code[j] != code[j + 1]:
        swapped = code[:j] + code[j + 1] + code[j] + code[j + 2 :]
        with pytest.raises(ReceiptError):
            parse(swapped)


@given(st.text(max_size=40))
def test_parse_never_crashes(text: str) -> None:
    try:
        code = parse(text)
    except ReceiptError:
        return
    assert len(code.digits) == 24


def test_messages_match_spec() -> None:
    with pytest.raises(InvalidReceiptCode) as short:
        parse("1234")
    assert short.value.user_message == "A receipt code has 24 digits."
    code = generate(1).digits
    typo = code[:23] + str((int(code[23]) + 1) % 10)
    with pytest.raises(ReceiptTypo) as typo_info:
        parse(typo)
    assert typo_info.value.user_message == "Check the code: one digit looks wrong."
    body = "9" + code[1:23]
    with pytest.raises(InvalidReceiptCode) as profile:
        parse(body + damm_check_digit(body))
    assert profile.value.user_message == "This is not a Peluit receipt code."
    with pytest.raises(InvalidReceiptCode) as letters:
        parse(code[:5] + "x" + code[6:])
    assert letters.value.user_message == "This is not a Peluit receipt code."


def test_masked() -> None:
    code = generate(2)
    assert code.digits not in repr(code) and code.digits not in str(code)
    assert repr(code) == "ReceiptCode(profile=2, ***)"
    assert receipt_code.LENGTH == 24
    with pytest.raises(TypeError):
        hash(code)


def test_argon2id_matches_libsodium() -> None:
    """argon2-cffi with p = 1 gives libsodium's (and so the browser's) bytes."""
    password, salt = b"123456789012345678901234", b"s" * 16
    ours = argon2id(password, salt, 1, 8192)
    theirs = pwhash.argon2id.kdf(32, password, salt, opslimit=1, memlimit=8192 * 1024)
    assert ours == theirs


def test_derivation_profile_1_real() -> None:
    """One real profile-1 derivation (about 0.2 s): the receipt vectors hold the rest."""
    code = ReceiptCode("1" + "2" * 22 + damm_check_digit("1" + "2" * 22))
    assert PROFILES == {1: (3, 65536), 2: (1, 8192)}
    keys = derive(code, b"\x00" * 16)
    assert len({keys.selector.reveal(), keys.validator.reveal(), keys.xwing_seed.reveal()}) == 3
    assert len(keys.public_key().to_bytes()) == 1216
    pepper = b"p" * 32
    assert lookup_hash(pepper, keys.selector) == lookup_hash(pepper, keys.selector.reveal())
    assert validator_matches(validator_hash(keys.validator), keys.validator)
    assert not validator_matches(validator_hash(keys.validator), b"\x00" * 32)


def test_derive_validates_salt_and_override() -> None:
    code = generate(1)
    with pytest.raises(ValueError, match="16 bytes"):
        derive(code, b"short")
    # profile_override=(ops, KiB) keeps this test fast; the real profiles run above.
    fast = derive(code, b"\x01" * 16, profile_override=(1, 8))
    assert fast.selector != derive(code, b"\x02" * 16, profile_override=(1, 8)).selector


def test_pinned_unicode_tables_are_unicode_14_and_shared_with_the_browser() -> None:
    """The digit and whitespace tables are Unicode 14.0's, in Python and in receipt.js alike."""
    import re
    import sys
    import unicodedata
    from pathlib import Path

    assert unicodedata.unidata_version == "14.0.0"  # Python 3.11: the pinned version
    zeros = [c for c in range(sys.maxunicode + 1) if unicodedata.decimal(chr(c), None) == 0]
    assert list(receipt_code.DIGIT_ZEROS) == zeros
    for zero in zeros:
        assert [unicodedata.decimal(chr(zero + i)) for i in range(10)] == list(range(10))
    spaces = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}
    assert spaces == receipt_code.WHITESPACE

    source = (Path(__file__).parent.parent / "web/js/receipt.js").read_text()
    table = source.split("const DIGIT_ZEROS = [", 1)[1].split("];", 1)[0]
    assert [int(x, 16) for x in re.findall(r"0x[0-9a-f]+", table)] == zeros
    separator = source.split("const SEPARATOR = /[", 1)[1].split("]/u;", 1)[0]
    assert separator.startswith(r"\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028")


def test_a_digit_newer_than_unicode_14_is_not_a_digit() -> None:
    kawi_five = "\U00011f55"  # Unicode 15.0
    code = generate(1).digits
    with pytest.raises(InvalidReceiptCode):
        parse(code[:23] + kawi_five)
    assert parse(code.translate({ord(d): 0x0966 + int(d) for d in "0123456789"})).digits == code
