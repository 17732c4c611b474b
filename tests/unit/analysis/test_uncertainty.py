"""The one uncertainty model (accordmap.analysis.uncertainty) against answers worked out by hand.

Synthetic layers in UTM 37N (metres): a held area whose west edge is the front line, bands measured into
it, a border known to 1 km and an exception area known to 10 km, sourced localities on both sides of the
line. Every expected figure below follows from the boxes' sides.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import CRS

from accordmap.analysis import figures, uncertainty
from accordmap.dataset import select
from accordmap.geometry import AgreementGeometry
from accordmap.models.geography.band import BandGeography
from accordmap.models.geography.common import Context

KM = 1000.0
UTM = CRS.from_epsg(32637)


def box_km(x0, y0, x1, y1):
    return shapely.box(x0 * KM, y0 * KM, x1 * KM, y1 * KM)


def point_km(x, y):
    return shapely.Point(x * KM, y * KM)


class Data:
    """What the model asks of a dataset: layers (kind, accuracy, date), their frames, the localities series."""

    def __init__(self, layers: dict[str, tuple[str, float | None, list]], localities: str | None = None):
        self.frames = {name: gpd.GeoDataFrame([p for p, _ in rows], geometry=[g for _, g in rows], crs=UTM)
                       for name, (_, _, rows) in layers.items()}
        self.layers = {name: SimpleNamespace(id=name, title=name.title(), kind=kind, accuracy_km=error,
                                             as_of="2018-09-17")
                       for name, (kind, error, _) in layers.items()}
        self.catalog = SimpleNamespace(localities_series=localities)

    def layer_frame(self, ref):
        name = ref if isinstance(ref, str) else ref.layer
        return select(self.frames[name], None if isinstance(ref, str) else ref.where)

    def resolve(self, series: str, on: dt.date):
        return SimpleNamespace(layer=self.layers[series])


def band(**fields) -> BandGeography:
    return BandGeography.model_validate({"kind": "band", "label": "Zone", "min_km": 15, "max_km": 15, **fields})


def geometry_of(data: Data, geography: BandGeography, map_layers=()) -> AgreementGeometry:
    agreement = SimpleNamespace(provisions=[SimpleNamespace(id="p1", geography=geography)], map_layers=list(map_layers))
    zones = geography.zones("p1", Context(data, UTM), {})
    return AgreementGeometry(agreement, UTM, zones)


# the front runs north along x = 0; the held area lies east of it (to its right, going north)
FRONT = shapely.LineString([(0, 0), (0, 100 * KM)])


def test_a_shared_line_moved_both_ways_gives_the_closed_form_range():
    """A 12 km wide held area and a 15 km band: the band holds all of it (12 x 100 km). Moving the line 5 km
    into it leaves 7 x 100 km; moving it 5 km out, the held area gains the 5 km strip and the band, 15 km from
    the moved line, reaches 10 km into the old area: 15 x 100 km. The area's own edges are exact."""
    data = Data({"front": ("line", 5.0, [({}, FRONT)]), "held": ("area", None, [({}, box_km(0, 0, 12, 100))])})
    geometry = geometry_of(data, band(along="front", within="held"))
    (zone,) = geometry.zones
    variants = uncertainty.zone_variants(data, geometry, zone)
    assert [s.name for s in variants.sources] == ["front"] and variants.count == 3
    assert zone.area_km2 == pytest.approx(1200, rel=1e-6)
    assert sorted(variants.areas_km2) == pytest.approx([700, 1200, 1500], rel=1e-3)
    area = figures.zone_area(data, geometry, zone)
    assert (area.km2, area.low_km2, area.high_km2) == pytest.approx((1200, 700, 1500), rel=1e-3)
    assert area.label() == "about 1,200 km² (700–1,500)"


def test_both_edges_of_a_band_move_with_its_line():
    """A 40 km wide held area: the 15 km band moves with the line and keeps its size (15 x 100 km), where
    trimming the error off both edges would leave a 5 km core."""
    data = Data({"front": ("line", 5.0, [({}, FRONT)]), "held": ("area", None, [({}, box_km(0, 0, 40, 100))])})
    geometry = geometry_of(data, band(along="front", within="held"))
    areas = uncertainty.zone_variants(data, geometry, geometry.zones[0]).areas_km2
    assert areas == pytest.approx([1500, 1500, 1500], rel=1e-3)


