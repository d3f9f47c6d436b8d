"""Receipt vectors: derivation from a code (receipt-v1.md) and parsing what a reporter typed."""

from __future__ import annotations

from crypto.b64 import b64u_encode
from receipts.derivation import (
    PROFILES,
    derive,
    derive_root,
    lookup_hash,
    validator_hash,
)
from receipts.receipt_code import ReceiptCode, damm_check_digit
from vector_families.common import det, det_digits, make_code, write


def receipts() -> None:
    cases = [("p1-a", 1), ("p1-b", 1), ("p2-a", 2), ("p2-b", 2), ("p2-c", 2)]
    for name, profile in cases:
        code = ReceiptCode(make_code("receipt/" + name, profile))
        salt = det("receipt/salt/" + name, 16)
        pepper = det("receipt/pepper/" + name, 32)
        keys = derive(code, salt)
        public = keys.public_key()
        ops, mem = PROFILES[profile]
        write(
            "receipt",
            name,
            f"profile {profile} derivation (Argon2id ops {ops}, {mem} KiB)",
            "ok",
            code=code.digits,
            profile=profile,
            ops=ops,
            mem_kib=mem,
            instance_salt=b64u_encode(salt),
            root=b64u_encode(derive_root(code, salt).reveal()),
            selector=b64u_encode(keys.selector.reveal()),
            validator=b64u_encode(keys.validator.reveal()),
            xwing_seed=b64u_encode(keys.xwing_seed.reveal()),
            xwing_public_key=b64u_encode(public.to_bytes()),
            key_id=b64u_encode(public.key_id()),
            pepper=b64u_encode(pepper),
            lookup=b64u_encode(lookup_hash(pepper, keys.selector)),
            validator_hash=b64u_encode(validator_hash(keys.validator)),
        )


def _to_script(text: str, zero: int) -> str:
    """``text`` with its ASCII digits written in the script whose zero is ``zero``."""
    return "".join(chr(zero + int(c)) if c.isdigit() else c for c in text)


def _parse_codes() -> tuple[str, str, str]:
    """The profile 1 and profile 2 codes the parse vectors are made of, and the first grouped."""
    code = make_code("receipt-parse/base", 1)
    code2 = make_code("receipt-parse/base2", 2)
    grouped = " ".join(code[i : i + 4] for i in range(0, 24, 4))
    return code, code2, grouped


def parse_accepted() -> None:
    """What a reporter may type for a valid code: separators and digits of any script."""
    code, code2, grouped = _parse_codes()
    to_script = _to_script
    ok = {
        "plain": ("24 ASCII digits", code),
        "grouped-spaces": ("six groups separated by spaces", grouped),
        "profile-2": ("a profile 2 code", code2),
        "dashes": ("groups separated by '-'", grouped.replace(" ", "-")),
        "unicode-dashes": (
            "hyphen, non-breaking hyphen, en and em dashes, dot and underscore",
            "\u2010".join([code[:4], code[4:8]])
            + "\u2011"
            + code[8:12]
            + "\u2013"
            + code[12:16]
            + "\u2014"
            + code[16:20]
            + "."
            + code[20:22]
            + "_"
            + code[22:],
        ),
        "odd-whitespace": (
            "tabs, newlines, no-break and ideographic spaces",
            "\t" + code[:6] + "\u00a0" + code[6:12] + "\n" + code[12:18] + "\u3000" + code[18:],
        ),
        "arabic-indic": ("Arabic-Indic digits", to_script(code, 0x0660)),
        "devanagari": ("Devanagari digits", to_script(code, 0x0966)),
        "fullwidth": (
            "full-width digits with ideographic spaces",
            to_script(grouped, 0xFF10).replace(" ", "\u3000"),
        ),
        "mixed-scripts": (
            "digits from several scripts",
            to_script(code[:8], 0x0660) + code[8:16] + to_script(code[16:], 0xFF10),
        ),
    }
    for name, (description, text) in ok.items():
        expected = code2 if name == "profile-2" else code
        write(
            "receipt-parse",
            "ok-" + name,
            description,
            "ok",
            input=text,
            normalised=expected,
            grouped=" ".join(expected[i : i + 4] for i in range(0, 24, 4)),
        )


def parse_refused() -> None:
    """Typos (named as such), wrong lengths, foreign characters and unknown profiles."""
    code, _, _ = _parse_codes()
    to_script = _to_script
    typo_digit = code[:10] + str((int(code[10]) + 3) % 10) + code[11:]
    transposed = code[:5] + code[6] + code[5] + code[7:]
    if code[5] == code[6]:
        transposed = code[:7] + code[8] + code[7] + code[9:]
    p3_body = "3" + det_digits("receipt-parse/p3", 22)
    p0_body = "0" + det_digits("receipt-parse/p0", 22)
    bad = {
        "typo-one-digit": ("one digit changed", "typo", typo_digit),
        "typo-transposition": ("two adjacent digits swapped", "typo", transposed),
        "typo-check-digit": (
            "check digit changed",
            "typo",
            code[:23] + str((int(code[23]) + 1) % 10),
        ),
        "short-23": ("23 digits", "invalid", code[:23]),
        "long-25": ("25 digits", "invalid", code + "0"),
        "empty": ("nothing typed", "invalid", ""),
        "only-separators": ("only spaces and dashes", "invalid", " - - "),
        "letter": ("a letter among the digits", "invalid", code[:12] + "O" + code[13:]),
        "letter-extra": ("a letter besides 24 digits", "invalid", code + "a"),
        "plus": ("a '+' sign", "invalid", "+" + code),
        "superscript": ("a superscript two is not a decimal digit", "invalid", "\u00b2" + code[1:]),
        "newer-unicode-digits": (
            "Kawi digits (Unicode 15): outside the pinned Unicode 14.0 table",
            "invalid",
            to_script(code, 0x11F50),
        ),
        "profile-3": (
            "a Damm-valid code with profile digit 3",
            "invalid",
            p3_body + damm_check_digit(p3_body),
        ),
        "profile-0": (
            "a Damm-valid code with profile digit 0",
            "invalid",
            p0_body + damm_check_digit(p0_body),
        ),
        "profile-3-typo": (
            "profile digit 3 with a failing check: the typo is named first",
            "typo",
            p3_body + str((int(damm_check_digit(p3_body)) + 1) % 10),
        ),
    }
    for name, (description, expect, text) in bad.items():
        write("receipt-parse", name, description, expect, input=text)


def receipt_parse() -> None:
    parse_accepted()
    parse_refused()
