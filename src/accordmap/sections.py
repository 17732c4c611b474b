"""Notebook sections: what each notebook cell calls, one short call per section.

    from accordmap.sections import Report
    report = Report.from_parameters("brief", globals())   # the parameters cell's values, as a whole
    report.header()
    report.provisions()

A :class:`Report` holds the loaded data, the checked parameters and the computed geometry;
each method returns something a notebook displays (HTML, or a folium map in a frame) and has a
``*_frame`` twin in :mod:`accordmap.tables` / :mod:`accordmap.timeline` for analysts.
"""

from __future__ import annotations

import datetime as dt
import functools

from markupsafe import Markup

from accordmap import (citation, compliance_report, escape, implementation, maps, models, params, reliability, status,
                       tables, timeline)
from accordmap.geometry import AgreementGeometry, build_geometry
from accordmap.load import Dataset, load_cached
from accordmap.markup import HTML, cite, isolate, source_entry, table


def accuracy_notice(layers, used: str, consequence: str) -> Markup:
    """The 'Approximate geography' notice every report carries, over the approximate ``layers`` it used
    (``used``: 'used for this agreement'; ``consequence``: a sentence on what was computed from them)."""
    approximate = [layer for layer in layers if layer.accuracy == "approximate"]
    if not approximate:
        return Markup("")
    worst = max((layer.accuracy_km or 0) for layer in approximate)
    items = Markup("").join(Markup("<li>{}: {}</li>").format(isolate(layer.title), isolate(layer.accuracy_note))
                            for layer in approximate)
    accuracy = f" (typical error up to {worst:g} km, worse in places)" if worst else ""
    return Markup(
        '<aside class="accuracy-notice" role="note"><strong>Approximate geography.</strong> '
        "No official map of these lines exists; the lines and areas {} are estimates{}.{}<ul>{}</ul></aside>"
    ).format(used, accuracy, consequence, items)


