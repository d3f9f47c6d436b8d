"""Generate Peluit's test vectors into tests/vectors/<kind>/<name>.json.

Run: .venv/bin/python scripts/make_vectors.py

One module per vector family in scripts/vector_families/ (receipt, envelope,
card, reply, keyfile), each a few short generators; a vector over 64 KiB is
stored gzipped as <name>.json.gz (the multi-chunk envelopes).

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

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vector_families.card import cards  # noqa: E402
from vector_families.common import KINDS, OUT  # noqa: E402
from vector_families.envelope import envelopes  # noqa: E402
from vector_families.keyfile import keyfiles  # noqa: E402
from vector_families.receipt import receipt_parse, receipts  # noqa: E402
from vector_families.reply import replies  # noqa: E402


def main() -> None:
    for kind in KINDS:
        folder = OUT / kind
        folder.mkdir(parents=True, exist_ok=True)
        for old in [*folder.glob("*.json"), *folder.glob("*.json.gz")]:
            old.unlink()
    receipts()
    receipt_parse()
    envelopes()
    cards()
    replies()
    keyfiles()
    counts = {kind: len(list((OUT / kind).glob("*.json*"))) for kind in KINDS}
    print(" ".join(f"{k}={v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
