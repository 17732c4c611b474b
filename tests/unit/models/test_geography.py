"""Geography kinds on synthetic geometry: except, within lists, sectors, both sides, corridors, words;
and report parameters scoped to one provision (applied to it alone; ambiguity refused with the list).

Coordinates are metres in UTM 37N, so areas follow from the shapes: a band 10 km deep along 100 km
of line, cut at both ends, is 1,000 km².
"""

from __future__ import annotations

import copy
from types import SimpleNamespace

import geopandas as gpd
import pytest
import shapely
import yaml
from pydantic import ValidationError
from pyproj import CRS

from accordmap.publish import jobs
from accordmap import params
from accordmap.dataset import select
from accordmap.models.geography import registry
from accordmap.models.geography.band import BandGeography
from accordmap.models.geography.common import Context
from accordmap.models.geography.corridor import CorridorGeography
from accordmap.load import load_dataset

KM = 1000.0
UTM = CRS.from_epsg(32637)


class Layers:
    """The two things the kinds ask of a dataset: ``layers`` (title, accuracy) and ``layer_frame(ref)``."""

    def __init__(self, **frames: list[tuple[dict, shapely.Geometry]]):
        self.frames = {name: gpd.GeoDataFrame([props for props, _ in rows], geometry=[g for _, g in rows], crs=UTM)
                       for name, rows in frames.items()}
        self.layers = {name: SimpleNamespace(title=name.title(), accuracy_km=None) for name in frames}

    def layer_frame(self, ref):
        return select(self.frames[ref.layer], ref.where)


def box_km(x0, y0, x1, y1):
    return shapely.box(x0 * KM, y0 * KM, x1 * KM, y1 * KM)


LINE = shapely.LineString([(0, 0), (100 * KM, 0)])
DATA = Layers(
    front=[({"name": "front"}, LINE)],
    held=[({"name": "held"}, box_km(0, 0, 100, 50))],  # the side the band is measured into, cut at the line's ends
    places=[({"name": "City"}, box_km(40, 0, 60, 5)), ({"name": "Base"}, box_km(80, 0, 90, 2)),
            ({"name": "Elsewhere"}, box_km(0, 60, 10, 70))],
    regions=[({"region": "west"}, box_km(-10, -60, 50, 60)), ({"region": "east"}, box_km(50, -60, 110, 60))],
)


def band(**fields) -> BandGeography:
    return BandGeography.model_validate({"kind": "band", "label": "Zone", "along": "front", "min_km": 10,
                                         "max_km": 10, **fields})


def zones(geography, values=None):
    return geography.zones("p1", Context(DATA, UTM), values or {})


# --- within and except ----------------------------------------------------------------------


def test_a_band_kept_inside_its_area_is_depth_times_length():
    (zone,) = zones(band(within="held"))
    assert zone.area_km2 == pytest.approx(1000, rel=1e-6)
    assert zone.name == "Zone, 10 km deep"


def test_except_subtracts_one_area():
    (zone,) = zones(band(within="held", **{"except": {"layer": "places", "where": {"name": "City"}}}))
    assert zone.area_km2 == pytest.approx(1000 - 20 * 5, rel=1e-6)
    assert zone.geometry.intersection(box_km(40, 0, 60, 5)).area == pytest.approx(0, abs=1.0)


def test_except_takes_a_list_and_subtracts_their_union():
    refs = [{"layer": "places", "where": {"name": "City"}}, {"layer": "places", "where": {"name": "Base"}}]
    (zone,) = zones(band(within="held", **{"except": refs}))
    assert zone.area_km2 == pytest.approx(1000 - 100 - 20, rel=1e-6)


def test_within_takes_a_list_and_keeps_their_union():
    refs = [{"layer": "regions", "where": {"region": "west"}}, {"layer": "held"}]
    (zone,) = zones(band(within=refs, side="both"))
    # west region: both sides of the line from x = -10 to 50 km (a round cap at x = 0), then the held side to 100 km
    expected_km2 = 50 * 20 + 50 * 10 + shapely.Point(0, 0).buffer(10 * KM, quad_segs=16).area / 2 / 1e6
    assert zone.area_km2 == pytest.approx(expected_km2, rel=1e-3)


def test_describe_states_every_exception_in_words():
    geography = band(within="held", **{"except": [{"layer": "places", "where": {"name": "City"}}, "regions"]})
    text = geography.describe(DATA.layers)
    assert text == ("Zone: 10 km deep from Front, inside Held, except the area of Places (name = City) and "
                    "the area of Regions.")


