"""An agreement -> its :class:`Report`: what each notebook cell calls, one short call per section.

    import accordmap
    report = accordmap.report("brief", globals())   # the parameters cell's values, as a whole
    report.header()
    report.provisions()

A :class:`Report` holds the loaded data, the checked parameters and the computed geometry;
each method returns something a notebook displays (HTML, or a folium map in a frame) and has a
``*_frame`` twin in :mod:`accordmap.views.tables` / :mod:`accordmap.views.charts.timeline` for analysts.
"""

from __future__ import annotations

import datetime as dt
import functools
from markupsafe import Markup
from accordmap.views import attachments
from accordmap.views import citation
from accordmap.views import exports
from accordmap.views.charts import implementation
from accordmap.views.maps import static as staticmap
from accordmap.analysis import status
from accordmap.views import styles
from accordmap.views import tables
from accordmap.views.charts import timeline
from accordmap.views import wording
from accordmap import models, params
from accordmap.models.geography import registry
from accordmap.geometry import AgreementGeometry, build_geometry
from accordmap.dataset import Dataset
from accordmap.load import load_cached
from accordmap.views.markup import HTML, cite, isolate, table
from accordmap.views.sources import sources_section
from accordmap.analysis import compliance
from accordmap.reports import compliance as compliance_report
from accordmap.views.maps import agreement as maps
from accordmap.models import dates


def accuracy_notice(dataset: Dataset, uses, agreements=(), used: str = "used for this agreement",
                    consequence: str | None = None, zones=()) -> Markup:
    """The 'Approximate geography' notice every report carries, over the approximate layers among ``uses``
    (layer id -> how the report used them: :func:`accordmap.views.wording.layer_uses`); built by
    :func:`accordmap.views.wording.accuracy_notice`, with the ``map_note`` of ``agreements`` first."""
    return wording.accuracy_notice(dataset.layers, uses, agreements=agreements, used=used, consequence=consequence,
                                   zones=zones)


