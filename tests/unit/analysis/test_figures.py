"""Figures as honest as the layers: areas rounded to their error, places on a zone's edge, the count sentence.

Synthetic geometry in a metric CRS (UTM 37N, metres), where every answer can be worked out by hand.
"""

import math

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from accordmap.analysis import figures
from accordmap.analysis.figures import AreaFigure, area_figure, count_sentence, edge_km, round_area
from accordmap.geometry import Zone, point_positions

CRS = 32637


# --- rounding -------------------------------------------------------------------------------


def test_error_is_the_uncertain_boundary_times_its_accuracy():
    # a 100 km line known to 6 km: ± 600 km²
    figure = area_figure(3561.4, 100.0, 6.0)
    assert figure.low_km2 == pytest.approx(2961.4) and figure.high_km2 == pytest.approx(4161.4)
    assert figure.error_km2 == pytest.approx(600)


@pytest.mark.parametrize("km2, boundary_km, accuracy_km, expected", [
    (3561.4, 236.0, 6.3, "about 4,000 km² (±1,500)"),   # error 1,487: thousands, error to half a thousand
    (3561.4, 100.0, 6.0, "about 3,600 km² (±600)"),     # error 600: hundreds
    (3561.4, 10.0, 0.5, "about 3,561 km² (±5)"),        # error 5: units
    (3561.4, 2.0, 0.3, "about 3,561 km² (±0.5)"),       # error 0.6 < 1: never finer than 1 km², error to half of it
    (725.4, 60.0, 0.0, "about 730 km² (error not stated)"),  # no error: two significant figures
    (725.4, 60.0, None, "about 730 km² (error not stated)"),
])
def test_area_is_rounded_to_the_magnitude_of_its_error(km2, boundary_km, accuracy_km, expected):
    assert area_figure(km2, boundary_km, accuracy_km).short_label() == expected


def test_range_is_rounded_outwards_and_holds_the_computed_range():
    figure = area_figure(3561.4, 236.0, 6.3)  # 2,074.6 to 5,048.2
    assert figure.rounded == 4000 and figure.step == 1000
    assert figure.rounded_range == (2000.0, 5500.0)
    assert figure.label() == "about 4,000 km² (2,000–5,500 km²)"
    low, high = figure.rounded_range
    assert low <= figure.low_km2 and high >= figure.high_km2


def test_low_bound_never_goes_below_zero():
    figure = area_figure(300.0, 100.0, 6.0)  # ± 600
    assert figure.low_km2 == 0 and figure.rounded_range[0] == 0
    assert figure.label() == "about 300 km² (0–900 km²)"


def test_an_asymmetric_range_from_geometry_uses_the_same_rule():
    # the comparison's ranges: low 786.5, high 4,175.1 around 2,988.9: error 2,202 -> thousands
    assert AreaFigure(2988.9, 786.5, 4175.1).label() == "about 3,000 km² (500–4,500 km²)"
    assert AreaFigure(0.0, 0.0, 0.0).label() == "none"


def test_the_comparison_uses_the_one_implementation():
    from accordmap.analysis import comparison
    assert comparison.AreaFigure is figures.AreaFigure and comparison.round_area is figures.round_area


@pytest.mark.parametrize("km2, expected", [(2988.9, 3000), (2345, 2300), (741.5, 740), (12.3, 10), (0, 0),
                                           (float("nan"), 0)])
def test_without_an_error_areas_get_two_significant_figures(km2, expected):
    assert round_area(km2) == expected


@pytest.mark.parametrize("bad", [{"km2": -1.0}, {"boundary_km": float("nan")}, {"accuracy_km": -0.5}])
def test_a_bad_input_is_refused_by_name(bad):
    values = {"km2": 100.0, "boundary_km": 10.0, "accuracy_km": 1.0, **bad}
    with pytest.raises(ValueError, match=next(iter(bad))):
        area_figure(**values)


# --- edges ----------------------------------------------------------------------------------


def _square_zone():
    """A 20 km square zone (x, y from 500 to 520 km)."""
    return Zone("p", "Square", "band", 20.0, box(500_000, 4_000_000, 520_000, 4_020_000))


