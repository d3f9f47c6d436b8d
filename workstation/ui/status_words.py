"""A status change the UI would refuse, said in the page's language before trying.

The lifecycle (:mod:`workstation.lifecycle`) refuses in the command line's
terms ("this status needs --outcome: one of ..."), which mean nothing on a
form. The UI checks the same rules first and says what to choose, with the
statuses by their names; the lifecycle still checks everything after it.
"""

from __future__ import annotations

from typing import Final

from common.case_status import CaseStatus, following
from workstation.code_names import name
from workstation.ui.words import translate

NOT_ALLOWED: Final = "A case with the status “{current}” cannot go to “{new}”."
NEEDS: Final[dict[str, tuple[str, str]]] = {
    CaseStatus.SELESAI: ("outcome", "For the status “{new}”, choose the outcome."),
    CaseStatus.TIDAK_DAPAT_DITINDAKLANJUTI: (
        "reason",
        "For the status “{new}”, choose the reason.",
    ),
    CaseStatus.DILIMPAHKAN: ("target", "For the status “{new}”, choose where it is referred to."),
}
EXTRA: Final = (
    "Leave the outcome, the reason and the referral empty unless the status asks for one."
)
MESSAGES: Final = (NOT_ALLOWED, EXTRA, *(message for _, message in NEEDS.values()))


def refusal(current: str, new: str, codes: dict[str, str | None], lang: str) -> str | None:
    """Why ``current -> new`` with ``codes`` would be refused, or ``None``."""
    words = {"current": name(current, lang), "new": name(new, lang)}
    if new not in following(current):
        return translate(lang, NOT_ALLOWED).format(**words)
    needed, message = NEEDS.get(new, ("", ""))
    if needed and not codes.get(needed):
        return translate(lang, message).format(**words)
    if any(value for code, value in codes.items() if code != needed):
        return translate(lang, EXTRA)
    return None
