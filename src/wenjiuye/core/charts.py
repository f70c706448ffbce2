"""Small server-side SVG line charts: no JavaScript, nothing for the CSP to allow."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe


def line_chart(
    labels: Sequence[str],
    series: dict[str, Sequence[float | None]],
    *,
    width: int = 720,
    height: int = 220,
) -> SafeString:
    """An SVG chart of one or more series over ``labels``; ``None`` values break the line."""
    values = [v for s in series.values() for v in s if v is not None]
    if not labels or not values:
        return mark_safe("")
    pad_l, pad_r, pad_t, pad_b = 48, 12, 12, 28
    lo, hi = min(0.0, min(values)), max(values)
    hi = hi if hi > lo else lo + 1
    step = (width - pad_l - pad_r) / max(len(labels) - 1, 1)

    def x(i: int) -> float:
        return pad_l + i * step

    def y(v: float) -> float:
        return pad_t + (hi - v) / (hi - lo) * (height - pad_t - pad_b)

    colours = ["#b3261e", "#1f5fa8", "#2e7d32", "#8e6c00"]
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{pad_l}" y1="{y(lo):.1f}" x2="{width - pad_r}" y2="{y(lo):.1f}" stroke="#999"/>',
        f'<text x="4" y="{y(hi) + 4:.1f}" font-size="11">{hi:g}</text>',
        f'<text x="4" y="{y(lo):.1f}" font-size="11">{lo:g}</text>',
    ]
    for i, label in enumerate(labels):
        if i % max(len(labels) // 8, 1) == 0 or i == len(labels) - 1:
            parts.append(
                f'<text x="{x(i):.1f}" y="{height - 8}" font-size="11" text-anchor="middle">{escape(label)}</text>'
            )
    for n, (name, points) in enumerate(series.items()):
        colour = colours[n % len(colours)]
        runs: list[list[str]] = [[]]
        for i, v in enumerate(points):
            if v is None:
                runs.append([])
            else:
                runs[-1].append(f"{x(i):.1f},{y(v):.1f}")
        for run in runs:
            if run:
                parts.append(
                    f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{" ".join(run)}"/>'
                )
        parts.append(
            f'<text x="{pad_l + 8 + n * 140}" y="{pad_t + 10}" font-size="12" fill="{colour}">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (built from numbers and escaped labels)
