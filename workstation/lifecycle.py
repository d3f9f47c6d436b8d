"""The lifecycle checks the workstation makes before a status change is queued.

The statuses, codes and transitions are :mod:`common.case_status`, the same
table the online vault applies (vault/lifecycle.py). The vault checks the
transition again when it applies a reply bundle; checking here too tells the
inspector at once instead of a USB trip later.
"""

from __future__ import annotations

from typing import Final

from common.case_status import OUTCOMES, REASONS, TARGETS, TRANSITIONS, CaseStatus, following
from workstation.errors import Refused

__all__ = ["OUTCOMES", "REASONS", "STATUSES", "TARGETS", "TRANSITIONS", "check_change"]

STATUSES: Final = tuple(status.value for status in CaseStatus)


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
    if new not in following(current):
        allowed = ", ".join(sorted(following(current))) or "none"
        raise Refused(f"a case that is {current} cannot become {new} (allowed: {allowed})")
    _code("outcome", outcome, OUTCOMES, new == CaseStatus.SELESAI)
    _code("reason", reason, REASONS, new == CaseStatus.TIDAK_DAPAT_DITINDAKLANJUTI)
    _code("target", target, TARGETS, new == CaseStatus.DILIMPAHKAN)


def _code(name: str, value: str | None, allowed: frozenset[str], needed: bool) -> None:
    if needed and value is None:
        raise Refused(f"this status needs --{name}: one of {', '.join(sorted(allowed))}")
    if not needed and value is not None:
        raise Refused(f"--{name} does not belong to this status")
    if value is not None and value not in allowed:
        raise Refused(f"unknown {name} {value!r}; one of {', '.join(sorted(allowed))}")
