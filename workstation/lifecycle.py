"""Lifecycle codes the workstation may queue (a copy of vault/lifecycle.py's lists).

``workstation/`` may not import ``vault/``; tests/test_ws_lifecycle.py checks
that these lists and transitions equal the vault's, so the two cannot drift.
The online vault checks the transition again when it applies a reply bundle;
checking here too tells the inspector at once instead of a USB trip later.
"""

from __future__ import annotations

from typing import Final

from workstation.errors import Refused

STATUSES: Final = (
    "diterima",
    "diverifikasi",
    "perlu_informasi",
    "dilimpahkan",
    "tidak_dapat_ditindaklanjuti",
    "ditindaklanjuti",
    "selesai",
    "ditutup",
)
OUTCOMES: Final = frozenset({"terbukti", "tidak_terbukti", "sebagian_terbukti", "dihentikan"})
REASONS: Final = frozenset({"terlalu_umum", "di_luar_kewenangan", "kedaluwarsa", "duplikat"})
TARGETS: Final = frozenset({"kpk", "kepolisian", "kejaksaan", "inspektorat_lebih_tinggi", "lapor"})
PAUSABLE: Final = frozenset({"diterima", "diverifikasi", "ditindaklanjuti"})
TRANSITIONS: Final[dict[str, frozenset[str]]] = {
    "diterima": frozenset(
        {"diverifikasi", "perlu_informasi", "dilimpahkan", "tidak_dapat_ditindaklanjuti"}
    ),
    "diverifikasi": frozenset(
        {"ditindaklanjuti", "perlu_informasi", "dilimpahkan", "tidak_dapat_ditindaklanjuti"}
    ),
    "perlu_informasi": PAUSABLE | {"tidak_dapat_ditindaklanjuti"},
    "ditindaklanjuti": frozenset({"perlu_informasi", "selesai", "dilimpahkan"}),
    "selesai": frozenset({"ditutup"}),
    "dilimpahkan": frozenset({"ditutup"}),
    "tidak_dapat_ditindaklanjuti": frozenset({"ditutup"}),
    "ditutup": frozenset(),
}


def check_change(
    current: str,
    new: str,
    *,
    outcome: str | None = None,
    reason: str | None = None,
    target: str | None = None,
) -> None:
    """Raise :class:`Refused` unless ``current -> new`` with exactly the right code is allowed."""
    if new not in TRANSITIONS:
        raise Refused(f"unknown status {new!r}; one of: {', '.join(STATUSES)}")
    if new not in TRANSITIONS.get(current, frozenset()):
        allowed = ", ".join(sorted(TRANSITIONS.get(current, frozenset()))) or "none"
        raise Refused(f"a case that is {current} cannot become {new} (allowed: {allowed})")
    _code("outcome", outcome, OUTCOMES, new == "selesai")
    _code("reason", reason, REASONS, new == "tidak_dapat_ditindaklanjuti")
    _code("target", target, TARGETS, new == "dilimpahkan")


def _code(name: str, value: str | None, allowed: frozenset[str], needed: bool) -> None:
    if needed and value is None:
        raise Refused(f"this status needs --{name}: one of {', '.join(sorted(allowed))}")
    if not needed and value is not None:
        raise Refused(f"--{name} does not belong to this status")
    if value is not None and value not in allowed:
        raise Refused(f"unknown {name} {value!r}; one of {', '.join(sorted(allowed))}")
