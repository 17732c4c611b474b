"""An agreement and its amendment -> the Comparison report: what the amendment changed, and the ground.

"What became of an agreement?" The provisions the amendment added, changed, superseded and carried
over (from the amendment's ``changes``; without them, provisions matched by category, and the
report says so). The ground: the control layers of the base agreement's zone are a *series*
(:func:`accordmap.dataset.resolve_layer`), so the state when the base was signed and the state on
``as_of`` (None: the latest layer) are two members of it. Every area comes from
:mod:`accordmap.analysis.comparison` as a range set by the lines' typical error, rounded with
:mod:`accordmap.analysis.figures` (to the magnitude of each range); areas others published (data/published_areas.yaml) are
set beside them with their periods; the sourced localities whose control changed are listed.

:class:`Comparison` computes; :class:`ComparisonReport` (what ``accordmap.report`` gives for a
report whose subject is an amendment) renders each section from escaped parts (:mod:`accordmap.views.markup`).
"""

from __future__ import annotations

import functools
import folium
import geopandas as gpd
import shapely
from markupsafe import Markup
from accordmap.views import exports
from accordmap.models import published_areas
from accordmap.views import styles
from accordmap.views import wording
from accordmap import models, params
from accordmap.analysis.comparison import round_area
from accordmap.geometry import AgreementGeometry
from accordmap.dataset import Dataset
from accordmap.views.markup import HTML, cite, isolate, table, zone_name
from accordmap.views.sources import sources_section
from accordmap.reports.agreement import Report, accuracy_notice
from accordmap.views.maps import layers as map_layers
from accordmap.analysis.comparison import Comparison
from accordmap.models import dates


CHANGED_STYLE = {"color": "#b71c1c", "fillColor": "#e57373", "fillOpacity": 0.55, "weight": 1}
ZONE_STYLE = {"color": "#7b1fa2", "fillColor": "#ce93d8", "fillOpacity": 0.3, "weight": 2, "dashArray": "6 4"}
CORRIDOR_STYLE = {"color": "#0d47a1", "fillColor": "#64b5f6", "fillOpacity": 0.35, "weight": 2}
ACTION_LABELS = {"supersedes": "superseded", "modifies": "changed", "carries-over": "carried over"}


# --- the report ---------------------------------------------------------------------------------


