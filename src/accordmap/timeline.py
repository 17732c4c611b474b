"""Validated models -> the report's timeline: a chart (inline SVG) and a table, from one frame.

Items are the dated events of ``data/events.yaml`` plus the deadlines of the agreement's
provisions (a deadline already recorded as an event of the agreement on that date is merged
into it). ``as_of`` cuts the story at a date: later events are left out and deadlines are
marked passed or upcoming (dates compared by :mod:`accordmap.status`).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from markupsafe import Markup

from accordmap import models, status
from accordmap.load import Dataset
from accordmap.markup import cite, isolate, table

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
    own_deadline_events: dict[dt.date, int] = {}
    for event in dataset.events:
        start = models.partial_date_start(event.date)
        mine = agreement.id in event.agreements
        if short and not window[0] <= start <= window[1]:
            continue
        if not status.known_on(start, as_of):
            continue
        if mine and event.kind == "deadline" and event.date.count("-") == 2:
            own_deadline_events[start] = len(rows)
        rows.append({
            "date": event.date, "start": start, "kind": event.kind, "title": event.title,
            "this_agreement": mine, "provisions": [], "sources": list(event.sources),
            "discrepancies": [(d.note, list(d.sources)) for d in event.discrepancies], "id": event.id,
        })
    for provision in agreement.provisions:
        if provision.deadline is None:
            continue
        if provision.deadline in own_deadline_events:
            rows[own_deadline_events[provision.deadline]]["provisions"].append(provision.number)
            continue
        upcoming = status.deadline_state(provision.deadline, as_of) == "upcoming"
        rows.append({
            "date": provision.deadline.isoformat(), "start": provision.deadline, "kind": "deadline",
            "title": f"Deadline (point {provision.number}): {provision.text}" + (" [upcoming]" if upcoming else ""),
            "this_agreement": True, "provisions": [provision.number], "sources": list(provision.sources),
            "discrepancies": [], "id": f"{agreement.id}-{provision.id}-deadline",
        })
    frame = pd.DataFrame(rows, columns=["date", "start", "kind", "title", "this_agreement", "provisions",
                                        "sources", "discrepancies", "id"])
    return frame.sort_values("start", kind="stable").reset_index(drop=True)


def timeline_table_html(dataset: Dataset, frame: pd.DataFrame, caption: str) -> Markup:
    rows = []
    for item in frame.itertuples():
        # the title is from data (or a deadline's "Deadline (point n): <text>"): one isolated unit
        text = Markup("{} {}").format(isolate(item.title), cite(dataset, item.sources))
        if item.provisions:
            text += Markup(' <span class="muted">(point {})</span>').format(", ".join(map(str, item.provisions)))
        for note, sources in item.discrepancies:
            text += Markup('<div class="discrepancy">Sources differ: {} {}</div>').format(isolate(note), cite(dataset, sources))
        rows.append([Markup('<time datetime="{}">{}</time>').format(item.date, models.partial_date_label(item.date)),
                     item.kind, text])
    return table(["Date", "Kind", "What happened (paraphrase) and sources"], rows, "timeline", caption=caption,
                 row_header=True)


def timeline_chart_svg(frame: pd.DataFrame, agreement: models.Agreement, as_of: dt.date | None = None,
                       width: int = 960) -> Markup:
    """A lane per kind of item, a dot per item (hover for its title), the signing and deadlines labelled."""
    if frame.empty:
        return Markup("<p>No dated items.</p>")
    left, right, top, lane_h = 110, 20, 34, 26
    lanes = [k for k in LANES if k in set(frame["kind"])]
    deadlines = frame[(frame["kind"] == "deadline") & frame["this_agreement"]]
    first = min(frame["start"].min(), agreement.date_signed)
    last = max(frame["start"].max(), agreement.date_signed)
    first = dt.date(first.year, 1, 1)
    last = dt.date(last.year + 1, 1, 1)
    span = (last - first).days or 1

    def x(day: dt.date) -> float:
        return round(left + (width - left - right) * (day - first).days / span, 1)

    # deadline labels under the axis: each goes in the first row where it does not overlap
    label_width, rows_end, label_rows = 80, [], []
    for item in deadlines.itertuples():
        row = next((i for i, end in enumerate(rows_end) if x(item.start) - label_width / 2 > end), len(rows_end))
        if row == len(rows_end):
            rows_end.append(0)
        rows_end[row] = x(item.start) + label_width / 2
        label_rows.append(row)
    axis_y = top + lane_h * len(lanes)
    height = axis_y + 22 + 14 * len(rows_end) + 6
    parts = [Markup('<svg class="timeline-chart" viewBox="0 0 {} {}" width="100%" role="img" aria-labelledby="tl-title">'
                    '<title id="tl-title">Timeline chart of {} items from {} to {}; the table below lists them all</title>')
             .format(width, height, len(frame), first.year, last.year - 1)]
    for index, lane in enumerate(lanes):
        y = top + lane_h * index + lane_h / 2
        parts.append(Markup('<text x="{}" y="{}" class="lane">{}</text><line x1="{}" x2="{}" y1="{}" y2="{}" class="lane-line"/>')
                     .format(left - 8, y + 4, lane, left, width - right, y, y))
    for year in range(first.year, last.year + 1):
        xx = x(dt.date(year, 1, 1))
        parts.append(Markup('<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" class="year-line"/><text x="{0}" y="{3}" class="year">{4}</text>')
                     .format(xx, top - 6, axis_y, axis_y + 14, year))
    marks = [(agreement.date_signed, f"Signed {models.day_label(agreement.date_signed)}", "signing")]
    if as_of:
        marks.append((as_of, f"as of {models.day_label(as_of)}", "as-of"))
    for day, label, css in marks:
        parts.append(Markup('<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" class="{3}"/><text x="{4}" y="{5}" class="{3}-label">{6}</text>')
                     .format(x(day), top - 4, axis_y, css, x(day) + 3, 12 if css == "signing" else 24, label))
    # the agreement's deadlines, labelled under the axis (alternating rows so close dates stay legible)
    deadline_y = top + lane_h * lanes.index("deadline") + lane_h / 2 if "deadline" in lanes else 0
    for row, item in zip(label_rows, deadlines.itertuples()):
        label_y = axis_y + 32 + 14 * row
        parts.append(Markup('<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" class="deadline-tick"/>'
                            '<text x="{0}" y="{3}" class="deadline-label">{4}</text>')
                     .format(x(item.start), deadline_y + 6, label_y - 10, label_y, models.day_label(item.start)))
    for item in frame.itertuples():
        fill, stroke = LANE_STYLE.get(item.kind, ("#999", "#333"))
        y = top + lane_h * lanes.index(item.kind) + lane_h / 2
        radius = 6 if item.this_agreement else 4
        parts.append(Markup('<circle cx="{}" cy="{}" r="{}" fill="{}" stroke="{}" stroke-width="1.5"><title>{}: {}</title></circle>')
                     .format(x(item.start), y, radius, fill, stroke, models.partial_date_label(item.date), item.title))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)
