"""Envelope v1 vectors (envelope-v1.md)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from crypto import labels
from crypto.b64 import b64u_encode
from crypto.envelope import CHUNK_SIZE, MAGIC, Context, seal
from crypto.padding import padded_size
from crypto.xwing import XWingPrivateKey, XWingPublicKey
from vector_families.common import SUITE, ctx_json, det, write


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


@dataclass(frozen=True)
class Family:
    """The keys, context and message every envelope scenario shares."""

    seeds: list[bytes]
    pubs: list[XWingPublicKey]
    ctx: Context
    pattern: bytes
    text: bytes
    base: bytes  # the text sealed to key 0 under ctx: what the rejections alter

    @classmethod
    def make(cls) -> Family:
        seeds = [det(f"envelope/seed/{i}", 32) for i in range(10)]
        pubs = [XWingPrivateKey.from_seed(s).public_key() for s in seeds]
        ctx = Context("inspektorat-demo", det("envelope/case", 16), "tip", det("envelope/item", 16))
        text = "Laporan: dana desa dipotong 20%. Bukti terlampir — ✓".encode()
        pattern = det("envelope/pattern", 251)
        return cls(seeds, pubs, ctx, pattern, text, seal(text, [pubs[0]], ctx))

    def repeat(self, n: int) -> bytes:
        return (self.pattern * (n // len(self.pattern) + 1))[:n]

    def emit(
        self,
        name: str,
        description: str,
        expect: str,
        envelope: bytes,
        *,
        openers: Sequence[int] = (0,),
        sealed_to: Sequence[int] = (0,),
        context: Context | None = None,
        plaintext: bytes | None = None,
    ) -> None:
        fields: dict[str, Any] = {
            "recipient_seeds": [b64u_encode(self.seeds[i]) for i in openers],
            "context": ctx_json(context or self.ctx),
            "envelope": b64u_encode(envelope),
            "sealed_to_public_keys": [b64u_encode(self.pubs[i].to_bytes()) for i in sealed_to],
        }
        if plaintext is not None and len(plaintext) > 65536:
            if plaintext != self.repeat(len(plaintext)):
                raise ValueError("large plaintexts must be the repeated pattern")
            fields["plaintext_repeat"] = {
                "pattern": b64u_encode(self.pattern),
                "length": len(plaintext),
            }
        elif plaintext is not None:
            fields["plaintext"] = b64u_encode(plaintext)
        write("envelope", name, description, expect, **fields)

    def forge(self, chunks: Sequence[tuple[bytes, bool]], label: str, **header: Any) -> bytes:
        """Forged to key 0 under ctx (see :func:`forge`)."""
        return forge([self.pubs[0]], self.ctx, chunks, label=label, **header)


REJECT = "decrypt"


def sizes(f: Family) -> None:
    """Plaintext sizes around the padding floor and the chunk size."""
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
        message = f.repeat(size)
        f.emit(name, description, "ok", seal(message, [f.pubs[0]], f.ctx), plaintext=message)
    text = f.text
    f.emit(
        "ok-utf8-text", "a short UTF-8 tip", "ok", seal(text, [f.pubs[0]], f.ctx), plaintext=text
    )


def recipients(f: Family) -> None:
    """Several recipients, several keys held by the opener, or none that matches."""
    text, pubs, ctx = f.text, f.pubs, f.ctx
    two = seal(text, [pubs[0], pubs[1]], ctx)
    f.emit(
        "ok-two-recipients-first",
        "two recipients, opened with the first key",
        "ok",
        two,
        sealed_to=(0, 1),
        plaintext=text,
    )
    f.emit(
        "ok-two-recipients-second",
        "two recipients, opened with the second key",
        "ok",
        two,
        openers=(1,),
        sealed_to=(0, 1),
        plaintext=text,
    )
    f.emit(
        "ok-eight-recipients",
        "eight recipients, opened with the last key",
        "ok",
        seal(text, pubs[:8], ctx),
        openers=(7,),
        sealed_to=range(8),
        plaintext=text,
    )
    f.emit(
        "ok-rotated-keys",
        "opener holds several keys (rotation), one matches",
        "ok",
        seal(text, [pubs[2]], ctx),
        openers=(0, 1, 2),
        sealed_to=(2,),
        plaintext=text,
    )
    f.emit(
        "reject-wrong-recipient",
        "sealed to another key",
        REJECT,
        seal(text, [pubs[1]], ctx),
        sealed_to=(1,),
    )
    f.emit(
        "reject-wrong-recipient-of-two",
        "two recipients, opener is neither",
        REJECT,
        two,
        openers=(2,),
        sealed_to=(0, 1),
    )


def contexts(f: Family) -> None:
    """Each kind opens under its own context; any other field of the context fails."""
    ctx = f.ctx
    for kind in ("attachment", "identity", "message", "reply", "forward"):
        other = Context(ctx.unit_id, ctx.case_id, kind, ctx.item_id)
        sealed = seal(f.text, [f.pubs[0]], other)
        f.emit(f"ok-kind-{kind}", f"kind {kind}", "ok", sealed, context=other, plaintext=f.text)
    changed = {
        "unit": Context("inspektorat-lain", ctx.case_id, ctx.kind, ctx.item_id),
        "case": Context(ctx.unit_id, det("envelope/other-case", 16), ctx.kind, ctx.item_id),
        "kind": Context(ctx.unit_id, ctx.case_id, "attachment", ctx.item_id),
        "item": Context(ctx.unit_id, ctx.case_id, ctx.kind, det("envelope/other-item", 16)),
    }
    for field, other in changed.items():
        f.emit(
            f"reject-context-{field}",
            f"opened under a context with another {field}",
            REJECT,
            f.base,
            context=other,
        )


def flipped(f: Family) -> None:
    """One bit flipped in each field of a good envelope."""
    base = f.base

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
        f.emit(f"reject-flip-{name}", description, REJECT, flip(base, offset))


def cut(f: Family) -> None:
    """A good envelope cut short, lengthened, or with a count that does not match."""
    base = f.base
    f.emit(
        "reject-count-2",
        "recipient count 2 with one stanza (truncated header)",
        REJECT,
        base[:24] + b"\x02" + base[25:],
    )
    f.emit("reject-trailing-byte", "one byte after the final chunk", REJECT, base + b"\x00")
    f.emit("reject-truncated-body", "last byte of the only chunk cut", REJECT, base[:-1])
    f.emit("reject-body-missing", "header and MAC, no body", REJECT, base[: 25 + 1177 + 32])
    f.emit("reject-truncated-header", "cut inside the stanza", REJECT, base[:600])
    f.emit("reject-empty", "zero bytes", REJECT, b"")


def forged_header(f: Family) -> None:
    """Headers a sealer would never write, with a valid MAC and valid tags."""
    chunks = split(pad(f.text))
    f.emit(
        "reject-bad-magic",
        "magic PELUITX",
        REJECT,
        f.forge(chunks, "magic", magic=b"PELUITX\x01"),
    )
    f.emit(
        "reject-version-2",
        "version byte 0x02 with a valid MAC",
        REJECT,
        f.forge(chunks, "v2", magic=b"PELUITE\x02"),
    )
    f.emit("reject-n-0", "zero recipients", REJECT, forge([], f.ctx, chunks, label="n0"))
    f.emit(
        "reject-n-9",
        "nine valid stanzas and a valid MAC: n above 8",
        REJECT,
        forge(f.pubs[:9], f.ctx, chunks, label="n9"),
        sealed_to=range(9),
    )
    f.emit(
        "reject-stanza-type-2",
        "unknown stanza type with a valid MAC",
        REJECT,
        f.forge(chunks, "st2", stanza_type=2),
    )


def padding(f: Family) -> None:
    """Padding that breaks a rule, sealed with valid tags."""
    text = f.text
    bad = {
        "reject-pad-nonzero": (
            "a non-zero padding byte (valid MAC and tags)",
            split(pad(text, pad_byte=1)),
            "padnz",
        ),
        "reject-pad-length-too-big": (
            "length field larger than the padded plaintext",
            split(pad(text, length=5000)),
            "padbig",
        ),
        "reject-pad-size-wrong": (
            "padded to 8192 where 4096 is due",
            split(pad(text, total=8192)),
            "padsize",
        ),
        "reject-pad-size-small": (
            "padded to 2048, under the floor",
            split(pad(text, total=2048)),
            "padsmall",
        ),
        "reject-not-final": (
            "the only chunk is not flagged final",
            [(pad(text), False)],
            "nofinal",
        ),
        "reject-empty-body-chunk": (
            "the only chunk is empty and final",
            [(b"", True)],
            "emptyonly",
        ),
    }
    for name, (description, chunks, label) in bad.items():
        f.emit(name, description, REJECT, f.forge(chunks, label))


def chunks(f: Family) -> None:
    """Two chunks: dropped, cut, swapped, repeated, or flagged final out of place."""
    chunk = CHUNK_SIZE
    big = f.repeat(chunk)
    two = split(pad(big))
    if len(two) != 2:
        raise ValueError("the multi-chunk case must have two chunks")
    good = f.forge(two, "multi")
    body = 25 + 1177 + 32
    first_end = body + chunk + 16
    f.emit(
        "ok-multi-chunk-forged",
        "two chunks built from the primitives (same as seal)",
        "ok",
        good,
        plaintext=big,
    )
    altered = {
        "reject-final-chunk-dropped": (
            "two-chunk envelope without its last chunk",
            good[:first_end],
        ),
        "reject-last-chunk-truncated": (
            "two-chunk envelope, last chunk cut by one byte",
            good[:-1],
        ),
        "reject-chunks-reordered": (
            "chunks 0 and 1 swapped",
            good[:body] + good[first_end:] + good[body:first_end],
        ),
        "reject-chunk-duplicated": (
            "first chunk twice, then the last",
            good[:first_end] + good[body:],
        ),
    }
    for name, (description, envelope) in altered.items():
        f.emit(name, description, REJECT, envelope)
    chunk_flags(f, two)


def chunk_flags(f: Family, two: list[tuple[bytes, bool]]) -> None:
    """Chunks whose size or final flag is out of place, each with a valid tag."""
    (first, _), (last, _) = two
    f.emit(
        "reject-final-flag-early",
        "first chunk flagged final, then a second chunk",
        REJECT,
        f.forge([(first, True), (last, True)], "early"),
    )
    f.emit(
        "reject-short-nonfinal",
        "a short non-final chunk followed by the final one",
        REJECT,
        f.forge([(first[:1000], False), (first[1000:] + last, True)], "shortnf"),
    )
    f.emit(
        "reject-empty-final-chunk",
        "a full chunk, then an empty final chunk",
        REJECT,
        f.forge([(pad(f.repeat(CHUNK_SIZE - 8)), False), (b"", True)], "emptyfin"),
    )


GENERATORS = (sizes, recipients, contexts, flipped, cut, forged_header, padding, chunks)


def envelopes() -> None:
    family = Family.make()
    for generate in GENERATORS:
        generate(family)
