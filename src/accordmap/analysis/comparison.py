"""Geometry of two dates -> the ground that changed hands, and how much of a zone was taken.

The control layers are estimates whose lines are off by a typical error (6–8 km for the shipped
Idlib lines), so every area here comes as a range: the figure computed from the lines as they
are, and the figures if each line were off by its typical error in the same direction all along
(the "low" and "high" bounds). Each is an :class:`accordmap.analysis.figures.AreaFigure`, rounded by the one
rule of :mod:`accordmap.analysis.figures` (to the magnitude of its error); reports quote it with its range.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
import geopandas as gpd
import pandas as pd
import shapely
from accordmap import models
from accordmap.analysis.figures import AreaFigure, round_area
from accordmap.dataset import Dataset, Resolved
from accordmap.geometry import AgreementGeometry, build_geometry
from accordmap.load import references
from accordmap.models import dates
from accordmap.models.geography.registry import KINDS
from accordmap.models.terms import UNKNOWN_CONTROL

__all__ = ["AreaFigure", "changed_hands", "overlap_km2", "round_area", "share_taken"]


def _km2(geometry: shapely.Geometry) -> float:
    return float(geometry.area) / 1e6


def _band(line: shapely.Geometry | None, error_km: float | None) -> shapely.Geometry:
    """The ground within the line's typical error of it (empty for an exact or missing line)."""
    if line is None or not error_km:
        return shapely.Polygon()
    return shapely.buffer(line, error_km * 1000, quad_segs=8)


def changed_hands(
    held_before: shapely.Geometry,
    held_after: shapely.Geometry,
    line_before: shapely.Geometry | None = None,
    line_after: shapely.Geometry | None = None,
    error_before_km: float | None = None,
    error_after_km: float | None = None,
    known: shapely.Geometry | None = None,
) -> AreaFigure:
    """Ground held at the first date and no longer at the second (metric CRS geometries).

    Low bound: what changed hands even if every point within a line's error of it had been
    classed the other way, plus the changed ground inside ``known`` (the area the sourced
    localities that changed hands span: :meth:`Comparison.changed_span`), which the lines' error
    cannot take back; high bound: the changed ground plus every point of the earlier area within a
    line's error of either line.
    """
    changed = shapely.difference(held_before, held_after)
    uncertain = shapely.union(_band(line_before, error_before_km), _band(line_after, error_after_km))
    low = shapely.difference(changed, uncertain)
    if known is not None and not known.is_empty:
        low = shapely.union(low, shapely.intersection(changed, known))
    high = shapely.union(changed, shapely.intersection(uncertain, held_before))
    return AreaFigure(_km2(changed), _km2(low), _km2(high))


def share_taken(
    zone: shapely.Geometry,
    held_after: shapely.Geometry,
    line_after: shapely.Geometry | None = None,
    error_after_km: float | None = None,
) -> tuple[AreaFigure, float]:
    """The part of a zone no longer in the held area at the later date, and its share of the zone.

    The range follows the later line's error: low excludes, high includes, the zone's ground
    within that error of the line.
    """
    taken = shapely.difference(zone, held_after)
    band = shapely.intersection(_band(line_after, error_after_km), zone)
    figure = AreaFigure(_km2(taken), _km2(shapely.difference(taken, band)), _km2(shapely.union(taken, band)))
    total = _km2(zone)
    return figure, (figure.km2 / total if total else 0.0)


def overlap_km2(a: shapely.Geometry, b: shapely.Geometry) -> float:
    return _km2(shapely.intersection(a, b))


