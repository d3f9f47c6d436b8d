"""Leadership reports: aggregate figures for the unit's leadership, in the unit's layout.

``peluit-ws report --period 2026-11|2026-Q4|2026-S2|2026 --out DIR`` writes a
printable HTML page with SVG charts (no script) and the same figures as CSV.
Which periods a report may cover, which sections it shows in which order and
their titles come from the unit's layout (:mod:`workstation.report_layout`:
``pergub-ntb-5-2024``, the default, for the Pembina and the Pengarah of Pergub
NTB 5/2024; ``nasional`` after SE MenPANRB 08/2012; or the unit's own).
Days and periods are printed in words in both languages
(:mod:`common.day_words`; "November 2026", "Triwulan IV 2026"); the CSV
keeps ISO days for spreadsheets. The UI shows the same report in the page's
language alone; the written HTML file carries both.
Cases counted are those **submitted in the period**; their status is the one
this workstation knows today (queued changes included).

Aggregate only: no reference, no name, no reporter's text ever enters a
report. Categories come from the list of the questionnaire version each
report was made with (the built-in form for reports from before versions):
the triage category when the inspector set one, else the reporter's choice,
named as that version names it; agencies from triage.
A cell of 1 or 2 is printed as ``<3`` so that a single report cannot be
singled out; when a table has exactly one such cell, the next smallest cell is
hidden too, so the total does not give it away.

Deadline compliance per stage uses the days this workstation has: the day of
submission, the day the online vault last changed the status, and the days
the inspector queued status changes and replies. Working days skip weekends,
national holidays and cuti bersama (:mod:`common.working_days`). Days
spent waiting for the reporter are not subtracted (the online vault's clock
does pause), so figures here err on the late side.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from common.case_status import CaseStatus as S
from common.day_words import LOCALES, long_day, short_day
from common.working_days import CutiBersamaError, WorkingCalendar
from workstation import report_layout
from workstation.charts import Bar, bar_chart
from workstation.code_names import NAMES
from workstation.errors import Refused
from workstation.forwarding import write_new
from workstation.outbox import StatusChange
from workstation.questionnaire import form, options
from workstation.report_layout import PERIODS, Layout, Words

if TYPE_CHECKING:
    from workstation.desk import Desk

SMALL = 3
POLICY = {"triage": 3, "first_followup": 5, "feedback": 30, "conclusion": 60}  # working days
TRIAGE_ENDS = (S.DIVERIFIKASI, S.DILIMPAHKAN, S.TIDAK_DAPAT_DITINDAKLANJUTI)
_PERIOD = re.compile(r"([0-9]{4})(?:-([0-9]{2})|-Q([1-4])|-S([12]))?\Z")
UNSET = "belum-ditentukan"
ROMAN: Final = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass(frozen=True)
class Period:
    label: str
    start: dt.date
    end: dt.date  # inclusive
    kind: str = "month"  # a key of report_layout.PERIODS

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PERIOD.match(text.strip())
        if not match:
            raise Refused("the period is a month (2026-11), a quarter (2026-Q4),"
                          " a half-year (2026-S2) or a year (2026)")  # fmt: skip
        year = int(match.group(1))
        if match.group(2):
            month = int(match.group(2))
            if not 1 <= month <= 12:
                raise Refused("the month is 01 to 12")
            first, last, kind = month, month, "month"
        elif match.group(3):
            quarter = int(match.group(3))
            first, last, kind = 3 * quarter - 2, 3 * quarter, "quarter"
        elif match.group(4):
            half = int(match.group(4))
            first, last, kind = 6 * half - 5, 6 * half, "semester"
        else:
            first, last, kind = 1, 12, "year"
        end = dt.date(year + (last == 12), last % 12 + 1, 1) - dt.timedelta(days=1)
        return cls(text.strip(), dt.date(year, first, 1), end, kind)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def words(self) -> Words:
        """The period as people say it: "November 2026", "Triwulan IV 2026", "2026"."""
        year = self.start.year
        if self.kind == "month":
            return Words(*(format_date(self.start, "MMMM y", locale=LOCALES[lang])
                           for lang in ("id", "en")))  # fmt: skip
        if self.kind == "quarter":
            number = (self.start.month + 2) // 3
            return Words(f"Triwulan {ROMAN[number]} {year}", f"Quarter {number} of {year}")
        if self.kind == "semester":
            first = self.start.month == 1
            return Words(f"Semester {'I' if first else 'II'} {year}",
                         f"{'First' if first else 'Second'} half of {year}")  # fmt: skip
        return Words(str(year), str(year))


def words_of(code: str) -> Words:
    """A lifecycle, outcome, target or stage code by its names in both languages."""
    pair = NAMES.get(code, (code, code))
    return Words(*pair)


@dataclass
class CaseFacts:
    submitted: dt.date
    status: str
    category: str
    agency: str
    category_words: Words | None = None  # as the report's questionnaire version names it
    outcome: str = ""
    target: str = ""
    reached: dict[str, dt.date] = field(default_factory=dict)  # first day of each status
    replies: list[dt.date] = field(default_factory=list)


@dataclass
class Table:
    key: str
    title: Words
    rows: list[tuple[Words, int]]

    def shown(self) -> list[tuple[Words, str, int | None]]:
        """(label, printed figure, value or None when hidden)."""
        cells = suppress([count for _, count in self.rows])
        return [(label, *cell) for (label, _), cell in zip(self.rows, cells, strict=True)]


@dataclass
class Compliance:
    stage: str
    days: int
    met: int
    late: int

    @property
    def total(self) -> int:
        return self.met + self.late

    def shown(self) -> str:
        if self.total == 0:
            return "–"
        if self.total < SMALL:
            return "<3"
        return f"{self.met}/{self.total} ({round(100 * self.met / self.total)}%)"


@dataclass
class Report:
    period: Period
    as_of: dt.date
    unit_name: str
    total: int
    layout: Layout
    tables: list[Table]  # the layout's table sections, in its order
    compliance: list[Compliance]

    @property
    def total_text(self) -> str:
        return "<3" if 0 < self.total < SMALL else str(self.total)

    @property
    def span_words(self) -> Words:
        start, end = self.period.start, self.period.end
        return Words(
            *(f"{short_day(start, lang)} – {short_day(end, lang)}" for lang in ("id", "en"))
        )

    @property
    def as_of_words(self) -> Words:
        day = self.as_of
        return Words(f"data per {long_day(day, 'id')}", f"as of {long_day(day, 'en')}")

    def parts(self) -> list[tuple[report_layout.Section, Table | None]]:
        """Each section of the layout with its table (None for deadline compliance)."""
        tables = {t.key: t for t in self.tables}
        return [(s, tables.get(s.show)) for s in self.layout.sections]


def suppress(values: list[int]) -> list[tuple[str, int | None]]:
    """Cells of 1 or 2 become "<3"; a lone hidden cell takes the next smallest with it."""
    hidden = {i for i, v in enumerate(values) if 0 < v < SMALL}
    if len(hidden) == 1:
        others = sorted((v, i) for i, v in enumerate(values) if v >= SMALL)
        if others:
            hidden.add(others[0][1])
    return [("<3" if i in hidden and v < SMALL else ("≥3" if i in hidden else str(v)),
             None if i in hidden else v) for i, v in enumerate(values)]  # fmt: skip


# --- gathering ----------------------------------------------------------------------


def _categories(form_doc: dict[str, Any]) -> dict[str, Words]:
    return {value: Words(*pair) for value, pair in options(form_doc, "category").items()}


def gather(desk: Desk) -> list[CaseFacts]:
    result = []
    for summary in desk.cases():
        triage = desk.triage(summary.case_id)
        found = desk.labelled(summary.case_id)
        categories = _categories(found.form if found else form())
        category = triage.category if triage and triage.category in categories else ""
        if not category:
            codes = {a.field_id: a.code for a in (found.answers if found else [])}
            category = codes.get("category", "")
            category = category if category in categories else "lainnya"
        agency = (triage.agency.strip() if triage else "") or UNSET
        facts = CaseFacts(dt.date.fromisoformat(summary.submitted_day), summary.pending_status,
                          category, agency, categories.get(category))  # fmt: skip
        facts.reached[S.DITERIMA] = facts.submitted
        _add_history(desk, summary.case_id, summary.status, summary.status_day, facts)
        result.append(facts)
    return result


def _add_history(desk: Desk, case_id: str, status: str, status_day: str, facts: CaseFacts) -> None:
    events: list[StatusChange] = [(status, status_day, None, None)]
    events += desk.store.outbox.status_history(case_id)
    for name, day_text, outcome, target in events:
        day = dt.date.fromisoformat(day_text)
        if name not in facts.reached or day < facts.reached[name]:
            facts.reached[name] = day
        facts.outcome = outcome or facts.outcome
        facts.target = target or facts.target
    for day_text in desk.store.outbox.reply_days(case_id):
        facts.replies.append(dt.date.fromisoformat(day_text))


# --- figures ------------------------------------------------------------------------


def _first(facts: CaseFacts, names: tuple[str, ...], after: dt.date) -> dt.date | None:
    days = [facts.reached[n] for n in names if n in facts.reached and facts.reached[n] >= after]
    return min(days) if days else None


def stage_result(facts: CaseFacts, stage: str, calendar: WorkingCalendar,
                 as_of: dt.date) -> str | None:  # fmt: skip
    """'met', 'late' or None (not started, or still within its time)."""
    reached = facts.reached
    start: dt.date | None
    if stage == "triage":
        start = facts.submitted
        end = _first(facts, TRIAGE_ENDS, start)
    elif stage == "first_followup":
        start = reached.get(S.DIVERIFIKASI)
        end = _first(facts, (S.DITINDAKLANJUTI, S.DILIMPAHKAN, S.TIDAK_DAPAT_DITINDAKLANJUTI),
                     start) if start else None  # fmt: skip
    elif stage == "feedback":
        start = reached.get(S.DITINDAKLANJUTI)
        later = [d for d in facts.replies if start and d >= start]
        end = min(later) if later else None
    else:
        start = reached.get(S.DITINDAKLANJUTI)
        end = _first(facts, (S.SELESAI, S.DILIMPAHKAN), start) if start else None
    if start is None:
        return None
    limit = POLICY[stage]
    if end is not None:
        return "met" if calendar.working_days_between(start, end) <= limit else "late"
    return "late" if calendar.working_days_between(start, as_of) > limit else None


def _check_period(layout: Layout, period: Period) -> None:
    if period.kind in layout.periods:
        return
    raise Refused(
        f"the {layout.name} layout does not report by {PERIODS[period.kind][1]};"
        f" its periods look like {', '.join(PERIODS[k][2] for k in layout.periods)}"
    )


def _calendar(folder: Path) -> WorkingCalendar:
    """The workstation folder's calendar; :class:`Refused` naming what is wrong with its file."""
    try:
        return WorkingCalendar.for_folder(folder)
    except CutiBersamaError as bad:
        raise Refused(bad.user_message) from None