class ComparisonReport(Report):
    """The Comparison report's sections (an amendment and the agreement it amends)."""

    SUBJECT = "amendment"

    def __init__(self, report: str, dataset: Dataset | None = None, **parameters):
        super().__init__(report, dataset, **parameters)  # its agreement is the amendment
        self.base = self.dataset.agreements[self.parameters["base"]]
        self.amendment = self.agreement
        self._cited: list[str] = []

    @functools.cached_property
    def comparison(self) -> Comparison:
        return Comparison(self.dataset, self.base, self.amendment, self.as_of)

    @property
    def geometry(self) -> AgreementGeometry:  # the amendment's zones, for analysts using Report's helpers
        return self.comparison.amendment_geometry

    def _cite(self, ids) -> Markup:
        ids = list(ids)
        self._cited.extend(i for i in ids if i not in self._cited)
        return cite(self.dataset, ids)

    def _layer_uses(self) -> dict[str, list]:
        """Every layer this report used, by id, with how (:func:`accordmap.views.wording.layer_uses`): the control
        layers compared, the layers each agreement's zones are computed from, the localities listed, and the
        labelled layers drawn for orientation."""
        c = self.comparison
        uses: dict[str, list] = {}

        def add(layer_id: str, use) -> None:
            if use not in uses.setdefault(layer_id, []):
                uses[layer_id].append(use)

        for state in (c.before, c.after):
            for layer in (state.held.layer, state.line.layer):
                add(layer.id, f"compared: the state on {state.label}")
        for agreement, on in ((c.base, c.before.date), (c.amendment, self.as_of)):
            resolved = self.dataset.resolve_agreement(agreement, on)
            for provision in resolved.provisions:
                geo = provision.geography
                if geo is not None and geo.COMPUTES_ZONES:
                    for _, _, ref in geo.layer_refs():
                        add(ref.layer, wording.computed_use(geo))
        if self.dataset.catalog.localities_series:
            add(self.dataset.resolve(self.dataset.catalog.localities_series, c.after.date).layer.id,
                "the localities that changed hands")
        for layer in self._labelled_layers():
            add(layer.id, wording.DRAWN)
        return uses

    def _labelled_layers(self) -> list[models.Layer]:
        """The layers of the two agreements' maps that the catalog gives a ``label`` (countries, regions, places):
        drawn on the comparison's map for orientation, with their names."""
        ids = [*self.base.map_layers, *self.amendment.map_layers]
        return [self.dataset.layers[i] for i in dict.fromkeys(ids)
                if i in self.dataset.layers and self.dataset.layers[i].label is not None]

    def _layers_used(self) -> list[models.Layer]:
        return [self.dataset.layers[i] for i in self._layer_uses()]

    # --- sections -------------------------------------------------------------------------------

    def header(self) -> HTML:
        c = self.comparison
        title = Markup("{} and the {}: {}").format(isolate(self.amendment.short_title), isolate(self.base.short_title),
                                                   params.REPORTS[self.report]["title"])
        when = Markup("The {} was signed on {} {}; the {}, which amends it, on {} {}.").format(
            isolate(self.base.short_title), dates.day_label(self.base.date_signed, long=True), self._cite(self.base.sources),
            isolate(self.amendment.short_title), dates.day_label(self.amendment.date_signed, long=True),
            self._cite(self.amendment.sources))
        ground = Markup(" The ground is compared between the control layers of {} and of {}.").format(
            c.before.label, c.after.label)
        for state, name in ((c.before, "signing of the " + self.base.short_title), (c.after, "as_of date")):
            if state.held.early:
                ground += Markup(" No control layer is as old as the {} ({}): the earliest, of {}, stands in for it.").format(
                    name, dates.day_label(state.asked), state.label)
        if self.as_of and c.after.date < self.as_of:
            ground += Markup(" The latest control layer not after {} is of {}.").format(dates.day_label(self.as_of), c.after.label)
        return HTML(Markup('<header class="report-header"><h1>{}</h1><p class="subtitle">{}{}</p>{}</header>').format(
            title, when, ground, self._accuracy_notice()))

    def _accuracy_notice(self) -> Markup:
        return accuracy_notice(self.dataset, self._layer_uses(), [self.base, self.amendment], "compared here",
                               " The zones and every area below are computed from them, so they are approximate by "
                               "as much: each area is given with the range the lines' error allows.")

    def changes(self) -> HTML:
        """Provisions added, changed, superseded and carried over."""
        base, amendment = self.base, self.amendment
        by_id = {p.id: p for p in amendment.provisions}

        def category(p: models.Provision) -> str:  # its label in the provision_categories vocabulary
            return self.dataset.vocabularies.label("provision_categories", p.category)

        def provision(p: models.Provision | None, agreement: models.Agreement) -> Markup:
            if p is None:
                return Markup("—")
            return Markup("{} {}: {} {}").format(isolate(agreement.short_title), p.number, isolate(p.text), self._cite(p.sources))

        rows = []
        if amendment.changes:
            method = Markup("From the changes the {} records for each provision of the {}, with their sources.").format(
                isolate(amendment.short_title), isolate(base.short_title))
            named: set[str] = set()
            base_ids = {p.id: p for p in base.provisions}
            for change in amendment.changes:
                named |= set(change.by)
                by = Markup("<br>").join(provision(by_id[i], amendment) for i in change.by if i in by_id) or Markup("—")
                note = Markup("{} {}").format(isolate(change.note or ""), self._cite(change.sources))
                rows.append([ACTION_LABELS[change.action], provision(base_ids.get(change.provision), base), by, note])
            rows += [["added", Markup("—"), provision(p, amendment), ""] for p in amendment.provisions if p.id not in named]
            untouched = [p for p in base.provisions if p.id not in {c.provision for c in amendment.changes}]
            rows += [["not addressed", provision(p, base), Markup("—"), "the amendment records no change to it"] for p in untouched]
        else:
            method = Markup("The {} records no changes, so provisions are matched by category: a provision of the same "
                            "category counts as changed. This is a reading, not what the text says.").format(isolate(amendment.short_title))
            categories = {p.category for p in base.provisions}
            for p in amendment.provisions:
                same = [b for b in base.provisions if b.category == p.category]
                rows.append(["changed" if same else "added", Markup("<br>").join(provision(b, base) for b in same) or Markup("—"),
                             provision(p, amendment), f"same category: {category(p)}" if same else f"new category: {category(p)}"])
            matched = {p.category for p in amendment.provisions}
            rows += [["not addressed", provision(b, base), Markup("—"), f"no provision of category {category(b)}"]
                     for b in base.provisions if b.category not in matched and b.category in categories]
        order = {"added": 0, "changed": 1, "superseded": 2, "carried over": 3, "not addressed": 4}
        rows.sort(key=lambda r: order[r[0]])
        counts = Markup(", ").join(Markup("{} {}").format(sum(r[0] == k for r in rows), k) for k in order if any(r[0] == k for r in rows))
        return HTML(Markup('<p class="method">{} In all: {}.</p>{}').format(method, counts, table(
            ["What happened", isolate(base.short_title), isolate(amendment.short_title), "Note and sources"], rows,
            "changes", caption="Provisions of the two agreements")))

    def figures(self) -> HTML:
        """Area held at each date, ground that changed hands, share of each zone taken, overlap of zones."""
        c = self.comparison
        cite_layers = self._cite([c.before.held.layer.sources[0]]) if c.before.held.layer.sources else Markup("")
        errors = Markup("lines ±{:g} km ({}) and ±{:g} km ({})").format(
            c.before.line.layer.accuracy_km or 0, c.before.label, c.after.line.layer.accuracy_km or 0, c.after.label)
        held_title = isolate(c.before.held.layer.title)
        if c.before.date == c.after.date:
            return HTML(Markup('<p>Both dates use the control layers of {}: no later layer to compare with. Held area on '
                               "{}: {} {} ({}).</p>").format(c.before.label, c.before.label, c.held(c.before).label(),
                                                            cite_layers, errors))
        rows = [[Markup("Held area on {} ({})").format(c.before.label, held_title), c.held(c.before).label()],
                [Markup("Held area on {} ({})").format(c.after.label, isolate(c.after.held.layer.title)), c.held(c.after).label()],
                [Markup("Ground that changed hands, {} to {}: held on the first date, not on the second").format(
                    c.before.label, c.after.label), c.lost.label()],
                [Markup("Ground held on {} but not on {}").format(c.after.label, c.before.label), c.gained.label()]]
        for zone, figure, share in c.zone_taken():
            rows.append([Markup("Part of the {} no longer held on {}").format(zone_name(zone), c.after.label),
                         Markup("{} = {:.0%} of the zone (of about {:,} km²)").format(figure.label(), share, round_area(zone.area_km2))])
        for zone, corridor, km2 in c.overlaps():
            rows.append([Markup("Overlap of the {} and the {}").format(zone_name(zone), zone_name(corridor)),
                         f"about {round_area(km2):,} km²" if round_area(km2) else "none"])
        compared = (c.before.held.layer, c.before.line.layer, c.after.held.layer, c.after.line.layer)
        kind = "the approximate layers" if wording.approximate(compared) else "exact layers"  # as the catalog says
        note = Markup('<p class="method">All areas are computed from {} {}; ranges: {}, '
                      "as if each line were off by that much all along, one way or the other. Each area is rounded to "
                      "the magnitude of its error (an error of about 2,000 km² rounds to thousands) and its range outwards "
                      "to half that step; an area with no range (the zones' sizes, overlaps) to two significant figures."
                      "</p>").format(kind, cite_layers, errors)
        return exports.with_table(exports.with_zones(  # the zones of both agreements, and these figures as CSV
            table(["Figure", "Area"], rows, "figures", caption="Computed from the control layers", row_header=True) + note,
            self.dataset, [c.base_geometry, c.amendment_geometry], self.as_of), "figures", c.figures_frame())

    def map(self, height: int = 560) -> HTML:
        m = self.map_object(height)
        page = m.get_root().render()
        c = self.comparison
        # from the layers' accuracy: those drawn and those the zones are computed from
        zones_km = max((g.accuracy_km for g in (c.base_geometry, c.amendment_geometry) if g.accuracy_km), default=None)
        note = wording.map_note(self._layers_used(), zones_km, bool(c.base_geometry.zones or c.amendment_geometry.zones))
        caption = Markup("The {} zone and the {} corridor on the ground of {} and {}").format(
            isolate(self.base.short_title), isolate(self.amendment.short_title), c.before.label, c.after.label)
        return HTML(styles.section("map", Markup(  # sized and styled inline, for JupyterLab too (accordmap.views.styles)
            '<figure class="map">{}'
            '<p class="print-only" hidden>The interactive map is not printed; the figures and the table of localities give its content.</p>'
            '<figcaption>{}</figcaption>{}<p class="map-alt">Text alternative: the figures and the table of localities that '
            "changed hands.</p></figure>").format(
                styles.map_frame(f"Map: {self.base.short_title} and {self.amendment.short_title}", page, height), caption,
                Markup('<p class="map-note">{}</p>').format(note) if note else Markup(""))))

    def map_object(self, height: int = 560) -> folium.Map:
        """Both held areas and lines, the base zone, the amendment's corridor and the ground that changed hands,
        built with the same helpers as every agreement map (:mod:`accordmap.views.maps.layers`)."""
        c = self.comparison
        m = map_layers.new_map(f"Map: {self.base.short_title} and {self.amendment.short_title}", height=height)
        x0, y0, x1, y1 = shapely.bounds(shapely.union(c.shapes["held_before"], c.shapes["held_after"]))
        corners = gpd.GeoSeries(shapely.points([x0, x1], [y0, y1]), crs=c.crs).to_crs(4326)
        (lon0, lat0), (lon1, lat1) = shapely.get_coordinates(corners.values)
        view = shapely.box(lon0, lat0, lon1, lat1)  # where the names are placed first
        entries = []
        labelled = self._labelled_layers()  # with their names, as the agreements' own maps draw them
        drawn = ([layer for layer in labelled if layer.kind == "area"]
                 + [c.before.held.layer, c.after.held.layer, c.before.line.layer, c.after.line.layer]
                 + [layer for layer in labelled if layer.kind != "area"])
        for layer in drawn:
            map_layers.add_layer(m, layer, self.dataset.layer_frame(layer.id), c.crs, view)
            entries.append(map_layers.LegendEntry(layer.title, layer.kind, map_layers.layer_style(layer)))
        base_approx = set(wording.approximate_provisions(self.dataset, c.base_geometry.agreement))
        amendment_approx = set(wording.approximate_provisions(self.dataset, c.amendment_geometry.agreement))
        shapes = [(map_layers.zone_label(z, z.provision_id in base_approx), z.geometry, ZONE_STYLE,
                   f"{z.area_km2:,.0f} km²") for z in sorted(c.base_geometry.zones, key=lambda z: -z.distance_km)[:1]]
        shapes += [(map_layers.zone_label(z, z.provision_id in amendment_approx), z.geometry, CORRIDOR_STYLE,
                    f"{z.area_km2:,.0f} km²") for z in c.amendment_geometry.zones]
        changed = shapely.difference(c.shapes["held_before"], c.shapes["held_after"])
        shapes.append((Markup("Ground that changed hands, {} to {}").format(c.before.label, c.after.label), changed,
                       CHANGED_STYLE, c.lost.label()))
        for label, geometry, style, area in shapes:
            if geometry.is_empty:
                continue
            map_layers.add_shape(m, geometry, c.crs, label, style, name=label.striptags(),
                                 tooltip_text=Markup("{}: {}").format(label, area), popup_rows=[("area", area)])
            entries.append(map_layers.LegendEntry(label, "area", style))
        map_layers.add_legend(m, entries)
        bounds = (lon0, lat0, lon1, lat1)
        return map_layers.finish(m, bounds, bounds, [layer.attribution for layer in self._layers_used()])

    def localities(self) -> HTML:
        """The sourced localities whose control changed between the two dates."""
        c = self.comparison
        found = c.localities()
        if found is None:
            return HTML(Markup('<p class="muted">The layer catalog names no series of sourced localities.</p>'))
        changed, unknown = found
        layer = self.dataset.resolve(self.dataset.catalog.localities_series, c.after.date).layer
        if c.before.date == c.after.date:
            return HTML(Markup('<p>Both dates use the layers of {}: no locality changed hands between them.</p>').format(c.before.label))
        outer = c.base_geometry.outer_zone
        held_by = functools.partial(self.dataset.vocabularies.label, "control_values")  # labels from the data
        rows = [[row["name"], held_by(row["before"]), held_by(row["after"]),
                 row["captured"] if isinstance(row["captured"], str) else "—", "yes" if row["in_zone"] else "no"]
                for _, row in changed.sort_values("name").iterrows()]
        zone_label = zone_name(outer) if outer is not None else "zone"
        intro = Markup("<p>{} of the sourced localities changed hands between {} and {} {}. Who held each one comes from "
                       "the sources recorded for it in the control estimate's provenance.</p>").format(
            len(rows), c.before.label, c.after.label, self._cite(layer.sources))
        if unknown:
            intro += Markup('<p class="muted">Left out, since who held them on one of the dates is not established: {}.</p>').format(
                Markup(", ").join(isolate(n) for n in unknown))
        return HTML(intro + table(["Locality", f"Held on {c.before.label} by", f"Held on {c.after.label} by",
                                   "Taken (as recorded)", Markup("Inside the {}").format(zone_label)],
                                  rows, "localities", caption="Sourced localities that changed hands"))

    def published_figures(self) -> HTML:
        """The computed areas beside the areas others published, with why they differ."""
        c = self.comparison
        chosen = published_areas.for_agreements(self.dataset.published_areas, {self.base.id, self.amendment.id})
        if not chosen:
            return HTML(Markup('<p class="muted">No published areas are recorded for these agreements.</p>'))
        computed = {"changed-hands": (c.lost, f"{c.before.label} to {c.after.label}"), "held-later": (c.held(c.after), c.after.label)}
        rows = []
        for area in chosen:
            figure, when = computed[area.measure]
            note = Markup("; {}").format(isolate(area.note)) if area.note else Markup("")
            rows.append([Markup("{:,} km²: {} {}").format(round(area.km2), isolate(area.what), self._cite(area.sources)),
                         Markup("{}, by {}{}").format(isolate(area.period), isolate(area.published_by), note),
                         Markup("{} ({}, {})").format(figure.label(), published_areas.MEASURES[area.measure], when)])
        why = Markup(
            '<p class="method">Why they differ: the computed areas run from layer to layer ({} to {}) over the whole '
            "estimated held area, while each published figure covers its own period and area, counted its own way (a "
            "map, an article's infobox); a figure for one offensive leaves out ground taken in another. The computed "
            "areas are estimates from sourced localities, with the range given.</p>").format(c.before.label, c.after.label)
        return HTML(table(["Published", "Period, area and who measured it", "Computed from the layers"], rows,
                          "published-figures", caption="Published areas beside the computed ones") + why)

    def sources(self) -> HTML:
        ids = list(self._cited)
        for agreement in (self.base, self.amendment):
            ids += [i for i in agreement.sources if i not in ids]
        for layer in self._layers_used():
            ids += [i for i in layer.sources if i not in ids]
        listed = [self.dataset.sources[i] for i in ids]
        return HTML(sources_section(listed, self._layers_used(), cite_this=self.cite_this(listed)))
