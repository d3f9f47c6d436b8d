"""Working-day deadlines per case: which clock runs, when it is due, whether it is paused.

Each unit has a policy (defaults from docs/domain.md, all editable, all in
working days): triage 3, first_followup 5, feedback 30, conclusion 60,
auto_close 10. A case's history (status events, the days of unit replies and
of reporter messages) decides the clocks:

=============== ============================== ==========================================
stage           starts                         ends
=============== ============================== ==========================================
triage          submission                     diverifikasi, dilimpahkan or
                                               tidak_dapat_ditindaklanjuti
first_followup  diverifikasi                   ditindaklanjuti (or a referral / rejection)
feedback        first ditindaklanjuti          the first unit reply from then on (or the
                                               case leaving examination)
conclusion      first ditindaklanjuti          selesai (or a referral)
auto_close      selesai, dilimpahkan or        ditutup; a reporter message on or after the
                tidak_dapat_ditindaklanjuti    start day is an objection and stops it
=============== ============================== ==========================================

While a case is ``perlu_informasi`` every running clock is paused: the due
day moves by the working days spent paused, and ``working_days_left`` stays
what it was the day the pause began. A clock's due day is
``add_working_days(start, n + paused working days)``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from sqlite_utils import Database

from common.case_status import CONCLUDED, CaseStatus
from common.working_days import WorkingCalendar
from vault.cases import Case, StatusEvent
from vault.errors import BadInput, NotFound
from vault.lifecycle import change_status
from vault.working_days import calendar_for

S = CaseStatus
STAGES = ("triage", "first_followup", "feedback", "conclusion", "auto_close")
_MAX_DAYS = 366


@dataclass(frozen=True)
class DeadlinePolicy:
    triage: int = 3
    first_followup: int = 5
    feedback: int = 30
    conclusion: int = 60
    auto_close: int = 10

    def days(self, stage: str) -> int:
        value: int = getattr(self, stage)
        return value

    def checked(self) -> DeadlinePolicy:
        for stage in STAGES:
            value = getattr(self, stage)
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= _MAX_DAYS:
                raise BadInput(
                    f"The {stage} deadline must be 1 to {_MAX_DAYS} working days.", field=stage
                )
        return self


@dataclass(frozen=True)
class Deadline:
    stage: str
    due: dt.date
    working_days_left: int
    paused: bool

    def to_json(self) -> dict[str, object]:
        """The reporter API's form (docs/spec/reporter-api-v1.md)."""
        return {
            "stage": self.stage,
            "due": self.due.isoformat(),
            "working_days_left": self.working_days_left,
            "paused": self.paused,
        }


@dataclass(frozen=True)
class StageClock:
    """One stage's clock: ``ended`` is the day it stopped, ``None`` while it runs."""

    stage: str
    start: dt.date
    due: dt.date
    ended: dt.date | None
    paused: bool

    @property
    def met(self) -> bool:
        return self.ended is not None and self.ended <= self.due

    def state(self, today: dt.date) -> str:
        """``met``, ``missed`` (late, or still running past due) or ``running``."""
        if self.ended is not None:
            return "met" if self.ended <= self.due else "missed"
        return "missed" if today > self.due else "running"


def _day(text: str | dt.date) -> dt.date:
    return text if isinstance(text, dt.date) else dt.date.fromisoformat(text)


_History = list[tuple[dt.date, CaseStatus]]


def _pauses(history: _History) -> list[tuple[dt.date, dt.date | None]]:
    """Pause intervals: (entered perlu_informasi, left it or None)."""
    pauses: list[tuple[dt.date, dt.date | None]] = []
    for i, (day, status) in enumerate(history):
        if status is S.PERLU_INFORMASI:
            pauses.append((day, history[i + 1][0] if i + 1 < len(history) else None))
    return pauses


def _first(
    history: _History, statuses: set[CaseStatus], after: int = 0
) -> tuple[int, dt.date] | None:
    """The first entry from ``after`` into one of ``statuses``: (its index, its day)."""
    for i in range(after, len(history)):
        if history[i][1] in statuses:
            return i, history[i][0]
    return None


def _day_of(found: tuple[int, dt.date] | None) -> dt.date | None:
    return found[1] if found else None


