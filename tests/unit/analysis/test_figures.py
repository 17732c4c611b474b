"""Figures a reader can quote: the central estimate first, then its range, both rounded to what the range
supports (accordmap.analysis.figures); the ranges themselves come from accordmap.analysis.uncertainty.
"""

import pytest

from accordmap.analysis import figures
from accordmap.analysis.figures import AreaFigure, CountFigure, range_step, round_area, round_estimate


# --- rounding -------------------------------------------------------------------------------


@pytest.mark.parametrize("low, high, step", [(2697, 4467, 100), (610, 1020, 10), (3254, 5539, 100), (95, 105, 1),
                                             (0.0, 0.6, 1), (100, 100, 1), (0, 25_000, 1000)])
def test_the_step_is_a_tenth_of_the_magnitude_of_the_range(low, high, step):
    assert range_step(low, high) == step


@pytest.mark.parametrize("central, low, high, expected", [
    (3561.4, 2697.2, 4466.8, "about 3,600 km² (2,600–4,500)"),   # the Sochi 15 km zone's figures
    (4370.2, 3254.0, 5539.1, "about 4,400 km² (3,200–5,600)"),   # and the 20 km zone's: they read differently
    (1200.0, 700.0, 1500.0, "about 1,200 km² (700–1,500)"),
    (2318.0, 2054.3, 2551.7, "about 2,320 km² (2,050–2,560)"),
    (725.4, 725.4, 725.4, "about 730 km² (error not stated)"),   # no range: two significant figures
])
def test_an_area_leads_with_its_central_figure_then_its_range(central, low, high, expected):
    assert AreaFigure(central, low, high).label() == expected


def test_the_rounded_range_always_holds_the_computed_one_and_the_central_figure():
    for central, low, high in [(3561.4, 2697.2, 4466.8), (12.0, 0.4, 30.7), (999.0, 998.2, 1000.9), (50.0, 0.0, 51.0)]:
        c, lo, hi = round_estimate(central, low, high)
        assert lo <= low <= central <= high <= hi and lo <= c <= hi


def test_a_range_that_does_not_hold_the_computed_figure_is_widened_to_it():
    figure = AreaFigure(100.0, 120.0, 150.0)  # a variant set that only touches the computed area
    assert figure.low_km2 == 100.0 and figure.high_km2 == 150.0


def test_the_low_bound_never_goes_below_zero():
    assert AreaFigure(300.0, 0.0, 900.0).label() == "about 300 km² (0–900)"
    assert AreaFigure(0.0, 0.0, 0.0).label() == "none"


def test_an_asymmetric_range_from_geometry_uses_the_same_rule():
    # the comparison's ranges: low 786.5, high 4,175.1 around 2,988.9: width 3,389 -> hundreds
    assert AreaFigure(2988.9, 786.5, 4175.1).label() == "about 3,000 km² (700–4,200)"


def test_a_count_reads_central_then_range():
    assert CountFigure(863, 612, 1018).label("events") == "860 events (range 610–1,020)"
    assert CountFigure(12, 9, 19).label() == "12 (range 9–19)"
    assert CountFigure(5, 5, 5).label("places") == "5 places"


def test_the_comparison_uses_the_one_implementation():
    from accordmap.analysis import comparison
    assert comparison.AreaFigure is figures.AreaFigure and comparison.round_area is figures.round_area


@pytest.mark.parametrize("km2, expected", [(2988.9, 3000), (2345, 2300), (741.5, 740), (12.3, 10), (0, 0),
                                           (float("nan"), 0)])
def test_without_an_error_areas_get_two_significant_figures(km2, expected):
    assert round_area(km2) == expected


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
    # the counted layer is named, its size given, South Town (2.2 km from a line known to 2 km) in some variants
    assert "Hamlets of the test country: in the zone" in html
    assert re.search(r"\d+ \(range 0–1\): 0 inside in every variant, 1 in some, of 2 in the layer", html), html
    assert "Hamlets of the test country: hamlets are absent" in html  # what the layer leaves out


def test_the_shipped_catalog_counts_geonames_places():
    from accordmap.load import load_cached

    layer = figures.settlements_layer(load_cached())
    assert layer.id == "places" and layer.kind == "point" and "absent" in layer.accuracy_note