class Report:
    """One report of one agreement: its data, checked parameters and geometry, and its sections.

    ``parameters`` are the report's parameters by name (see :mod:`accordmap.params`); ``data_dir``
    among them picks the data folder when no ``dataset`` is given.
    """

    SUBJECT = "agreement"  # the subject of the reports this class builds (params.REPORTS[name]["subject"])

    def __init__(self, report: str, dataset: Dataset | None = None, **parameters):
        if report not in params.REPORTS:
            raise params.ParameterError(f"unknown report {report!r}; reports: {', '.join(params.REPORTS)}")
        if params.REPORTS[report].get("subject", "agreement") != self.SUBJECT:
            raise params.ParameterError(f"{type(self).__name__} does not build the {report!r} report (expected "
                                        f"accordmap.report({report!r}, ...), which picks the class)")
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
        return cls(report, dataset=dataset, **params.from_namespace(report, namespace))

    @functools.cached_property
    def geometry(self) -> AgreementGeometry:
        return build_geometry(
            self.dataset, self.agreement,
            zone_min_km=self.parameters.get("zone_min_km"),
            zone_max_km=self.parameters.get("zone_max_km"),
            corridor_half_width_km=self.parameters.get("corridor_half_width_km"),
            overrides=self.parameters.get("zone_overrides"),
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
        signed = dates.day_label(a.date_signed, long=True)
        return HTML(Markup(
            # data-report: the print stylesheet fits the brief on four pages (templates/report.css)
            '<header class="report-header" data-report="{}"><h1>{}</h1><p class="subtitle">{}, signed in {} on {}. {}{}</p>{}{}</header>'
        ).format(self.report, title, isolate(a.title), isolate(a.place), signed, self._cite(a.sources), self._amendment_chain(),
                 self._status_recency(), self._accuracy_notice()))

    def _amendment_chain(self) -> Markup:
        """' It amends the X (date).' and ' Amended by the Y (date).' for amendments signed by as_of."""
        def named(agreements) -> Markup:
            return Markup(", then ").join(Markup("the {} ({})").format(isolate(o.short_title), dates.day_label(o.date_signed))
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
            dates.day_label(self.as_of), dates.day_label(change.date), provision.number)

    def _accuracy_notice(self) -> Markup:
        """Every approximate layer the report used: drawn, used for its zones or counted in them."""
        return accuracy_notice(self.dataset, wording.layer_uses(self.dataset, self.agreement), [self.agreement],
                               zones=wording.zones_from_approximate(self.dataset, self.agreement))

    def overview(self) -> HTML:
        """Who, when, where, what."""
        a, d = self.agreement, self.dataset
        people = [Markup("{} ({}) {}").format(isolate(s.name), isolate(s.position), self._cite(s.sources))
                  for s in [*a.signed_by, *a.announced_by]]
        rows = [
            ["What", Markup("{} {}").format(isolate(a.summary), self._cite(a.sources))],
            ["When", f"signed {dates.day_label(a.date_signed, long=True)}"],
            ["Where", a.place],
            ["Parties", Markup("; ").join(Markup("{} ({})").format(isolate(tables.actor_name(d, p.actor)), ", ".join(tables.term(d, "party_roles", r) for r in p.roles))
                                          for p in a.parties)],
        ]
        if people:
            rows.append(["Signed / announced by", Markup("; ").join(people)])
        for doc in a.documents:
            rows.append(["Document", Markup("{}: {}{} {}").format(
                isolate(doc.symbol), isolate(doc.title), f", {dates.day_label(doc.date)}" if doc.date else "",
                self._cite(doc.sources))])
        for item in a.discrepancies:
            rows.append(["Sources differ", Markup("{} {}").format(isolate(item.note), self._cite(item.sources))])
        if a.note:
            rows.append(["Note", a.note])
        return HTML(table(["Item", "Overview"], rows, "overview", row_header=True))

    def provisions(self) -> HTML:
        """The provisions table; its Geography column states each zone in words, every exception and sector
        included, with the report's parameters applied (:func:`accordmap.views.wording.geography_text`)."""
        values = registry.provision_values(self.agreement, {
            "zone_min_km": self.parameters.get("zone_min_km"), "zone_max_km": self.parameters.get("zone_max_km"),
            "corridor_half_width_km": self.parameters.get("corridor_half_width_km")}, self.parameters.get("zone_overrides"))
        return exports.with_table(tables.provisions_html(self.dataset, self.agreement, self.as_of, values), "provisions",
                                  tables.provisions_frame(self.dataset, self.agreement, self.as_of, values))

    def implementation(self, compact: bool = False) -> HTML:
        """Each provision's status from the signing to as_of, as a chart (``compact``: smaller, for the brief)."""
        chart = implementation.implementation_chart_svg(self.dataset, self.agreement, self.as_of, compact=compact)
        return HTML(styles.section("implementation", Markup(
            '<figure class="implementation">{}{}<figcaption>Status of each point over time: segments '
            "and markers by status (the legend is part of the chart)"
            '<span class="screen-only">; hover a marker for its note</span>. '
            "The provisions table gives each status with its sources.</figcaption></figure>").format(
                styles.untrusted_note("Implementation chart"), chart)))

    def key_figures(self) -> HTML:
        return exports.with_zones(exports.with_table(  # the zones themselves too, as GeoJSON and GeoPackage
            tables.key_figures_html(self.dataset, self.agreement, self.geometry), "key-figures",
            tables.key_figures_frame(self.dataset, self.agreement, self.geometry)), self.dataset, self.geometry, self.as_of)

    def map(self, height: int = 560, layers_open: bool = False, places_table_below: bool = False) -> HTML:
        """The folium map in a self-contained frame, the static map printed in its place
        (:mod:`accordmap.views.maps.static`), its accuracy note and a pointer to its text alternative
        (``places_table_below``: this report lists the places inside the zone after the map)."""
        m = maps.build_map(self.dataset, self.agreement, self.geometry,
                           basemap=self.parameters.get("basemap"), height=height, layers_open=layers_open)
        page = m.get_root().render()
        short_title = self.agreement.short_title
        note = Markup("")
        if accuracy := wording.agreement_map_note(self.dataset, self.agreement, self.geometry):
            note = Markup('<p class="map-note map-accuracy">{}</p>').format(accuracy)
        # the other report's table only on screen: a printed brief cannot point at a page it does not hold
        where = (Markup("the table of places inside the zone in some or all of its variants, below") if places_table_below
                 else Markup("the key figures above (places inside each zone in every variant and in some, road inside)"
                             '<span class="screen-only"> and the Zone map report\'s table of places</span>'))
        note += Markup('<p class="map-alt">Text alternative: {}.</p>').format(where)
        if self.parameters.get("basemap") not in (None, "none"):
            note += Markup('<p class="map-note">The background map ({}) loads from the internet; '
                           "offline, only the vector layers are drawn.</p>").format(isolate(self.parameters["basemap"]))
        static, png = staticmap.static_map_section(self.dataset, self.agreement, self.geometry)  # print and slides
        # the whole map page is the value of the frame's srcdoc attribute: escaped as one
        # its size in its own style attribute: JupyterLab does not load report.css (accordmap.views.styles)
        return attachments.attach(HTML(styles.section("map", Markup(
            '<figure class="map">{}{}'
            "<figcaption>{}</figcaption>{}</figure>"
        ).format(styles.map_frame(maps.map_title(self.agreement), page, height), static,
                 Markup("Map of the {}: layers and computed zones").format(isolate(short_title)), note))),
            exports.png("map", png, "the static map (PNG, 150 dpi) for slides, prints and posts"))

    def map_object(self):
        """The folium.Map itself, for analysts who want to add to it."""
        return maps.build_map(self.dataset, self.agreement, self.geometry, basemap=self.parameters.get("basemap"))

    def places_in_zone(self) -> HTML:
        return exports.with_table(tables.places_in_zone_html(self.dataset, self.agreement, self.geometry), "places",
                                  tables.places_in_zone_frame(self.dataset, self.agreement, self.geometry))

    def timeline(self, short: bool = False) -> HTML:
        """The chart and the table of dated items (``short``: around the signing and the deadlines)."""
        frame = self._timeline_shown = self.timeline_frame(short)
        chart = timeline.timeline_chart_svg(frame, self.agreement, self.as_of)
        caption = ("From three months before the signing to a month after the last deadline (the Timeline report has the whole story)"
                   if short else "Context, agreement, deadlines and what happened after")
        if self.as_of:
            caption += f", as known on {dates.day_label(self.as_of)}"
        legend = Markup('<p class="muted">Large dots: items of this agreement<span class="screen-only">; hover a dot '
                        "for its text</span>. The table below lists every item.</p>")
        return exports.with_table(HTML(styles.section("timeline", Markup('<figure class="timeline">{}{}{}</figure>{}').format(
            styles.untrusted_note("Timeline chart"), chart, legend,
            timeline.timeline_table_html(self.dataset, frame, caption)))), "timeline", frame)

    def stakeholders(self) -> HTML:
        return exports.with_table(tables.stakeholders_html(self.dataset, self.agreement, self.as_of), "stakeholders",
                                  tables.roles_frame(self.dataset, self.agreement, self.as_of))

    def obligations(self) -> HTML:
        return exports.with_table(tables.obligation_matrix_html(self.dataset, self.agreement), "obligations",
                                  exports.obligations_frame(tables.obligation_matrix_frame(self.dataset, self.agreement)))

    def statements(self) -> HTML:
        return exports.with_table(tables.statements_html(self.dataset, self.agreement, self.as_of), "statements",
                                  tables.statements_frame(self.dataset, self.agreement, self.as_of))

    def sources(self) -> HTML:
        """Every source behind the report, with links (http(s) only) and the map data credits."""
        shown = self._timeline_shown
        ids = tables.sources_for(self.dataset, self.agreement, shown["id"].tolist() if shown is not None else [],
                                 as_of=self.as_of)
        listed = [self.dataset.sources[i] for i in ids]
        drawn = [self.dataset.layers[i] for i in self.agreement.map_layers]
        return exports.with_table(sources_section(listed, drawn, cite_this=self.cite_this(listed)),
                                  "sources", exports.sources_frame(self.dataset, ids))

    def cite_this(self, sources=None, generated: dt.date | None = None) -> Markup:
        """Suggested citation and CSL-JSON downloads of the report and of its sources (:mod:`accordmap.views.citation`)."""
        if sources is None:
            sources = [self.dataset.sources[i] for i in tables.sources_for(self.dataset, self.agreement, [], self.as_of)]
        return citation.cite_block(self.agreement, self.report, params.REPORTS[self.report]["title"],
                                   self.dataset.version, generated or dt.date.today(), sources, self.parameters)

    # --- compliance: conflict events in the zones (accordmap.reports.compliance) ----------------

    @functools.cached_property
    def compliance_view(self) -> compliance_report.ComplianceView:
        """The report's event set counted in the zones (``.compliance`` is the
        :class:`accordmap.analysis.compliance.Compliance`, None when the data folder has no event set)."""
        result, event_set = compliance.assessment(
            self.dataset, self.geometry, self.parameters.get("events"), as_of=self.as_of,
            min_precision=self.parameters.get("min_precision"))
        return compliance_report.ComplianceView(self.dataset, self.agreement, self.geometry, result, event_set)

    def compliance_caveat(self) -> HTML:
        """What an event is (not a verified violation), where coverage ends, the rules, the headline."""
        return HTML(self.compliance_view.caveat())

    def compliance_periods(self) -> HTML:
        return exports.with_events(self.compliance_view.periods(), "events-by-period", self.compliance_view.compliance,
                                   "by_period", needs_coverage=False)

    def compliance_by_month(self) -> HTML:
        return exports.with_events(self.compliance_view.by_month(), "events-by-month", self.compliance_view.compliance,
                                   "by_month")

    def compliance_by_type(self) -> HTML:
        return exports.with_events(self.compliance_view.by_type(), "events-by-type", self.compliance_view.compliance,
                                   "by_type")

    def compliance_by_side(self) -> HTML:
        return exports.with_events(self.compliance_view.by_side(), "events-by-side", self.compliance_view.compliance,
                                   "by_side")

    def compliance_places(self, n: int = 10) -> HTML:
        return exports.with_events(self.compliance_view.places(n), "events-by-place", self.compliance_view.compliance,
                                   "top_places", n)

    def compliance_map(self) -> HTML:
        return HTML(self.compliance_view.map())

    def published_counts(self) -> HTML:
        return HTML(self.compliance_view.published())

    def compliance_sources(self) -> HTML:
        view = self.compliance_view
        return HTML(view.sources() + self.cite_this([self.dataset.sources[i] for i in view.source_ids()]))

    def compliance_headline(self) -> HTML:
        """One line for other reports: the headline figure and a link to the sibling Compliance report."""
        return HTML(self.compliance_view.headline_line("compliance.html"))
