"""Crypto benchmarks: envelope vs raw AES-256-GCM and HPKE, and receipt derivation.

Run: .venv/bin/python -m bench.bench_crypto
Prints a markdown table and writes bench/results/crypto.json. Ratios are
measured in the same run so that machine speed cancels out.
"""

from __future__ import annotations

import io
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from crypto.envelope import CHUNK_SIZE, Context, open_stream, seal_stream
from crypto.xwing import XWingPrivateKey
from receipts.derivation import derive
from receipts.receipt_code import generate

RESULTS = Path(__file__).parent / "results" / "crypto.json"
SUITE = hpke.Suite(hpke.KEM.MLKEM768_X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305)


def best_of(runs: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def raw_aes_gcm(data: bytes) -> tuple[Callable[[], object], Callable[[], object]]:
    """AES-256-GCM over the same bytes in the same chunk size (the floor we compare to)."""
    aead = AESGCM(os.urandom(32))
    chunks = [data[i : i + CHUNK_SIZE] for i in range(0, len(data), CHUNK_SIZE)] or [b""]
    nonce = bytes(12)
    sealed = [aead.encrypt(nonce, c, None) for c in chunks]

    def enc() -> None:
        for c in chunks:
            aead.encrypt(nonce, c, None)

    def dec() -> None:
        for c in sealed:
            aead.decrypt(nonce, c, None)

    return enc, dec


class NullSink(io.RawIOBase):
    """Discards what it is given, keeping a count: the benchmark measures crypto, not storage."""

    def __init__(self) -> None:
        self.count = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.count += len(data)
        return len(data)


def bench_envelope(size: int, runs: int) -> dict[str, float]:
    key = XWingPrivateKey.from_seed(os.urandom(32))
    ctx = Context("bench", os.urandom(16), "attachment", os.urandom(16))
    data = os.urandom(size)
    holder: dict[str, bytes] = {}

    def seal_once() -> None:
        seal_stream(io.BytesIO(data), size, NullSink(), [key.public_key()], ctx)

    out = io.BytesIO()
    seal_stream(io.BytesIO(data), size, out, [key.public_key()], ctx)
    holder["sealed"] = out.getvalue()

    def open_once() -> None:
        open_stream(io.BytesIO(holder["sealed"]), NullSink(), [key], ctx)

    seal_s = best_of(runs, seal_once)
    open_s = best_of(runs, open_once)
    enc, dec = raw_aes_gcm(data)
    aes_enc = best_of(runs, enc)
    aes_dec = best_of(runs, dec)
    file_key = os.urandom(32)
    hpke_ct = SUITE.encrypt(file_key, key.public_key().hpke_key(), info=b"bench")
    hpke_seal = best_of(
        runs * 5, lambda: SUITE.encrypt(file_key, key.public_key().hpke_key(), info=b"bench")
    )
    hpke_open = best_of(runs * 5, lambda: SUITE.decrypt(hpke_ct, key.hpke_key(), info=b"bench"))
    baseline_seal = aes_enc + hpke_seal
    baseline_open = aes_dec + hpke_open
    return {
        "bytes": size,
        "seal_s": seal_s,
        "open_s": open_s,
        "aes_gcm_encrypt_s": aes_enc,
        "aes_gcm_decrypt_s": aes_dec,
        "hpke_seal_s": hpke_seal,
        "hpke_open_s": hpke_open,
        "seal_mb_s": size / seal_s / 1e6,
        "open_mb_s": size / open_s / 1e6,
        "seal_overhead": seal_s / baseline_seal - 1,
        "open_overhead": open_s / baseline_open - 1,
    }


def bench_derivation(profile: int, runs: int) -> float:
    code = generate(profile)
    salt = os.urandom(16)
    return statistics.median(best_of(1, lambda: derive(code, salt)) for _ in range(runs))


def main() -> None:
    tip = bench_envelope(10 * 1000, runs=20)
    big = bench_envelope(100 * 1024 * 1024, runs=3)
    derivation = {str(p): bench_derivation(p, runs=3) for p in (1, 2)}
    result = {
        "machine": {"python": platform.python_version(), "cpu_count": os.cpu_count()},
        "envelope_10kb": tip,
        "envelope_100mib": big,
        "derivation_s": derivation,
        "note": "overhead = envelope time / (raw AES-256-GCM over the same bytes + one raw "
        "X-Wing HPKE seal/open) - 1; padding to 4096 bytes dominates for a 10 KB tip",
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print("| case | seal | open | seal MB/s | open MB/s | seal overhead | open overhead |")
    print("|---|---|---|---|---|---|---|")
    for name, r in (("10 KB tip", tip), ("100 MiB file", big)):
        print(
            f"| {name} | {r['seal_s'] * 1e3:.2f} ms | {r['open_s'] * 1e3:.2f} ms "
            f"| {r['seal_mb_s']:.0f} | {r['open_mb_s']:.0f} "
            f"| {r['seal_overhead']:+.1%} | {r['open_overhead']:+.1%} |"
        )
    print()
    hpke_ms = (tip["hpke_seal_s"] * 1e3, tip["hpke_open_s"] * 1e3)
    print("raw HPKE X-Wing seal {:.2f} ms, open {:.2f} ms".format(*hpke_ms))
    print()
    print("| receipt profile | Argon2id | derivation (Python) |")
    print("|---|---|---|")
    print(f"| 1 | ops 3, 64 MiB | {derivation['1'] * 1e3:.0f} ms |")
    print(f"| 2 | ops 1, 8 MiB | {derivation['2'] * 1e3:.0f} ms |")
    print(f"\nwrote {RESULTS}")


if __name__ == "__main__":
    main()
