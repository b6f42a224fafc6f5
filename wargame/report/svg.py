"""Line charts as inline SVG, drawn here so the HTML report needs no library and no network.

One function: series of values over turns on shared axes, with optional shaded bands
(95% intervals), dashed reference lines (thresholds) and marked turns (turning points).
All text is escaped; the output is a self-contained `<svg>` element.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from wargame.words import fit_labels

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22")


@dataclass(frozen=True)
class Line:
    label: str
    values: Sequence[float | None]
    band: Sequence[tuple[float, float]] | None = None
    """Low and high at each point (drawn as a shaded area), e.g. a 95% interval."""


@dataclass(frozen=True)
class Chart:
    title: str
    x_labels: Sequence[str]
    lines: Sequence[Line]
    y_min: float
    y_max: float
    y_format: str = "{:g}"
    references: Sequence[tuple[float, str]] = field(default_factory=tuple)
    """Horizontal dashed lines with a label (thresholds)."""
    marks: Sequence[int] = field(default_factory=tuple)
    """Indexes into x_labels whose step from the point before is highlighted (a turning
    point moves the odds from the point before a turn to the point after it)."""
    legend: bool = True
    """Name the lines beside the plot; False where the page names them in its own type
    (the slides: large and never shortened)."""


W, H = 640, 260
LEGEND = 22
"""Characters of a legend entry that fit beside the plot."""
LEFT, RIGHT, TOP, BOTTOM = 52, 150, 28, 34


def line_chart(chart: Chart, chart_id: str) -> str:
    """The chart as an `<svg>` element (role="img", titled for screen readers)."""
    n = max(len(chart.x_labels), 1)
    lo, hi = chart.y_min, chart.y_max
    if hi <= lo:
        hi = lo + 1
    plot_w = W - LEFT - (RIGHT if chart.legend else 16)
    plot_h = H - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(value: float) -> float:
        clamped = min(max(value, lo), hi)
        return TOP + plot_h * (1 - (clamped - lo) / (hi - lo))

    parts = [
        (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" viewBox="0 0 {W} {H}" '
        f'width="{W}" height="{H}" role="img" aria-labelledby="{escape(chart_id)}-t">'),
        f'<title id="{escape(chart_id)}-t">{escape(chart.title)}</title>',
        f'<text x="{LEFT}" y="16" class="ct">{escape(chart.title)}</text>',
    ]
    # Axes and gridlines: five steps on y, every label on x (thinned when crowded).
    for k in range(5):
        tick = lo + (hi - lo) * k / 4
        yy = y(tick)
        parts.append(f'<line x1="{LEFT}" y1="{yy:.1f}" x2="{LEFT + plot_w}" y2="{yy:.1f}" class="grid"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{yy + 4:.1f}" class="yl">{escape(chart.y_format.format(tick))}</text>')
    step = max(1, round(n / 12))
    for i, label in enumerate(chart.x_labels):
        if i % step and i != n - 1:
            continue
        parts.append(f'<text x="{x(i):.1f}" y="{H - BOTTOM + 16}" class="xl">{escape(label)}</text>')
    for i in chart.marks:
        if 0 < i < n:
            parts.append(f'<rect x="{x(i - 1):.1f}" y="{TOP}" width="{x(i) - x(i - 1):.1f}" height="{plot_h}" class="mark"/>')
    for value, label in chart.references:
        if lo <= value <= hi:
            parts.append(f'<line x1="{LEFT}" y1="{y(value):.1f}" x2="{LEFT + plot_w}" y2="{y(value):.1f}" class="ref"/>')
            parts.append(f'<text x="{LEFT + 4}" y="{y(value) - 3:.1f}" class="rl">{escape(label)}</text>')
    # Legend names that do not fit are shortened by the rule that keeps what tells them
    # apart; the full name is the hover text (and the report's tables say it in full).
    legend = fit_labels([line.label for line in chart.lines], LEGEND)
    for k, line in enumerate(chart.lines):
        color = PALETTE[k % len(PALETTE)]
        if line.band:
            upper = [f"{x(i):.1f},{y(b[1]):.1f}" for i, b in enumerate(line.band)]
            lower = [f"{x(i):.1f},{y(b[0]):.1f}" for i, b in reversed(list(enumerate(line.band)))]
            parts.append(f'<polygon points="{" ".join(upper + lower)}" fill="{color}" class="band"/>')
        # Gaps (None) split the line into runs.
        run: list[str] = []
        runs: list[list[str]] = []
        for i, v in enumerate(line.values):
            if v is None:
                if run:
                    runs.append(run)
                run = []
                continue
            run.append(f"{x(i):.1f},{y(v):.1f}")
        if run:
            runs.append(run)
        for pts in runs:
            parts.append(f'<polyline points="{" ".join(pts)}" fill="none" stroke="{color}" class="series"/>')
            for p in pts:
                px, py = p.split(",")
                parts.append(f'<circle cx="{px}" cy="{py}" r="2.5" fill="{color}"/>')
        if not chart.legend:
            continue
        ly = TOP + 14 * k + 6
        parts.append(f'<rect x="{W - RIGHT + 10}" y="{ly - 8}" width="10" height="10" fill="{color}"/>')
        hover = f"<title>{escape(line.label)}</title>" if legend[k] != line.label else ""
        parts.append(f'<text x="{W - RIGHT + 24}" y="{ly + 1}" class="lg">{hover}{escape(legend[k])}</text>')
    parts.append("</svg>")
    return "\n".join(parts)

