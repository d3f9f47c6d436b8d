"""Triage: the inspector's own assessment, kept only here and sealed at rest.

Category, agency, person reported, urgency, retaliation risk and notes
are about people; they never leave the workstation and are stored sealed
with the workstation key (:mod:`workstation.local_key`), purpose
``triage``, bound to the case id.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields

from workstation.errors import Refused
from workstation.local_key import LocalKey

URGENCIES = ("segera", "penting", "biasa")  # urgent, important, ordinary (NTB Care tiers)
RISKS = ("tinggi", "sedang", "rendah", "belum-dinilai")  # high, medium, low, not assessed
MAX_TEXT = 20_000


@dataclass(frozen=True)
class Triage:
    category: str = ""
    agency: str = ""
    person_reported: str = ""
    urgency: str = ""
    retaliation_risk: str = "belum-dinilai"
    notes: str = ""

    def check(self) -> None:
        if self.urgency and self.urgency not in URGENCIES:
            raise Refused(f"urgency is one of: {', '.join(URGENCIES)}")
        if self.retaliation_risk not in RISKS:
            raise Refused(f"retaliation risk is one of: {', '.join(RISKS)}")
        for name, value in asdict(self).items():
            if len(value) > MAX_TEXT:
                raise Refused(f"{name} is longer than {MAX_TEXT} characters")


def seal_triage(key: LocalKey, case_id: str, triage: Triage) -> bytes:
    triage.check()
    return key.seal("triage", case_id, json.dumps(asdict(triage)).encode("utf-8"))


def open_triage(key: LocalKey, case_id: str, sealed: bytes | None) -> Triage | None:
    if sealed is None:
        return None
    document = json.loads(key.open("triage", case_id, sealed))
    names = {f.name for f in fields(Triage)}
    return Triage(**{k: str(v) for k, v in document.items() if k in names})
