"""Provision states (:mod:`accordmap.analysis.status`) -> the implementation chart: inline SVG, legend included.

One row per provision, labelled "Point <number> · <category label>" (the label of the provision_categories
vocabulary, data/vocabularies.yaml): a bar from the signing (or the provision's own later start, which may have a
time of day) to ``as_of`` (or, without one, to the last recorded change), in segments coloured by the status in force, extended by a dashed outline to a deadline
still to come; a marker at each status change; the deadline as a tick; the status in force written
at the row's end. Every status differs from every other in fill lightness *and* in pattern and
marker shape, so the chart reads in grayscale and in print, and the legend is part of the drawing.
Notes from the data appear only in hover titles, escaped; everything needed to read the chart is
written on it. The time axis has ticks suited to its span, from days to decades
(:func:`accordmap.views.charts.axis.axis_ticks`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from markupsafe import Markup
from accordmap.analysis import status
from accordmap import models
from accordmap.dataset import Dataset
from accordmap.views.charts import axis as time_axis
from accordmap.models import dates


@dataclass(frozen=True)
class StatusStyle:
    fill: str  # #rrggbb; lightness differs between statuses (see tests/unit/test_status.py)
    pattern: str  # overlay on the bar: none, dots, hatch, cross, rows, grid, bars
    shape: str  # marker at a change: circle, square, diamond, triangle-up, triangle-down, cross, bar
    ink: str  # colour of the pattern's lines, legible on the fill


STATUS_STYLE: dict[str, StatusStyle] = {
    "pending": StatusStyle("#ffffff", "none", "circle", "#000000"),
    "lapsed": StatusStyle("#e0e0e0", "dots", "bar", "#000000"),
    "partly-implemented": StatusStyle("#e9bf4f", "hatch", "diamond", "#000000"),
    "implemented": StatusStyle("#7bbd68", "grid", "square", "#000000"),
    "not-implemented": StatusStyle("#d2661f", "cross", "cross", "#ffffff"),
    "superseded": StatusStyle("#634690", "rows", "triangle-up", "#ffffff"),
    "violated": StatusStyle("#4a0b0b", "bars", "triangle-down", "#ffffff"),
}

_PATTERNS = {  # 6 x 6 tiles; drawn in the status's ink
    "dots": '<circle cx="3" cy="3" r="1.1" fill="{ink}"/>',
    "hatch": '<path d="M-1,7 L7,-1" stroke="{ink}" stroke-width="1.2"/>',
    "grid": '<path d="M0,0.5 H6 M0.5,0 V6" stroke="{ink}" stroke-width="0.8"/>',
    "cross": '<path d="M0,0 L6,6 M6,0 L0,6" stroke="{ink}" stroke-width="1"/>',
    "rows": '<path d="M0,3 H6" stroke="{ink}" stroke-width="1.4"/>',
    "bars": '<path d="M3,0 V6" stroke="{ink}" stroke-width="1.4"/>',
}


def _marker(shape: str, x: float, y: float, r: float) -> str:
    """SVG element (without fill) for a marker centred at x, y."""
    if shape == "circle":
        return f'<circle cx="{x}" cy="{y}" r="{r}"'
    if shape == "square":
        return f'<rect x="{x - r * 0.85:.1f}" y="{y - r * 0.85:.1f}" width="{r * 1.7:.1f}" height="{r * 1.7:.1f}"'
    if shape == "bar":
        return f'<rect x="{x - r:.1f}" y="{y - r * 0.45:.1f}" width="{r * 2:.1f}" height="{r * 0.9:.1f}"'
    points = {
        "diamond": [(0, -1.2), (1.2, 0), (0, 1.2), (-1.2, 0)],
        "triangle-up": [(0, -1.2), (1.1, 0.9), (-1.1, 0.9)],
        "triangle-down": [(0, 1.2), (1.1, -0.9), (-1.1, -0.9)],
        "cross": [(-1, -0.6), (-0.6, -1), (0, -0.4), (0.6, -1), (1, -0.6), (0.4, 0), (1, 0.6), (0.6, 1), (0, 0.4),
                  (-0.6, 1), (-1, 0.6), (-0.4, 0)],
    }[shape]
    return '<polygon points="{}"'.format(" ".join(f"{x + dx * r:.1f},{y + dy * r:.1f}" for dx, dy in points))


def _defs(prefix: str) -> Markup:
    tiles = "".join(
        f'<pattern id="{prefix}-{name}" patternUnits="userSpaceOnUse" width="6" height="6">'
        f'{_PATTERNS[style.pattern].format(ink=style.ink)}</pattern>'
        for name, style in STATUS_STYLE.items() if style.pattern != "none")
    return Markup(f"<defs>{tiles}</defs>")  # only constants from this module


def _swatch(prefix: str, name: str, x: float, y: float, w: float, h: float) -> Markup:
    """A bar segment of one status: its fill, then its pattern over it."""
    style = STATUS_STYLE[name]
    out = (f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0.5):.1f}" height="{h}" fill="{style.fill}" '
           f'stroke="#000000" stroke-width="0.6" class="seg seg-{name}"/>')
    if style.pattern != "none":
        out += f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0.5):.1f}" height="{h}" fill="url(#{prefix}-{name})"/>'
    return Markup(out)


def _mark(name: str, x: float, y: float, r: float, title: Markup | str) -> Markup:
    style = STATUS_STYLE[name]
    return Markup('{} fill="{}" stroke="#000000" stroke-width="1" class="mark mark-{}"><title>{}</title>{}').format(
        Markup(_marker(style.shape, x, y, r)), style.fill, name, title,
        Markup("</circle>" if style.shape == "circle" else "</rect>" if style.shape in ("square", "bar") else "</polygon>"))


def chart_end(dataset: Dataset, agreement: models.Agreement, as_of: dt.date | None) -> dt.date:
    """Where the bars end: ``as_of``, or the last recorded change (the signing if there is none)."""
    if as_of is not None:
        return as_of
    latest = status.latest_change(dataset, agreement)
    return max(agreement.date_signed, latest[0].date) if latest else agreement.date_signed


def implementation_chart_svg(dataset: Dataset, agreement: models.Agreement, as_of: dt.date | None = None,
                             compact: bool = False, width: int = 960) -> Markup:
    """The chart (see the module docstring); ``compact``: smaller rows for the brief."""
    states = status.states(dataset, agreement, as_of)
    prefix = "impl-c" if compact else "impl"
    row_h, bar_h, font = (18, 9, 10) if compact else (28, 12, 12)
    left, right, top = 190, 250, 34
    start = agreement.date_signed
    bar_end = chart_end(dataset, agreement, as_of)
    deadlines = [s.provision.deadline for s in states if s.provision.deadline]
    end = max([bar_end, *deadlines, start + dt.timedelta(days=30)])
    axis = time_axis.axis_ticks(start, end, width - left - right, font - 1)

    def x(day: dt.date) -> float:
        return axis.position(day, left, width - right)

    legend_top = top + row_h * len(states) + 16
    legend_rows = 2
    height = legend_top + legend_rows * 20 + 8
    when = f"on {dates.day_label(as_of)}" if as_of else "as last recorded"
    parts = [Markup('<svg class="implementation-chart{}" viewBox="0 0 {} {}" width="100%" role="img" '
                    'aria-labelledby="{}-title"><title id="{}-title">Implementation of the {} provisions of the {}, '
                    'status {}; the provisions table gives each status with its sources</title>')
             .format(" compact" if compact else "", width, height, prefix, prefix, len(states), agreement.short_title,
                     when),
             _defs(prefix)]
    # time axis: ticks every day, week, month(s), year or 5, 10 ... years, as the span allows without overlap
    parts.append(axis.svg(x, top - 8, top + row_h * len(states), top - 12, font - 1))
    if as_of is not None:
        parts.append(Markup('<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" class="as-of" stroke="#000000" stroke-width="1.5" '
                            'stroke-dasharray="5 3"/>'
                            '<text x="{3}" y="{4}" class="as-of-label" font-size="{5}" font-weight="600">as of {6}</text>')
                     .format(x(as_of), top - 4, top + row_h * len(states), x(as_of) + 3, top - 24, font - 1,
                             dates.day_label(as_of)))
    for row, state in enumerate(states):
        p = state.provision
        y = top + row * row_h
        mid = y + row_h / 2
        parts.append(Markup('<text x="{}" y="{}" class="row-label" font-size="{}" text-anchor="end">Point {} · {}</text>')
                     .format(left - 8, mid + font / 3, font, p.number,
                             dataset.vocabularies.label("provision_categories", p.category)))
        if not state.in_force:
            when = f" (from {p.starts.label()})" if state.starts == "upcoming" else ""
            parts.append(Markup('<text x="{}" y="{}" font-size="{}">not yet in force{}</text>')
                         .format(left + 4, mid + font / 3, font, when))
            continue
        # segments: pending from the signing, then each change until the next one (or the bar's end)
        begins = status.in_force_from(agreement, p)
        edges = [(begins, "pending"), *[(c.date, c.status) for c in state.history]]
        for (day, name), (next_day, _) in zip(edges, [*edges[1:], (bar_end, "")]):
            parts.append(_swatch(prefix, name, x(day), mid - bar_h / 2, x(max(next_day, day)) - x(day), bar_h))
        if p.deadline and p.deadline > bar_end:  # still to come: a dashed outline to the deadline
            parts.append(Markup('<rect x="{}" y="{}" width="{}" height="{}" class="upcoming" fill="none" '
                                'stroke="#000000" stroke-dasharray="3 2"/>')
                         .format(x(bar_end), mid - bar_h / 2, x(p.deadline) - x(bar_end), bar_h))
        if p.deadline:
            parts.append(Markup('<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" class="deadline-tick" stroke="#000000" '
                                'stroke-width="2"><title>Deadline {3}{4}</title></line>')
                         .format(x(p.deadline), mid - bar_h, mid + bar_h, p.deadline.label(),
                                 f" ({state.deadline})" if state.deadline else ""))
        if begins != agreement.date_signed:  # in force from a start of its own
            parts.append(Markup('<path d="M{0},{1} l5,{2} l-5,{2} z" class="start-mark" fill="#000000">'
                                '<title>In force from {3}</title></path>')
                         .format(x(begins), mid - bar_h / 2, bar_h / 2, begins.label()))
        for change in state.history:
            title = Markup("{}: {}{}").format(dates.day_label(change.date), status.STATUS_LABELS[change.status],
                                              Markup(" — {}").format(change.note) if change.note else "")
            parts.append(_mark(change.status, x(change.date), mid, bar_h * 0.62, title))
        label = status.STATUS_LABELS[state.status] + (f" since {dates.day_label(state.since)}" if state.current else "")
        parts.append(Markup('<text x="{}" y="{}" class="status-label" font-size="{}">{}</text>')
                     .format(width - right + 8, mid + font / 3, font, label))
    # the legend, drawn in the chart so it prints with it
    names = list(STATUS_STYLE)
    per_row = 4
    parts.append(Markup('<g class="legend">'))
    for index, name in enumerate(names):
        lx = left + (index % per_row) * 160
        ly = legend_top + (index // per_row) * 20
        parts.append(_swatch(prefix, name, lx, ly - 5, 26, 10))
        parts.append(_mark(name, lx + 13, ly, 6, status.STATUS_LABELS[name]))
        parts.append(Markup('<text x="{}" y="{}" font-size="{}" class="legend-label">{}</text>')
                     .format(lx + 32, ly + 4, font, status.STATUS_LABELS[name]))
    lx = left + (len(names) % per_row) * 160
    ly = legend_top + (len(names) // per_row) * 20
    parts.append(Markup('<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" stroke="#000000" stroke-width="2"/>'
                        '<text x="{3}" y="{4}" font-size="{5}" class="legend-label">deadline</text>')
                 .format(lx + 13, ly - 7, ly + 7, lx + 32, ly + 4, font))
    parts.append(Markup("</g></svg>"))
    return Markup("").join(parts)
