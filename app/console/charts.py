"""Bar charts as server-rendered SVG: a picture for the eye, each bar titled with its number
for the pointer (the page lists the numbers beneath for everyone else)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT, BASELINE = 640, 180, 150


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    second: float | None = None  # a part of the value drawn over it (booked of calls)


def bars(title: str, data: Sequence[Bar], unit: str = "") -> Markup:
    """An SVG bar chart of ``data``; empty data draws an empty frame with its title."""
    top = max((b.value for b in data), default=0.0) or 1.0
    step = WIDTH / max(len(data), 1)
    width = max(step * 0.7, 1.0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="-24 0 {WIDTH + 48} {HEIGHT + 20}" '
        f'role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
        f'<line x1="0" y1="{BASELINE}" x2="{WIDTH}" y2="{BASELINE}" class="axis"/>',
    ]
    for i, bar in enumerate(data):
        x = i * step + (step - width) / 2
        height = BASELINE * 0.92 * bar.value / top
        said = f"{bar.label}: {_number(bar.value)}{unit}"
        if bar.second is not None:
            said += f" ({_number(bar.second)} booked)"
        parts.append(
            f'<rect x="{x:.1f}" y="{BASELINE - height:.1f}" width="{width:.1f}" '
            f'height="{height:.1f}" class="bar"><title>{escape(said)}</title></rect>'
        )
        if bar.second is not None and bar.value:
            inner = BASELINE * 0.92 * bar.second / top
            parts.append(
                f'<rect x="{x:.1f}" y="{BASELINE - inner:.1f}" width="{width:.1f}" '
                f'height="{inner:.1f}" class="bar part"><title>{escape(said)}</title></rect>'
            )
        if len(data) <= 31 and (len(data) <= 12 or i % 3 == 0):
            parts.append(
                f'<text x="{x + width / 2:.1f}" y="{BASELINE + 16}" class="label">'
                f"{escape(bar.label)}</text>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every label and title is escaped above)


def _number(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"
