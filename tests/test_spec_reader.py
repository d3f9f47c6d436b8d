"""An envelope decrypter written only from docs/spec/envelope-v1.md.

It uses ``cryptography`` primitives and never imports crypto.envelope, so a
bug shared by the implementation and its own tests would show here. It opens
every envelope vector and envelopes freshly sealed by crypto.envelope.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import hashlib
import hmac
import json
import os
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, hpke
from cryptography.hazmat.primitives.asymmetric import mlkem, x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

VECTORS = Path(__file__).parent / "vectors" / "envelope"
SUITE = hpke.Suite(hpke.KEM.MLKEM768_X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305)
CHUNK = 1_048_576


class Reject(Exception):
    pass


def b64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def lp(x: bytes) -> bytes:
    return len(x).to_bytes(4, "big") + x


def hkdf(ikm: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(hashes.SHA256(), 32, salt or None, info).derive(ikm)


def keypair(seed: bytes) -> tuple[hpke.MLKEM768X25519PrivateKey, bytes]:
    expanded = hashlib.shake_256(seed).digest(96)
    m = mlkem.MLKEM768PrivateKey.from_seed_bytes(expanded[:64])
    x = x25519.X25519PrivateKey.from_private_bytes(expanded[64:])
    public = m.public_key().public_bytes_raw() + x.public_key().public_bytes_raw()
    return hpke.MLKEM768X25519PrivateKey(m, x), public


def padme(n: int) -> int:
    if n < 2:
        return n
    e = n.bit_length() - 1
    s = e.bit_length()
    mask = (1 << (e - s)) - 1
    return (n + mask) & ~mask


def spec_file_key(header: bytes, n: int, seeds: list[bytes], ctx: bytes) -> bytes:
    """The file key from the first of the ``n`` stanzas one of ``seeds`` opens."""
    keys = [keypair(s) for s in seeds]
    file_key = None
    info = b"peluit/envelope/v1/wrap" + b"\x00" + ctx
    for i in range(n):
        stanza = header[25 + 1177 * i : 25 + 1177 * (i + 1)]
        if stanza[0] != 0x01:
            raise Reject("stanza type")
        for private, public in keys:
            kid = hashlib.sha256(b"peluit/envelope/v1/key-id" + public).digest()[:8]
            if file_key is None and kid == stanza[1:9]:
                with contextlib.suppress(Exception):  # a failure means: try the next stanza
                    file_key = SUITE.decrypt(stanza[9:], private, info=info)
    if file_key is None:
        raise Reject("no stanza")
    return bytes(file_key)


def spec_payload(aead: AESGCM, body: bytes) -> bytes:
    """The padded plaintext: chunks of CHUNK bytes and a tag, the last one marked final."""
    padded = b""
    i = 0
    while True:
        piece, body = body[: CHUNK + 16], body[CHUNK + 16 :]
        final = not body
        if len(piece) < 16 or (final and i > 0 and len(piece) == 16):
            raise Reject("chunk")
        nonce_i = i.to_bytes(11, "big") + (b"\x01" if final else b"\x00")
        try:
            padded += aead.decrypt(nonce_i, piece, b"")
        except Exception:
            raise Reject("tag") from None
        if final:
            return padded
        i += 1


def spec_unpad(padded: bytes) -> bytes:
    length = int.from_bytes(padded[:8], "big")
    if len(padded) < 8 or 8 + length > len(padded) or any(padded[8 + length :]):
        raise Reject("padding")
    if len(padded) != padme(max(8 + length, 4096)):
        raise Reject("padded size")
    return padded[8 : 8 + length]


def spec_open(envelope: bytes, seeds: list[bytes], ctx: bytes) -> bytes:
    if envelope[:8] != b"PELUITE\x01" or len(envelope) < 25:
        raise Reject("magic")
    nonce, n = envelope[8:24], envelope[24]
    if not 1 <= n <= 8:
        raise Reject("n")
    header_end = 25 + 1177 * n
    if len(envelope) < header_end + 32:
        raise Reject("truncated header")
    header = envelope[:header_end]
    file_key = spec_file_key(header, n, seeds, ctx)
    mac_key = hkdf(file_key, b"", b"peluit/envelope/v1/header")
    if not hmac.compare_digest(
        hmac.new(mac_key, header + ctx, "sha256").digest(), envelope[header_end : header_end + 32]
    ):
        raise Reject("mac")
    aead = AESGCM(hkdf(file_key, nonce, b"peluit/envelope/v1/payload" + b"\x00" + ctx))
    return spec_unpad(spec_payload(aead, envelope[header_end + 32 :]))


def context_bytes(c: dict[str, str]) -> bytes:
    return (
        lp(c["unit_id"].encode()) + b64u(c["case_id"]) + lp(c["kind"].encode()) + b64u(c["item_id"])
    )


def vectors() -> list[Any]:
    """Each envelope vector; the large ones are gzipped (``<name>.json.gz``)."""
    found = []
    for path in sorted(VECTORS.glob("*.json*")):
        data = path.read_bytes()
        if path.name.endswith(".gz"):
            data = gzip.decompress(data)
        found.append(pytest.param(json.loads(data), id=path.name.split(".")[0]))
    return found


@pytest.mark.parametrize("v", vectors())
def test_spec_reader_opens_vectors(v: dict[str, Any]) -> None:
    seeds = [b64u(s) for s in v["recipient_seeds"]]
    envelope, ctx = b64u(v["envelope"]), context_bytes(v["context"])
    if v["expect"] == "ok":
        if "plaintext" in v:
            expected = b64u(v["plaintext"])
        else:
            pattern, n = b64u(v["plaintext_repeat"]["pattern"]), v["plaintext_repeat"]["length"]
            expected = (pattern * (n // len(pattern) + 1))[:n]
        assert spec_open(envelope, seeds, ctx) == expected
    else:
        with pytest.raises(Reject):
            spec_open(envelope, seeds, ctx)


@pytest.mark.parametrize("size", [0, 1, 4088, 4089, 70_000, CHUNK - 8, CHUNK + 5])
def test_spec_reader_opens_fresh_envelopes(size: int) -> None:
    from crypto.envelope import Context, seal
    from crypto.xwing import XWingPrivateKey

    seeds = [os.urandom(32), os.urandom(32)]
    publics = [XWingPrivateKey.from_seed(s).public_key() for s in seeds]
    context = Context("unit-x", os.urandom(16), "attachment", os.urandom(16))
    message = os.urandom(size)
    envelope = seal(message, publics, context)
    assert spec_open(envelope, seeds[1:], context.encode()) == message