def build(desk: Desk, period: Period, *, layout: Layout | None = None,
          calendar: WorkingCalendar | None = None) -> Report:  # fmt: skip
    """The figures for ``period`` in ``layout`` (default: the unit's chosen layout)."""
    layout = layout or report_layout.chosen(desk.folder, desk.store)
    _check_period(layout, period)
    calendar = calendar or _calendar(desk.folder)
    today = dt.date.fromisoformat(desk.today())
    as_of = min(today, period.end)
    cases = [c for c in gather(desk) if period.contains(c.submitted)]
    categories = _categories(form())
    categories.update({c.category: c.category_words for c in cases if c.category_words})

    def table(key: str, title: Words, counts: Counter[str], label: dict[str, Words]) -> Table:
        rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return Table(key, title, [(label.get(k, Words(k, k)), v) for k, v in rows])

    concluded = [c for c in cases if c.outcome]
    referred = [c for c in cases if c.target]
    unset = {UNSET: Words("Belum ditentukan", "Not yet set")}
    counts: dict[str, tuple[Counter[str], dict[str, Words]]] = {
        "category": (Counter(c.category for c in cases), categories),
        "status": (Counter(c.status for c in cases), {c.status: words_of(c.status) for c in cases}),
        "agency": (Counter(c.agency for c in cases), unset),
        "outcome": (Counter(c.outcome for c in concluded),
                    {c.outcome: words_of(c.outcome) for c in concluded}),
        "referral": (Counter(c.target for c in referred),
                     {c.target: words_of(c.target) for c in referred}),
    }  # fmt: skip
    tables = [table(s.show, s.title, *counts[s.show])
              for s in layout.sections if s.show in counts]  # fmt: skip
    compliance = []
    for stage, days in POLICY.items():
        results = Counter(stage_result(c, stage, calendar, as_of) for c in cases)
        compliance.append(Compliance(stage, days, results["met"], results["late"]))
    return Report(period, as_of, desk.card.name, len(cases), layout, tables, compliance)


