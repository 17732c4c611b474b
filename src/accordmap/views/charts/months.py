"""Events by month -> the compliance report's bar chart (SVG, drawn here, no script).

One bar per month: the events in the zone as computed (solid, dark), with the range over the zone's
variants as a black whisker with caps (the fewest to the most in any variant), so both read in
grayscale and print. The signing, the deadlines and ``as_of`` are labelled vertical lines; each bar
carries its number when the chart has at most :data:`MAX_LABELLED_MONTHS` months.
"""

from __future__ import annotations

import datetime as dt
import math
import pandas as pd
from markupsafe import Markup
from accordmap.models import dates
from accordmap.analysis.figures import CountFigure

__all__ = ["month_chart_svg", "chart_marks", "count_text", "month_label", "Mark"]

INSIDE_FILL = "#595959"  # solid, mid-dark: events in the zone as computed (the black whisker shows on it)
RANGE_STROKE = "#000000"  # the whisker: the fewest to the most events in any variant of the zone
DEADLINE_STROKE = "#000000"
MAX_LABELLED_MONTHS = 24  # more bars than this: the numbers are in the table only

Mark = tuple[dt.date, str, str]  # (day, label, kind: "signing", "deadline" or "as-of")


def count_text(central: int, low: int, high: int) -> str:
    """'860 (710–880)': a count as computed, then the range over the zone's variants, rounded to what the range
    supports (:class:`accordmap.analysis.figures.CountFigure`); '5' when the range is one number."""
    return CountFigure(int(central), int(low), int(high)).short()


def month_label(month: pd.Period, long: bool = False) -> str:
    return f"{month.start_time:%B %Y}" if long else f"{month.start_time:%b %Y}"


def chart_marks(agreement, as_of: dt.date | None = None) -> list[Mark]:
    """The lines a chart of the agreement's period marks: its signing, each provision's deadline and
    ``as_of`` (None: not marked)."""
    marks = [(agreement.date_signed, f"Signed {dates.day_label(agreement.date_signed)}", "signing")]
    for provision in agreement.provisions:
        if provision.deadline is not None:
            marks.append((provision.deadline, f"Deadline, point {provision.number}: "
                                              f"{dates.day_label(provision.deadline)}", "deadline"))
    if as_of is not None:
        marks.append((as_of, f"as of {dates.day_label(as_of)}", "as-of"))
    return marks


