"""The case lifecycle as a state machine (docs/domain.md, "The case lifecycle").

::

       perlu_informasi (clock paused): entered from diterima, diverifikasi or
       ditindaklanjuti; leaves only back to that state (arrows below) or to
       tidak_dapat_ditindaklanjuti
                 :                  :                     :
                 v                  v                     v
  submitted -> diterima ---> diverifikasi ---> ditindaklanjuti ---> selesai ----+--> ditutup
                 |  |          |  |                |             [outcome]     |    (final)
                 |  |          |  |                |                           |
                 |  +----------|--+----------------+------> dilimpahkan -------+
                 |             |                            [target]           |
                 +-------------+---------------------> tidak_dapat_ -----------+
                                                       ditindaklanjuti
                                                       [reason]

The same as a table (:data:`TRANSITIONS`)::

    diterima                    -> diverifikasi | perlu_informasi | dilimpahkan
                                   | tidak_dapat_ditindaklanjuti
    diverifikasi                -> ditindaklanjuti | perlu_informasi | dilimpahkan
                                   | tidak_dapat_ditindaklanjuti
    perlu_informasi             -> (the state it paused from) | tidak_dapat_ditindaklanjuti
    ditindaklanjuti             -> perlu_informasi | selesai | dilimpahkan
    selesai                     -> ditutup
    dilimpahkan                 -> ditutup
    tidak_dapat_ditindaklanjuti -> ditutup
    ditutup                     -> (none)

``selesai`` needs an outcome code, ``tidak_dapat_ditindaklanjuti`` a reason
code and ``dilimpahkan`` a referral target code; codes are never free text
(they travel in reply bundles and the audit log) and no other transition
accepts one. docs/spec/lifecycle-v1.md is the normative version.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlite_utils import Database

from common.case_status import (
    OUTCOMES,
    PAUSABLE,
    REASONS,
    TARGETS,
    TRANSITIONS,
    CaseStatus,
)
from crypto.errors import PeluitError
from vault import audit_log
from vault.errors import BadInput, NotFound
from vault.identifiers import parse_id

S = CaseStatus


class IllegalTransition(PeluitError):
    """A status change the lifecycle does not allow, or one with wrong codes."""

    default_message = "This status change is not allowed."

    def __init__(
        self,
        user_message: str | None = None,
        *,
        current: str = "",
        new: str = "",
        problem: str = "transition",
        code: str = "",
    ) -> None:
        super().__init__(user_message)
        self.current = current
        self.new = new
        # What is wrong, as codes a console words in its own language:
        # "transition" (current -> new is not allowed), or for ``code``
        # ("outcome", "reason", "target"): "needs_code", "code_not_here",
        # "unknown_code".
        self.problem = problem
        self.code = code


@dataclass(frozen=True)
class StatusChange:
    """What :func:`change_status` did (for the caller's own report)."""

    case_id: str
    reference: str
    unit_id: str
    old: CaseStatus
    new: CaseStatus
    day: str
    outcome: str | None = None
    reason: str | None = None
    target: str | None = None


def _status(value: object, what: str) -> CaseStatus:
    try:
        return CaseStatus(str(value))
    except ValueError:
        raise IllegalTransition(f"Unknown {what} status {value!r}.") from None


def check_transition(
    current: CaseStatus | str,
    new: CaseStatus | str,
    *,
    outcome: str | None = None,
    reason: str | None = None,
    target: str | None = None,
    paused_from: CaseStatus | str | None = None,
) -> None:
    """Raise :class:`IllegalTransition` unless ``current -> new`` with these codes is allowed.

    ``paused_from`` is the state a ``perlu_informasi`` case paused from; when
    given, a resumed case may only go back there.
    """
    old, to = _status(current, "current"), _status(new, "new")
    names = {"current": old.value, "new": to.value}
    if to not in TRANSITIONS[old]:
        if old is S.DITUTUP:
            message = "A closed case (ditutup) cannot change status."
        elif old == to:
            message = f"The case is already {old.value}."
        else:
            allowed = ", ".join(sorted(TRANSITIONS[old]))
            message = f"A case cannot go from {old.value} to {to.value} (allowed: {allowed})."
        raise IllegalTransition(message, **names)
    if old is S.PERLU_INFORMASI and to in PAUSABLE and paused_from is not None:
        back = _status(paused_from, "paused-from")
        if to is not back:
            raise IllegalTransition(
                f"A paused case returns to {back.value}, the state it paused from, "
                f"not to {to.value}.",
                **names,
            )
    _check_code("outcome", outcome, OUTCOMES, to is S.SELESAI, "selesai", names)
    _check_code(
        "reason",
        reason,
        REASONS,
        to is S.TIDAK_DAPAT_DITINDAKLANJUTI,
        "tidak_dapat_ditindaklanjuti",
        names,
    )
    _check_code("referral target", target, TARGETS, to is S.DILIMPAHKAN, "dilimpahkan", names)


_CODE_KINDS = {"outcome": "outcome", "reason": "reason", "referral target": "target"}


def _check_code(
    what: str,
    value: str | None,
    codes: frozenset[str],
    needed: bool,
    state: str,
    names: dict[str, str],
) -> None:
    if needed and value is None:
        article = "an" if what[0] in "aeiou" else "a"
        listed = ", ".join(sorted(codes))
        raise IllegalTransition(
            f"{state} needs {article} {what} code (one of {listed}).",
            problem="needs_code",
            code=_CODE_KINDS[what],
            **names,
        )
    if not needed and value is not None:
        article = "An" if what[0] in "aeiou" else "A"
        raise IllegalTransition(
            f"{article} {what} code goes only with {state}.",
            problem="code_not_here",
            code=_CODE_KINDS[what],
            **names,
        )
    if value is not None and value not in codes:
        raise IllegalTransition(
            f"Unknown {what} code {value!r} (one of {', '.join(sorted(codes))}).",
            problem="unknown_code",
            code=_CODE_KINDS[what],
            **names,
        )


def change_status(
    db: Database,
    case_id: str | bytes,
    new: CaseStatus | str,
    *,
    actor: str,
    outcome: str | None = None,
    reason: str | None = None,
    target: str | None = None,
    today: dt.date,
) -> StatusChange:
    """Check, apply and record one transition, with its audit entry.

    Runs inside the caller's transaction if one is open (a reply bundle
    applies many changes atomically), else in its own. Raises
    :class:`IllegalTransition` or :class:`vault.errors.NotFound`; nothing is
    written then.
    """
    case = parse_id(case_id, "case_id")
    if not isinstance(actor, str) or not actor:
        raise BadInput("A status change needs an actor.", field="actor")
    day = today.isoformat()
    with audit_log.joined_transaction(db):
        row = db.conn.execute(
            "SELECT status, paused_from, reference, unit_id FROM cases WHERE case_id = ?", [case]
        ).fetchone()
        if row is None:
            raise NotFound("No such case.", what="case")
        old, paused_from, reference, unit_id = CaseStatus(row[0]), row[1], row[2], row[3]
        check_transition(
            old, new, outcome=outcome, reason=reason, target=target, paused_from=paused_from
        )
        to = CaseStatus(str(new))
        next_paused = old.value if to is S.PERLU_INFORMASI else None
        sets = ["status = ?", "status_day = ?", "paused_from = ?"]
        args: list[object] = [to.value, day, next_paused]
        if to is S.SELESAI:
            sets.append("outcome = ?")
            args.append(outcome)
        if to is S.TIDAK_DAPAT_DITINDAKLANJUTI:
            sets.append("reason = ?")
            args.append(reason)
        if to is S.DILIMPAHKAN:
            sets.append("referral_target = ?")
            args.append(target)
        if to is S.DITUTUP:
            sets.append("closed_day = ?")
            args.append(day)
        db.conn.execute(
            f"UPDATE cases SET {', '.join(sets)} WHERE case_id = ?",  # noqa: S608
            [*args, case],
        )
        db.conn.execute(
            "INSERT INTO status_events (case_id, seq, status, day, outcome, reason,"
            " referral_target) VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM status_events"
            " WHERE case_id = ?), ?, ?, ?, ?, ?)",
            [case, case, to.value, day, outcome, reason, target],
        )
        detail = {"from": old.value, "to": to.value, "unit": unit_id}
        for key, value in (("outcome", outcome), ("reason", reason), ("target", target)):
            if value is not None:
                detail[key] = value
        audit_log.append(
            db, actor=actor, action="status_change", subject=reference, detail=detail, today=today
        )
    return StatusChange(case, reference, unit_id, old, to, day, outcome, reason, target)