@dataclass(frozen=True)
class State:
    """The control layers on one date: the held area and its line, members of their series."""

    held: Resolved
    line: Resolved
    asked: dt.date | None  # the date the member was picked for (None: the latest)

    @property
    def date(self) -> dt.date:
        return dates.start(self.held.layer.as_of)

    @property
    def label(self) -> str:
        return dates.day_label(self.date)


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
        band = next((p.geography for p in base.provisions if p.geography and p.geography.FOLLOWS_FRONT), None)
        if band is None:
            kinds = " or ".join(name for name, kind in KINDS.items() if kind.FOLLOWS_FRONT)
            raise ValueError(f"the {base.short_title} has no zone along a front line (expected a provision with "
                             f"geography kind {kinds})")
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
        """Held on the earlier date, no longer on the later (changed_hands)."""
        s = self.shapes
        return changed_hands(s["held_before"], s["held_after"], s["line_before"], s["line_after"],
                             self.before.line.layer.accuracy_km, self.after.line.layer.accuracy_km,
                             known=self.changed_span(s["held_before"], s["held_after"]))

    @functools.cached_property
    def gained(self) -> AreaFigure:
        """Held on the later date and not on the earlier."""
        s = self.shapes
        return changed_hands(s["held_after"], s["held_before"], s["line_after"], s["line_before"],
                             self.after.line.layer.accuracy_km, self.before.line.layer.accuracy_km,
                             known=self.changed_span(s["held_after"], s["held_before"]))

    def changed_span(self, first: shapely.Geometry, second: shapely.Geometry) -> shapely.Geometry:
        """The area the sourced localities that changed hands from ``first`` to ``second`` span: the convex hull
        of those whose control changed (both dates known) and that lie in ``first``'s area and outside
        ``second``'s (empty with fewer than three, or without a localities series). docs/method.md says why."""
        found = self.localities()
        if found is None or found[0].empty:
            return shapely.Polygon()
        name = self.dataset.catalog.localities_series
        layer = self.dataset.resolve(name, self.before.date).layer
        frame = self.dataset.layer_frame(layer.id).set_index(layer.id_property)
        points = gpd.GeoSeries(frame.loc[found[0].index, "geometry"], crs=4326).to_crs(self.crs).values
        moved = points[shapely.covers(first, points) & ~shapely.covers(second, points)]
        if len(moved) < 3:
            return shapely.Polygon()
        return shapely.convex_hull(shapely.multipoints(moved))

    def zone_taken(self) -> list[tuple[object, AreaFigure, float]]:
        """For each zone of the base agreement: the part held on the earlier date and outside the held area on the
        later one, and its share of the zone (a zone either side of the line was never all held: its other side is
        not 'no longer held')."""
        rows = []
        for zone in sorted(self.base_geometry.zones, key=lambda z: z.distance_km):
            held_part = shapely.intersection(zone.geometry, self.shapes["held_before"])
            figure, share = share_taken(held_part, self.shapes["held_after"], self.shapes["line_after"],
                                                   self.after.line.layer.accuracy_km)
            share = figure.km2 / zone.area_km2 if zone.area_km2 else 0.0
            rows.append((zone, figure, share))
        return rows

    def overlaps(self) -> list[tuple[object, object, float]]:
        """(base zone, amendment zone, km² shared) for each pair."""
        return [(z, c, overlap_km2(z.geometry, c.geometry))
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
        earlier = frames[0][[before.layer.name_property, references.LOCALITY_CONTROL, "geometry"]].rename(
            columns={before.layer.name_property: "name", references.LOCALITY_CONTROL: "before"})
        later = frames[1].drop(columns=["geometry", after.layer.name_property]).rename(
            columns={references.LOCALITY_CONTROL: "after"})
        joined = earlier.join(later[[c for c in later.columns if c not in earlier.columns]], how="inner")
        unknown = joined[(joined["before"] == UNKNOWN_CONTROL) | (joined["after"] == UNKNOWN_CONTROL)]
        changed = joined[(joined["before"] != joined["after"]) & ~joined.index.isin(unknown.index)].copy()
        outer = self.base_geometry.outer_zone
        points = gpd.GeoSeries(changed["geometry"], crs=4326).to_crs(self.crs)
        changed["in_zone"] = points.within(outer.geometry).values if outer is not None else False
        changed["captured"] = changed.get("captured", None)
        return changed.drop(columns=["geometry"]), sorted(unknown[unknown["before"] != unknown["after"]]["name"])


def compare(dataset: Dataset, base: models.Agreement | str, amendment: models.Agreement | str,
            as_of: dt.date | str | None = None) -> Comparison:
    """The comparison of an agreement (``base``) with its amendment, as the comparison report computes it.

    ``base`` and ``amendment`` are models or ids; ``as_of`` a date or 'YYYY-MM-DD' (None: the latest layers).
    """
    base = dataset.agreements[base] if isinstance(base, str) else base
    amendment = dataset.agreements[amendment] if isinstance(amendment, str) else amendment
    if isinstance(as_of, str):
        as_of = dt.date.fromisoformat(as_of)
    return Comparison(dataset, base, amendment, as_of=as_of)
