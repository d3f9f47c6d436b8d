"""What the Desk shows of a case: a line of the case list, and the opened case.

Its own module so that the Desk (workstation/desk.py) and what it calls
(workstation/forwarding.py takes a :class:`CaseView`) both import it,
instead of one another.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workstation import reading
from workstation.triage import Triage


@dataclass(frozen=True)
class CaseSummary:
    case_id: str
    reference: str
    status: str
    pending_status: str
    submitted_day: str
    status_day: str
    urgency: str
    items: int
    pending_bundle: int | None = None  # the reply bundle carrying pending_status, once exported


@dataclass
class CaseView:
    case_id: str
    reference: str
    status: str
    pending_status: str
    submitted_day: str
    status_day: str
    reading: reading.CaseReading
    triage: Triage | None
    queued: list[dict[str, Any]] = field(default_factory=list)
    pending_bundle: int | None = None  # the reply bundle carrying pending_status, once exported

    @property
    def has_identity(self) -> bool:
        return bool(self.reading.identity_items)
