"""Charts as server-rendered SVG: no JavaScript, print as crisp vectors, scale to a phone's width
(viewBox + width 100%). Each chart sits next to a table holding the same numbers."""
from __future__ import annotations

import textwrap

from markupsafe import Markup, escape

COLOURS = {"completed": "#0b6e4f", "declined": "#b42318", "at_agency": "#e0a526", "before_agency": "#8aa1b8",
           "bar": "#2f6fad"}
LABEL_CHARS = 62  # a line of 12-point text across the 480-unit chart


def _nice_step(value: int, ticks: int = 4) -> int:
    """The smallest 1/2/5×10^k step such that `ticks` steps reach `value` (whole numbers only)."""
    raw = max(1, -(-value // ticks))
    magnitude = 10 ** (len(str(raw)) - 1)
    for step in (1, 2, 5, 10):
        if step * magnitude >= raw:
            return step * magnitude
    return raw


def column_chart(points: list[tuple[str, int]], title: str, width: int = 480, height: int = 230,
                 links: list[str] | None = None) -> Markup:
    """Vertical bars (cases per month): label under each bar, value above it. Drawn 480 wide with 12-point
    text so that, scaled down to a phone's width, the text stays readable."""
    left, bottom, top = 48, 36, 18
    plot_w, plot_h = width - left - 4, height - bottom - top
    step = _nice_step(max((v for _, v in points), default=0))
    peak = step * 4
    slot = plot_w / max(1, len(points))
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for i in range(5):
        y = top + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 4}" y2="{y:.1f}" stroke="#d5dbe2"/>'
                     f'<text x="{left - 5}" y="{y + 4:.1f}" text-anchor="end" font-size="12" fill="#5b6775">'
                     + f"{step * i:,}".replace(",", ".") + "</text>")
    for i, (label, value) in enumerate(points):
        bar_h = plot_h * value / peak if peak else 0
        x = left + i * slot + slot * 0.15
        y = top + plot_h - bar_h
        bar = (f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{bar_h:.1f}" '
               f'fill="{COLOURS["bar"]}"><title>{escape(label)}: {value}</title></rect>')
        if links and value:
            bar = f'<a href="{escape(links[i])}" class="bar-link">{bar}</a>'
        parts.append(bar)
        if value:
            parts.append(f'<text x="{x + slot * 0.35:.1f}" y="{y - 3:.1f}" text-anchor="middle" font-size="11" '
                         f'fill="#1d2733">{_short(value)}</text>')
        month, _, year = label.partition(" ")
        parts.append(f'<text x="{x + slot * 0.35:.1f}" y="{height - bottom + 15}" text-anchor="middle" '
                     f'font-size="12" fill="#1d2733">{escape(month)}'
                     f'<tspan x="{x + slot * 0.35:.1f}" dy="14" fill="#5b6775">{escape(year)}</tspan></text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _short(value: int) -> str:
    """A bar's value in few characters: 12.345 → 12,3rb (ribu)."""
    if value >= 10_000:
        return f"{value / 1000:.0f}rb"
    return f"{value:,}".replace(",", ".")


def stacked_bars(rows: list[tuple[str, dict[str, int]]], keys: list[tuple[str, str]], title: str,
                 width: int = 480) -> Markup:
    """Horizontal stacked bars (outcomes per agency): one bar per row, shares of its total, with a legend.
    Each agency's name stands whole on the line above its bar (wrapped between words if it is long), so
    "Dinas Kependudukan dan Pencatatan Sipil" is never cut off."""
    bar_h, gap, legend_h, line_h = 16, 12, 46, 15
    plot_w = width - 50
    labelled = [(textwrap.wrap(label, LABEL_CHARS) or [""], cells) for label, cells in rows]
    height = legend_h + sum(len(lines) * line_h + bar_h + gap for lines, _cells in labelled) + 4
    parts = [f'<svg class="chart" viewBox="0 0 {width} {max(height, 60)}" role="img" aria-label="{escape(title)}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for i, (key, name) in enumerate(keys):  # the legend in two columns, two rows
        x, y = (i % 2) * 200, 4 + (i // 2) * 18
        parts.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{COLOURS[key]}"/>'
                     f'<text x="{x + 17}" y="{y + 11}" font-size="12" fill="#1d2733">{escape(name)}</text>')
    peak = max((sum(cells.values()) for _, cells in rows), default=0) or 1
    y = legend_h
    for (label, _cells), (lines, cells) in zip(rows, labelled):
        for line in lines:
            y += line_h
            parts.append(f'<text x="0" y="{y - 3}" font-size="12" fill="#1d2733">{escape(line)}</text>')
        cursor = 0.0
        for key, name in keys:
            value = cells.get(key, 0)
            if not value:
                continue
            w = plot_w * value / peak
            parts.append(f'<rect x="{cursor:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{COLOURS[key]}">'
                         f'<title>{escape(label)} · {escape(name)}: {value}</title></rect>')
            cursor += w
        parts.append(f'<text x="{cursor + 4:.1f}" y="{y + 12}" font-size="12" fill="#1d2733">'
                     f'{_short(sum(cells.values()))}</text>')
        y += bar_h + gap
    parts.append("</svg>")
    return Markup("".join(parts))
