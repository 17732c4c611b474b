"""Ground that changed hands, worked out by hand on squares (metric units: metres)."""

from __future__ import annotations

import pytest
import shapely

from accordmap.analysis.comparison import AreaFigure, changed_hands, overlap_km2, round_area, share_taken

KM = 1000


def box(x0, y0, x1, y1):
    return shapely.box(x0 * KM, y0 * KM, x1 * KM, y1 * KM)


def vline(x, y0=0, y1=100):
    return shapely.LineString([(x * KM, y0 * KM), (x * KM, y1 * KM)])


def test_changed_hands_with_the_lines_error_as_a_range():
    # held 0-100 km wide at first, 0-60 km later: 40 km x 100 km = 4,000 km² changed hands
    figure = changed_hands(box(0, 0, 100, 100), box(0, 0, 60, 100), vline(100), vline(60), 5, 5)
    assert figure.km2 == pytest.approx(4000)
    # low: drop 5 km beside each line -> x from 65 to 95
    assert figure.low_km2 == pytest.approx(3000, rel=1e-3)
    # high: add the earlier area within 5 km of the later line -> x from 55 to 100
    assert figure.high_km2 == pytest.approx(4500, rel=1e-3)


def test_known_ground_raises_the_low_bound_to_at_least_what_it_covers():
    # as above, with sourced localities that changed hands spanning x from 62 to 98 km: the lines' error cannot
    # take that ground back, so the low bound holds all of it (the hull's part outside the changed ground does not count)
    known = shapely.convex_hull(shapely.multipoints([(62 * KM, 10 * KM), (98 * KM, 10 * KM), (80 * KM, 90 * KM),
                                                     (40 * KM, 50 * KM)]))
    figure = changed_hands(box(0, 0, 100, 100), box(0, 0, 60, 100), vline(100), vline(60), 5, 5, known=known)
    span = shapely.intersection(known, box(60, 0, 100, 100)).area / 1e6
    assert figure.low_km2 >= span > 3000 * 0.5 and figure.km2 == pytest.approx(4000)
    assert figure.low_km2 == pytest.approx(shapely.union(box(65, 0, 95, 100), shapely.intersection(
        known, box(60, 0, 100, 100))).area / 1e6, rel=1e-9)


def test_sochi_ground_lost_is_at_least_what_the_changed_localities_span():
    """The 2018-2020 localities that changed hands (Khan Shaykhun, Ma'arrat al-Nu'man, Saraqib ...), read here
    from their GeoJSON files with plain shapely: the low bound holds the changed ground inside their hull."""
    import json
    from pyproj import Transformer
    from accordmap.load import load_cached
    from accordmap.analysis.comparison import compare
    from accordmap.paths import DATA_DIR

    comparison = compare(load_cached(), "sochi-2018", "moscow-2020")
    to_utm = Transformer.from_crs(4326, comparison.crs, always_xy=True)

    def read(name):
        return {f["properties"]["locality_id"]: (f["properties"]["control"], f["geometry"]["coordinates"])
                for f in json.loads((DATA_DIR / "layers" / name).read_text(encoding="utf-8"))["features"]}

    before, after = read("localities_control_2018-09-17.geojson"), read("localities_control_2020-03-06.geojson")
    held_before, held_after = comparison.shapes["held_before"], comparison.shapes["held_after"]
    moved = [shapely.Point(*to_utm.transform(*xy)) for key, (control, xy) in before.items()
             if key in after and "unknown" not in (control, after[key][0]) and control != after[key][0]]
    moved = [p for p in moved if held_before.covers(p) and not held_after.covers(p)]
    assert len(moved) >= 15
    span = shapely.intersection(shapely.convex_hull(shapely.MultiPoint(moved)),
                                shapely.difference(held_before, held_after)).area / 1e6
    lost = comparison.lost
    assert lost.low_km2 >= span * (1 - 1e-9) and span > 1000
    assert lost.low_km2 <= lost.km2 <= lost.high_km2


def test_exact_lines_give_no_range():
    figure = changed_hands(box(0, 0, 100, 100), box(0, 0, 60, 100))
    assert figure.km2 == figure.low_km2 == figure.high_km2 == pytest.approx(4000)


def test_share_of_a_zone_taken():
    zone = box(80, 0, 100, 100)  # a 20 km band along the first line: 2,000 km²
    figure, share = share_taken(zone, box(0, 0, 90, 100), vline(90), 2)
    assert figure.km2 == pytest.approx(1000)  # x from 90 to 100
    assert share == pytest.approx(0.5)
    assert figure.low_km2 == pytest.approx(800, rel=1e-3)  # x from 92
    assert figure.high_km2 == pytest.approx(1200, rel=1e-3)  # x from 88


def test_overlap():
    assert overlap_km2(box(0, 0, 10, 10), box(5, 5, 20, 20)) == pytest.approx(25)


@pytest.mark.parametrize("km2, expected", [(2988.9, 3000), (2345, 2300), (3560.3, 3600), (741.5, 740),
                                           (12.3, 10), (0, 0), (float("nan"), 0)])
def test_areas_round_to_two_significant_figures(km2, expected):
    assert round_area(km2) == expected


def test_label_states_the_range_rounded_to_its_error():
    # a range 3,389 km² wide: hundreds, the range outwards (it holds 786.5-4,175.1)
    assert AreaFigure(2988.9, 786.5, 4175.1).label() == "about 3,000 km² (700–4,200)"
