"""Server-rendered SVG bar charts for the leadership report: no script, no inline style.

Each chart is a small ``<svg>`` with a ``<title>``, the label and the figure
as text beside every bar (nothing is told by length alone), styled by class
from the report's stylesheet. A suppressed cell ("<3") draws no bar at all,
so its size cannot be read off the picture either. Every text is escaped
here; the result is safe to embed as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 640
LABEL_WIDTH = 260
BAR_AREA = 280
ROW = 26
BAR_HEIGHT = 16
TOP = 6


@dataclass(frozen=True)
class Bar:
    label: str
    shown: str  # the figure as printed: "12", "<3", "9/10 (90%)"
    fraction: float | None  # 0..1 of the bar area; None draws no bar


def bar_chart(chart_id: str, title: str, bars: Sequence[Bar]) -> str:
    height = TOP * 2 + ROW * max(len(bars), 1)
    cid = escape(chart_id)
    parts = [
        f'<svg class="chart" id="{cid}" role="img" aria-labelledby="{cid}-title" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{cid}-title">{escape(title)}</title>',
    ]
    for index, bar in enumerate(bars):
        y = TOP + index * ROW
        label, shown = escape(bar.label), escape(bar.shown)
        x, text_y = LABEL_WIDTH, y + 13
        fill = ""
        if bar.fraction is not None:
            width = round(BAR_AREA * min(max(bar.fraction, 0.0), 1.0))
            fill = f'<rect class="fill" x="{x}" y="{y}" width="{width}" height="{BAR_HEIGHT}"/>'
        parts.append(
            f'<g class="bar"><title>{label}: {shown}</title>'
            f'<text class="label" x="{x - 6}" y="{text_y}" text-anchor="end">{label}</text>'
            f'<rect class="track" x="{x}" y="{y}" width="{BAR_AREA}" height="{BAR_HEIGHT}"/>'
            f'{fill}<text class="value" x="{x + BAR_AREA + 6}" y="{text_y}">{shown}</text></g>'
        )
    if not bars:
        parts.append(f'<text class="label" x="0" y="{TOP + 13}">–</text>')
    parts.append("</svg>")
    return "".join(parts)
