"""Server-rendered SVG bar charts: a picture with each bar's number in its ``<title>`` (shown
on hover) and the same numbers listed beneath by the template."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from markupsafe import Markup


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    note: str = ""  # the hover text; the value when empty


def bar_chart(bars: list[Bar], *, title: str, width: int = 360, height: int = 140) -> Markup:
    """A bar chart that scales to its container (``viewBox``), labelled for screen readers."""
    top = max((b.value for b in bars), default=0) or 1
    gap = 2
    step = width / max(len(bars), 1)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height + 16}" role="img"'
        f' aria-label="{escape(title)}" preserveAspectRatio="none">',
        f"<title>{escape(title)}</title>",
    ]
    for i, bar in enumerate(bars):
        h = round(bar.value / top * height, 1)
        x = round(i * step + gap / 2, 1)
        note = escape(bar.note or f"{bar.label}: {bar.value:g}")
        parts.append(
            f'<rect x="{x}" y="{height - h}" width="{max(step - gap, 1):.1f}" height="{h}">'
            f"<title>{note}</title></rect>"
        )
    if bars:
        parts.append(f'<text x="0" y="{height + 13}">{escape(bars[0].label)}</text>')
        parts.append(
            f'<text x="{width}" y="{height + 13}" text-anchor="end">{escape(bars[-1].label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every label and note above is escaped)