def _points(distances_km):
    """Points on the line y = 4,010 km at signed distances from the square's west edge (positive: inside)."""
    return gpd.GeoDataFrame({"name": [f"{d:+g} km" for d in distances_km]},
                            geometry=[Point(500_000 + d * 1000, 4_010_000) for d in distances_km], crs=CRS)


def test_a_point_within_the_accuracy_of_the_edge_is_on_the_edge_on_either_side():
    frame = _points([10.0, 6.5, 5.9, 0.0, -0.4, -5.9, -6.1, -30.0])
    positions = point_positions(frame, _square_zone(), CRS, edge_km=6.0)
    assert positions.tolist() == ["inside", "inside", "edge", "edge", "edge", "edge", "outside", "outside"]


def test_without_an_accuracy_a_point_on_the_boundary_is_inside():
    frame = _points([0.0, 0.5, -0.5])
    assert point_positions(frame, _square_zone(), CRS).tolist() == ["inside", "inside", "outside"]


def test_points_in_lon_lat_are_projected_before_measuring():
    frame = _points([3.0, -3.0, 12.0]).to_crs(4326)
    assert point_positions(frame, _square_zone(), CRS, edge_km=5.0).tolist() == ["edge", "edge", "inside"]


def test_the_edge_adds_the_zone_error_and_the_layer_error():
    assert edge_km(6.3, 1.0) == pytest.approx(7.3)
    assert edge_km(6.3, None) == pytest.approx(6.3)
    assert edge_km(None, None) == 0
    with pytest.raises(ValueError, match="edge_km"):
        point_positions(_points([1.0]), _square_zone(), CRS, edge_km=-1.0)


# --- the count sentence ---------------------------------------------------------------------


def test_the_count_sentence_says_inside_on_the_edge_and_of_how_many():
    assert count_sentence(9, 3, 31, 6.3) == "9 inside, 3 on the edge (±6.3 km), of 31"
    assert count_sentence(1204, 0, 14400, 6.0) == "1,204 inside, 0 on the edge (±6 km), of 14,400"
    assert count_sentence(5, 0, 144, 0.0) == "5 inside, of 144"
    assert count_sentence(2, 1) == "2 inside"


def test_an_area_from_a_known_boundary_length():
    # the square zone's west edge (20 km) known to 2 km: 400 km² ± 40 km²
    zone = _square_zone()
    figure = area_figure(zone.area_km2, 20.0, 2.0)
    assert zone.area_km2 == pytest.approx(400)
    assert figure.short_label() == "about 400 km² (±40)"
    assert math.isclose(figure.high_km2 - figure.low_km2, 80)


# --- the settlement count -------------------------------------------------------------------


def test_the_settlement_count_comes_from_the_layer_the_catalog_marks(minimal_data):
    import re

    from accordmap.views import tables
    from accordmap.geometry import build_geometry
    from accordmap.load import load_dataset

    catalog = minimal_data / "layers" / "catalog.yaml"
    text = catalog.read_text(encoding="utf-8")
    # mark the towns as the fullest layer of populated places, under another title: picked by the flag, not by name
    text = text.replace("title: Towns\n", "title: Hamlets of the test country\n").replace(
        "id_property: place_id\n", "id_property: place_id\n    settlements: true\n    accuracy_note: hamlets are absent\n")
    catalog.write_text(text, encoding="utf-8")
    dataset = load_dataset(minimal_data)
    assert figures.settlements_layer(dataset).id == "towns"
    agreement = dataset.agreements["test-accord"]
    html = re.sub(r"</?bdi>", "", str(tables.key_figures_html(dataset, agreement, build_geometry(dataset, agreement))))
    # the counted layer is named, its size given, South Town (2.2 km from a line known to 2 km) on the edge
    assert "Hamlets of the test country: in the zone" in html
    assert "0 inside, 1 on the edge (±2 km), of 2 in the layer" in html
    assert "Hamlets of the test country: hamlets are absent" in html  # what the layer leaves out


def test_the_shipped_catalog_counts_geonames_places():
    from accordmap.load import load_cached

    layer = figures.settlements_layer(load_cached())
    assert layer.id == "places" and layer.kind == "point" and "absent" in layer.accuracy_note