def month_chart_svg(data: pd.DataFrame, zone: str, marks: list[Mark], variants: int, width: int = 960) -> Markup:
    """Bars per month of one zone: events in the zone as computed (solid), the range over its ``variants``
    (a whisker, drawn when the range is more than one number); ``marks`` (the signing, the deadlines,
    ``as_of``) as labelled lines; numbers on the bars.

    ``data`` has one row per month of the zone (``month`` a monthly ``pd.Period``, ``events``,
    ``events_low``, ``events_high``), as :meth:`accordmap.analysis.compliance.Compliance.by_month` gives it."""
    data = data.reset_index(drop=True)
    months = list(data["month"])
    first, last = months[0].start_time.date(), (months[-1] + 1).start_time.date()
    span = (last - first).days
    left, right, plot_h = 56, 16, 220
    scale_max = max(1, int(data["events_high"].max()))
    step = 10 ** max(0, int(math.log10(scale_max)))
    ticks_top = math.ceil(scale_max / step) * step
    if ticks_top / step < 3:
        step /= 2 if ticks_top / step >= 1.5 else 5
        ticks_top = math.ceil(scale_max / step) * step

    def x(day: dt.date) -> float:
        return round(left + (width - left - right) * (day - first).days / span, 1)

    marks = sorted((m for m in marks if first <= m[0] < last), key=lambda m: m[0])
    rows_end: list[float] = []
    placed = []
    for day, label, kind in marks:
        label_w = 6.2 * len(label)
        start = x(day) + 3
        row = next((i for i, end in enumerate(rows_end) if start > end + 6), len(rows_end))
        if row == len(rows_end):
            rows_end.append(0.0)
        rows_end[row] = start + label_w
        placed.append((day, label, kind, row))
    top = 30 + 14 * len(rows_end) + 10  # the legend, then one row per overlapping label, then the plot
    axis_y = top + plot_h

    def y(value: float) -> float:
        return round(top + plot_h - plot_h * value / ticks_top, 1)

    height = axis_y + 64

    labelled = len(months) <= MAX_LABELLED_MONTHS
    peak = data.loc[data["events"].idxmax()]
    ranged = variants > 1 and bool((data["events_high"] > data["events_low"]).any())
    whiskers = (f" A black whisker on each bar spans the fewest to the most events in any of the zone's {variants} "
                "variants." if ranged else "")
    desc = (f"Bar chart of {len(months)} months, {month_label(months[0])} to {month_label(months[-1])}. "
            f"Bars: events in the zone as computed.{whiskers} In all, {int(data['events'].sum()):,} events; the most "
            f"in {month_label(peak['month'], long=True)} "
            f"({count_text(peak['events'], peak['events_low'], peak['events_high'])}). "
            "Vertical lines mark the signing and the deadlines. The table below lists every month.")
    parts = [Markup(
        '<svg class="compliance-chart" viewBox="0 0 {w} {h}" width="100%" role="img" '
        'aria-labelledby="cm-title cm-desc" font-family="system-ui, sans-serif" font-size="11">'
        '<title id="cm-title">Events by month in the {zone}</title><desc id="cm-desc">{desc}</desc>'
        '<rect x="0" y="0" width="{w}" height="{h}" fill="#ffffff"/>'
    ).format(w=width, h=height, zone=zone, desc=desc)]
    # legend, top left
    legend = Markup('<rect x="{0}" y="6" width="14" height="10" fill="{1}" class="inside"/>'
                    '<text x="{2}" y="15">events in the zone as computed</text>').format(left, INSIDE_FILL, left + 18)
    if ranged:
        legend += Markup('<path class="range" d="M{0},5 h8 M{1},5 v12 M{0},17 h8" stroke="{2}" stroke-width="1.5" '
                         'fill="none"/><text x="{3}" y="15">range: fewest to most in any of its {4} variants</text>'
                         ).format(left + 216, left + 220, RANGE_STROKE, left + 232, variants)
    parts.append(Markup('<g class="legend">{}</g>').format(legend))
    # value axis and grid
    value = 0.0
    while value <= ticks_top + 1e-9:
        parts.append(Markup('<line x1="{0}" x2="{1}" y1="{2}" y2="{2}" stroke="#d0d0d0" stroke-width="0.6"/>'
                            '<text x="{3}" y="{4}" text-anchor="end" fill="#444">{5}</text>').format(
            left, width - right, y(value), left - 5, y(value) + 4, f"{value:,g}"))
        value += step
    parts.append(Markup('<text x="12" y="{0}" transform="rotate(-90 12 {0})" text-anchor="middle" fill="#444">'
                        "events</text>").format(top + plot_h / 2))
    # bars
    values: list[Markup] = []
    for item in data.itertuples():
        x0, x1 = x(item.month.start_time.date()), x((item.month + 1).start_time.date())
        bar_x, bar_w = x0 + (x1 - x0) * 0.14, (x1 - x0) * 0.72
        central, low, high = int(item.events), int(item.events_low), int(item.events_high)
        text = count_text(central, low, high)
        label = f"{month_label(item.month)}: {text} events"
        parts.append(Markup('<g class="bar"><title>{}</title>').format(label))
        if central:
            parts.append(Markup('<rect class="inside" x="{}" y="{}" width="{}" height="{}" fill="{}"/>').format(
                round(bar_x, 1), y(central), round(bar_w, 1), round(y(0) - y(central), 1), INSIDE_FILL))
        if high > low:
            middle, cap = round(bar_x + bar_w / 2, 1), round(min(bar_w / 2, 5.0), 1)
            parts.append(Markup('<path class="range" d="M{0},{1} h{2} M{3},{1} V{4} M{0},{4} h{2}" stroke="{5}" '
                                'stroke-width="1.5" fill="none"/>').format(
                round(middle - cap, 1), y(high), round(2 * cap, 1), middle, y(low), RANGE_STROKE))
        if labelled:  # drawn last, over the lines, with a white halo
            values.append(Markup('<text class="value" x="{}" y="{}" text-anchor="middle" fill="#000" '
                                'stroke="#fff" stroke-width="3" paint-order="stroke">{}</text>').format(
                round(bar_x + bar_w / 2, 1), y(max(high, central)) - 4, text))
        parts.append(Markup("</g>"))
        # month labels: every month when they fit, the year under January and the first month
        if labelled or item.month.month in (1, 4, 7, 10):
            parts.append(Markup('<text x="{}" y="{}" text-anchor="middle" fill="#222">{}</text>').format(
                round((x0 + x1) / 2, 1), axis_y + 14, f"{item.month.start_time:%b}"))
        if item.Index == 0 or item.month.month == 1:
            parts.append(Markup('<text x="{}" y="{}" text-anchor="middle" fill="#222" font-weight="600">{}</text>')
                         .format(round((x0 + x1) / 2, 1), axis_y + 28, item.month.year))
    parts.append(Markup('<line x1="{0}" x2="{1}" y1="{2}" y2="{2}" stroke="#000"/>').format(left, width - right, axis_y))
    # the signing, deadlines and as_of: lines through the plot, labels above it (no hovering needed)
    dashes = {"signing": "", "deadline": "5 3", "as-of": "2 2"}
    for day, label, kind, row in placed:
        label_y = 34 + 14 * row
        dash = Markup(' stroke-dasharray="{}"').format(dashes[kind]) if dashes[kind] else Markup("")
        parts.append(Markup('<line class="{0}" x1="{1}" x2="{1}" y1="{2}" y2="{3}" stroke="{4}" stroke-width="1.5"{5}/>'
                            '<text class="{0}-label" x="{6}" y="{7}" fill="#000" font-weight="600" stroke="#fff" '
                            'stroke-width="3" paint-order="stroke">{8}</text>').format(
            kind, x(day), label_y - 10, axis_y, DEADLINE_STROKE, dash, x(day) + 3, label_y, label))
    parts += values
    if not labelled:
        parts.append(Markup('<text x="{}" y="{}" fill="#444">Numbers for each month: see the table below.</text>')
                     .format(left, height - 8))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)

