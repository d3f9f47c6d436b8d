"""A refused status change in the console's language, codes shown as their words.

The vault explains a refused change in English with its codes
(``tidak_dapat_ditindaklanjuti needs a reason code (one of …)``); it also
names what is wrong as codes (:class:`vault.lifecycle.IllegalTransition`'s
``problem``, ``code``, ``current`` and ``new``). This module words those in
the page's language with the names the console shows everywhere else.
"""

from __future__ import annotations

from collections.abc import Callable

from vault.lifecycle import IllegalTransition
from web.console.names import CODES, OUTCOME_ORDER, REASON_ORDER, STATUS, TARGET_ORDER


def _(message: str) -> str:
    return message


CODE_KINDS = {
    "outcome": (_("an outcome"), "selesai", OUTCOME_ORDER),
    "reason": (_("a reason"), "tidak_dapat_ditindaklanjuti", REASON_ORDER),
    "target": (_("where it is referred to"), "dilimpahkan", TARGET_ORDER),
}
NEEDS_CODE = _("For the status “%(status)s”, choose %(what)s: %(choices)s.")
CODE_NOT_HERE = _("Choose %(what)s only for the status “%(status)s”; leave it empty otherwise.")
UNKNOWN_CODE = _("This choice of %(what)s is not known. Choose one of: %(choices)s.")
ALREADY = _("The case already has the status “%(status)s”.")
CLOSED = _("A closed case cannot change status.")
NOT_ALLOWED = _("A case with the status “%(current)s” cannot go to “%(new)s”.")


def describe_transition(exc: IllegalTransition, t: Callable[[str], str]) -> str:
    """What was refused, in the language of ``t`` (the console's gettext)."""

    def status(code: str) -> str:
        return t(STATUS[code]) if code in STATUS else code

    if exc.code in CODE_KINDS:
        what, state, order = CODE_KINDS[exc.code]
        values = {
            "what": t(what),
            "status": status(state),
            "choices": ", ".join(t(CODES[c]) for c in order),
        }
        message = {"needs_code": NEEDS_CODE, "code_not_here": CODE_NOT_HERE}.get(
            exc.problem, UNKNOWN_CODE
        )
        return t(message) % values
    if exc.current == "ditutup":
        return t(CLOSED)
    if exc.current and exc.current == exc.new:
        return t(ALREADY) % {"status": status(exc.current)}
    return t(NOT_ALLOWED) % {"current": status(exc.current), "new": status(exc.new)}
