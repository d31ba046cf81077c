"""Charts as server-rendered SVG: no JavaScript, print as crisp vectors, scale to a phone's width
(viewBox + width 100%). Each chart sits next to a table holding the same numbers."""
from __future__ import annotations

from markupsafe import Markup, escape

COLOURS = {"completed": "#0b6e4f", "declined": "#b42318", "at_agency": "#e0a526", "before_agency": "#8aa1b8",
           "bar": "#2f6fad"}


def _nice_max(value: int) -> int:
    if value <= 5:
        return 5
    magnitude = 10 ** (len(str(value)) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = int(step * magnitude)
        if top >= value:
            return top
    return value


def column_chart(points: list[tuple[str, int]], title: str, width: int = 640, height: int = 240) -> Markup:
    """Vertical bars (cases per month): label under each bar, value above it."""
    left, bottom, top = 44, 34, 16
    plot_w, plot_h = width - left - 8, height - bottom - top
    peak = _nice_max(max((v for _, v in points), default=0))
    slot = plot_w / max(1, len(points))
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for i in range(5):
        value = peak * i / 4
        y = top + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 8}" y2="{y:.1f}" stroke="#d5dbe2"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="#5b6775">'
                     f'{int(value):,}</text>'.replace(",", "."))
    for i, (label, value) in enumerate(points):
        bar_h = plot_h * value / peak if peak else 0
        x = left + i * slot + slot * 0.15
        y = top + plot_h - bar_h
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{bar_h:.1f}" '
                     f'fill="{COLOURS["bar"]}"><title>{escape(label)}: {value}</title></rect>')
        parts.append(f'<text x="{x + slot * 0.35:.1f}" y="{y - 3:.1f}" text-anchor="middle" font-size="10" '
                     f'fill="#1d2733">{value}</text>')
        parts.append(f'<text x="{x + slot * 0.35:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
                     f'font-size="10" fill="#1d2733">{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def stacked_bars(rows: list[tuple[str, dict[str, int]]], keys: list[tuple[str, str]], title: str,
                 width: int = 640) -> Markup:
    """Horizontal stacked bars (outcomes per agency): one bar per row, shares of its total, with a legend."""
    label_w, bar_h, gap, legend_h = 190, 18, 10, 28
    height = legend_h + len(rows) * (bar_h + gap) + 4
    plot_w = width - label_w - 50
    parts = [f'<svg class="chart" viewBox="0 0 {width} {max(height, 60)}" role="img" aria-label="{escape(title)}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    x = 0
    for key, name in keys:
        parts.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{COLOURS[key]}"/>'
                     f'<text x="{x + 16}" y="14" font-size="11" fill="#1d2733">{escape(name)}</text>')
        x += 24 + 7 * len(str(name))
    peak = max((sum(cells.values()) for _, cells in rows), default=0) or 1
    for i, (label, cells) in enumerate(rows):
        y = legend_h + i * (bar_h + gap)
        short = label if len(label) <= 30 else label[:29] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end" font-size="11" fill="#1d2733">'
                     f'<title>{escape(label)}</title>{escape(short)}</text>')
        cursor = label_w
        for key, name in keys:
            value = cells.get(key, 0)
            if not value:
                continue
            w = plot_w * value / peak
            parts.append(f'<rect x="{cursor:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{COLOURS[key]}">'
                         f'<title>{escape(label)} · {escape(name)}: {value}</title></rect>')
            cursor += w
        parts.append(f'<text x="{cursor + 4:.1f}" y="{y + 13}" font-size="11" fill="#1d2733">'
                     f'{sum(cells.values())}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