# --- sectors --------------------------------------------------------------------------------


SECTORS = [{"within": {"layer": "regions", "where": {"region": "west"}}, "depth_km": 15, "label": "the west"},
           {"within": {"layer": "regions", "where": {"region": "east"}}, "depth_km": 20, "label": "the east"}]


def test_sectors_give_each_part_of_the_line_its_own_depth():
    narrow, wide, by_sector = zones(band(within="held", min_km=15, max_km=20, sectors=SECTORS, sectors_note="as reported"))
    # the sectors cover the whole band: no part elsewhere, and the name says none
    assert by_sector.name == "Zone, 15 km in the west, 20 km in the east (as reported)"
    assert by_sector.area_km2 == pytest.approx(50 * 15 + 50 * 20, rel=1e-6)
    west, east = (by_sector.geometry.intersection(box_km(x0, -60, x1, 60)) for x0, x1 in ((-10, 50), (50, 110)))
    assert (west.area / 1e6, east.area / 1e6) == pytest.approx((50 * 15, 50 * 20), rel=1e-6)
    inner_west, inner_east = (by_sector.geometry.intersection(box_km(x0, -60, x1, 60)) for x0, x1 in ((-10, 49), (51, 110)))
    assert inner_west.bounds[3] == pytest.approx(15 * KM) and inner_east.bounds[3] == pytest.approx(20 * KM)
    # beside the zones at the agreed depths, which it does not replace
    assert (narrow.area_km2, wide.area_km2) == pytest.approx((1500, 2000), rel=1e-6)


def test_the_part_outside_every_sector_keeps_a_depth_and_the_parts_add_up():
    """One sector (the west, 15 km): the east has no sector depth, so it gets sectors_default_km (12 km), or
    without it the agreed maximum (20 km); the zone is the sum of its parts, and its name says which has which."""
    west = [{"within": {"layer": "regions", "where": {"region": "west"}}, "depth_km": 15, "label": "the west"}]
    by_default = zones(band(within="held", min_km=15, max_km=20, sectors=west))[-1]
    assert by_default.name == "Zone, 15 km in the west, 20 km elsewhere (elsewhere the agreed maximum)"
    assert by_default.area_km2 == pytest.approx(50 * 15 + 50 * 20, rel=1e-6)
    geography = band(within="held", min_km=15, max_km=20, sectors=west, sectors_default_km=12)
    by_sector = zones(geography)[-1]
    assert by_sector.name == "Zone, 15 km in the west, 12 km elsewhere"
    parts = geography.sector_parts(Context(DATA, UTM))
    assert [(label, depth) for label, depth, _ in parts] == [("the west", 15), ("elsewhere", 12)]
    assert [part.area / 1e6 for _, _, part in parts] == pytest.approx([50 * 15, 50 * 12], rel=1e-6)
    assert by_sector.area_km2 == pytest.approx(sum(part.area for _, _, part in parts) / 1e6, rel=1e-9)


def test_sectors_are_cut_by_except_too():
    geography = band(within="held", sectors=SECTORS, **{"except": {"layer": "places", "where": {"name": "City"}}})
    by_sector = zones(geography)[-1]
    assert by_sector.area_km2 == pytest.approx(50 * 15 + 50 * 20 - 100, rel=1e-6)
    assert "By sector: 15 km in the west, 20 km in the east" in geography.describe(DATA.layers)


def test_a_sectors_note_without_sectors_is_refused():
    with pytest.raises(ValidationError, match="sectors_note is given but there are no sectors"):
        band(within="held", sectors_note="as reported")


# --- both sides -----------------------------------------------------------------------------


def test_a_band_either_side_of_a_line_is_named_by_its_full_width():
    (zone,) = zones(band(min_km=2, max_km=2, within={"layer": "regions", "where": {"region": "west"}}, side="both"))
    assert zone.name == "Zone, 4 km wide, 2 km either side"
    assert "deep" not in zone.name
    # 4 km wide from x = 0 (a half-round cap at the line's end) to x = 50 km, where the region ends
    assert zone.area_km2 == pytest.approx(50 * 4 + shapely.Point(0, 0).buffer(2 * KM, quad_segs=16).area / 2 / 1e6, rel=1e-4)


