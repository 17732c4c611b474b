"""Validated models -> the report's timeline: a chart (inline SVG) and a table, from one frame.

Items are the dated events of ``data/events.yaml`` that concern the agreement (its amendment chain's
and the context linked to it, see :mod:`accordmap.analysis.relevance`) plus the deadlines of the agreement's
provisions and the starts of those in force from a date of their own (a deadline or start already
recorded as an event of the agreement on that day is merged into it, which then shows its time of
day). ``as_of`` cuts the story at a date: later events are left out and deadlines are marked passed
or upcoming (dates compared by :mod:`accordmap.analysis.status`). An event known only to the month or year
is drawn as a bar over that month or year, with its dot in the middle; the axis ticks are chosen
for the span, from days to decades (:func:`accordmap.views.charts.axis.axis_ticks`).
"""

from __future__ import annotations

import datetime as dt
import pandas as pd
from markupsafe import Markup
from accordmap.analysis import relevance
from accordmap.analysis import status
from accordmap import models
from accordmap.dataset import Dataset
from accordmap.views.markup import cite, isolate, table
from accordmap.models import dates
from accordmap.views.charts import axis as time_axis


INK, DEADLINE_INK = "#1a1a1a", "#b00020"  # text and rules; the deadline red passes 4.5:1 on the chart's ground
LANES = ["context", "diplomatic", "agreement", "deadline", "implementation", "military"]
LANE_STYLE = {  # fill, stroke: lanes carry the meaning, so colour is a second cue only
    "context": ("#bdbdbd", "#616161"),
    "diplomatic": ("#90caf9", "#1565c0"),
    "agreement": ("#1565c0", "#0d47a1"),
    "deadline": ("#ffffff", "#b00020"),
    "implementation": ("#a5d6a7", "#2e7d32"),
    "military": ("#424242", "#000000"),
}


def timeline_frame(
    dataset: Dataset, agreement: models.Agreement, as_of: dt.date | None = None, short: bool = False
) -> pd.DataFrame:
    """One row per item, sorted by date.

    ``short`` (the brief): from 3 months before the signing to a month after the last deadline.
    """
    deadlines = [p.deadline for p in agreement.provisions if p.deadline]
    window = (agreement.date_signed - dt.timedelta(days=92),
              max(deadlines, default=agreement.date_signed + dt.timedelta(days=61)) + dt.timedelta(days=31))
    rows = []
    own_deadline_events: dict[dt.date, int] = {}  # day -> row of the agreement's own event of kind deadline
    for event in relevance.events(dataset, agreement, as_of):  # its chain's and its context's only
        start = dates.start(event.date)
        mine = agreement.id in event.agreements
        if short and not window[0] <= start <= window[1]:
            continue
        if not status.known_on(start, as_of):
            continue
        if mine and event.kind == "deadline" and dates.precision(event.date) == "day":
            own_deadline_events[start] = len(rows)
        rows.append({
            "date": event.date, "start": start, "end": dates.end(event.date), "precision": dates.precision(event.date),
            "label": dates.label(event.date), "kind": event.kind, "title": event.title,
            "this_agreement": mine, "provisions": [], "sources": list(event.sources),
            "discrepancies": [(d.note, list(d.sources)) for d in event.discrepancies], "id": event.id,
        })
    for provision in agreement.provisions:
        # the dates the agreement sets: a start of its own (in force from), a deadline (by when)
        starts = provision.starts if provision.starts and provision.starts > agreement.date_signed else None
        for moment, what in ((starts, "starts"), (provision.deadline, "deadline")):
            if moment is None:
                continue
            timed = {"date": moment.iso(), "start": moment, "precision": "time" if moment.time else "day",
                     "label": moment.label()}
            if moment in own_deadline_events:
                row = rows[own_deadline_events[moment]]
                row["provisions"].append(provision.number)
                if moment.time:  # the event gives the day; the provision, its time of day
                    row.update(timed)
                continue
            state = status.deadline_state(moment, as_of) if what == "deadline" else status.start_state(moment, as_of)
            heading = f"Deadline (point {provision.number})" if what == "deadline" else f"In force from (point {provision.number})"
            rows.append({
                **timed, "end": moment.day_only, "kind": "deadline",
                "title": f"{heading}: {provision.text}" + (" [upcoming]" if state == "upcoming" else ""),
                "this_agreement": True, "provisions": [provision.number], "sources": list(provision.sources),
                "discrepancies": [], "id": f"{agreement.id}-{provision.id}-{what}",
            })
    frame = pd.DataFrame(rows, columns=["date", "start", "end", "precision", "label", "kind", "title", "this_agreement",
                                        "provisions", "sources", "discrepancies", "id"])
    # by first day; a year, then a month, before the days inside it; a day before its times of day
    order = frame["precision"].map({"year": 0, "month": 1, "day": 2, "time": 3})
    return (frame.assign(_order=order).sort_values(["start", "_order"], kind="stable")
            .drop(columns="_order").reset_index(drop=True))


