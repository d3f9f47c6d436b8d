"""Server-rendered SVG bar charts for the console's dashboard.

No third-party script and no inline script or style: each chart is a small
inline ``<svg>`` with a ``<title>``, a text label and the number next to every
bar (so nothing is told by colour or length alone), and the page puts the same
figures in a data table for screen readers. Bars are horizontal so that long
Indonesian labels fit on a phone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

WIDTH = 470  # small enough that 13px text stays readable when a phone scales it down
LABEL_WIDTH = 230
BAR_AREA = 150
ROW = 28
BAR_HEIGHT = 18
TOP = 8


@dataclass(frozen=True)
class Bar:
    """One row: ``value`` alone (scaled to the largest), or ``value`` of ``total``.

    ``words``: the figure in words (the page's language) for the bar's tooltip, where
    the bar itself shows the short ``value/total (n%)``, or "–" when ``total`` is 0.
    """

    label: str
    value: int
    total: int | None = None
    words: str | None = None

    def text(self) -> str:
        if self.total is None:
            return str(self.value)
        if self.total == 0:
            return "–"
        percent = round(100 * self.value / self.total) if self.total else 0
        return f"{self.value}/{self.total} ({percent}%)"


def _fraction(bar: Bar, largest: int) -> float:
    if bar.total is not None:
        return bar.value / bar.total if bar.total > 0 else 0.0
    return bar.value / largest if largest > 0 else 0.0


def bar_chart(chart_id: str, title: str, bars: Sequence[Bar]) -> Markup:
    """An accessible horizontal bar chart as inline SVG markup."""
    largest = max((b.value for b in bars if b.total is None), default=0)
    height = TOP * 2 + ROW * max(len(bars), 1)
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title" viewBox="0 0 {WIDTH} {height}" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
    ]
    for index, bar in enumerate(bars):
        y = TOP + index * ROW
        width = round(BAR_AREA * _fraction(bar, largest))
        label, figure = escape(bar.label), escape(bar.text())
        said = escape(bar.words) if bar.words is not None else figure
        x, text_y = LABEL_WIDTH, y + 14
        parts.append(
            f'<g class="bar"><title>{label}: {said}</title>'
            f'<text class="label" x="{x - 6}" y="{text_y}" text-anchor="end">{label}</text>'
            f'<rect class="track" x="{x}" y="{y}" width="{BAR_AREA}" height="{BAR_HEIGHT}"/>'
            f'<rect class="fill" x="{x}" y="{y}" width="{width}" height="{BAR_HEIGHT}"/>'
            f'<text class="value" x="{x + BAR_AREA + 6}" y="{text_y}">{figure}</text></g>'
        )
    if not bars:
        parts.append(f'<text class="label" x="0" y="{TOP + 14}">–</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped
