"""Settings of the online vault, read once from the environment.

Every setting has a safe default so that ``peluit serve`` runs with no
configuration at all (the embedded default: SQLite and blobs in ``./var``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

MIB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """Size limits the reporter's side is held to (plaintext bytes)."""

    attachment_bytes: int = 200 * MIB
    report_bytes: int = 1024 * MIB
    attachments: int = 20
    message_bytes: int = 64 * 1024
    piece_idle_seconds: float = 60.0
    """An upload piece whose body sends nothing for this long is cut off (408)."""
    piece_seconds: float = 300.0
    """An upload piece (about 1 MiB) must arrive within this long: at least ~3.5 KB/s."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("var")
    debug: bool = False
    access_log: bool = False
    pow_difficulty: int = 16
    """Base proof of work (leading zero bits) of every write and lookup."""
    lookup_failures_per_peer: int = 20
    """Failed lookups per peer and hour at the base price; each doubling adds a bit."""
    lookup_failures_total: int = 1000
    """Failed lookups per hour in total at the base price; each doubling adds a bit."""
    lookup_delay_seconds: float = 0.25
    """Delay before a failed receipt lookup is answered."""
    limits: Limits = field(default_factory=Limits)
    pow_max_difficulty: int = 20
    """The most a proof of work costs under any flood: 20 bits, measured 12 s (Chromium) and
    28 s (jitless) for a whole report, which pays two (bench/bench_flood.py --bits 20)."""

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        limits = Limits(
            attachment_bytes=int(env.get("PELUIT_ATTACHMENT_MIB", "200")) * MIB,
            report_bytes=int(env.get("PELUIT_REPORT_MIB", "1024")) * MIB,
        )
        return cls(
            data_dir=Path(env.get("PELUIT_DATA", "var")),
            debug=env.get("PELUIT_DEBUG", "") == "1",
            access_log=env.get("PELUIT_ACCESS_LOG", "") == "1",
            pow_difficulty=int(env.get("PELUIT_POW_BITS", "16")),
            pow_max_difficulty=int(env.get("PELUIT_POW_MAX_BITS", "20")),
            limits=limits,
        )