def timeline_table_html(dataset: Dataset, frame: pd.DataFrame, caption: str) -> Markup:
    rows = []
    for item in frame.itertuples():
        # the title is from data (or a deadline's "Deadline (point n): <text>"): one isolated unit
        text = Markup("{} {}").format(isolate(item.title), cite(dataset, item.sources))
        if item.provisions:
            text += Markup(' <span class="muted">(point {})</span>').format(", ".join(map(str, item.provisions)))
        for note, sources in item.discrepancies:
            text += Markup('<div class="discrepancy">Sources differ: {} {}</div>').format(isolate(note), cite(dataset, sources))
        rows.append([Markup('<time datetime="{}">{}</time>').format(item.date, item.label),
                     item.kind, text])
    return table(["Date", "Kind", "What happened (paraphrase) and sources"], rows, "timeline", caption=caption,
                 row_header=True)


def timeline_chart_svg(frame: pd.DataFrame, agreement: models.Agreement, as_of: dt.date | None = None,
                       width: int = 960) -> Markup:
    """A lane per kind of item, a dot per item (hover for its title; an item known only to the month or
    year is a bar over that span with its dot in the middle), the signing and deadlines labelled, and
    an axis whose ticks suit the span (days to decades)."""
    if frame.empty:
        return Markup("<p>No dated items.</p>")
    left, right, top, lane_h = 110, 20, 34, 26
    lanes = [k for k in LANES if k in set(frame["kind"])]
    deadlines = frame[(frame["kind"] == "deadline") & frame["this_agreement"]]
    first = min(min(frame["start"]), agreement.date_signed)
    last = max(max(frame["end"]), agreement.date_signed)
    axis = time_axis.axis_ticks(first, max(last, as_of or last), width - left - right)
    overhang = time_axis.label_width(axis.ticks[-1].label, 11) / 2 + 2  # the last label is centred on the axis's end
    if overhang > right:
        right = round(overhang)
        axis = time_axis.axis_ticks(first, max(last, as_of or last), width - left - right)

    def x(day: dt.date) -> float:
        return axis.position(day, left, width - right)

    # deadline labels under the axis: each goes in the first row where it does not overlap
    rows_end: list[float] = []
    label_rows, deadline_labels = [], []
    for item in deadlines.itertuples():
        text = dates.day_label(item.start) + (f", {item.start.time:%H:%M}" if getattr(item.start, "time", None) else "")
        half = time_axis.label_width(text, 11) / 2 + 3
        row = next((i for i, end in enumerate(rows_end) if x(item.start) - half > end), len(rows_end))
        if row == len(rows_end):
            rows_end.append(0)
        rows_end[row] = x(item.start) + half
        label_rows.append(row)
        deadline_labels.append(text)
    axis_y = top + lane_h * len(lanes)
    height = axis_y + 22 + 14 * len(rows_end) + 6
    # every line and label is drawn by its own attributes, not by page CSS: a notebook in JupyterLab
    # shows the chart as the report does (accordmap.views.styles)
    parts = [Markup('<svg class="timeline-chart" viewBox="0 0 {} {}" width="100%" role="img" aria-labelledby="tl-title" '
                    'font-family="system-ui, sans-serif" font-size="11">'
                    '<title id="tl-title">Timeline chart of {} items {}; the table below lists them all</title>'
                    '<rect x="0" y="0" width="{}" height="{}" fill="#fafafa"/>')
             .format(width, height, len(frame), time_axis.span_phrase(first, last), width, height)]
    for index, lane in enumerate(lanes):
        y = top + lane_h * index + lane_h / 2
        parts.append(Markup('<text x="{0}" y="{1}" class="lane" text-anchor="end" fill="{6}">{2}</text>'
                            '<line x1="{3}" x2="{4}" y1="{5}" y2="{5}" class="lane-line" stroke="#dddddd"/>')
                     .format(left - 8, y + 4, lane, left, width - right, y, INK))
    # ticks every day, week, month(s), year or 5, 10 ... years, as the span allows without overlap
    parts.append(axis.svg(x, top - 6, axis_y, axis_y + 14))
    marks = [(agreement.date_signed, f"Signed {dates.day_label(agreement.date_signed)}", "signing")]
    if as_of:
        marks.append((as_of, f"as of {dates.day_label(as_of)}", "as-of"))
    for day, label, css in marks:
        dash = Markup(' stroke-dasharray="5 3"') if css == "as-of" else Markup("")
        parts.append(Markup('<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" class="{3}" stroke="{7}" stroke-width="1.5"{8}/>'
                            '<text x="{4}" y="{5}" class="{3}-label" font-weight="600" fill="{7}">{6}</text>')
                     .format(x(day), top - 4, axis_y, css, x(day) + 3, 12 if css == "signing" else 24, label, INK, dash))
    # the agreement's deadlines, labelled under the axis (alternating rows so close dates stay legible)
    deadline_y = top + lane_h * lanes.index("deadline") + lane_h / 2 if "deadline" in lanes else 0
    for row, text, item in zip(label_rows, deadline_labels, deadlines.itertuples()):
        label_y = axis_y + 32 + 14 * row
        parts.append(Markup('<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" class="deadline-tick" stroke="{5}" stroke-dasharray="1 2"/>'
                            '<text x="{0}" y="{3}" class="deadline-label" text-anchor="middle" fill="{5}" font-weight="600">{4}</text>')
                     .format(x(item.start), deadline_y + 6, label_y - 10, label_y, text, DEADLINE_INK))
    for item in frame.itertuples():
        fill, stroke = LANE_STYLE.get(item.kind, ("#999", "#333"))
        y = top + lane_h * lanes.index(item.kind) + lane_h / 2
        radius = 6 if item.this_agreement else 4
        when = item.label + {"month": " (month only)", "year": " (year only)"}.get(item.precision, "")
        cx = x(item.start)
        if item.precision in ("month", "year"):  # known only to the month or year: a bar over it, the dot mid-way
            x0, x1 = x(item.start), x(item.end + dt.timedelta(days=1))
            cx = round((x0 + x1) / 2, 1)
            parts.append(Markup('<rect x="{}" y="{}" width="{}" height="8" rx="3" class="date-range date-range-{}" fill="{}" '
                                'fill-opacity="0.45" stroke="{}" stroke-width="1"><title>{}: {}</title></rect>')
                         .format(x0, y - 4, round(max(x1 - x0, 1.0), 1), item.precision, fill, stroke, when, item.title))
        parts.append(Markup('<circle cx="{}" cy="{}" r="{}" fill="{}" stroke="{}" stroke-width="1.5"><title>{}: {}</title></circle>')
                     .format(cx, y, radius, fill, stroke, when, item.title))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)
