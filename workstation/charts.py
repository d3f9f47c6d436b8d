"""Server-rendered SVG bar charts for the leadership report: no script, no inline style.

Each chart is a small ``<svg>`` with a ``<title>``, and for every bar its
label on a line of its own above the bar (wrapped, never cut off, however
long a category's name) and the figure as text beside it (nothing is told by
length alone), styled by class from the report's stylesheet. A hidden cell
("<3", or the "≥3" hidden with it) draws no bar that could be measured: its
whole track is hatched, and a legend under the chart says what hatching
means. Every text is escaped here; the result is safe to embed as markup.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 480  # narrow enough that a phone shrinks the text little
BAR_AREA = 390
VALUE_GAP = 6
LINE = 15  # one line of label text
BAR_HEIGHT = 16
GAP = 10  # between rows
TOP = 4
WRAP = 62  # characters of label per line: 12px text stays inside WIDTH
HATCH_COLOUR = "#555"
FONT_SIZE = 12  # the stylesheets say the same; the chart keeps its size without them


@dataclass(frozen=True)
class Bar:
    label: str
    shown: str  # the figure as printed: "12", "<3", "9/10 (90%)"
    fraction: float | None  # 0..1 of the bar area; None draws no bar
    masked: bool = False  # a hidden figure: the track is hatched


def _hatch(pattern_id: str) -> str:
    return (
        f'<defs><pattern id="{pattern_id}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{HATCH_COLOUR}" stroke-width="3"/>'
        f"</pattern></defs>"
    )


def _label(text: str, y: int) -> tuple[str, int]:
    """The label as ``<text>`` lines starting at ``y``, and how many lines it took."""
    lines = textwrap.wrap(text, WRAP, break_long_words=True) or [""]
    spans = "".join(
        f'<tspan x="0" dy="{0 if i == 0 else LINE}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text class="label" x="0" y="{y + 12}">{spans}</text>', len(lines)


def bar_chart(chart_id: str, title: str, bars: Sequence[Bar], legend: str = "") -> str:
    """The chart; ``legend`` explains the hatching, shown when a bar is hidden."""
    cid = escape(chart_id)
    hatch = f"{cid}-hatch"
    rows: list[str] = []
    y = TOP
    for bar in bars:
        label, lines = _label(bar.label, y)
        bar_y = y + lines * LINE + 2
        x, shown = 0, escape(bar.shown)
        if bar.masked:
            drawn = (
                f'<rect class="masked" x="{x}" y="{bar_y}" width="{BAR_AREA}" '
                f'height="{BAR_HEIGHT}" fill="url(#{hatch})" stroke="{HATCH_COLOUR}"/>'
            )
        else:
            drawn = (
                f'<rect class="track" x="{x}" y="{bar_y}" width="{BAR_AREA}" '
                f'height="{BAR_HEIGHT}"/>'
            )
            if bar.fraction is not None:
                width = round(BAR_AREA * min(max(bar.fraction, 0.0), 1.0))
                drawn += (
                    f'<rect class="fill" x="{x}" y="{bar_y}" width="{width}" '
                    f'height="{BAR_HEIGHT}"/>'
                )
        rows.append(
            f'<g class="bar"><title>{escape(bar.label)}: {shown}</title>{label}{drawn}'
            f'<text class="value" x="{BAR_AREA + VALUE_GAP}" y="{bar_y + 13}">{shown}</text></g>'
        )
        y = bar_y + BAR_HEIGHT + GAP
    if not bars:
        rows.append(f'<text class="label" x="0" y="{TOP + 13}">–</text>')
        y = TOP + 20
    masked = any(bar.masked for bar in bars)
    if masked and legend:
        text, lines = _label(legend, y)
        rows.append(
            f'<g class="legend"><rect class="masked" x="0" y="{y + 2}" width="14" height="12" '
            f'fill="url(#{hatch})" stroke="{HATCH_COLOUR}"/>'
            + text.replace('x="0"', 'x="20"')
            + "</g>"
        )
        y += lines * LINE + GAP
    height = y + TOP
    head = (
        f'<svg class="chart" id="{cid}" role="img" aria-labelledby="{cid}-title" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'font-size="{FONT_SIZE}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{cid}-title">{escape(title)}</title>'
    )
    return head + (_hatch(hatch) if masked else "") + "".join(rows) + "</svg>"