@dataclass(frozen=True)
class _Clocks:
    """Makes one stage's clock: its due day moves by the working days paused."""

    cal: WorkingCalendar
    policy: DeadlinePolicy
    today: dt.date
    pauses: list[tuple[dt.date, dt.date | None]]

    def clock(self, stage: str, start: dt.date, ended: dt.date | None) -> StageClock:
        cal, today = self.cal, self.today
        stop = ended or today
        paused_days, paused_now = 0, False
        for begin, end in self.pauses:
            if begin < start or begin > stop:
                continue
            if end is None:  # still paused
                paused_now = ended is None
                paused_days += cal.working_days_between(begin, max(begin, min(stop, today)))
            else:
                paused_days += cal.working_days_between(begin, min(end, stop))
        due = cal.add_working_days(start, self.policy.days(stage) + paused_days)
        return StageClock(stage, start, due, ended, paused_now)


def stage_clocks(
    case: Case,
    events: Sequence[StatusEvent],
    policy: DeadlinePolicy,
    today: dt.date,
    *,
    unit_reply_days: Sequence[str | dt.date] = (),
    reporter_message_days: Sequence[str | dt.date] = (),
    calendar: WorkingCalendar | None = None,
) -> list[StageClock]:
    """Every clock the case's history has started, in stage order."""
    cal = calendar or calendar_for()
    history = [(_day(e.day), CaseStatus(e.status)) for e in sorted(events, key=lambda e: e.seq)]
    clock = _Clocks(cal, policy, today, _pauses(history)).clock

    clocks: list[StageClock] = []
    submitted = _day(case.submitted_day)
    end = _first(history, {S.DIVERIFIKASI, S.DILIMPAHKAN, S.TIDAK_DAPAT_DITINDAKLANJUTI})
    clocks.append(clock("triage", submitted, _day_of(end)))
    verified = _first(history, {S.DIVERIFIKASI})
    if verified:
        end = _first(
            history,
            {S.DITINDAKLANJUTI, S.DILIMPAHKAN, S.TIDAK_DAPAT_DITINDAKLANJUTI},
            verified[0] + 1,
        )
        clocks.append(clock("first_followup", verified[1], _day_of(end)))
    examined = _first(history, {S.DITINDAKLANJUTI})
    if examined:
        start = examined[1]
        left = _first(history, {S.SELESAI, S.DILIMPAHKAN}, examined[0] + 1)
        replies = sorted(d for d in map(_day, unit_reply_days) if d >= start)
        feedback_end = min(replies[:1] + ([left[1]] if left else []), default=None)
        clocks.append(clock("feedback", start, feedback_end))
        clocks.append(clock("conclusion", start, _day_of(left)))
    concluded = _first(history, set(CONCLUDED))
    if concluded:
        start = concluded[1]
        closed = _first(history, {S.DITUTUP}, concluded[0] + 1)
        objected = any(_day(d) >= start for d in reporter_message_days)
        if closed or not objected:
            clocks.append(clock("auto_close", start, _day_of(closed)))
    return clocks


def current_deadline(
    case: Case,
    events: Sequence[StatusEvent],
    policy: DeadlinePolicy,
    today: dt.date,
    *,
    unit_reply_days: Sequence[str | dt.date] = (),
    reporter_message_days: Sequence[str | dt.date] = (),
    calendar: WorkingCalendar | None = None,
) -> Deadline | None:
    """The running clock due first, or ``None`` when no clock runs."""
    cal = calendar or calendar_for()
    running = [
        c
        for c in stage_clocks(
            case,
            events,
            policy,
            today,
            unit_reply_days=unit_reply_days,
            reporter_message_days=reporter_message_days,
            calendar=cal,
        )
        if c.ended is None
    ]
    if not running:
        return None
    soonest = min(running, key=lambda c: (c.due, STAGES.index(c.stage)))
    return Deadline(
        soonest.stage, soonest.due, cal.working_days_between(today, soonest.due), soonest.paused
    )


def is_overdue(deadline: Deadline | None) -> bool:
    """True when a clock runs (not paused) past its due day."""
    return deadline is not None and not deadline.paused and deadline.working_days_left < 0


# --- storage ---------------------------------------------------------------


def get_policy(db: Database, unit_id: str) -> DeadlinePolicy:
    row = db.conn.execute(
        "SELECT triage, first_followup, feedback, conclusion, auto_close"
        " FROM deadline_policies WHERE unit_id = ?",
        [unit_id],
    ).fetchone()
    return DeadlinePolicy(*row) if row else DeadlinePolicy()


