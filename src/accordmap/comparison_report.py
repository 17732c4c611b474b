"""An agreement and its amendment -> the Comparison report: what the amendment changed, and the ground.

"What became of an agreement?" The provisions the amendment added, changed, superseded and carried
over (from the amendment's ``changes``; without them, provisions matched by category, and the
report says so). The ground: the control layers of the base agreement's zone are a *series*
(:func:`accordmap.dataset.resolve_layer`), so the state when the base was signed and the state on
``as_of`` (None: the latest layer) are two members of it. Every area comes from
:mod:`accordmap.comparison` as a range set by the lines' typical error, rounded with
:mod:`accordmap.figures` (to the magnitude of each range); areas others published (data/published_areas.yaml) are
set beside them with their periods; the sourced localities whose control changed are listed.

:class:`Comparison` computes; :class:`ComparisonReport` (what ``Report.from_parameters`` gives for a
report whose subject is an amendment) renders each section from escaped parts (:mod:`accordmap.markup`).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import folium
import geopandas as gpd
import pandas as pd
import shapely
from markupsafe import Markup

from accordmap import (checks, comparison, escape, exports, maps, models, params, published_areas, reliability, styles,
                       wording)
from accordmap.comparison import AreaFigure, round_area
from accordmap.dataset import Resolved
from accordmap.geometry import AgreementGeometry, build_geometry
from accordmap.load import Dataset
from accordmap.markup import HTML, cite, isolate, source_entry, table, zone_name
from accordmap.sections import Report, accuracy_notice
from accordmap.vocabularies import UNKNOWN_CONTROL

CHANGED_STYLE = {"color": "#b71c1c", "fillColor": "#e57373", "fillOpacity": 0.55, "weight": 1}
ZONE_STYLE = {"color": "#7b1fa2", "fillColor": "#ce93d8", "fillOpacity": 0.3, "weight": 2, "dashArray": "6 4"}
CORRIDOR_STYLE = {"color": "#0d47a1", "fillColor": "#64b5f6", "fillOpacity": 0.35, "weight": 2}
ACTION_LABELS = {"supersedes": "superseded", "modifies": "changed", "carries-over": "carried over"}


@dataclass(frozen=True)
class State:
    """The control layers on one date: the held area and its line, members of their series."""

    held: Resolved
    line: Resolved
    asked: dt.date | None  # the date the member was picked for (None: the latest)

    @property
    def date(self) -> dt.date:
        return models.partial_date_start(self.held.layer.as_of)

    @property
    def label(self) -> str:
        return models.day_label(self.date)


def _series_of(dataset: Dataset, ref: models.LayerRef | None, what: str, base: models.Agreement) -> str:
    if ref is None:
        raise ValueError(f"the {base.short_title}'s zone has no {what} layer (expected a band with along and within)")
    if ref.series:
        return ref.series
    series = dataset.layers[ref.layer].series
    if series is None:
        raise ValueError(f"layer {ref.layer!r} ({what} of the {base.short_title}'s zone) belongs to no series (expected "
                         "`series:` on it and on the layer of the same thing at a later date, in layers/catalog.yaml)")
    return series


class Comparison:
    """The base agreement, its amendment and the ground between the base's signing and ``as_of``."""

    def __init__(self, dataset: Dataset, base: models.Agreement, amendment: models.Agreement,
                 as_of: dt.date | None = None):
        self.dataset, self.base, self.amendment, self.as_of = dataset, base, amendment, as_of
        band = next((p.geography for p in base.provisions if p.geography and p.geography.kind == "band"), None)
        if band is None:
            raise ValueError(f"the {base.short_title} has no band zone (expected a provision with geography kind band)")
        self.held_series = _series_of(dataset, band.within[0] if band.within else None, "within", base)
        self.line_series = _series_of(dataset, band.along, "along", base)
        self.before = self._state(base.date_signed)
        self.after = self._state(as_of)
        # the zone is what was agreed: computed from the layers on the signing date
        self.base_geometry: AgreementGeometry = build_geometry(dataset, dataset.resolve_agreement(base, base.date_signed))
        self.amendment_geometry = build_geometry(dataset, dataset.resolve_agreement(amendment, as_of))
        self.crs = self.base_geometry.crs

    def _state(self, on: dt.date | None) -> State:
        return State(self.dataset.resolve(self.held_series, on), self.dataset.resolve(self.line_series, on), on)

    def _union(self, layer: models.Layer) -> shapely.Geometry:
        return shapely.union_all(self.dataset.layer_frame(layer.id).to_crs(self.crs).geometry.values)

    @functools.cached_property
    def shapes(self) -> dict[str, shapely.Geometry]:
        """held_before, held_after, line_before, line_after, in the metric CRS."""
        return {"held_before": self._union(self.before.held.layer), "held_after": self._union(self.after.held.layer),
                "line_before": self._union(self.before.line.layer), "line_after": self._union(self.after.line.layer)}

    # --- figures ------------------------------------------------------------------------------

    def held(self, state: State) -> AreaFigure:
        """The held area, and the range if its line were off by its typical error all along, inwards or outwards."""
        key = "before" if state is self.before else "after"
        area, line = self.shapes[f"held_{key}"], self.shapes[f"line_{key}"]
        error = state.line.layer.accuracy_km
        band = shapely.buffer(line, error * 1000, quad_segs=8) if error else shapely.Polygon()
        return AreaFigure(area.area / 1e6, shapely.difference(area, band).area / 1e6, shapely.union(area, band).area / 1e6)

    @functools.cached_property
    def lost(self) -> AreaFigure:
        """Held on the earlier date, no longer on the later (comparison.changed_hands)."""
        s = self.shapes
        return comparison.changed_hands(s["held_before"], s["held_after"], s["line_before"], s["line_after"],
                                        self.before.line.layer.accuracy_km, self.after.line.layer.accuracy_km)

    @functools.cached_property
    def gained(self) -> AreaFigure:
        """Held on the later date and not on the earlier."""
        s = self.shapes
        return comparison.changed_hands(s["held_after"], s["held_before"], s["line_after"], s["line_before"],
                                        self.after.line.layer.accuracy_km, self.before.line.layer.accuracy_km)

    def zone_taken(self) -> list[tuple[object, AreaFigure, float]]:
        """For each zone of the base agreement: the part held on the earlier date and outside the held area on the
        later one, and its share of the zone (a zone either side of the line was never all held: its other side is
        not 'no longer held')."""
        rows = []
        for zone in sorted(self.base_geometry.zones, key=lambda z: z.distance_km):
            held_part = shapely.intersection(zone.geometry, self.shapes["held_before"])
            figure, share = comparison.share_taken(held_part, self.shapes["held_after"], self.shapes["line_after"],
                                                   self.after.line.layer.accuracy_km)
            share = figure.km2 / zone.area_km2 if zone.area_km2 else 0.0
            rows.append((zone, figure, share))
        return rows

    def overlaps(self) -> list[tuple[object, object, float]]:
        """(base zone, amendment zone, km² shared) for each pair."""
        return [(z, c, comparison.overlap_km2(z.geometry, c.geometry))
                for z in sorted(self.base_geometry.zones, key=lambda z: z.distance_km)
                for c in self.amendment_geometry.zones]

    def figures_frame(self) -> pd.DataFrame:
        """Every computed figure: km² as computed, its range and the rounded value a report quotes."""
        rows = [("held", self.before.label, self.held(self.before)), ("held", self.after.label, self.held(self.after)),
                ("changed hands (lost by the holders)", f"{self.before.label} to {self.after.label}", self.lost),
                ("changed hands (gained by the holders)", f"{self.before.label} to {self.after.label}", self.gained)]
        rows += [(f"taken from {zone.name}", self.after.label, figure) for zone, figure, _ in self.zone_taken()]
        return pd.DataFrame([{"figure": what, "when": when, "km2": round(f.km2, 1), "low_km2": round(f.low_km2, 1),
                              "high_km2": round(f.high_km2, 1), "rounded_km2": f.rounded} for what, when, f in rows])

    # --- localities ---------------------------------------------------------------------------

    def localities(self) -> tuple[pd.DataFrame, list[str]] | None:
        """Localities whose control differs between the two dates (both known), and the names of those
        whose control on one date is not established; None when the catalog names no localities series."""
        name = self.dataset.catalog.localities_series
        if name is None:
            return None
        before = self.dataset.resolve(name, self.before.date)
        after = self.dataset.resolve(name, self.after.date)
        frames = []
        for resolved in (before, after):
            layer = resolved.layer
            frame = self.dataset.layer_frame(layer.id)
            frames.append(frame.set_index(layer.id_property))
        earlier = frames[0][[before.layer.name_property, checks.LOCALITY_CONTROL, "geometry"]].rename(
            columns={before.layer.name_property: "name", checks.LOCALITY_CONTROL: "before"})
        later = frames[1].drop(columns=["geometry", after.layer.name_property]).rename(
            columns={checks.LOCALITY_CONTROL: "after"})
        joined = earlier.join(later[[c for c in later.columns if c not in earlier.columns]], how="inner")
        unknown = joined[(joined["before"] == UNKNOWN_CONTROL) | (joined["after"] == UNKNOWN_CONTROL)]
        changed = joined[(joined["before"] != joined["after"]) & ~joined.index.isin(unknown.index)].copy()
        outer = self.base_geometry.outer_zone
        points = gpd.GeoSeries(changed["geometry"], crs=4326).to_crs(self.crs)
        changed["in_zone"] = points.within(outer.geometry).values if outer is not None else False
        changed["captured"] = changed["captured"] if "captured" in changed else None
        return changed.drop(columns=["geometry"]), sorted(unknown[unknown["before"] != unknown["after"]]["name"])