def test_a_band_without_within_lies_either_side():
    geography = band(min_km=2, max_km=2)
    assert geography.both_sides and zones(geography)[0].name == "Zone, 4 km wide, 2 km either side"
    assert geography.describe(DATA.layers) == "Zone: 4 km wide, 2 km either side of Front."


def test_a_band_on_one_side_needs_the_area_of_that_side():
    with pytest.raises(ValidationError, match="side is 'one' but there is no within"):
        band(side="one")


# --- corridors ------------------------------------------------------------------------------


def test_a_corridor_minus_an_exception():
    corridor = CorridorGeography.model_validate({
        "kind": "corridor", "label": "Corridor", "along": "front", "within": "held", "half_width_km": 6,
        "except": {"layer": "places", "where": {"name": "City"}}})
    (zone,) = corridor.zones("p2", Context(DATA, UTM), {})
    assert zone.name == "Corridor, 6 km either side"
    assert zone.area_km2 == pytest.approx(100 * 12 - 20 * 5, rel=1e-6)
    assert corridor.describe(DATA.layers) == ("Corridor: 12 km wide, 6 km either side of Front where it runs inside "
                                              "Held, except the area of Places (name = City).")


# --- parameters scoped to a provision -------------------------------------------------------


def _agreement(*geographies):
    provisions = [SimpleNamespace(id=f"p{n}", geography=g) for n, g in enumerate(geographies, 1)]
    return SimpleNamespace(id="test", short_title="Test accord", provisions=provisions)


def test_a_scoped_parameter_changes_one_provision_only():
    agreement = _agreement(band(within="held"), band(within="held", label="Patrol zone", min_km=5, max_km=5))
    values = registry.provision_values(agreement, {}, {"p2.max_km": 7})
    assert values == {"p2": {"max_km": 7}}
    first = zones(agreement.provisions[0].geography, values.get("p1"))
    second = agreement.provisions[1].geography.zones("p2", Context(DATA, UTM), values["p2"])
    assert [z.distance_km for z in first] == [10] and [z.distance_km for z in second] == [5, 7]


def test_an_agreement_wide_parameter_is_refused_when_two_provisions_could_take_it():
    agreement = _agreement(band(within="held"), band(within="held", label="Patrol zone", min_km=5, max_km=5))
    with pytest.raises(registry.OverrideError) as err:
        registry.provision_values(agreement, {"zone_max_km": 20}, {})
    message = str(err.value)
    assert "zone_max_km is ambiguous for the Test accord: it has 2 band provisions (p1 'Zone', p2 'Patrol zone')" in message
    assert "expected one parameter per provision: p1.max_km, p2.max_km; e.g. -p p1.max_km=20" in message


def test_an_agreement_wide_parameter_applies_to_the_only_provision_of_its_kind():
    agreement = _agreement(band(within="held"), CorridorGeography(kind="corridor", label="C", along="front", half_width_km=3))
    assert registry.provision_values(agreement, {"zone_max_km": 20, "corridor_half_width_km": 4}) == {
        "p1": {"max_km": 20}, "p2": {"half_width_km": 4}}


@pytest.mark.parametrize("scoped, expected", [
    ({"p9.max_km": 5}, ("parameter 'p9.max_km' names no provision parameter of the Test accord (expected one of: "
                        "p1.min_km, p1.max_km)")),
    ({"p1.depth": 5}, "parameter 'p1.depth' is not <provision id>.<parameter>"),
    ({"p1.min_km": 30}, "p1.min_km (30) is larger than p1.max_km (10) for 'Zone' (expected min <= max)"),
    ({"p1.max_km": 0}, "parameter p1.max_km=0 is impossible"),
])
def test_impossible_scoped_parameters_are_refused(scoped, expected):
    with pytest.raises(registry.OverrideError) as err:
        registry.provision_values(_agreement(band(within="held")), {}, scoped)
    assert expected in str(err.value)


def test_the_same_distance_set_twice_is_refused():
    with pytest.raises(registry.OverrideError, match="zone_max_km and p1.max_km both set the max_km of provision p1"):
        registry.provision_values(_agreement(band(within="held")), {"zone_max_km": 12}, {"p1.max_km": 14})


@pytest.fixture
def two_bands(minimal_data):
    """The minimal dataset with a second band provision in its agreement."""
    path = minimal_data / "agreements" / "test-accord.yaml"
    agreement = yaml.safe_load(path.read_text(encoding="utf-8"))
    second = {**copy.deepcopy(agreement["provisions"][0]), "id": "p9", "number": "9"}
    second["geography"].update(label="Patrol zone", min_km=1, max_km=1)
    agreement["provisions"].append(second)
    path.write_text(yaml.safe_dump(agreement, sort_keys=False), encoding="utf-8")
    return load_dataset(minimal_data)