# --- output -------------------------------------------------------------------------

HATCH_LEGEND: Final = Words(
    "Arsiran: angka disembunyikan (<3 berarti 1 atau 2; ≥3 ditutup agar angka kecil"
    " tidak dapat dihitung dari jumlahnya)",
    "Hatched: figure hidden (<3 means 1 or 2; ≥3 is hidden so that a small figure"
    " cannot be worked out from the total)",
)


class Say:
    """The report's words in one language (``"id"``, ``"en"``) or in both (``None``)."""

    def __init__(self, lang: str | None) -> None:
        self.lang = lang

    def __call__(self, words: Words | str, english: str | None = None) -> str:
        if isinstance(words, str):
            words = Words(words, words if english is None else english)
        if self.lang is None:
            return words.both
        return words.en if self.lang == "en" else words.id


def charts(report: Report, lang: str | None = None) -> dict[str, Markup]:
    """The report's charts, in ``lang`` (both languages when ``None``)."""
    say = Say(lang)
    legend = say(HATCH_LEGEND)
    result = {}
    for table in report.tables:
        values = [v for _, _, v in table.shown() if v is not None]
        largest = max(values, default=0)
        bars = [Bar(say(label), shown, (v / largest if largest else 0.0) if v is not None else None,
                    masked=v is None)
                for label, shown, v in table.shown()]  # fmt: skip
        chart = bar_chart(f"chart-{table.key}", say(table.title), bars, legend)
        result[table.key] = Markup(chart)  # noqa: S704 - escaped in bar_chart
    bars = [Bar(say(words_of(c.stage)), c.shown(), c.met / c.total if c.total >= SMALL else None,
                masked=0 < c.total < SMALL)
            for c in report.compliance]  # fmt: skip
    for section, shown in report.parts():
        if shown is None:
            result["compliance"] = Markup(  # noqa: S704 - escaped in bar_chart
                bar_chart("chart-compliance", say(section.title), bars, legend)
            )
    return result


