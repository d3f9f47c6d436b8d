"""Case statuses, the codes that go with them, and the allowed transitions.

One table for the online vault (:mod:`vault.lifecycle` applies it to the
database) and the workstation (:mod:`workstation.lifecycle` checks a queued
change before it travels in a reply bundle). docs/spec/lifecycle-v1.md is
the normative version; the diagram is in :mod:`vault.lifecycle`.
"""

from __future__ import annotations

import enum
from typing import Final


class CaseStatus(enum.StrEnum):
    """Case lifecycle states as stored (docs/domain.md, "The case lifecycle")."""

    DITERIMA = "diterima"  # received: set automatically at submission
    DIVERIFIKASI = "diverifikasi"  # triaged
    PERLU_INFORMASI = "perlu_informasi"  # waiting for the reporter; the clock pauses
    DILIMPAHKAN = "dilimpahkan"  # referred to another competent body
    TIDAK_DAPAT_DITINDAKLANJUTI = "tidak_dapat_ditindaklanjuti"  # cannot be followed up
    DITINDAKLANJUTI = "ditindaklanjuti"  # being examined
    SELESAI = "selesai"  # concluded with an outcome
    DITUTUP = "ditutup"  # closed; the retention clock runs


S = CaseStatus

OUTCOMES: Final = frozenset({"terbukti", "tidak_terbukti", "sebagian_terbukti", "dihentikan"})
REASONS: Final = frozenset({"terlalu_umum", "di_luar_kewenangan", "kedaluwarsa", "duplikat"})
TARGETS: Final = frozenset({"kpk", "kepolisian", "kejaksaan", "inspektorat_lebih_tinggi", "lapor"})

# States a paused case may resume to.
PAUSABLE: Final = frozenset({S.DITERIMA, S.DIVERIFIKASI, S.DITINDAKLANJUTI})
# States that end the work and lead only to ditutup.
CONCLUDED: Final = frozenset({S.SELESAI, S.DILIMPAHKAN, S.TIDAK_DAPAT_DITINDAKLANJUTI})

TRANSITIONS: Final[dict[CaseStatus, frozenset[CaseStatus]]] = {
    S.DITERIMA: frozenset(
        {S.DIVERIFIKASI, S.PERLU_INFORMASI, S.DILIMPAHKAN, S.TIDAK_DAPAT_DITINDAKLANJUTI}
    ),
    S.DIVERIFIKASI: frozenset(
        {S.DITINDAKLANJUTI, S.PERLU_INFORMASI, S.DILIMPAHKAN, S.TIDAK_DAPAT_DITINDAKLANJUTI}
    ),
    # Back to the paused-from state (checked against the case) or give up.
    S.PERLU_INFORMASI: PAUSABLE | {S.TIDAK_DAPAT_DITINDAKLANJUTI},
    S.DITINDAKLANJUTI: frozenset({S.PERLU_INFORMASI, S.SELESAI, S.DILIMPAHKAN}),
    S.SELESAI: frozenset({S.DITUTUP}),
    S.DILIMPAHKAN: frozenset({S.DITUTUP}),
    S.TIDAK_DAPAT_DITINDAKLANJUTI: frozenset({S.DITUTUP}),
    S.DITUTUP: frozenset(),
}


def following(current: str) -> frozenset[CaseStatus]:
    """The statuses a case in ``current`` may move to (none for an unknown status)."""
    try:
        return TRANSITIONS[CaseStatus(current)]
    except ValueError:
        return frozenset()


def parse_status(value: str) -> CaseStatus:
    """The status named by ``value``; :class:`ValueError` if there is none."""
    return CaseStatus(value)