def test_each_edge_carries_its_own_error():
    """Both sides of a line inside a country (border known to 1 km) and out of an exception area (known to
    10 km, reaching south beyond the band): the zone is x in [-20, 20], y in [20, 60]; its north edge (the
    border) moves 1 km and its south edge (the exception) 10 km, so the range is 40 x 29 to 40 x 51 km², not
    10 km all round."""
    line = shapely.LineString([(0, 0), (0, 100 * KM)])
    data = Data({"road": ("line", None, [({}, line)]),
                 "country": ("area", 1.0, [({}, box_km(-50, 0, 50, 60))]),
                 "exclusion": ("area", 10.0, [({}, box_km(-50, -40, 50, 20))])})
    geography = band(along="road", within="country", side="both", min_km=20, max_km=20,
                     **{"except": "exclusion"})
    geometry = geometry_of(data, geography, map_layers=["country", "exclusion"])
    (zone,) = geometry.zones
    variants = uncertainty.zone_variants(data, geometry, zone)
    assert {s.name: s.error_km for s in variants.sources} == {"country (own edges)": 1.0, "exclusion (own edges)": 10.0}
    assert zone.area_km2 == pytest.approx(40 * 40, rel=1e-6)
    assert variants.areas_km2.min() == pytest.approx(40 * 29, rel=1e-3)
    assert variants.areas_km2.max() == pytest.approx(40 * 51, rel=1e-3)


def test_a_place_held_on_a_known_side_never_flips():
    """Sourced localities: one held by the other side 3 km west of the line, one held by the zone's side
    2 km east of it. Moving the line 5 km would put each on the wrong side; neither ever is."""
    localities = [({"name": "Government town", "control": "government"}, point_km(-3, 50)),
                  ({"name": "Opposition town", "control": "opposition"}, point_km(2, 50)),
                  ({"name": "Unknown", "control": "unknown"}, point_km(-2, 70))]
    data = Data({"front": ("line", 5.0, [({}, FRONT)]), "held": ("area", 5.0, [({}, box_km(0, 0, 40, 100))]),
                 "localities": ("point", None, localities)}, localities="localities")
    geometry = geometry_of(data, band(along="front", within="held"))
    (zone,) = geometry.zones
    variants = uncertainty.zone_variants(data, geometry, zone)
    assert variants.constrained_by == "Localities"
    classes = uncertainty.point_classes(data.frames["localities"], variants, UTM)
    assert list(classes.position) == ["outside", "inside", "some"]  # the unknown one constrains nothing
    assert classes.variants_in[0] == 0 and classes.variants_in[1] == variants.count


def test_the_central_count_is_the_count_inside_the_zone_as_computed():
    """Places at known distances east of the line, in a 15 km band whose line is known to 5 km: 3 km and 12 km
    are in the computed zone (the central count is 2). Moved 5 km in (the band then spans 5-20 km), the line
    leaves 3 km on the other side; moved 5 km out (-5 to 10 km), the band no longer reaches 12 km; only the
    line moved in reaches 18 km; nothing reaches 30 km. So 2 (range 0-3)."""
    data = Data({"front": ("line", 5.0, [({}, FRONT)]), "held": ("area", None, [({}, box_km(0, 0, 40, 100))])})
    geometry = geometry_of(data, band(along="front", within="held"))
    places = gpd.GeoDataFrame({"name": ["3 km", "12 km", "18 km", "30 km"]},
                              geometry=[point_km(x, 50) for x in (3, 12, 18, 30)], crs=UTM)
    classes = uncertainty.point_classes(places, uncertainty.zone_variants(data, geometry, geometry.zones[0]), UTM)
    assert list(classes.central) == [True, True, False, False]
    assert list(classes.position) == ["some", "some", "some", "outside"]
    assert list(classes.variants_in) == [2, 2, 1, 0]


def test_a_zone_from_exact_layers_has_one_variant():
    data = Data({"front": ("line", None, [({}, FRONT)]), "held": ("area", None, [({}, box_km(0, 0, 40, 100))])})
    geometry = geometry_of(data, band(along="front", within="held"))
    variants = uncertainty.zone_variants(data, geometry, geometry.zones[0])
    assert variants.count == 1 and variants.sources == ()
    assert figures.zone_area(data, geometry, geometry.zones[0]).label() == "about 1,500 km² (error not stated)"


def test_many_sources_get_the_axes_and_the_corners():
    signs = uncertainty.variant_signs(4)
    assert signs[0] == (0, 0, 0, 0) and len(signs) == 1 + 8 + 16 and len(set(signs)) == len(signs)
    assert np.all([max(abs(v) for v in s) <= 1 for s in signs])
