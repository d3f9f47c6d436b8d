"""Generate Peluit's test vectors into tests/vectors/<kind>/<name>.json.

Run: .venv/bin/python scripts/make_vectors.py

Every input is derived from a fixed label (SHAKE256), so receipts, cards,
replies and key files come out byte for byte the same on every run. HPKE
encryption is randomized, so envelopes differ between runs and are stored
whole. The format of the files is described in tests/vectors/README.md.

Reject cases are forged here with the primitives (HPKE, HKDF, HMAC,
AES-GCM) rather than with crypto/envelope.py, so that a malformed envelope
still carries a valid header MAC and valid chunk tags where that makes the
case meaningful (n = 9, bad padding, a misplaced final flag, ...).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives import hashes, hpke  # noqa: E402
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305  # noqa: E402
from cryptography.hazmat.primitives.kdf.hkdf import HKDF  # noqa: E402

from crypto import labels  # noqa: E402
from crypto.b64 import b64u_encode  # noqa: E402
from crypto.envelope import CHUNK_SIZE, MAGIC, Context, seal  # noqa: E402
from crypto.framing import lp, u32  # noqa: E402
from crypto.padding import padded_size  # noqa: E402
from crypto.reply import sign_reply  # noqa: E402
from crypto.signing import SigningKey  # noqa: E402
from crypto.unit_card import UnitCard  # noqa: E402
from crypto.xwing import XWingPrivateKey, XWingPublicKey  # noqa: E402
from receipts.derivation import (  # noqa: E402
    PROFILES,
    derive,
    derive_root,
    lookup_hash,
    validator_hash,
)
from receipts.receipt_code import ReceiptCode, damm_check_digit  # noqa: E402

OUT = ROOT / "tests" / "vectors"
KINDS = ("receipt", "receipt-parse", "envelope", "card", "keyfile", "reply")
SUITE = hpke.Suite(hpke.KEM.MLKEM768_X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305)


def det(label: str, size: int) -> bytes:
    """Deterministic 'random' bytes for a named vector input."""
    return hashlib.shake_256(b"peluit-vectors/" + label.encode()).digest(size)


def det_digits(label: str, count: int) -> str:
    return "".join(str(b % 10) for b in det(label, count))


def write(kind: str, name: str, description: str, expect: str, **fields: Any) -> None:
    document = {"kind": kind, "description": description, "expect": expect, **fields}
    path = OUT / kind / f"{name}.json"
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def ctx_json(ctx: Context) -> dict[str, str]:
    return {
        "unit_id": ctx.unit_id,
        "case_id": b64u_encode(ctx.case_id),
        "kind": ctx.kind,
        "item_id": b64u_encode(ctx.item_id),
    }


def make_code(label: str, profile: int) -> str:
    body = str(profile) + det_digits(label, 22)
    return body + damm_check_digit(body)


# --- receipts ----------------------------------------------------------------


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


def receipt_parse() -> None:
    code = make_code("receipt-parse/base", 1)
    code2 = make_code("receipt-parse/base2", 2)
    grouped = " ".join(code[i : i + 4] for i in range(0, 24, 4))

    def to_script(text: str, zero: int) -> str:
        return "".join(chr(zero + int(c)) if c.isdigit() else c for c in text)

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


# --- envelopes ---------------------------------------------------------------


def _hkdf(ikm: bytes, salt: bytes | None, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(ikm)


def pad(
    message: bytes, *, total: int | None = None, length: int | None = None, pad_byte: int = 0
) -> bytes:
    """``u64(length) || message || padding`` with every field overridable."""
    size = padded_size(8 + len(message)) if total is None else total
    field = len(message) if length is None else length
    body = field.to_bytes(8, "big") + message
    return body + bytes([pad_byte]) * (size - len(body))


def split(padded: bytes) -> list[tuple[bytes, bool]]:
    pieces = [padded[i : i + CHUNK_SIZE] for i in range(0, len(padded), CHUNK_SIZE)]
    return [(p, i == len(pieces) - 1) for i, p in enumerate(pieces)]


def forge(
    recipients: Sequence[XWingPublicKey],
    ctx: Context,
    chunks: Sequence[tuple[bytes, bool]],
    *,
    label: str,
    magic: bytes = MAGIC,
    n: int | None = None,
    stanza_type: int = 1,
) -> bytes:
    """An envelope built from the primitives, with a valid MAC and valid chunk tags."""
    context = ctx.encode()
    file_key = det("forge/file-key/" + label, 32)
    nonce = det("forge/nonce/" + label, 16)
    info = labels.ENVELOPE_WRAP + b"\x00" + context
    header = magic + nonce + bytes([len(recipients) if n is None else n])
    for r in recipients:
        header += bytes([stanza_type]) + r.key_id() + SUITE.encrypt(file_key, r.hpke_key(), info)
    mac = hmac.new(
        _hkdf(file_key, None, labels.ENVELOPE_HEADER), header + context, hashlib.sha256
    ).digest()
    aead = AESGCM(_hkdf(file_key, nonce, labels.ENVELOPE_PAYLOAD + b"\x00" + context))
    body = b"".join(
        aead.encrypt(i.to_bytes(11, "big") + (b"\x01" if final else b"\x00"), chunk, None)
        for i, (chunk, final) in enumerate(chunks)
    )
    return header + mac + body


def envelopes() -> None:  # noqa: C901 - split per vector family in the next commit
    seeds = [det(f"envelope/seed/{i}", 32) for i in range(10)]
    keys = [XWingPrivateKey.from_seed(s) for s in seeds]
    pubs = [k.public_key() for k in keys]
    ctx = Context("inspektorat-demo", det("envelope/case", 16), "tip", det("envelope/item", 16))
    pattern = det("envelope/pattern", 251)

    def repeat(n: int) -> bytes:
        return (pattern * (n // len(pattern) + 1))[:n]

    def emit(
        name: str,
        description: str,
        expect: str,
        envelope: bytes,
        *,
        openers: Sequence[int] = (0,),
        sealed_to: Sequence[int] = (0,),
        context: Context = ctx,
        plaintext: bytes | None = None,
    ) -> None:
        fields: dict[str, Any] = {
            "recipient_seeds": [b64u_encode(seeds[i]) for i in openers],
            "context": ctx_json(context),
            "envelope": b64u_encode(envelope),
            "sealed_to_public_keys": [b64u_encode(pubs[i].to_bytes()) for i in sealed_to],
        }
        if plaintext is not None and len(plaintext) > 65536:
            if plaintext != repeat(len(plaintext)):
                raise ValueError("large plaintexts must be the repeated pattern")
            fields["plaintext_repeat"] = {"pattern": b64u_encode(pattern), "length": len(plaintext)}
        elif plaintext is not None:
            fields["plaintext"] = b64u_encode(plaintext)
        write("envelope", name, description, expect, **fields)

    chunk = CHUNK_SIZE
    sizes = {
        "ok-empty": (0, "empty message (padded to 4096)"),
        "ok-1-byte": (1, "one byte"),
        "ok-4088": (4088, "largest message in the 4096-byte floor"),
        "ok-4089": (4089, "one byte over the floor (padded to 4352)"),
        "ok-4090": (4090, "two bytes over the floor"),
        "ok-chunk-exact": (chunk - 8, "padded plaintext exactly one full chunk (final and full)"),
        "ok-multi-chunk": (chunk, "just over 1 MiB: two chunks, the last one short"),
    }
    for name, (size, description) in sizes.items():
        message = repeat(size)
        emit(name, description, "ok", seal(message, [pubs[0]], ctx), plaintext=message)

    text = "Laporan: dana desa dipotong 20%. Bukti terlampir — ✓".encode()
    emit("ok-utf8-text", "a short UTF-8 tip", "ok", seal(text, [pubs[0]], ctx), plaintext=text)
    two = seal(text, [pubs[0], pubs[1]], ctx)
    emit(
        "ok-two-recipients-first",
        "two recipients, opened with the first key",
        "ok",
        two,
        sealed_to=(0, 1),
        plaintext=text,
    )
    emit(
        "ok-two-recipients-second",
        "two recipients, opened with the second key",
        "ok",
        two,
        openers=(1,),
        sealed_to=(0, 1),
        plaintext=text,
    )
    eight = seal(text, pubs[:8], ctx)
    emit(
        "ok-eight-recipients",
        "eight recipients, opened with the last key",
        "ok",
        eight,
        openers=(7,),
        sealed_to=range(8),
        plaintext=text,
    )
    emit(
        "ok-rotated-keys",
        "opener holds several keys (rotation), one matches",
        "ok",
        seal(text, [pubs[2]], ctx),
        openers=(0, 1, 2),
        sealed_to=(2,),
        plaintext=text,
    )
    for kind in ("attachment", "identity", "message", "reply", "forward"):
        other = Context(ctx.unit_id, ctx.case_id, kind, ctx.item_id)
        emit(
            f"ok-kind-{kind}",
            f"kind {kind}",
            "ok",
            seal(text, [pubs[0]], other),
            context=other,
            plaintext=text,
        )

    # Rejections.
    base = seal(text, [pubs[0]], ctx)
    reject = "decrypt"
    emit(
        "reject-wrong-recipient",
        "sealed to another key",
        reject,
        seal(text, [pubs[1]], ctx),
        sealed_to=(1,),
    )
    emit(
        "reject-wrong-recipient-of-two",
        "two recipients, opener is neither",
        reject,
        two,
        openers=(2,),
        sealed_to=(0, 1),
    )
    changed = {
        "unit": Context("inspektorat-lain", ctx.case_id, ctx.kind, ctx.item_id),
        "case": Context(ctx.unit_id, det("envelope/other-case", 16), ctx.kind, ctx.item_id),
        "kind": Context(ctx.unit_id, ctx.case_id, "attachment", ctx.item_id),
        "item": Context(ctx.unit_id, ctx.case_id, ctx.kind, det("envelope/other-item", 16)),
    }
    for field, other in changed.items():
        emit(
            f"reject-context-{field}",
            f"opened under a context with another {field}",
            reject,
            base,
            context=other,
        )

    def flip(data: bytes, offset: int) -> bytes:
        return data[:offset] + bytes([data[offset] ^ 0x01]) + data[offset + 1 :]

    flips = {
        "magic": (0, "first magic byte flipped"),
        "version": (7, "version byte changed to 0x00"),
        "nonce": (8, "header nonce byte flipped"),
        "count": (24, "recipient count changed from 1 to 0"),
        "stanza-type": (25, "stanza type changed"),
        "key-id": (26, "key id byte flipped"),
        "enc": (40, "encapsulation byte flipped"),
        "wrapped": (25 + 1177 - 1, "last wrapped-key byte flipped"),
        "mac": (25 + 1177 + 5, "header MAC byte flipped"),
        "body": (25 + 1177 + 32 + 3, "body byte flipped"),
        "tag": (len(base) - 1, "last tag byte flipped"),
    }
    for name, (offset, description) in flips.items():
        emit(f"reject-flip-{name}", description, reject, flip(base, offset))
    emit(
        "reject-count-2",
        "recipient count 2 with one stanza (truncated header)",
        reject,
        base[:24] + b"\x02" + base[25:],
    )
    emit("reject-trailing-byte", "one byte after the final chunk", reject, base + b"\x00")
    emit("reject-truncated-body", "last byte of the only chunk cut", reject, base[:-1])
    emit("reject-body-missing", "header and MAC, no body", reject, base[: 25 + 1177 + 32])
    emit("reject-truncated-header", "cut inside the stanza", reject, base[:600])
    emit("reject-empty", "zero bytes", reject, b"")
    emit(
        "reject-bad-magic",
        "magic PELUITX",
        reject,
        forge([pubs[0]], ctx, split(pad(text)), label="magic", magic=b"PELUITX\x01"),
    )
    emit(
        "reject-version-2",
        "version byte 0x02 with a valid MAC",
        reject,
        forge([pubs[0]], ctx, split(pad(text)), label="v2", magic=b"PELUITE\x02"),
    )
    emit("reject-n-0", "zero recipients", reject, forge([], ctx, split(pad(text)), label="n0"))
    emit(
        "reject-n-9",
        "nine valid stanzas and a valid MAC: n above 8",
        reject,
        forge(pubs[:9], ctx, split(pad(text)), label="n9"),
        sealed_to=range(9),
    )
    emit(
        "reject-stanza-type-2",
        "unknown stanza type with a valid MAC",
        reject,
        forge([pubs[0]], ctx, split(pad(text)), label="st2", stanza_type=2),
    )
    emit(
        "reject-pad-nonzero",
        "a non-zero padding byte (valid MAC and tags)",
        reject,
        forge([pubs[0]], ctx, split(pad(text, pad_byte=1)), label="padnz"),
    )
    emit(
        "reject-pad-length-too-big",
        "length field larger than the padded plaintext",
        reject,
        forge([pubs[0]], ctx, split(pad(text, length=5000)), label="padbig"),
    )
    emit(
        "reject-pad-size-wrong",
        "padded to 8192 where 4096 is due",
        reject,
        forge([pubs[0]], ctx, split(pad(text, total=8192)), label="padsize"),
    )
    emit(
        "reject-pad-size-small",
        "padded to 2048, under the floor",
        reject,
        forge([pubs[0]], ctx, split(pad(text, total=2048)), label="padsmall"),
    )
    emit(
        "reject-not-final",
        "the only chunk is not flagged final",
        reject,
        forge([pubs[0]], ctx, [(pad(text), False)], label="nofinal"),
    )
    emit(
        "reject-empty-body-chunk",
        "the only chunk is empty and final",
        reject,
        forge([pubs[0]], ctx, [(b"", True)], label="emptyonly"),
    )

    big = repeat(chunk)
    chunks = split(pad(big))
    if len(chunks) != 2:
        raise ValueError("the multi-chunk case must have two chunks")
    good = forge([pubs[0]], ctx, chunks, label="multi")
    first_end = 25 + 1177 + 32 + chunk + 16
    emit(
        "ok-multi-chunk-forged",
        "two chunks built from the primitives (same as seal)",
        "ok",
        good,
        plaintext=big,
    )
    emit(
        "reject-final-chunk-dropped",
        "two-chunk envelope without its last chunk",
        reject,
        good[:first_end],
    )
    emit(
        "reject-last-chunk-truncated",
        "two-chunk envelope, last chunk cut by one byte",
        reject,
        good[:-1],
    )
    emit(
        "reject-chunks-reordered",
        "chunks 0 and 1 swapped",
        reject,
        good[: 25 + 1177 + 32] + good[first_end:] + good[25 + 1177 + 32 : first_end],
    )
    emit(
        "reject-chunk-duplicated",
        "first chunk twice, then the last",
        reject,
        good[:first_end] + good[25 + 1177 + 32 :],
    )
    emit(
        "reject-final-flag-early",
        "first chunk flagged final, then a second chunk",
        reject,
        forge([pubs[0]], ctx, [(chunks[0][0], True), (chunks[1][0], True)], label="early"),
    )
    emit(
        "reject-short-nonfinal",
        "a short non-final chunk followed by the final one",
        reject,
        forge(
            [pubs[0]],
            ctx,
            [(chunks[0][0][:1000], False), (chunks[0][0][1000:] + chunks[1][0], True)],
            label="shortnf",
        ),
    )
    emit(
        "reject-empty-final-chunk",
        "a full chunk, then an empty final chunk",
        reject,
        forge([pubs[0]], ctx, [(pad(repeat(chunk - 8)), False), (b"", True)], label="emptyfin"),
    )


# --- cards -------------------------------------------------------------------


def cards() -> None:
    ed_seed = det("card/ed25519", 32)
    xw_seed = det("card/xwing", 32)
    sk = SigningKey.from_seed(ed_seed)
    xpub = XWingPrivateKey.from_seed(xw_seed).public_key()
    card = UnitCard.create(
        sk,
        xpub,
        "inspektorat-demo",
        "Inspektorat Demo",
        "Kabupaten Demo: dana desa dan pengadaan",
        datetime.date(2026, 11, 23),
    )
    text = card.to_json().decode()
    write(
        "card",
        "ok",
        "a valid self-signed card",
        "ok",
        card=text,
        fingerprint=card.fingerprint(),
        ed25519_seed=b64u_encode(ed_seed),
        xwing_seed=b64u_encode(xw_seed),
    )
    doc = json.loads(text)

    custodian_pub = XWingPrivateKey.from_seed(det("card/custodian", 32)).public_key()
    with_custodian = UnitCard.create(
        sk,
        xpub,
        "inspektorat-demo",
        "Inspektorat Demo",
        "Kabupaten Demo: dana desa dan pengadaan",
        datetime.date(2026, 11, 23),
        custodian_xwing_public_key=custodian_pub,
    )
    custodian_text = with_custodian.to_json().decode()
    write(
        "card",
        "ok-custodian",
        "a valid card naming a custodian key for identity sections",
        "ok",
        card=custodian_text,
        fingerprint=with_custodian.fingerprint(),
        ed25519_seed=b64u_encode(ed_seed),
        xwing_seed=b64u_encode(xw_seed),
        custodian_xwing_public_key=b64u_encode(custodian_pub.to_bytes()),
    )
    custodian_doc = json.loads(custodian_text)
    write(
        "card",
        "custodian-dropped",
        "the custodian key removed from a card that was signed with it",
        "card",
        card=json.dumps(
            {k: v for k, v in custodian_doc.items() if k != "custodian_xwing_public_key"}
        ),
    )
    write(
        "card",
        "custodian-added",
        "a custodian key added to a card that was signed without one",
        "card",
        card=json.dumps(
            {**doc, "custodian_xwing_public_key": custodian_doc["custodian_xwing_public_key"]}
        ),
    )

    def resigned(**changes: Any) -> dict[str, Any]:
        """The card with fields changed and signed again, so only the changed rule fails."""
        d = {**doc, **changes}
        message = b"".join(
            lp(d[f].encode()) for f in ("unit_id", "name", "jurisdiction", "created")
        )
        message += lp(xpub.to_bytes()) + lp(sk.verify_key.to_bytes())
        d["signature"] = b64u_encode(sk.sign(labels.SIG_UNIT_CARD, message))
        return d

    other = SigningKey.from_seed(det("card/other", 32))
    bad_sig = sk.sign(labels.SIG_REPLY, b"x")
    cases: dict[str, tuple[str, Any]] = {
        "name-changed": (
            "display name changed after signing",
            {**doc, "name": "Inspektorat Palsu"},
        ),
        "signature-flipped": (
            "a signature byte flipped",
            {**doc, "signature": b64u_encode(bytes([1]) + bytes(card.signature[1:]))},
        ),
        "wrong-label": (
            "signature made under another label",
            {**doc, "signature": b64u_encode(bad_sig)},
        ),
        "other-ed25519-key": (
            "another unit's verify key in the card",
            {**doc, "ed25519_public_key": b64u_encode(other.verify_key.to_bytes())},
        ),
        "xwing-swapped": (
            "X-Wing key replaced",
            {
                **doc,
                "xwing_public_key": b64u_encode(
                    XWingPrivateKey.from_seed(det("card/x2", 32)).public_key().to_bytes()
                ),
            },
        ),
        "extra-field": ("an unknown extra field", {**doc, "comment": "hello"}),
        "missing-field": (
            "jurisdiction missing",
            {k: v for k, v in doc.items() if k != "jurisdiction"},
        ),
        "bad-format": ("unknown format", {**doc, "format": "peluit-unit-cart"}),
        "version-2": ("unknown version", {**doc, "version": 2}),
        "version-string": ("version as a string", {**doc, "version": "1"}),
        "unit-id-uppercase": (
            "unit id with capitals (re-signed)",
            resigned(unit_id="Inspektorat-Demo"),
        ),
        "unit-id-long": ("unit id of 65 characters (re-signed)", resigned(unit_id="a" * 65)),
        "name-empty": ("empty name (re-signed)", resigned(name="")),
        "name-long": ("name of 201 characters (re-signed)", resigned(name="N" * 201)),
        "jurisdiction-long": (
            "jurisdiction of 2001 characters (re-signed)",
            resigned(jurisdiction="j" * 2001),
        ),
        "created-impossible": ("created 2026-02-30 (re-signed)", resigned(created="2026-02-30")),
        "created-datetime": (
            "created with a time (re-signed)",
            resigned(created="2026-11-23T10:00:00"),
        ),
        "xwing-short": (
            "X-Wing key of 1215 bytes",
            {**doc, "xwing_public_key": b64u_encode(xpub.to_bytes()[:-1])},
        ),
        "ed25519-padded": (
            "base64 with padding",
            {**doc, "ed25519_public_key": doc["ed25519_public_key"] + "="},
        ),
        "signature-std-b64": (
            "signature in standard base64 alphabet",
            {
                **doc,
                "signature": doc["signature"].replace("-", "+").replace("_", "/")
                + ("+" if "-" not in doc["signature"] and "_" not in doc["signature"] else ""),
            },
        ),
    }
    for name, (description, document) in cases.items():
        write(
            "card",
            name,
            description,
            "card",
            card=json.dumps(document, indent=2, ensure_ascii=False) + "\n",
        )
    write(
        "card",
        "too-large",
        "a valid card padded with whitespace past 16 KiB",
        "card",
        card=text.rstrip("\n") + " " * (16 * 1024 - len(text.encode()) + 1) + "\n",
    )
    write(
        "card",
        "duplicate-key",
        "the name field twice",
        "card",
        card=text.replace('"name":', '"name": "Inspektorat Palsu",\n  "name":', 1),
    )
    write("card", "not-json", "not JSON at all", "card", card="peluit card")


# --- replies -----------------------------------------------------------------


def replies() -> None:
    sk = SigningKey.from_seed(det("card/ed25519", 32))
    ctx = Context("inspektorat-demo", det("reply/case", 16), "reply", det("reply/item", 16))
    body = json.dumps(
        {
            "text": "Terima kasih. Laporan Anda sedang diverifikasi.",
            "status": "verifying",
            "template": None,
        }
    ).encode()
    signed = sign_reply(sk, ctx, body)
    pub = b64u_encode(sk.verify_key.to_bytes())

    def emit(
        name: str,
        description: str,
        expect: str,
        data: bytes,
        context: Context = ctx,
        key: str = pub,
    ) -> None:
        extra = {"body": b64u_encode(body)} if expect == "ok" else {}
        write(
            "reply",
            name,
            description,
            expect,
            ed25519_public_key=key,
            context=ctx_json(context),
            reply_plaintext=b64u_encode(data),
            **extra,
        )

    emit("ok", "a signed reply", "ok", signed)
    emit(
        "wrong-case",
        "verified under another case id",
        "signature",
        signed,
        Context(ctx.unit_id, det("reply/other", 16), ctx.kind, ctx.item_id),
    )
    emit(
        "wrong-item",
        "verified under another item id",
        "signature",
        signed,
        Context(ctx.unit_id, ctx.case_id, ctx.kind, det("reply/other", 16)),
    )
    emit(
        "wrong-kind",
        "verified as a message instead of a reply",
        "signature",
        signed,
        Context(ctx.unit_id, ctx.case_id, "message", ctx.item_id),
    )
    emit(
        "bad-signature",
        "a signature byte flipped",
        "signature",
        bytes([signed[0] ^ 1]) + signed[1:],
    )
    emit("body-altered", "a body byte changed", "signature", signed[:-2] + b"!}")
    emit(
        "other-key",
        "verified with another unit's key",
        "signature",
        signed,
        key=b64u_encode(SigningKey.from_seed(det("card/other", 32)).verify_key.to_bytes()),
    )
    emit("too-short", "shorter than a signature", "signature", signed[:63])


# --- key files -----------------------------------------------------------------


def keyfiles() -> None:
    from argon2.low_level import Type, hash_secret_raw  # the primitive, not crypto.key_file

    unit_id = "inspektorat-demo"
    ops, mem = 1, 8192
    plain = {
        "ed25519_seed": b64u_encode(det("keyfile/ed", 32)),
        "xwing_seeds": [
            {"seed": b64u_encode(det("keyfile/x0", 32)), "created": "2026-01-05"},
            {"seed": b64u_encode(det("keyfile/x1", 32)), "created": "2026-11-23"},
        ],
        "custodian_xwing_public_key": b64u_encode(
            XWingPrivateKey.from_seed(det("keyfile/custodian", 32)).public_key().to_bytes()
        ),
    }

    def build(passphrase: str, label: str, **over: Any) -> dict[str, Any]:
        salt = det("keyfile/salt/" + label, 16)
        nonce = det("keyfile/nonce/" + label, 12)
        password = unicodedata.normalize("NFC", passphrase).encode()
        key = hash_secret_raw(
            password,
            salt,
            time_cost=ops,
            memory_cost=mem,
            parallelism=1,
            hash_len=32,
            type=Type.ID,
            version=19,
        )
        aad = labels.KEY_FILE + b"\x00" + lp(unit_id.encode()) + u32(ops) + u32(mem) + salt
        ct = ChaCha20Poly1305(key).encrypt(nonce, json.dumps(plain).encode(), aad)
        doc = {
            "format": "peluit-unit-key",
            "version": 1,
            "unit_id": unit_id,
            "kdf": {"alg": "argon2id", "ops": ops, "mem_kib": mem, "salt": b64u_encode(salt)},
            "aead": "chacha20-poly1305",
            "nonce": b64u_encode(nonce),
            "ciphertext": b64u_encode(ct),
        }
        doc.update(over)
        return doc

    phrase = "kuda-merah sungai pagi Café"
    good = build(phrase, "ok")

    def emit(
        name: str,
        description: str,
        expect: str,
        doc: Any,
        passphrase: str = phrase,
        raw: str | None = None,
    ) -> None:
        extra: dict[str, Any] = {}
        if expect == "ok":
            extra = {"unit_id": unit_id, **plain}
        text = raw if raw is not None else json.dumps(doc, indent=2) + "\n"
        write("keyfile", name, description, expect, key_file=text, passphrase=passphrase, **extra)

    emit("ok", "a key file with two X-Wing seeds and a custodian key (ops 1, 8 MiB)", "ok", good)
    emit(
        "ok-nfd-passphrase",
        "passphrase typed in NFD form opens (NFC before Argon2id)",
        "ok",
        good,
        passphrase=unicodedata.normalize("NFD", phrase),
    )
    emit("wrong-passphrase", "wrong passphrase", "passphrase", good, passphrase=phrase + "!")
    ct = good["ciphertext"]
    emit(
        "ciphertext-altered",
        "ciphertext changed",
        "passphrase",
        {**good, "ciphertext": ("B" if ct[0] == "A" else "A") + ct[1:]},
    )
    emit(
        "unit-id-changed",
        "unit id changed (bound as associated data)",
        "passphrase",
        {**good, "unit_id": "inspektorat-lain"},
    )
    kdf = good["kdf"]
    emit(
        "ops-raised",
        "ops changed to 2 (bound as associated data)",
        "passphrase",
        {**good, "kdf": {**kdf, "ops": 2}},
    )
    rejects: dict[str, tuple[str, Any]] = {
        "ops-0": ("ops 0", {**good, "kdf": {**kdf, "ops": 0}}),
        "ops-11": ("ops 11", {**good, "kdf": {**kdf, "ops": 11}}),
        "mem-low": ("mem_kib 4096", {**good, "kdf": {**kdf, "mem_kib": 4096}}),
        "mem-high": ("mem_kib 4194305", {**good, "kdf": {**kdf, "mem_kib": 4194305}}),
        "salt-15": ("salt of 15 bytes", {**good, "kdf": {**kdf, "salt": b64u_encode(bytes(15))}}),
        "nonce-11": ("nonce of 11 bytes", {**good, "nonce": b64u_encode(bytes(11))}),
        "alg-argon2i": ("unknown kdf alg", {**good, "kdf": {**kdf, "alg": "argon2i"}}),
        "aead-aes": ("unknown aead", {**good, "aead": "aes-256-gcm"}),
        "version-2": ("unknown version", {**good, "version": 2}),
        "format-wrong": ("unknown format", {**good, "format": "peluit-unit-card"}),
        "ops-string": ("ops as a string", {**good, "kdf": {**kdf, "ops": "3"}}),
    }
    for name, (description, doc) in rejects.items():
        emit(name, description + " (rejected before Argon2id)", "format", doc)
    big = json.dumps(good)[:-1] + ', "x": "' + "a" * (1 << 20) + '"}'
    emit("too-large", "over 1 MiB (rejected before Argon2id)", "format", None, raw=big)


def main() -> None:
    for kind in KINDS:
        folder = OUT / kind
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.json"):
            old.unlink()
    receipts()
    receipt_parse()
    envelopes()
    cards()
    replies()
    keyfiles()
    counts = {kind: len(list((OUT / kind).glob("*.json"))) for kind in KINDS}
    print(" ".join(f"{k}={v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