class Report:
    """One report of one agreement: its data, checked parameters and geometry, and its sections.

    ``parameters`` are the report's parameters by name (see :mod:`accordmap.params`); ``data_dir``
    among them picks the data folder when no ``dataset`` is given.
    """

    def __init__(self, report: str, dataset: Dataset | None = None, **parameters):
        if report not in params.REPORTS:
            raise params.ParameterError(f"unknown report {report!r}; reports: {', '.join(params.REPORTS)}")
        self.report = report
        data_dir = parameters.get("data_dir")
        self.dataset = dataset or (load_cached(data_dir) if data_dir else load_cached())
        self.parameters = params.resolve(self.dataset, report, parameters)
        # the report's agreement: the one it is about, or for a report about an amendment, the amendment
        self.agreement: models.Agreement = self.dataset.agreements[self.parameters.get("agreement")
                                                                   or self.parameters["amendment"]]
        self.as_of = self.parameters.get("as_of")
        # layer series (e.g. the line of contact) stand for their member on as_of
        self.agreement = self.dataset.resolve_agreement(self.agreement, self.as_of)
        self._timeline_shown = None  # the timeline frame a section showed: the Sources list follows it

    @classmethod
    def from_parameters(cls, report: str, namespace, dataset: Dataset | None = None) -> Report:
        """The report from a notebook's namespace (``globals()``): every parameter of the report is
        taken from it, so an edited notebook cannot drop one on the way (a missing one is an error)."""
        if params.REPORTS.get(report, {}).get("subject") == "amendment":
            from accordmap.comparison_report import ComparisonReport  # builds on this class

            cls = ComparisonReport
        return cls(report, dataset=dataset, **params.from_namespace(report, namespace))

    @functools.cached_property
    def geometry(self) -> AgreementGeometry:
        return build_geometry(
            self.dataset, self.agreement,
            zone_min_km=self.parameters.get("zone_min_km"),
            zone_max_km=self.parameters.get("zone_max_km"),
            corridor_half_width_km=self.parameters.get("corridor_half_width_km"),
        )

    @functools.lru_cache(maxsize=2)  # noqa: B019 - one report object per notebook
    def timeline_frame(self, short: bool = False):
        """The timeline items: the whole story, or (``short``) from three months before the signing to
        a month after the last deadline."""
        return timeline.timeline_frame(self.dataset, self.agreement, self.as_of, short=short)

    def _cite(self, ids) -> Markup:
        return cite(self.dataset, ids)

    # --- sections ---------------------------------------------------------------------------

    def header(self) -> HTML:
        """Title, the agreement in one line, and the accuracy notice every report carries."""
        a = self.agreement
        title = Markup("{}: {}").format(isolate(a.short_title), params.REPORTS[self.report]["title"])
        signed = models.day_label(a.date_signed, long=True)
        return HTML(Markup(
            '<header class="report-header"><h1>{}</h1><p class="subtitle">{}, signed in {} on {}. {}{}</p>{}{}</header>'
        ).format(title, isolate(a.title), isolate(a.place), signed, self._cite(a.sources), self._amendment_chain(),
                 self._status_recency(), self._accuracy_notice()))

    def _amendment_chain(self) -> Markup:
        """' It amends the X (date).' and ' Amended by the Y (date).' for amendments signed by as_of."""
        def named(agreements) -> Markup:
            return Markup(", then ").join(Markup("the {} ({})").format(isolate(o.short_title), models.day_label(o.date_signed))
                                          for o in agreements)
        text = Markup("")
        if chain := status.amended(self.dataset, self.agreement):
            text += Markup(" It amends {}.").format(named(chain))
        if later := status.amendments(self.dataset, self.agreement, self.as_of):
            text += Markup(" Amended by {}.").format(named(later))
        return text

    def _status_recency(self) -> Markup:
        """A note when the statuses recorded in the data stop before as_of."""
        latest = status.latest_change(self.dataset, self.agreement)
        if self.as_of is None or latest is None or latest[0].date >= self.as_of:
            return Markup("")
        change, provision = latest
        return Markup('<p class="status-recency">Provision statuses are shown as of {}; latest recorded change: {} '
                      "(point {}), so anything after it is not in the data.</p>").format(
            models.day_label(self.as_of), models.day_label(change.date), provision.number)

    def _accuracy_notice(self) -> Markup:
        computed = ""
        if any(p.geography and p.geography.kind in ("band", "corridor") for p in self.agreement.provisions):
            computed = " The zones are computed from them, so they are approximate by as much."
        return accuracy_notice([self.dataset.layers[i] for i in self.agreement.map_layers],
                               "used for this agreement", computed)

    def overview(self) -> HTML:
        """Who, when, where, what."""
        a, d = self.agreement, self.dataset
        people = [Markup("{} ({}) {}").format(isolate(s.name), isolate(s.position), self._cite(s.sources))
                  for s in [*a.signed_by, *a.announced_by]]
        rows = [
            ["What", Markup("{} {}").format(isolate(a.summary), self._cite(a.sources))],
            ["When", f"signed {models.day_label(a.date_signed, long=True)}"],
            ["Where", a.place],
            ["Parties", Markup("; ").join(Markup("{} ({})").format(isolate(tables.actor_name(d, p.actor)), ", ".join(p.roles))
                                          for p in a.parties)],
        ]
        if people:
            rows.append(["Signed / announced by", Markup("; ").join(people)])
        for doc in a.documents:
            rows.append(["Document", Markup("{}: {}{} {}").format(
                isolate(doc.symbol), isolate(doc.title), f", {models.day_label(doc.date)}" if doc.date else "",
                self._cite(doc.sources))])
        for item in a.discrepancies:
            rows.append(["Sources differ", Markup("{} {}").format(isolate(item.note), self._cite(item.sources))])
        if a.note:
            rows.append(["Note", a.note])
        return HTML(table(["", "Overview"], rows, "overview", row_header=True))

    def provisions(self) -> HTML:
        return HTML(tables.provisions_html(self.dataset, self.agreement, self.as_of))

    def implementation(self, compact: bool = False) -> HTML:
        """Each provision's status from the signing to as_of, as a chart (``compact``: smaller, for the brief)."""
        chart = implementation.implementation_chart_svg(self.dataset, self.agreement, self.as_of, compact=compact)
        return HTML(Markup('<figure class="implementation">{}<figcaption>Status of each point over time: segments '
                           "and markers by status (the legend is part of the chart); hover a marker for its note. "
                           "The provisions table gives each status with its sources.</figcaption></figure>").format(chart))

    def key_figures(self) -> HTML:
        return HTML(tables.key_figures_html(self.dataset, self.agreement, self.geometry))

    def map(self, height: int = 560, layers_open: bool = False, places_table_below: bool = False) -> HTML:
        """The folium map in a self-contained frame, with its accuracy note and a pointer to its text
        alternative (``places_table_below``: this report lists the places inside the zone after the map)."""
        m = maps.build_map(self.dataset, self.agreement, self.geometry,
                           basemap=self.parameters.get("basemap"), height=height, layers_open=layers_open)
        page = m.get_root().render()
        short_title = self.agreement.short_title
        note = Markup("")
        if self.geometry.accuracy_km:
            note = Markup('<p class="map-note">The lines and zones are approximate: typically ±{:g} km, '
                          "worse in places.</p>").format(self.geometry.accuracy_km)
        where = ("the table of places inside the zone below" if places_table_below
                 else "the key figures above (towns, posts and road inside each zone) and the Zone map report's table of places")
        note += Markup('<p class="map-alt">Text alternative: {}.</p>').format(where)
        if self.parameters.get("basemap") not in (None, "none"):
            note += Markup('<p class="map-note">The background map ({}) loads from the internet; '
                           "offline, only the vector layers are drawn.</p>").format(isolate(self.parameters["basemap"]))
        # the whole map page is the value of the frame's srcdoc attribute: escaped as one
        return HTML(Markup(
            '<figure class="map"><iframe class="map-frame" title="{}" srcdoc="{}" style="height:{}px"></iframe>'
            '<p class="print-only">The interactive map is not printed; see the table of places inside the zone.</p>'
            "<figcaption>{}</figcaption>{}</figure>"
        ).format(escape.html_attr(f"Map of the {short_title}: layers and computed zones"), escape.html_attr(page),
                 escape.css_value(height, "number"),
                 Markup("Map of the {}: layers and computed zones").format(isolate(short_title)), note))

    def map_object(self):
        """The folium.Map itself, for analysts who want to add to it."""
        return maps.build_map(self.dataset, self.agreement, self.geometry, basemap=self.parameters.get("basemap"))

    def places_in_zone(self) -> HTML:
        return HTML(tables.places_in_zone_html(self.dataset, self.agreement, self.geometry))

    def timeline(self, short: bool = False) -> HTML:
        """The chart and the table of dated items (``short``: around the signing and the deadlines)."""
        frame = self._timeline_shown = self.timeline_frame(short)
        chart = timeline.timeline_chart_svg(frame, self.agreement, self.as_of)
        caption = ("From three months before the signing to a month after the last deadline (the Timeline report has the whole story)"
                   if short else "Context, agreement, deadlines and what happened after")
        if self.as_of:
            caption += f", as known on {models.day_label(self.as_of)}"
        legend = Markup('<p class="muted">Large dots: items of this agreement; hover a dot for its text.</p>')
        return HTML(Markup('<figure class="timeline">{}{}</figure>{}').format(
            chart, legend, timeline.timeline_table_html(self.dataset, frame, caption)))

    def stakeholders(self) -> HTML:
        return HTML(tables.stakeholders_html(self.dataset, self.agreement))

    def obligations(self) -> HTML:
        return HTML(tables.obligation_matrix_html(self.dataset, self.agreement))

    def statements(self) -> HTML:
        return HTML(tables.statements_html(self.dataset, self.agreement, self.as_of))

    def sources(self) -> HTML:
        """Every source behind the report, with links (http(s) only) and the map data credits."""
        shown = self._timeline_shown
        ids = tables.sources_for(self.dataset, self.agreement, shown["id"].tolist() if shown is not None else [])
        items = Markup("").join(source_entry(self.dataset.sources[i]) for i in ids)
        credits = Markup("").join(
            Markup("<li>{}: {} — licence {}</li>").format(isolate(layer.title), isolate(layer.attribution),
                                                           isolate(layer.licence))
            for layer in (self.dataset.layers[i] for i in self.agreement.map_layers))
        listed = [self.dataset.sources[i] for i in ids]
        return HTML(Markup('{}<ol class="sources">{}</ol><h3>Map data credits</h3><ul class="credits">{}</ul>{}')
                    .format(reliability.kinds_legend(listed), items, credits, self.cite_this(listed)))

    def cite_this(self, sources=None, generated: dt.date | None = None) -> Markup:
        """Suggested citation and CSL-JSON downloads of the report and of its sources (:mod:`accordmap.citation`)."""
        if sources is None:
            sources = [self.dataset.sources[i] for i in tables.sources_for(self.dataset, self.agreement, [])]
        return citation.cite_block(self.agreement, self.report, params.REPORTS[self.report]["title"],
                                   self.dataset.version, generated or dt.date.today(), sources)

    # --- compliance: conflict events in the zones (accordmap.compliance_report) ----------------

    @functools.cached_property
    def compliance_view(self) -> compliance_report.ComplianceView:
        """The report's event set counted in the zones (``.compliance`` is the
        :class:`accordmap.compliance.Compliance`, None when the data folder has no event set)."""
        result, event_set = compliance_report.assessment(
            self.dataset, self.geometry, self.parameters.get("events"), as_of=self.as_of,
            min_precision=self.parameters.get("min_precision"))
        return compliance_report.ComplianceView(self.dataset, self.agreement, self.geometry, result, event_set)

    def compliance_caveat(self) -> HTML:
        """What an event is (not a verified violation), where coverage ends, the rules, the headline."""
        return HTML(self.compliance_view.caveat())

    def compliance_periods(self) -> HTML:
        return HTML(self.compliance_view.periods())

    def compliance_by_month(self) -> HTML:
        return HTML(self.compliance_view.by_month())

    def compliance_by_type(self) -> HTML:
        return HTML(self.compliance_view.by_type())

    def compliance_by_side(self) -> HTML:
        return HTML(self.compliance_view.by_side())

    def compliance_places(self, n: int = 10) -> HTML:
        return HTML(self.compliance_view.places(n))

    def compliance_map(self) -> HTML:
        return HTML(self.compliance_view.map())

    def published_counts(self) -> HTML:
        return HTML(self.compliance_view.published())

    def compliance_sources(self) -> HTML:
        return HTML(self.compliance_view.sources())

    def compliance_headline(self) -> HTML:
        """One line for other reports: the headline figure and a link to the sibling Compliance report."""
        return HTML(self.compliance_view.headline_line("compliance.html"))
