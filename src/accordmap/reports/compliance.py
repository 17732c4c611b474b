"""Compliance assessment -> the Compliance report's sections: caveat, tables, monthly chart, map, published counts.

"How much fighting happened inside the zone after the deadline?" Every figure here comes from
:class:`accordmap.analysis.compliance.Compliance` (nothing is counted again) and states its two rules: the
precision rule (only events placed to ``min_precision`` or better can be inside a zone) and the
range rule (each count is the one in the zone as computed, then the fewest and the most in any of its
variants, the boundaries it is drawn from moved within their own errors: docs/method.md).

:class:`ComplianceView` holds one assessment and renders each section as HTML built from escaped
parts (:mod:`accordmap.views.markup`); :func:`assessment` makes the assessment a report asks for.
A period the event set does not cover is said so plainly, and no empty chart or table is drawn.

Which event set: the ``events`` parameter names one; left at None, :func:`default_event_set` picks it from
the data folder: the first set of data/events/catalog.yaml whose ``region`` box overlaps the agreement's
zones, preferring one whose coverage includes the signing day (so a later set is not taken for an earlier
agreement). No set, or none over the zones: the report says "No event set".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
import folium
import pandas as pd
from markupsafe import Markup
from accordmap.views import escape
from accordmap.models import published
from accordmap.views import styles
from accordmap.views import wording
from accordmap import models
from accordmap.analysis import uncertainty
from accordmap.analysis.compliance import Compliance, zone_names
from accordmap.models.event_sets import EventSet
from accordmap.geometry import AgreementGeometry
from accordmap.dataset import Dataset
from accordmap.views.charts import months
from accordmap.views.charts.months import count_text, month_label
from accordmap.views.markup import cite, isolate, table
from accordmap.views.sources import event_set_credit, sources_section
from accordmap.views.maps import event_places
from accordmap.views.maps import agreement as maps
from accordmap.models import dates


#: What each location precision code means (the normalised scale of accordmap.load.events).
PRECISION = {1: "an exact place", 2: "within about 25 km of a known place", 3: "a district",
             4: "a province or region", 5: "a line or a wider region", 6: "the country", 7: "international waters"}

TOP_SIDES = 12  # actors listed per zone


def _extremes(low: int, high: int) -> str:
    """'2,903–4,400': the lowest estimates in the smallest variant to the highest in the largest."""
    return f"{int(low):,}" if low == high else f"{int(low):,}–{int(high):,}"


@dataclass
class ComplianceView:
    """One assessment of one agreement, rendered section by section."""

    dataset: Dataset
    agreement: models.Agreement
    geometry: AgreementGeometry
    compliance: Compliance | None  # None: the data folder has no event set
    event_set: EventSet | None

    # --- shared pieces ----------------------------------------------------------------------

    @property
    def covered(self) -> bool:
        return self.compliance is not None and self.compliance.coverage.covered

    def precision_rule(self) -> str:
        n = self.compliance.min_precision
        return (f"Precision rule: only events placed at {PRECISION[1]}" + (f" or {PRECISION[n]}" if n > 1 else "")
                + f" (location precision {n} or finer, min_precision={n}) can count as inside a zone; "
                "events placed only by a district's, a province's or the country's centre never do.")

    def range_rule(self) -> Markup:
        """How every count's range is made, naming the boundaries whose errors it comes from."""
        variants = self.compliance.outer_variants
        if variants <= 1:
            return Markup("Range rule: the layers the zones are drawn from state no error (the notice above names "
                          "any that are approximate), so each count is the one in the zone as computed, with no "
                          "range.")
        outer = self.geometry.outer_zone
        zone = uncertainty.zone_variants(self.dataset, self.geometry, outer)
        constrained = (Markup(" The localities recorded in {} keep, in every variant, the side they were recorded "
                              "on.").format(
            isolate(zone.constrained_by)) if zone.constrained_by else Markup(""))
        return Markup(
            "Range rule: each count is the one in the zone as computed, then, in brackets, the fewest and the most "
            "in any of its {} variants: the zone recomputed with the boundaries it is drawn from moved within their "
            "own errors ({}).{} Counts are rounded to what their range supports; the tables' CSV files hold them "
            "exactly. The range is what the stated errors allow, not a confidence interval.").format(
            variants, wording.error_sources(zone.sources, self.dataset.layers), constrained)

    def rules_short(self) -> str:
        """The two rules in one line, for captions: every figure states them."""
        c = self.compliance
        variants = self.compliance.outer_variants
        ranged = (f"the count in the zone as computed (in brackets: the fewest and most in any of its {variants} "
                  "variants)" if variants > 1 else "the count in the zone as computed (no error stated: no range)")
        return f"events placed to precision {c.min_precision} or finer (min_precision={c.min_precision}); {ranged}"

    def _no_events(self) -> Markup:
        if self.dataset.event_sets:  # sets, but none whose region box reaches the zones
            return Markup('<p class="not-covered"><strong>No event set.</strong> No conflict-event set of this data '
                          "folder (data/events/catalog.yaml) covers the region of the {}'s zones, so nothing can be "
                          "counted.</p>").format(isolate(self.agreement.short_title))
        return Markup('<p class="not-covered"><strong>No event set.</strong> This data folder has no conflict-event '
                      "set (data/events/catalog.yaml), so nothing can be counted.</p>")

    def _not_covered(self) -> Markup | None:
        """The plain 'not covered' line a section shows instead of an empty chart or table."""
        if self.compliance is None:
            return self._no_events()
        if not self.compliance.coverage.covered:
            status, _, sentence = self.compliance.coverage.message.partition(": ")
            return Markup('<p class="not-covered"><strong>{}.</strong> {}</p>').format(status, sentence)
        return None

    def _window_label(self) -> str:
        start, end = self.compliance.coverage.window
        return f"{dates.day_label(start)} to {dates.day_label(end)}"

    def _zone_label(self, name: str) -> Markup:
        """A zone's name from Compliance (label from data + computed depth), isolated."""
        zone = next((z for z, n in zip(self.geometry.zones, self._names()) if n == name), None)
        if zone is None:
            return isolate(name)
        return Markup("{}{}").format(isolate(zone.label), name.removeprefix(zone.label))

    def _names(self) -> list[str]:
        return zone_names(self.geometry)

    # --- the caveat at the top --------------------------------------------------------------

    def caveat(self) -> Markup:
        """What an event is, where coverage ends, the set's dates and credit, the rules, the headline."""
        if self.compliance is None:
            return Markup('<aside class="accuracy-notice compliance-caveat" role="note">{}</aside>').format(
                self._no_events())
        s, c = self.event_set, self.compliance
        status, _, sentence = c.coverage.message.partition(": ")  # 'Covered: ...', 'Not covered: ...'
        # not covered: said first and plainly; partly covered: added to the coverage paragraph
        first = Markup("")
        coverage = Markup(" {}").format(c.coverage.message) if c.coverage.status == "partly covered" else Markup("")
        if not c.coverage.covered:
            first = Markup('<p class="not-covered"><strong>{}.</strong> {}</p>').format(status, sentence)
            coverage = Markup("")
        headline = Markup("")
        if c.coverage.covered and self.geometry.outer_zone is not None:
            headline = Markup('<p class="headline"><strong>Headline.</strong> {}</p>').format(c.headline.text)
        return Markup(
            '<aside class="accuracy-notice compliance-caveat" role="note">{}'
            "<p><strong>Read this first: an event is not a violation.</strong> Each event counted here is a reported "
            "incident of organised violence, coded by {} from media and monitors' reports. It is not a verified "
            "violation of the {}: who broke what is not established by these counts, and an incident nobody "
            "reported is not in them.</p>"
            "<p><strong>Coverage ends where the data set ends.</strong> {} covers {} to {}: nothing after "
            "{} is counted, which does not mean nothing happened.{}</p>"
            "<p><strong>Rules behind every figure.</strong> {} {}</p>"
            '<p class="credit">Event data: {}.</p>{}</aside>'
        ).format(first, isolate(s.publisher), isolate(self.agreement.short_title), isolate(s.title),
                 dates.day_label(s.coverage_start), dates.day_label(s.coverage_end),
                 dates.day_label(s.coverage_end), coverage, self.precision_rule(), self.range_rule(),
                 isolate(s.credit), headline)

    # --- by period --------------------------------------------------------------------------

    def periods(self) -> Markup:
        """Before signing, signing to each deadline, after the last deadline: one table, every zone."""
        if self.compliance is None:
            return self._no_events()
        frame = self.compliance.by_period()
        numbers = {p.id: p.number for p in self.agreement.provisions}
        rows = []
        for row in frame.itertuples():
            period = Markup("{}<br><span class='muted'>{} to {}</span>").format(
                {"before signing": "Before signing", "after last deadline": "After the last deadline"}.get(
                    row.kind, "To the deadline of point " + ", ".join(str(numbers.get(p, p)) for p in row.deadlines.split(", "))),
                dates.day_label(row.start), dates.day_label(row.end))
            if not row.covered_days:
                rows.append([self._zone_label(row.zone), period, "0 of " + f"{row.days:,}", "not covered", "—", "—",
                             "—"])
                continue
            per_30 = count_text(round(row.per_30_days), round(row.low_per_30_days), round(row.high_per_30_days)) \
                if not math.isnan(row.per_30_days) else "—"
            days = f"{row.covered_days:,}" if row.covered_days == row.days else f"{row.covered_days:,} of {row.days:,}"
            rows.append([self._zone_label(row.zone), period, days,
                         count_text(row.events, row.events_low, row.events_high), per_30,
                         count_text(row.deaths_best, row.deaths_best_low, row.deaths_best_high),
                         _extremes(row.deaths_low, row.deaths_high)])
        caption = (f"Events and deaths in each zone by period ({self.rules_short()}). A deadline day counts in the "
                   "period it closes; days outside the event set's coverage are not counted.")
        out = table(["Zone", "Period", "Days in the data", "Events", "Events per 30 days", "Deaths (best estimates)",
                     "Deaths (lowest–highest estimates)"], rows, "compliance-periods", caption=caption)
        spans = int(frame["date_spans_boundary"].sum()) if len(frame) else 0
        if spans:
            out += Markup('<p class="muted">{} counted event{} may have happened after the end of {} period: {} '
                          "date range crosses it (events are dated by their first possible day).</p>").format(
                spans, "" if spans == 1 else "s", "its" if spans == 1 else "their", "its" if spans == 1 else "their")
        return out

    # --- by month: chart and table ------------------------------------------------------------

    def by_month(self) -> Markup:
        """The widest zone's events by month as a chart (deadlines marked), then every zone as a table."""
        missing = self._not_covered()
        if missing is not None:
            return missing
        frame = self.compliance.by_month()
        return Markup('<figure class="compliance-chart">{}<figcaption>{}</figcaption></figure>{}').format(
            self.month_chart_svg(frame),
            f"Events by month in the widest zone, {self._window_label()} ({self.rules_short()}). "
            "The table below gives every month and every zone.",
            self._month_table(frame))

    def month_chart_svg(self, frame: pd.DataFrame, width: int = 960) -> Markup:
        """The widest zone's events by month (:func:`accordmap.views.charts.months.month_chart_svg`), with the
        signing, the deadlines and, when the counts stop before the event data do, ``as_of``."""
        zone = self.compliance.headline.zone
        coverage = self.compliance.coverage
        as_of = coverage.end if coverage.end != coverage.data_end else None
        return months.month_chart_svg(frame[frame["zone"] == zone], zone, months.chart_marks(self.agreement, as_of),
                                      self.compliance.outer_variants, width)

    def _month_table(self, frame: pd.DataFrame) -> Markup:
        names = list(dict.fromkeys(frame["zone"]))
        wide = {name: frame[frame["zone"] == name].set_index("month") for name in names}
        rows = []
        for month in wide[names[0]].index:
            row: list[object] = [month_label(month, long=True)]
            for name in names:
                r = wide[name].loc[month]
                row += [count_text(r["events"], r["events_low"], r["events_high"]),
                        count_text(r["deaths_best"], r["deaths_best_low"], r["deaths_best_high"])]
            rows.append(row)
        columns: list[object] = ["Month"]
        for name in names:
            columns += [Markup("{}: events").format(self._zone_label(name)),
                        Markup("{}: deaths (best estimates)").format(self._zone_label(name))]
        return table(columns, rows, "compliance-months", row_header=True,
                     caption=f"Events and deaths by month, {self._window_label()} ({self.rules_short()})")

    # --- by type, by side, places -------------------------------------------------------------

    def _figure_cells(self, row) -> list[str]:
        return [count_text(row.events, row.events_low, row.events_high),
                count_text(row.deaths_best, row.deaths_best_low, row.deaths_best_high),
                _extremes(row.deaths_low, row.deaths_high)]

    FIGURE_HEADERS = ["Events", "Deaths (best estimates)", "Deaths (lowest–highest estimates)"]

    def by_type(self) -> Markup:
        missing = self._not_covered()
        if missing is not None:
            return missing
        frame = self.compliance.by_type()
        if frame.empty:
            return Markup("<p>No event inside or at the edge of any zone, {}.</p>").format(self._window_label())
        rows = [[self._zone_label(r.zone), str(r.type), *self._figure_cells(r)] for r in frame.itertuples()]
        return table(["Zone", "Type of violence", *self.FIGURE_HEADERS], rows, "compliance-types",
                     caption=f"By type of violence, {self._window_label()} ({self.rules_short()}). UCDP types: "
                             "state-based (a government is a side), non-state (organised groups, no government), "
                             "one-sided (against civilians).")

    def by_side(self) -> Markup:
        missing = self._not_covered()
        if missing is not None:
            return missing
        frame = self.compliance.by_side()
        if frame.empty:
            return Markup("<p>No event inside or at the edge of any zone, {}.</p>").format(self._window_label())
        frame = frame.groupby("zone", sort=False, observed=True).head(TOP_SIDES)
        role = {"side_a": "side A", "side_b": "side B"}
        rows = [[self._zone_label(r.zone), str(r.side), role.get(r.role, r.role), *self._figure_cells(r)]
                for r in frame.itertuples()]
        return table(["Zone", "Actor", "As", *self.FIGURE_HEADERS], rows, "compliance-sides",
                     caption=f"By side, the {TOP_SIDES} actors with most events per zone, {self._window_label()} "
                             f"({self.rules_short()}). An event counts once for each of its two sides, so the rows "
                             "add up to more than the events. Side A and side B are as the event set codes them, "
                             "not who attacked whom.")

    def places(self, n: int = 10) -> Markup:
        missing = self._not_covered()
        if missing is not None:
            return missing
        frame = self.compliance.top_places(n=n)
        if frame.empty:
            return Markup("<p>No event inside or at the edge of any zone, {}.</p>").format(self._window_label())
        rows = [[self._zone_label(r.zone), str(r.place), f"{r.lat:.3f} N, {r.lon:.3f} E", *self._figure_cells(r)]
                for r in frame.itertuples()]
        return table(["Zone", "Place (as the event set names it)", "Point", *self.FIGURE_HEADERS], rows,
                     "compliance-places",
                     caption=f"The {n} places with most events inside each zone, {self._window_label()} "
                             f"({self.rules_short()}). The point is where the event set places the events.")

    # --- the map --------------------------------------------------------------------------------

    def event_places(self) -> pd.DataFrame:
        """The widest zone's events grouped by place (one row per place and point), most first."""
        frame = self.compliance.top_places(n=10**9)
        return frame[frame["zone"] == self.compliance.headline.zone].reset_index(drop=True)

    def map_object(self, basemap: str | None = None) -> folium.Map:
        """The agreement's map with the events of the widest zone as circles, one per place."""
        m = maps.build_map(self.dataset, self.agreement, self.geometry, basemap=basemap)
        event_places.add_event_places(m, self.event_places(), title=f"Events by place, {self._window_label()}",
                              credit=self.event_set.credit, rules=self.rules_short())
        return m

    def map(self, height: int = 560) -> Markup:
        missing = self._not_covered()
        if missing is not None:
            return missing
        page = self.map_object().get_root().render()
        places = self.event_places()
        title = f"Map of the events in the {self.compliance.headline.zone}, by place"
        return styles.section("map", Markup(  # sized and styled inline, for JupyterLab too (accordmap.views.styles)
            '<figure class="map">{}'
            '<p class="print-only" hidden>The interactive map is not printed; the table of places above lists where most '
            "events were.</p><figcaption>{}</figcaption>"
            '<p class="muted">Circles are places, sized by the number of events there ({} places; {}). A dark '
            "circle is inside the zone in every variant; a light, dashed one only in some of them. {}</p>"
            '<p class="map-alt">Text alternative: the table of places above.</p></figure>'
        ).format(styles.map_frame(title, page, height), title, len(places), self.rules_short(),
                 wording.agreement_map_note(self.dataset, self.agreement, self.geometry)))

    # --- published counts -----------------------------------------------------------------------

    def published(self) -> Markup:
        counts = published.for_agreement(self.dataset.published_counts, self.agreement.id)
        intro = Markup(
            "<p><strong>Cited as context, not as validation.</strong> Monitors and parties published these counts. "
            "Each counts something else (breaches, all deaths, violations claimed by one side), over its own area "
            "and days, none of which is the computed zone; they are not expected to match the event counts above, "
            "and a difference says nothing about which is right.</p>")
        if not counts:
            return intro + Markup("<p>No published count about the {} is recorded in data/published_counts.yaml.</p>"
                                  ).format(isolate(self.agreement.short_title))
        rows = [[Markup("{} {}").format(isolate(c.counted_by), cite(self.dataset, c.sources)), c.what,
                 published.period_label(c), c.area or "not stated", c.value,
                 Markup("") if not c.note else isolate(c.note)] for c in counts]
        return intro + table(["Counted by", "What was counted", "Period", "Area", "Published figure", "Note"], rows,
                             "published-counts", caption="Published counts, copied as published (data/published_counts.yaml)")

    # --- sources and credit ----------------------------------------------------------------------

    def source_ids(self) -> list[str]:
        """The ids of the documents this report cites, in the order of its Sources list."""
        ids: list[str] = []
        for part in [self.agreement.sources,
                     *[c.sources for c in published.for_agreement(self.dataset.published_counts, self.agreement.id)],
                     *[self.dataset.layers[i].sources for i in self.agreement.map_layers]]:
            ids += [i for i in part if i not in ids]
        return ids

    def sources(self) -> Markup:
        """The documents cited in this report, the event set (credit, citation, limits) and the map data credits
        ("Cite this report" follows, from :meth:`accordmap.reports.agreement.Report.cite_this`)."""
        listed = [self.dataset.sources[i] for i in self.source_ids()]
        extra = event_set_credit(self.event_set) if self.event_set is not None else None
        return sources_section(listed, (self.dataset.layers[i] for i in self.agreement.map_layers), extra=extra)

    # --- the brief's one line ----------------------------------------------------------------

    def headline_line(self, href: str = "compliance.html") -> Markup:
        """The headline figure in one paragraph, with its rules and a link to the Compliance report."""
        more = Markup('<a href="{}">Compliance report</a>').format(escape.html_attr(href))
        if self.compliance is None:
            where = "covers this agreement's zones" if self.dataset.event_sets else "in this data folder"
            return Markup('<p class="compliance-headline">No conflict-event set {}, so there are no '
                          "counts of fighting in the zone.</p>").format(where)
        c = self.compliance
        if not c.coverage.covered or self.geometry.outer_zone is None:
            return Markup('<p class="compliance-headline">{} More: {}.</p>').format(c.coverage.message, more)
        return Markup('<p class="compliance-headline"><strong>Conflict events in the zone.</strong> {} '
                      "Events are reported incidents, not verified violations. Counted: {}. Event data: {}. Details: {}.</p>"
                      ).format(c.headline.text, self.rules_short(), isolate(self.event_set.credit), more)
