"""Uncertain boundaries -> each zone's variants: the one uncertainty model every figure's range comes from.

A zone is computed from layers (its geography's ``along``, ``within``, ``except``, sectors), each known to
its own ``accuracy_km``. The **central** zone is the one computed from the layers as given. Its
**variants** are the same zone recomputed, by the kind's own :meth:`zones`, from the layers moved within
their errors (docs/method.md, "Ranges"):

* **Sources of error.** Each line the zone is drawn from (``along``) is one source: it moves as a whole, to
  its left and to its right by its error (``shapely.offset_curve``), so both edges of a band drawn from it
  move together, as they would if the line were drawn elsewhere. Each area (``within``, ``except``) is one
  more source for its *own* edges, which grow or shrink together by their error. An edge of an area that
  lies on a line of the zone (within :data:`SHARED_M`: the held area's front is the line of contact) is that
  line's and moves with it (the strip between the line and its variant changes sides). An edge that lies
  on a more accurate area layer of the agreement (an international border) carries that layer's error.
* **Variants.** Every combination of the sources moved -1, 0 or +1 times their error (3**n of them, the
  central one included) up to :data:`MAX_FULL` sources; beyond, the central one, each source alone and
  the corners (all moved at once, every combination of signs).
* **What is known constrains them.** Where the catalog has a ``localities_series`` member of the date an
  area describes (the sourced localities its boundary was drawn from), each sourced locality keeps the
  side of that area it has as given, with the ground within :data:`LOCALITY_KM` of it, in every variant: a
  government-held town near the front is never "maybe inside" the opposition-side zone.

Every figure reads the variants: an area is the central one with the smallest and largest variant as its
range; a place is *inside* (in every variant), *in some* (``n`` of them) or *outside* (in none), and a count
(of places, of events) is the central count with the fewest and the most any variant holds as its range. The range says what
the layers' stated errors allow, moved as described; it is not a confidence interval.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
import geopandas as gpd
import numpy as np
import shapely
from accordmap import models
from accordmap.dataset import Dataset
from accordmap.geometry import AgreementGeometry, Zone
from accordmap.models.geography.common import Context, GeographyBase
from accordmap.models.terms import UNKNOWN_CONTROL

__all__ = ["LOCALITY_KM", "SHARED_M", "MAX_FULL", "ErrorSource", "ZoneVariants", "zone_variants",
           "variant_signs", "point_classes", "Classes"]

LOCALITY_KM = 1.0  # a sourced locality's point and the ground within this distance keep their side (method choice)
SHARED_M = 100.0  # an area's edge within this distance of a line of the zone is that line
MAX_FULL = 3  # up to this many sources: every combination of -1, 0, +1; beyond, the axes and the corners
_MIN_SHARED = 0.5  # an area shares a line when at least this share of the line lies on its edge


@dataclass(frozen=True)
class ErrorSource:
    """One independent error: a line moved to its left (+) or right (-), or an area's own edges moved out (+)
    or in (-), by ``error_km``."""

    layer_id: str
    kind: str  # "line" or "area"
    error_km: float

    @property
    def name(self) -> str:
        """'line-of-contact-2018', 'opposition-held-2018 (own edges)': by layer id, for exports."""
        return self.layer_id if self.kind == "line" else f"{self.layer_id} (own edges)"


def variant_signs(count: int) -> list[tuple[int, ...]]:
    """How each of ``count`` sources moves in each variant (-1, 0, +1), the central one first: every
    combination up to :data:`MAX_FULL` sources; beyond, each source alone and every corner."""
    if count <= MAX_FULL:
        combos = list(itertools.product((0, -1, 1), repeat=count))
    else:
        axes = [tuple(s if i == j else 0 for i in range(count)) for j in range(count) for s in (-1, 1)]
        combos = [(0,) * count, *axes, *itertools.product((-1, 1), repeat=count)]
    return list(dict.fromkeys(combos))


@dataclass
class _AreaPlan:
    shared_line: str | None  # the line layer whose error the area's edge on it carries
    own_edges: list[tuple[object, float]]  # (edge geometry, error km) of the area's own edges
    own_band: object | None  # the ground within each own edge's error of it: what moving them adds or takes
    keep_in: object | None  # ground around sourced localities inside the area as given
    keep_out: object | None  # ... and outside it
    localities: str | None = None  # the title of the localities layer that gave keep_in and keep_out


@dataclass
class _Plan:
    sources: list[ErrorSource]
    lines: dict[str, object]  # line layer id -> its geometry as given
    areas: dict[str, _AreaPlan] = field(default_factory=dict)


@dataclass(frozen=True)
class ZoneVariants:
    """A zone and its variants: ``shapes[0]`` is the central zone (as computed), the others its variants,
    each from the sources moved by ``signs[i]`` (-1, 0, +1 per source, in the order of ``sources``)."""

    zone: Zone
    sources: tuple[ErrorSource, ...]
    signs: tuple[tuple[int, ...], ...]
    shapes: tuple[object, ...]
    constrained_by: str | None  # the title of the localities layer that constrained the variants, if any

    @property
    def areas_km2(self) -> np.ndarray:
        return np.array([float(shape.area) / 1e6 for shape in self.shapes])

    @property
    def count(self) -> int:
        return len(self.shapes)


def _localities(dataset: Dataset, area: models.Layer) -> models.Layer | None:
    """The layer of sourced localities of the date ``area`` describes (None: the catalog has none for that day)."""
    series = dataset.catalog.localities_series
    if not series or not area.as_of or len(str(area.as_of)) != 10:
        return None
    try:
        day = dt.date.fromisoformat(str(area.as_of))
    except ValueError:
        return None
    member = dataset.resolve(series, day).layer
    return member if str(member.as_of) == str(area.as_of) else None


def _plan(dataset: Dataset, context: Context, geography: GeographyBase, accurate: Sequence[models.Layer]) -> _Plan:
    refs = [ref for _, _, ref in geography.layer_refs()]
    lines: dict[str, object] = {}
    sources: list[ErrorSource] = []
    for ref in refs:
        layer = dataset.layers[ref.layer]
        if layer.kind == "line" and layer.id not in lines:
            lines[layer.id] = context.geometry(ref)
            if layer.accuracy_km:
                sources.append(ErrorSource(layer.id, "line", float(layer.accuracy_km)))
    plan = _Plan(sources, lines)
    errors = {s.layer_id: s.error_km for s in sources}
    for ref in refs:
        layer = dataset.layers[ref.layer]
        if layer.kind != "area" or layer.id in plan.areas:
            continue
        shape = context.geometry(ref)
        edge = shape.boundary
        shared = next((line_id for line_id, line in lines.items() if line_id in errors and line.length > 0
                       and shapely.intersection(line, shapely.buffer(edge, SHARED_M)).length >= _MIN_SHARED * line.length),
                      None)
        own = shapely.difference(edge, shapely.buffer(lines[shared], SHARED_M)) if shared else edge
        own_edges: list[tuple[object, float]] = []
        for other in accurate:
            error = other.accuracy_km or 0.0
            if other.id == layer.id or other.kind != "area" or error >= (layer.accuracy_km or 0.0):
                continue
            reach = max(SHARED_M, error * 1000)
            around = shapely.buffer(shapely.envelope(own), reach * 2)  # only the part of the other layer near it
            borders = shapely.union_all(dataset.layer_frame(other.id).to_crs(context.crs).boundary.values)
            near = shapely.buffer(shapely.intersection(borders, around), reach)
            on_other = shapely.intersection(own, near)
            if on_other.length > 0:
                if error:
                    own_edges.append((on_other, float(error)))
                own = shapely.difference(own, near)
        if layer.accuracy_km and own.length > 0:
            own_edges.append((own, float(layer.accuracy_km)))
        if own_edges:
            sources.append(ErrorSource(layer.id, "area", max(e for _, e in own_edges)))
        keep_in = keep_out = None
        member = _localities(dataset, layer) if (shared or own_edges) else None
        localities = dataset.layer_frame(member.id) if member is not None else None
        if localities is not None and not localities.empty:
            if "control" in localities:  # a locality whose holder is not established constrains nothing
                localities = localities[localities["control"] != UNKNOWN_CONTROL]
            points = localities.to_crs(context.crs).geometry.values
            inside = shapely.covers(shape, points)
            radius = LOCALITY_KM * 1000
            keep_in = shapely.union_all(shapely.buffer(points[inside], radius)) if inside.any() else None
            keep_out = shapely.union_all(shapely.buffer(points[~inside], radius)) if (~inside).any() else None
        own_band = shapely.union_all([shapely.buffer(edge, error * 1000) for edge, error in own_edges]) if own_edges else None
        constrained = keep_in is not None or keep_out is not None
        plan.areas[layer.id] = _AreaPlan(shared, own_edges, own_band, keep_in, keep_out,
                                         member.title if constrained else None)
    return plan


def _displacer(plan: _Plan, signs: tuple[int, ...]):
    moved = {(s.layer_id, s.kind): sign * s.error_km for s, sign in zip(plan.sources, signs)}
    done: dict = {}  # a kind may ask for one reference several times (a band's depths, its sectors)

    def displace(ref: models.LayerRef, shape):
        key = (ref.layer, ref.series, repr(ref.where))
        if key not in done:
            done[key] = _moved(ref, shape)
        return done[key]

    def _moved(ref: models.LayerRef, shape):
        line_shift = moved.get((ref.layer, "line"))
        if line_shift:
            return shapely.offset_curve(shape, line_shift * 1000)
        area = plan.areas.get(ref.layer)
        if area is None:
            return shape
        if area.shared_line and moved.get((area.shared_line, "line")):
            # the strip between the line and its variant changes sides: the area gains it or loses it
            strip = shapely.buffer(plan.lines[area.shared_line], moved[(area.shared_line, "line")] * 1000,
                                   single_sided=True)
            shape = shapely.symmetric_difference(shape, strip)
        own = moved.get((ref.layer, "area"), 0.0)
        if own and area.own_band is not None:
            shape = shapely.union(shape, area.own_band) if own > 0 else shapely.difference(shape, area.own_band)
        if area.keep_out is not None:
            shape = shapely.difference(shape, area.keep_out)
        if area.keep_in is not None:
            shape = shapely.union(shape, area.keep_in)
        return shape

    return displace


def _accurate_layers(dataset: Dataset, geometry: AgreementGeometry) -> list[models.Layer]:
    ids = list(geometry.agreement.map_layers)
    return [dataset.layers[i] for i in dict.fromkeys(ids) if i in dataset.layers]


def zone_variants(dataset: Dataset, geometry: AgreementGeometry, zone: Zone) -> ZoneVariants:
    """The zone's variants (computed once per geometry and provision, kept in ``geometry.cache``)."""
    key = ("variants", zone.provision_id)
    if key not in geometry.cache:
        provision = next(p for p in geometry.agreement.provisions if p.id == zone.provision_id)
        geography = provision.geography
        context = Context(dataset, geometry.crs, cache=geometry.cache.setdefault("layers", {}))
        plan = _plan(dataset, context, geography, _accurate_layers(dataset, geometry))
        values = geometry.values.get(zone.provision_id, {})
        central = [z for z in geometry.zones if z.provision_id == zone.provision_id]
        signs = variant_signs(len(plan.sources))
        shapes: list[list[object]] = [[z.geometry for z in central]]
        for combo in signs[1:]:
            variant = Context(dataset, geometry.crs, displace=_displacer(plan, combo), cache=context.cache)
            found = geography.zones(zone.provision_id, variant, values)
            shapes.append([shapely.make_valid(z.geometry) for z in found])
        title = next((area.localities for area in plan.areas.values() if area.localities), None)
        geometry.cache[key] = [
            ZoneVariants(z, tuple(plan.sources), tuple(signs), tuple(variant[i] for variant in shapes), title)
            for i, z in enumerate(central)]
    return next(v for v in geometry.cache[key] if v.zone is zone or v.zone == zone)


# --- places ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Classes:
    """Each point of a frame against a zone's variants, in the frame's order: ``central`` (in the zone as
    computed), ``variants_in`` (in how many variants, of ``variants``) and ``position``: ``inside`` (in every
    variant), ``some`` (in some) or ``outside`` (in none)."""

    central: np.ndarray
    variants_in: np.ndarray
    variants: int
    per_variant: tuple[int, ...] = ()  # how many points each variant holds, the zone as computed first

    @property
    def position(self) -> np.ndarray:
        return np.where(self.variants_in == self.variants, "inside", np.where(self.variants_in > 0, "some", "outside"))


def point_classes(frame: gpd.GeoDataFrame, variants: ZoneVariants, crs) -> Classes:
    """Where each point of ``frame`` falls against the zone's variants (a point on a boundary is in)."""
    points = frame.to_crs(crs).geometry.values
    hits = []
    for shape in variants.shapes:
        shapely.prepare(shape)
        hits.append(shapely.covers(shape, points))
    matrix = np.vstack(hits)
    return Classes(matrix[0], matrix.sum(axis=0), len(variants.shapes), tuple(int(n) for n in matrix.sum(axis=1)))