def test_cli_scoped_parameters_reach_the_report_as_zone_overrides(two_bands):
    raw = params.parse_cli_values(["p9.max_km=3"], ["brief"])
    values = params.resolve(two_bands, "brief", {"agreement": "test-accord", **raw})
    assert values["zone_overrides"] == {"p9.max_km": 3.0} and values["zone_max_km"] is None


def test_cli_agreement_wide_parameter_with_two_bands_is_refused_with_the_scoped_names(two_bands):
    with pytest.raises(params.ParameterError) as err:
        params.resolve(two_bands, "brief", {"agreement": "test-accord", "zone_max_km": "5"})
    assert "parameter zone_max_km is ambiguous" in str(err.value)
    assert "p1.max_km, p9.max_km" in str(err.value)


def test_scoped_parameters_sweep_into_their_own_files():
    combos = jobs._combinations("zone-map", {"p3.max_km": ["20", "25"], "basemap": ["none"]}, [])
    assert [raw for raw, _ in combos] == [{"p3.max_km": "20", "basemap": "none"}, {"p3.max_km": "25", "basemap": "none"}]
    assert combos[0][1] == ["p3.max_km"]
    values = params.typed("zone-map", combos[1][0])
    variant = tuple((name, params.value_of(values, name)) for name in combos[1][1])
    assert jobs.output_path("sochi-2018", "zone-map", variant) == "sochi-2018/zone-map--p3.max_km=25.html"


def test_a_scoped_parameter_is_refused_by_a_report_without_zones():
    with pytest.raises(params.ParameterError, match="unknown parameter 'p3.max_km' for report\\(s\\) timeline"):
        params.parse_cli_values(["p3.max_km=25"], ["timeline"])


def test_sochi_keeps_its_agreement_wide_parameters(dataset):
    values = params.resolve(dataset, "brief", {"zone_min_km": "10", "zone_max_km": "25"})
    assert (values["zone_min_km"], values["zone_max_km"]) == (10.0, 25.0)
    values = params.resolve(dataset, "zone-map", {"agreement": "moscow-2020", "corridor_half_width_km": "3",
                                                  "zone_max_km": "25"})  # no band: nothing to change, accepted
    assert values["corridor_half_width_km"] == 3.0


# --- the words on the map -------------------------------------------------------------------


def test_the_map_legend_states_exceptions_and_sectors_and_overridden_depths():
    from accordmap.geometry import AgreementGeometry
    from accordmap.views.maps.layers import zone_definitions

    excepted = band(within="held", **{"except": {"layer": "places", "where": {"name": "City"}}})
    plain = band(within="held", label="Plain")
    agreement = _agreement(excepted, plain)
    values = {"p1": {"max_km": 12}}
    found = [*zones(excepted, values["p1"]), *plain.zones("p2", Context(DATA, UTM), {})]
    geometry = AgreementGeometry(agreement, UTM, found, values=values)
    # only the provision whose zone names do not say all: the exception is stated in words
    assert zone_definitions(geometry, DATA.layers) == [
        "Zone: 10 to 12 km deep from Front, inside Held, except the area of Places (name = City)."]


# --- a kind is one module plus one registry entry ----------------------------------------------


def test_no_module_outside_the_kinds_names_a_kind():
    """Every module but the kinds' own asks a kind's hooks (COMPUTES_ZONES, FOLLOWS_FRONT,
    measured_routes...) rather than comparing ``.kind`` with a kind's name."""
    import ast
    import pathlib
    from accordmap.models.geography.registry import KINDS

    src = pathlib.Path(__file__).resolve().parents[3] / "src" / "accordmap"
    found = []
    for path in sorted(src.rglob("*.py")):
        if "geography" in path.relative_to(src).parts[:-1]:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Compare):
                continue
            sides = [node.left, *node.comparators]
            if not any(isinstance(side, ast.Attribute) and side.attr == "kind" for side in sides):
                continue
            names = [c.value for side in sides for c in ast.walk(side) if isinstance(c, ast.Constant)]
            found += [f"{path.relative_to(src)}:{node.lineno} names {name!r}" for name in names if name in KINDS]
    assert found == []
    assert len(KINDS) >= 3  # the test can fail: it knows the kinds it looks for
