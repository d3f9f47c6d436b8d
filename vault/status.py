"""Case lifecycle states as stored (docs/domain.md, "The case lifecycle")."""

from __future__ import annotations

import enum


class CaseStatus(enum.StrEnum):
    DITERIMA = "diterima"  # received: set automatically at submission
    DIVERIFIKASI = "diverifikasi"  # triaged
    PERLU_INFORMASI = "perlu_informasi"  # waiting for the reporter; the clock pauses
    DILIMPAHKAN = "dilimpahkan"  # referred to another competent body
    TIDAK_DAPAT_DITINDAKLANJUTI = "tidak_dapat_ditindaklanjuti"  # cannot be followed up
    DITINDAKLANJUTI = "ditindaklanjuti"  # being examined
    SELESAI = "selesai"  # concluded with an outcome
    DITUTUP = "ditutup"  # closed; the retention clock runs


def parse_status(value: str) -> CaseStatus:
    """The status named by ``value``; :class:`ValueError` if there is none."""
    return CaseStatus(value)