def to_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "label", "value"])
    writer.writerow(["layout", report.layout.name, report.layout.title.both])
    writer.writerow(["period", report.period.label, f"{report.period.start}..{report.period.end}"])
    writer.writerow(["total", "cases submitted", report.total_text])
    for _section, table in report.parts():
        if table is not None:
            for label, shown, _ in table.shown():
                writer.writerow([table.key, label.both, shown])
            continue
        for c in report.compliance:
            stage = f"{words_of(c.stage).both} ({c.days} working days)"
            writer.writerow([f"deadline:{c.stage}", stage, c.shown()])
    return out.getvalue()


def _environment() -> Environment:
    folder = Path(str(resources.files("workstation") / "templates"))
    return Environment(loader=FileSystemLoader(folder), autoescape=select_autoescape(default=True))


def body_context(report: Report, lang: str | None) -> dict[str, Any]:
    """What ``report_body.html`` needs: the report, its charts and its words in ``lang``."""
    return {"report": report, "charts": charts(report, lang), "say": Say(lang),
            "words_of": words_of}  # fmt: skip


def to_html(report: Report) -> str:
    """The written report: both languages, Indonesian first."""
    css = (resources.files("workstation") / "static" / "report.css").read_text("utf-8")
    template = _environment().get_template("report_file.html")
    return template.render(css=Markup(css), **body_context(report, None))  # noqa: S704 - our own stylesheet


def write(report: Report, out: Path) -> list[Path]:
    """Write ``peluit-report-PERIOD.html`` and ``.csv`` into ``out`` (never overwriting)."""
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    stem = out / f"peluit-report-{report.period.label}"
    html, table = stem.with_suffix(".html"), stem.with_suffix(".csv")
    write_new(html, to_html(report).encode("utf-8"))
    write_new(table, to_csv(report).encode("utf-8"))
    return [html, table]
