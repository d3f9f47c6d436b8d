"""Crypto benchmarks: envelope vs raw AES-256-GCM and HPKE, and receipt derivation.

Run: .venv/bin/python -m bench.bench_crypto [--runs N] [--mib M]
Prints a markdown table and writes bench/results/crypto.json. Ratios are
measured in the same run so that machine speed cancels out.

What is compared (the baseline does the same essential work, no more):

- **10 KB tip**, in memory: ``seal_stream`` from a ``BytesIO`` into a sink
  that keeps nothing, and ``open_stream`` back. Baseline: one X-Wing HPKE
  seal (open) of a 32-byte key plus AES-256-GCM of the same 10,000 bytes
  under a fresh key (the ``AESGCM`` object is made inside the timed call:
  an envelope has its own key, and so would any raw use). The envelope
  also pads to 10,240 bytes, derives two HKDF keys and MACs its header.
- **100 MiB file, streamed through files**: ``seal_stream`` reads a 100 MiB
  plaintext file and writes the envelope to a new file; ``open_stream``
  reads that file and writes the plaintext to a new file. Baseline: the
  same files read in 1 MiB chunks (``readinto``), each chunk encrypted
  (decrypted) with ``encrypt_into`` (``decrypt_into``) into a reused buffer
  and written to a new file, plus one HPKE seal (open). Neither side
  fsyncs (the page cache is the same for both); files are opened and closed
  inside the timed call on both sides, and ``os.sync()`` runs (untimed)
  before each call so that no run pays for an earlier run's dirty pages.

Each figure is the best of ``--runs`` runs (the tip: of 100 x ``--runs``
calls, 20 in a row), the envelope and its baseline taking turns so that a
busy moment of the shared machine hits both.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import tempfile
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
TAG = 16


def best_of(runs: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def best_of_each(
    runs: int,
    fns: dict[str, Callable[[], object]],
    in_a_row: int = 1,
    before: Callable[[], object] = lambda: None,
) -> dict[str, float]:
    """Best time of one call of each function; the functions take turns, ``in_a_row``
    calls each (warm, as in a loop), ``runs`` turns; ``before`` runs untimed before each."""
    best = {name: float("inf") for name in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            for _ in range(in_a_row):
                before()
                start = time.perf_counter()
                fn()
                best[name] = min(best[name], time.perf_counter() - start)
    return best


class NullSink(io.RawIOBase):
    """Discards what it is given, keeping a count: the benchmark measures crypto, not storage."""

    def __init__(self) -> None:
        self.count = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.count += len(data)
        return len(data)


def _overheads(r: dict[str, float], size: int) -> dict[str, float]:
    baseline_seal = r["aes_gcm_encrypt_s"] + r["hpke_seal_s"]
    baseline_open = r["aes_gcm_decrypt_s"] + r["hpke_open_s"]
    return {
        "bytes": size,
        **r,
        "seal_mb_s": size / r["seal_s"] / 1e6,
        "open_mb_s": size / r["open_s"] / 1e6,
        "seal_overhead": r["seal_s"] / baseline_seal - 1,
        "open_overhead": r["open_s"] / baseline_open - 1,
    }


def _hpke(key: XWingPrivateKey) -> dict[str, Callable[[], object]]:
    """One raw X-Wing HPKE seal and open of a 32-byte key, to time with the envelope."""
    file_key = os.urandom(32)
    public = key.public_key().hpke_key()
    sealed = SUITE.encrypt(file_key, public, info=b"bench")
    return {
        "hpke_seal_s": lambda: SUITE.encrypt(file_key, public, info=b"bench"),
        "hpke_open_s": lambda: SUITE.decrypt(sealed, key.hpke_key(), info=b"bench"),
    }


def bench_tip(size: int, runs: int) -> dict[str, float]:
    """A tip in memory: envelope vs a fresh-key AES-GCM of the same bytes + one HPKE."""
    key = XWingPrivateKey.from_seed(os.urandom(32))
    ctx = Context("bench", os.urandom(16), "tip", os.urandom(16))
    data = os.urandom(size)
    out = io.BytesIO()
    seal_stream(io.BytesIO(data), size, out, [key.public_key()], ctx)
    sealed = out.getvalue()
    aes_key, nonce = os.urandom(32), bytes(12)
    aead = AESGCM(aes_key)
    aes_sealed = aead.encrypt(nonce, data, None)
    times = best_of_each(
        runs,
        {
            "seal_s": lambda: seal_stream(
                io.BytesIO(data), size, NullSink(), [key.public_key()], ctx
            ),
            "open_s": lambda: open_stream(io.BytesIO(sealed), NullSink(), [key], ctx),
            "aes_gcm_encrypt_s": lambda: AESGCM(aes_key).encrypt(nonce, data, None),
            "aes_gcm_decrypt_s": lambda: AESGCM(aes_key).decrypt(nonce, aes_sealed, None),
            "aes_gcm_encrypt_made_s": lambda: aead.encrypt(nonce, data, None),
            "aes_gcm_decrypt_made_s": lambda: aead.decrypt(nonce, aes_sealed, None),
            **_hpke(key),
        },
        in_a_row=20,
    )
    result = _overheads(times, size)
    # The baseline before 2026-11-23 made the AESGCM object outside the timed call:
    for way, aes in (("seal", "encrypt"), ("open", "decrypt")):
        hpke_s = result[f"hpke_{way}_s"]
        made = result[f"{way}_s"] / (result[f"aes_gcm_{aes}_made_s"] + hpke_s) - 1
        result[f"{way}_overhead_cipher_made_outside"] = made
    return result


def _raw_file_cipher(src: Path, dst: Path, key: bytes, decrypt: bool) -> None:
    """AES-256-GCM file to file in 1 MiB chunks, through reused buffers: the floor."""
    aead = AESGCM(key)
    nonce = bytes(12)
    step = CHUNK_SIZE + TAG if decrypt else CHUNK_SIZE
    inp = memoryview(bytearray(step))
    out = memoryview(bytearray(CHUNK_SIZE + TAG))
    with src.open("rb") as fin, dst.open("wb") as fout:
        while True:
            count = fin.readinto(inp)
            if not count:
                break
            if decrypt:
                result = out[: count - TAG]
                aead.decrypt_into(nonce, inp[:count], None, result)
            else:
                result = out[: count + TAG]
                aead.encrypt_into(nonce, inp[:count], None, result)
            fout.write(result)


def bench_file(size: int, runs: int, folder: Path) -> dict[str, float]:
    """A file streamed from disk to disk: envelope vs raw AES-GCM file to file + one HPKE."""
    key = XWingPrivateKey.from_seed(os.urandom(32))
    ctx = Context("bench", os.urandom(16), "attachment", os.urandom(16))
    plain, sealed, opened = folder / "plain", folder / "sealed", folder / "opened"
    raw_sealed, raw_opened = folder / "raw-sealed", folder / "raw-opened"
    with plain.open("wb") as out:
        for _ in range(size // CHUNK_SIZE):
            out.write(os.urandom(CHUNK_SIZE))
        out.write(os.urandom(size % CHUNK_SIZE))
    aes_key = os.urandom(32)

    def seal_once() -> None:
        with plain.open("rb") as src, sealed.open("wb") as dst:
            seal_stream(src, size, dst, [key.public_key()], ctx)

    def open_once() -> None:
        with sealed.open("rb") as src, opened.open("wb") as dst:
            open_stream(src, dst, [key], ctx)

    def settle() -> None:
        """Each run writes new files into a clean page cache: earlier runs' dirty pages
        (and their write-back throttling) would otherwise land on whichever runs next."""
        for path in (opened, raw_opened):
            path.unlink(missing_ok=True)
        os.sync()

    seal_once()
    _raw_file_cipher(plain, raw_sealed, aes_key, decrypt=False)
    times = best_of_each(
        runs,
        {
            "seal_s": seal_once,
            "aes_gcm_encrypt_s": lambda: _raw_file_cipher(plain, raw_sealed, aes_key, False),
            "open_s": open_once,
            "aes_gcm_decrypt_s": lambda: _raw_file_cipher(raw_sealed, raw_opened, aes_key, True),
        },
        before=settle,
    )
    times.update(best_of_each(runs * 5, _hpke(key)))
    open_once()
    if opened.read_bytes() != plain.read_bytes():
        raise AssertionError("the envelope did not open to the plaintext")
    for path in (plain, sealed, opened, raw_sealed, raw_opened):
        path.unlink()
    return _overheads(times, size)


def bench_derivation(profile: int, runs: int) -> float:
    code = generate(profile)
    salt = os.urandom(16)
    return statistics.median(best_of(1, lambda: derive(code, salt)) for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11, help="runs per file figure (best of)")
    parser.add_argument("--mib", type=int, default=100, help="size of the streamed file")
    args = parser.parse_args()
    tip = bench_tip(10 * 1000, runs=max(50, 5 * args.runs))
    with tempfile.TemporaryDirectory(prefix="peluit-bench-crypto-") as folder:
        big = bench_file(args.mib << 20, runs=args.runs, folder=Path(folder))
    derivation = {str(p): bench_derivation(p, runs=3) for p in (1, 2)}
    result = {
        "machine": {"python": platform.python_version(), "cpu_count": os.cpu_count()},
        "envelope_10kb": tip,
        "envelope_100mib": big,
        "derivation_s": derivation,
        "note": "overhead = envelope time / (raw AES-256-GCM of the same bytes under a fresh "
        "key + one raw X-Wing HPKE seal/open) - 1; the file case reads and writes files on "
        "both sides; padding to 4096 bytes is part of a 10 KB tip's envelope",
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print("| case | seal | open | raw seal | raw open | seal overhead | open overhead |")
    print("|---|---|---|---|---|---|---|")
    for name, r in (("10 KB tip, in memory", tip), (f"{args.mib} MiB, file to file", big)):
        print(
            f"| {name} | {r['seal_s'] * 1e3:.3f} ms | {r['open_s'] * 1e3:.3f} ms "
            f"| {(r['aes_gcm_encrypt_s'] + r['hpke_seal_s']) * 1e3:.3f} ms "
            f"| {(r['aes_gcm_decrypt_s'] + r['hpke_open_s']) * 1e3:.3f} ms "
            f"| {r['seal_overhead']:+.1%} | {r['open_overhead']:+.1%} |"
        )
    print()
    hpke_ms = (tip["hpke_seal_s"] * 1e3, tip["hpke_open_s"] * 1e3)
    print("raw HPKE X-Wing seal {:.3f} ms, open {:.3f} ms".format(*hpke_ms))
    outside = (tip["seal_overhead_cipher_made_outside"], tip["open_overhead_cipher_made_outside"])
    print(
        "10 KB tip against an AESGCM object made outside the timing: {:+.1%} / {:+.1%}".format(
            *outside
        )
    )
    rates = (args.mib, big["seal_mb_s"], big["open_mb_s"])
    print("{} MiB file: seal {:.0f} MB/s, open {:.0f} MB/s".format(*rates))
    print()
    print("| receipt profile | Argon2id | derivation (Python) |")
    print("|---|---|---|")
    print(f"| 1 | ops 3, 64 MiB | {derivation['1'] * 1e3:.0f} ms |")
    print(f"| 2 | ops 1, 8 MiB | {derivation['2'] * 1e3:.0f} ms |")
    print(f"\nwrote {RESULTS}")


if __name__ == "__main__":
    main()