def set_policy(db: Database, unit_id: str, policy: DeadlinePolicy) -> DeadlinePolicy:
    """Store a unit's policy (inside the caller's transaction if one is open)."""
    policy.checked()
    if db.conn.execute("SELECT 1 FROM units WHERE unit_id = ?", [unit_id]).fetchone() is None:
        raise NotFound("No such unit.", what="unit")
    values = asdict(policy)
    db.conn.execute(
        "INSERT INTO deadline_policies (unit_id, triage, first_followup, feedback, conclusion,"
        " auto_close) VALUES (:unit_id, :triage, :first_followup, :feedback, :conclusion,"
        " :auto_close) ON CONFLICT (unit_id) DO UPDATE SET triage = :triage,"
        " first_followup = :first_followup, feedback = :feedback, conclusion = :conclusion,"
        " auto_close = :auto_close",
        {"unit_id": unit_id, **values},
    )
    return policy


@dataclass(frozen=True)
class CaseHistory:
    """What the clocks need from storage for one case."""

    events: list[StatusEvent]
    unit_reply_days: list[str]
    reporter_message_days: list[str]


def load_history(db: Database, case_id: str) -> CaseHistory:
    events = [
        StatusEvent(r[0], CaseStatus(r[1]), r[2])
        for r in db.conn.execute(
            "SELECT seq, status, day FROM status_events WHERE case_id = ? ORDER BY seq", [case_id]
        )
    ]
    replies, messages = [], []
    for author, kind, day in db.conn.execute(
        "SELECT author, kind, day FROM envelopes WHERE case_id = ? ORDER BY seq", [case_id]
    ):
        if author == "unit" and kind == "reply":
            replies.append(day)
        elif author == "reporter" and kind == "message":
            messages.append(day)
    return CaseHistory(events, replies, messages)


def deadline_of(
    db: Database, case: Case, today: dt.date, *, calendar: WorkingCalendar | None = None
) -> Deadline | None:
    """The case's current deadline, read from storage."""
    history = load_history(db, case.case_id)
    return current_deadline(
        case,
        history.events,
        get_policy(db, case.unit_id),
        today,
        unit_reply_days=history.unit_reply_days,
        reporter_message_days=history.reporter_message_days,
        calendar=calendar,
    )


def clocks_of(
    db: Database, case: Case, today: dt.date, *, calendar: WorkingCalendar | None = None
) -> list[StageClock]:
    history = load_history(db, case.case_id)
    return stage_clocks(
        case,
        history.events,
        get_policy(db, case.unit_id),
        today,
        unit_reply_days=history.unit_reply_days,
        reporter_message_days=history.reporter_message_days,
        calendar=calendar,
    )


def _cases_in(
    db: Database, statuses: Sequence[CaseStatus], unit_ids: Sequence[str] | None
) -> list[Case]:
    marks = ",".join("?" * len(statuses))  # placeholders only
    sql = (
        "SELECT case_id, unit_id, reference, status, submitted_day, status_day,"  # noqa: S608
        " reporter_public_key FROM cases WHERE status IN (" + marks + ")"
    )
    args: list[object] = [s.value for s in statuses]
    if unit_ids is not None:
        sql += f" AND unit_id IN ({','.join('?' * len(unit_ids))})" if unit_ids else " AND 1 = 0"
        args.extend(unit_ids)
    return [
        Case(r[0], r[1], r[2], CaseStatus(r[3]), r[4], r[5], r[6])
        for r in db.conn.execute(sql + " ORDER BY unit_id, reference", args)
    ]


def overdue_cases(
    db: Database,
    today: dt.date,
    unit_ids: Sequence[str] | None = None,
    *,
    calendar: WorkingCalendar | None = None,
) -> list[tuple[Case, Deadline]]:
    """Open cases whose current clock runs past its due day (for the console)."""
    open_states = [s for s in CaseStatus if s is not S.DITUTUP]
    found = []
    for case in _cases_in(db, open_states, unit_ids):
        deadline = deadline_of(db, case, today, calendar=calendar)
        if deadline is not None and is_overdue(deadline):
            found.append((case, deadline))
    return found


def auto_close_due(
    db: Database, today: dt.date, *, calendar: WorkingCalendar | None = None
) -> list[str]:
    """Close (actor ``system``) every concluded case whose auto_close day has passed.

    A reporter message on or after the day the case was concluded is an
    objection: its auto_close clock is gone and the case waits for staff.
    Each close is its own transaction with its audit entry. Returns the
    references closed.
    """
    closed = []
    for case in _cases_in(db, sorted(CONCLUDED), None):
        clocks = clocks_of(db, case, today, calendar=calendar)
        due = [c.due for c in clocks if c.stage == "auto_close" and c.ended is None]
        if due and today > due[0]:
            change_status(db, case.case_id, S.DITUTUP, actor="system", today=today)
            closed.append(case.reference)
    return closed
