"""What every vector family shares: deterministic inputs and the file writer."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hpke

from crypto.b64 import b64u_encode
from crypto.envelope import Context
from receipts.receipt_code import damm_check_digit

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "vectors"
KINDS = ("receipt", "receipt-parse", "envelope", "card", "keyfile", "reply")
SUITE = hpke.Suite(hpke.KEM.MLKEM768_X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305)
# A vector file larger than this is stored gzipped as <name>.json.gz (the
# multi-chunk envelopes are 1.4 MB of base64 each); smaller ones stay readable.
GZIP_OVER = 64 * 1024


def det(label: str, size: int) -> bytes:
    """Deterministic 'random' bytes for a named vector input."""
    return hashlib.shake_256(b"peluit-vectors/" + label.encode()).digest(size)


def det_digits(label: str, count: int) -> str:
    return "".join(str(b % 10) for b in det(label, count))


def store(path: Path, text: bytes) -> Path:
    """Write ``text`` to ``path`` (.json), or gzipped to ``path`` + .gz when large.

    The gzip stream has no name and no time in it (``mtime=0``), so the same
    JSON always gives the same bytes.
    """
    if len(text) <= GZIP_OVER:
        path.write_bytes(text)
        return path
    zipped = path.with_name(path.name + ".gz")
    zipped.write_bytes(gzip.compress(text, compresslevel=9, mtime=0))
    return zipped


def write(kind: str, name: str, description: str, expect: str, **fields: Any) -> None:
    document = {"kind": kind, "description": description, "expect": expect, **fields}
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    store(OUT / kind / f"{name}.json", text.encode("utf-8"))


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