# --- the report ---------------------------------------------------------------------------------


class ComparisonReport(Report):
    """The Comparison report's sections (an amendment and the agreement it amends)."""

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
        """Every layer this report used, by id, with how (:func:`accordmap.wording.layer_uses`): the control
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
                if geo is not None and geo.kind != "features":
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
            isolate(self.base.short_title), models.day_label(self.base.date_signed, long=True), self._cite(self.base.sources),
            isolate(self.amendment.short_title), models.day_label(self.amendment.date_signed, long=True),
            self._cite(self.amendment.sources))
        ground = Markup(" The ground is compared between the control layers of {} and of {}.").format(
            c.before.label, c.after.label)
        for state, name in ((c.before, "signing of the " + self.base.short_title), (c.after, "as_of date")):
            if state.held.early:
                ground += Markup(" No control layer is as old as the {} ({}): the earliest, of {}, stands in for it.").format(
                    name, models.day_label(state.asked), state.label)
        if self.as_of and c.after.date < self.as_of:
            ground += Markup(" The latest control layer not after {} is of {}.").format(models.day_label(self.as_of), c.after.label)
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
        return HTML(styles.section("map", Markup(  # sized and styled inline, for JupyterLab too (accordmap.styles)
            '<figure class="map">{}'
            '<p class="print-only" hidden>The interactive map is not printed; the figures and the table of localities give its content.</p>'
            '<figcaption>{}</figcaption>{}<p class="map-alt">Text alternative: the figures and the table of localities that '
            "changed hands.</p></figure>").format(
                styles.map_frame(f"Map: {self.base.short_title} and {self.amendment.short_title}", page, height), caption,
                Markup('<p class="map-note">{}</p>').format(note) if note else Markup(""))))

    def map_object(self, height: int = 560) -> folium.Map:
        """Both held areas and lines, the base zone, the amendment's corridor and the ground that changed hands."""
        c = self.comparison
        m = folium.Map(tiles=None, control_scale=True, height=height, zoom_snap=0.25)
        maps.make_offline(m)
        maps.set_document(m, f"Map: {self.base.short_title} and {self.amendment.short_title}")  # lang and <title>
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
            maps._add_layer(m, layer, self.dataset.layer_frame(layer.id), c.crs, view)
            entries.append(maps.LegendEntry(layer.title, layer.kind, maps._layer_style(layer)))
        base_approx = set(wording.approximate_provisions(self.dataset, c.base_geometry.agreement))
        amendment_approx = set(wording.approximate_provisions(self.dataset, c.amendment_geometry.agreement))
        shapes = [(maps._zone_label(z, z.provision_id in base_approx), z.geometry, ZONE_STYLE, f"{z.area_km2:,.0f} km²")
                  for z in sorted(c.base_geometry.zones, key=lambda z: -z.distance_km)[:1]]
        shapes += [(maps._zone_label(z, z.provision_id in amendment_approx), z.geometry, CORRIDOR_STYLE,
                    f"{z.area_km2:,.0f} km²") for z in c.amendment_geometry.zones]
        changed = shapely.difference(c.shapes["held_before"], c.shapes["held_after"])
        shapes.append((Markup("Ground that changed hands, {} to {}").format(c.before.label, c.after.label), changed,
                       CHANGED_STYLE, c.lost.label()))
        for label, geometry, style, area in shapes:
            if geometry.is_empty:
                continue
            frame = maps._display_frame(gpd.GeoDataFrame(geometry=[geometry], crs=c.crs), c.crs)
            feature = folium.GeoJson(shapely.geometry.mapping(frame.geometry.iloc[0]), name=escape.folium_html(label),
                                     tooltip=maps._tooltip(Markup("{}: {}").format(label, area)),
                                     popup=maps._popup(label, [("area", area)]), pane=maps.pane_name("zones"))
            feature.add_child(maps._PathStyle(maps._checked_style(style)))
            feature.add_child(maps._ShapeName(label.striptags()))
            feature.add_to(m)
            entries.append(maps.LegendEntry(label, "area", style))
        rows = Markup("").join(Markup('<div class="row">{}<span>{}</span></div>').format(
            maps._swatch(e.style, e.kind), e.label if isinstance(e.label, Markup) else isolate(e.label)) for e in entries)
        maps._MapControl(Markup("<details open><summary>Legend</summary>{}</details>").format(rows)).add_to(m)
        maps._Attribution(list(dict.fromkeys(layer.attribution for layer in self._layers_used()))).add_to(m)
        folium.LayerControl(collapsed=True).add_to(m)
        m.fit_bounds([[round(lat0, 5), round(lon0, 5)], [round(lat1, 5), round(lon1, 5)]])
        return m

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
        items = Markup("").join(source_entry(self.dataset.sources[i]) for i in ids)
        credits = Markup("").join(
            Markup("<li>{}: {} — licence {}</li>").format(isolate(layer.title), isolate(layer.attribution), isolate(layer.licence))
            for layer in self._layers_used())
        listed = [self.dataset.sources[i] for i in ids]
        return HTML(Markup('{}<ol class="sources">{}</ol><h3>Map data credits</h3><ul class="credits">{}</ul>{}').format(
            reliability.kinds_legend(listed), items, credits, self.cite_this(listed)))
