"""Simple bar charts as inline SVG: no script, no framework, readable without the console's CSS.

Rendered server-side into the statistics page; each bar has a <title> with its exact value.
"""

from __future__ import annotations

from html import escape

WIDTH, HEIGHT, PAD = 720, 180, 24


def bars(points: list[tuple[str, int]], colour: str = "#2b6cb0") -> str:
    """An SVG bar chart of (label, value), one bar per point, labels under the first and last."""
    if not points:
        return '<p class="muted">Chưa có dữ liệu / no data yet</p>'
    top = max(value for _, value in points) or 1
    step = (WIDTH - 2 * PAD) / len(points)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT + PAD}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT + PAD}" role="img" class="chart">'
    ]
    for i, (label, value) in enumerate(points):
        height = (HEIGHT - PAD) * value / top
        x, y = PAD + i * step, HEIGHT - height
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(step - 2, 1):.1f}" height="{height:.1f}" '
            f'fill="{colour}"><title>{escape(label)}: {value}</title></rect>'
        )
    parts.append(f'<text x="{PAD}" y="{HEIGHT + 16}" font-size="11">{escape(points[0][0])}</text>')
    parts.append(
        f'<text x="{WIDTH - PAD}" y="{HEIGHT + 16}" font-size="11" text-anchor="end">'
        f"{escape(points[-1][0])}</text>"
    )
    parts.append(f'<text x="{PAD}" y="12" font-size="11">max {top}</text></svg>')
    return "".join(parts)
