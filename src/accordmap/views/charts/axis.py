"""The time axis both charts draw: ticks from days to decades, legible at the chart's width.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from markupsafe import Markup
from accordmap.models.dates import Moment, day_label


# --- a time axis ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tick:
    day: dt.date
    label: str


@dataclass(frozen=True)
class Axis:
    first: dt.date  # the axis runs from the start of ``first`` to the start of ``last``
    last: dt.date
    ticks: tuple[Tick, ...]
    step: str  # e.g. '1 day', '7 days', '1 month', '10 years'

    def position(self, day: dt.date, left: float, right: float) -> float:
        """x of a day (its start; a timed moment a little into it) between ``left`` and ``right``."""
        span = (self.last - self.first).days or 1
        offset = (day - self.first).days + (day.day_fraction() if isinstance(day, Moment) else 0.0)
        return round(left + (right - left) * offset / span, 1)

    def svg(self, x: Callable[[dt.date], float], line_top: float, line_bottom: float, label_y: float,
            font_size: float | None = None) -> Markup:
        """The ticks as SVG, the same on every chart: at each, a dashed line from ``line_top`` to
        ``line_bottom`` and its label centred at ``label_y`` (class ``tick``, ``tick year`` for years)."""
        css = Markup("tick year") if self.step.endswith(("year", "years")) else Markup("tick")
        size = Markup(' font-size="{}"').format(font_size) if font_size else Markup("")
        return Markup("").join(
            Markup('<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" class="year-line" stroke="{6}" stroke-dasharray="2 3"/>'
                   '<text x="{0}" y="{3}" class="{4}"{5} text-anchor="middle" fill="{7}">{8}</text>')
            .format(x(tick.day), line_top, line_bottom, label_y, css, size, TICK_LINE, TICK_TEXT, tick.label)
            for tick in self.ticks)


TICK_LINE, TICK_TEXT = "#999999", "#444444"  # the tick line, and its label (9.7:1 on white)
MAX_TICKS = 14  # more would be legible only on a wide chart, and a chart is read at a glance
CHAR_WIDTH = 0.62  # of the font size: a generous average width of a digit or letter
LABEL_GAP = 12  # pixels between two labels at least

# (kind, count): days, months or years between ticks; the first that fits is used
STEPS = [("day", 1), ("day", 2), ("day", 7), ("month", 1), ("month", 2), ("month", 3), ("month", 6), ("year", 1),
         ("year", 2), ("year", 5), ("year", 10), ("year", 20), ("year", 25), ("year", 50), ("year", 100)]


def label_width(text: str, font_size: float) -> float:
    """An upper estimate of a label's width in pixels."""
    return len(text) * font_size * CHAR_WIDTH


def _floor(day: dt.date, kind: str, count: int) -> dt.date:
    if kind == "year":
        return dt.date(day.year - day.year % count, 1, 1)
    if kind == "month":
        index = day.month - 1
        return dt.date(day.year, index - index % count + 1, 1)
    if count == 7:  # weeks start on Mondays
        return day - dt.timedelta(days=day.weekday())
    return day


def _next(day: dt.date, kind: str, count: int) -> dt.date:
    if kind == "year":
        return dt.date(day.year + count, 1, 1)
    if kind == "month":
        index = day.month - 1 + count
        return dt.date(day.year + index // 12, index % 12 + 1, 1)
    return day + dt.timedelta(days=count)


def _tick_label(day: dt.date, kind: str, previous: dt.date | None) -> str:
    if kind == "year":
        return str(day.year)
    if kind == "month":
        return f"{day:%b %Y}" if previous is None or previous.year != day.year else f"{day:%b}"
    if previous is None or previous.year != day.year:
        return day_label(day)
    return f"{day.day} {day:%b}"


def axis_ticks(first: dt.date, last: dt.date, width: float, font_size: float = 11) -> Axis:
    """An axis from ``first`` to ``last`` (both included) drawn ``width`` pixels wide: the finest step,
    from days to centuries, that gives at most :data:`MAX_TICKS` ticks whose labels all fit without
    overlapping. The axis starts and ends on a tick,
    so its first and last labels are shown (the last is the first tick after ``last``)."""
    first, last = min(first, last), max(first, last)
    for kind, count in STEPS:
        start_day = _floor(first, kind, count)
        days = [start_day]
        while days[-1] <= last:
            days.append(_next(days[-1], kind, count))
        if len(days) > MAX_TICKS:
            continue
        labels = [_tick_label(d, kind, days[i - 1] if i else None) for i, d in enumerate(days)]
        per_day = width / ((days[-1] - days[0]).days or 1)
        fits = all((b - a).days * per_day >= (label_width(la, font_size) + label_width(lb, font_size)) / 2 + LABEL_GAP
                   for a, b, la, lb in zip(days, days[1:], labels, labels[1:]))
        if fits:
            ticks = tuple(Tick(d, text) for d, text in zip(days, labels))
            return Axis(days[0], days[-1], ticks, f"{count} {kind}{'s' if count > 1 else ''}")
    start_day, end_day = dt.date(first.year, 1, 1), dt.date(last.year + 1, 1, 1)
    return Axis(start_day, end_day, (Tick(start_day, str(start_day.year)), Tick(end_day, str(end_day.year))),
                f"{end_day.year - start_day.year} years")


def span_phrase(first: dt.date, last: dt.date) -> str:
    """'on 17 May 2019', 'in May 2019', 'in 2019', 'from 2018 to 2020': the span of dated items, for a title."""
    first, last = min(first, last), max(first, last)
    if first == last:
        return f"on {day_label(first)}"
    if (first.year, first.month) == (last.year, last.month):
        return f"in {first:%B %Y}"
    if first.year == last.year:
        return f"in {first.year}"
    return f"from {first.year} to {last.year}"
