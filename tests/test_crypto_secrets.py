"""Planted secrets never reach a repr, a str, a log line or an exception."""

from __future__ import annotations

import datetime
import json
import logging
import pickle
import traceback

import pytest

from crypto.b64 import b64u_encode
from crypto.envelope import Context, open_envelope, seal
from crypto.errors import PeluitError
from crypto.key_file import UnitKeys, read_key_file, write_key_file
from crypto.secret import SecretBytes, SecretStr
from crypto.signing import SigningKey
from crypto.xwing import XWingPrivateKey
from receipts.derivation import derive
from receipts.receipt_code import damm_check_digit, parse

SEED = bytes(range(100, 132))
ED_SEED = bytes(range(200, 232))
PASSPHRASE = "kuda-terbang-rahasia-7731"
BODY = "1" + "9876543210" * 2 + "73"
CODE = BODY + damm_check_digit(BODY)


def forms(secret: bytes | str) -> list[str]:
    """Every printable form the secret could take."""
    if isinstance(secret, str):
        return [secret, " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))]
    return [secret.hex(), b64u_encode(secret), repr(secret), str(list(secret))[1:-1]]


def assert_absent(text: str, *secrets: bytes | str) -> None:
    for secret in secrets:
        for form in forms(secret):
            assert form not in text, f"secret leaked: {form[:8]}…"


def exception_text(exc: BaseException) -> str:
    parts = [str(exc), repr(exc), repr(exc.args), getattr(exc, "user_message", "")]
    parts += traceback.format_exception(exc)
    return "\n".join(parts)


def test_holders_are_masked() -> None:
    xwing = XWingPrivateKey.from_seed(SEED)
    signing = SigningKey.from_seed(ED_SEED)
    code = parse(CODE)
    keys = UnitKeys("unit-1", SecretBytes(ED_SEED), [(SecretBytes(SEED), datetime.date.today())])
    # profile_override keeps this fast; the masking does not depend on the profile.
    derived = derive(code, b"\x00" * 16, profile_override=(1, 8))
    holders: list[object] = [
        SecretBytes(SEED), SecretStr(PASSPHRASE), xwing, signing, code, keys, derived,
        derived.selector, derived.validator, derived.xwing_seed,
    ]  # fmt: skip
    derived_secrets = [
        s.reveal() for s in (derived.selector, derived.validator, derived.xwing_seed)
    ]
    for holder in holders:
        for text in (repr(holder), str(holder), f"{holder}", f"{holder!r}", repr([holder])):
            assert_absent(text, SEED, ED_SEED, PASSPHRASE, CODE, *derived_secrets)
        if not isinstance(holder, SigningKey | XWingPrivateKey):
            with pytest.raises(TypeError):
                pickle.dumps(holder)


def test_secret_bytes_behaviour() -> None:
    secret = SecretBytes(SEED)
    assert secret == SecretBytes(SEED) and secret != SecretBytes(ED_SEED)
    assert len(secret) == 32 and secret.reveal() == SEED
    with pytest.raises(TypeError):
        bytes(secret)


def test_failing_operations_leak_nothing(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    failures: list[BaseException] = []
    ctx = Context("unit-1", b"\x01" * 16, "tip", b"\x02" * 16)
    other = XWingPrivateKey.from_seed(bytes(32))
    sealed = seal(b"isi laporan", [other.public_key()], ctx)
    with pytest.raises(PeluitError) as decrypt:
        open_envelope(sealed, [XWingPrivateKey.from_seed(SEED)], ctx)
    failures.append(decrypt.value)

    keys = UnitKeys("unit-1", SecretBytes(ED_SEED), [(SecretBytes(SEED), datetime.date.today())])
    # Argon2id at the spec's minimum keeps this fast; the error path is the same.
    data = write_key_file(keys, PASSPHRASE, ops=1, mem_kib=8192)
    with pytest.raises(PeluitError) as wrong:
        read_key_file(data, PASSPHRASE + "x")
    failures.append(wrong.value)
    doc = json.loads(data)
    doc["version"] = 9
    with pytest.raises(PeluitError) as bad_format:
        read_key_file(json.dumps(doc).encode(), PASSPHRASE)
    failures.append(bad_format.value)

    typo = CODE[:23] + str((int(CODE[23]) + 1) % 10)
    for text in (typo, CODE[:-1], CODE + "x", "9" + CODE[1:]):
        with pytest.raises(PeluitError) as receipt:
            parse(text)
        failures.append(receipt.value)

    for exc in failures:
        logging.getLogger("peluit.test").exception("operation failed", exc_info=exc)
        assert_absent(exception_text(exc), SEED, ED_SEED, PASSPHRASE, CODE, typo)
    assert_absent(caplog.text, SEED, ED_SEED, PASSPHRASE, CODE, typo)
