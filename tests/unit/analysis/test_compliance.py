"""Events in zones: the precision rule, the uncertain edge, exact period boundaries, coverage."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import LineString, Polygon

from accordmap import models
from accordmap.analysis.compliance import FIGURE_COLUMNS, assess, assess_event_set, classify_events, periods
from accordmap.models.event_sets import EVENT_COLUMNS
from accordmap.load.events import event_catalog, read_event_set
from accordmap.geometry import AgreementGeometry, Zone, build_geometry
from accordmap.paths import DATA_DIR

UTM37N = CRS.from_epsg(32637)
X0, Y0 = 300_000.0, 3_950_000.0  # UTM 37N: about 36.8 E, 35.7 N
EDGE_KM = 2.0
COVERAGE = (dt.date(2019, 1, 1), dt.date(2020, 12, 31))
SIGNED, DEADLINE_1, DEADLINE_2 = dt.date(2020, 1, 10), dt.date(2020, 2, 1), dt.date(2020, 3, 1)


def _shift(geometry: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(geometry, lambda xy: xy + [X0, Y0])


# An L-shaped zone with a hole (not convex, so its edge is not its hull's) and a bent corridor.
ZONE = _shift(Polygon([(0, 0), (20_000, 0), (20_000, 8_000), (8_000, 8_000), (8_000, 20_000), (0, 20_000)],
                      holes=[[(2_000, 2_000), (5_000, 2_000), (5_000, 5_000), (2_000, 5_000)]]))
CORRIDOR = _shift(LineString([(30_000, 0), (40_000, 10_000), (40_000, 25_000)])).buffer(
    3_000, cap_style="flat", quad_segs=16)


def _agreement(signed: dt.date = SIGNED) -> models.Agreement:
    provision = {"number": 1, "text": "Synthetic provision.", "category": "zone", "sources": ["synthetic"]}
    return models.Agreement.model_validate({
        "id": "synthetic", "title": "Synthetic accord", "short_title": "Synthetic accord",
        "date_signed": signed.isoformat(), "place": "Nowhere", "summary": "A synthetic agreement for tests.",
        "parties": [{"actor": "alpha", "roles": ["signatory"]}], "sources": ["synthetic"],
        "provisions": [
            {**provision, "id": "p1", "deadline": DEADLINE_1.isoformat()},
            {**provision, "id": "p2", "number": 2},
            {**provision, "id": "p3", "number": 3, "deadline": DEADLINE_2.isoformat()},
        ],
    })


def _geometry(signed: dt.date = SIGNED, accuracy_km: float | None = EDGE_KM) -> AgreementGeometry:
    zones = [Zone("p1", "Test zone", "band", 4.0, ZONE), Zone("p2", "Test corridor", "corridor", 3.0, CORRIDOR)]
    return AgreementGeometry(_agreement(signed), UTM37N, zones, accuracy_km)


def _events(x, y, precision=1, date="2020-01-20", date_end=None, best=1, low=None, high=None,
            place="P", type="state-based", side_a="A", side_b="B") -> pd.DataFrame:
    """An event frame with EVENT_COLUMNS at metric points (turned into lon/lat as a file would hold them)."""
    x, y = np.atleast_1d(np.asarray(x, "float64")), np.atleast_1d(np.asarray(y, "float64"))
    lon, lat = Transformer.from_crs(UTM37N, 4326, always_xy=True).transform(x, y)
    n = len(x)

    def column(value, dtype=None):
        return np.broadcast_to(np.asarray(value, dtype=dtype), (n,)).copy()

    frame = pd.DataFrame({
        "id": [f"e{i}" for i in range(n)], "dataset": "synthetic",
        "date_start": pd.to_datetime(column(date)), "date_end": pd.to_datetime(column(date_end or date)),
        "date_precision": 1, "date_precision_code": 1, "lon": lon, "lat": lat,
        "location_precision": column(precision, "int8"), "location_precision_code": column(precision, "int8"),
        "type": column(type, object), "side_a": column(side_a, object), "side_b": column(side_b, object),
        "deaths_best": column(best, "int64"), "deaths_low": column(best if low is None else low, "int64"),
        "deaths_high": column(best if high is None else high, "int64"),
        "place": column(place, object), "admin1": "", "source": "synthetic",
    })
    assert list(frame.columns) == list(EVENT_COLUMNS)
    return frame


def _positions(matches: pd.DataFrame, zone: str) -> dict[str, str]:
    rows = matches[matches["zone"] == zone]
    return dict(zip(rows["id"], rows["position"].astype(str)))


# --- the join against plain shapely ----------------------------------------------------------


@pytest.fixture(scope="module")
def random_events() -> pd.DataFrame:
    rng = np.random.default_rng(20180917)
    # half spread over the whole area, half within 3 km of a zone's edge, where mistakes would show
    spread = np.column_stack([rng.uniform(X0 - 5_000, X0 + 50_000, 3_000), rng.uniform(Y0 - 5_000, Y0 + 30_000, 3_000)])
    edges = shapely.get_coordinates(shapely.segmentize(shapely.union(ZONE.boundary, CORRIDOR.boundary), 200))
    picked = edges[rng.integers(0, len(edges), 3_000)] + rng.uniform(-3_000, 3_000, (3_000, 2))
    xy = np.vstack([spread, picked])
    precision = rng.choice([1, 2, 3, 4, 6], size=len(xy), p=[0.5, 0.2, 0.1, 0.1, 0.1])
    return _events(xy[:, 0], xy[:, 1], precision=precision)


def _independent(events: pd.DataFrame, zone: shapely.Geometry, edge_m: float, min_precision: int = 2):
    """Each event's position by plain shapely, one point at a time: the reference the join must match."""
    points = gpd.GeoSeries(gpd.points_from_xy(events["lon"], events["lat"]), crs=4326).to_crs(UTM37N)
    expected = {}
    for event_id, point, precision in zip(events["id"], points, events["location_precision"]):
        to_edge = point.distance(zone.boundary)
        near = point.within(zone) or to_edge <= edge_m
        if precision > min_precision:
            if near:
                expected[event_id] = "not-precise"
        elif to_edge <= edge_m:
            expected[event_id] = "edge"
        elif point.within(zone):
            expected[event_id] = "inside"
    return expected


def test_join_matches_an_independent_shapely_classification(random_events):
    matches = classify_events(random_events, _geometry())
    for name, zone in [("Test zone, 4 km deep", ZONE), ("Test corridor, 3 km either side", CORRIDOR)]:
        expected = _independent(random_events, zone, EDGE_KM * 1000)
        assert _positions(matches, name) == expected
        counts = pd.Series(expected).value_counts()
        assert counts["inside"] > 100 and counts["edge"] > 100 and counts["not-precise"] > 50  # the test has teeth


def test_join_matches_shapely_with_another_edge_and_precision(random_events):
    matches = classify_events(random_events, _geometry(), edge_km=0.7, min_precision=3)
    assert _positions(matches, "Test zone, 4 km deep") == _independent(random_events, ZONE, 700, min_precision=3)


def test_without_an_edge_error_inside_means_within(random_events):
    matches = classify_events(random_events, _geometry(accuracy_km=None))
    expected = _independent(random_events, ZONE, 0.0)
    assert _positions(matches, "Test zone, 4 km deep") == expected
    assert "edge" not in expected.values()


def test_figures_match_the_join(random_events):
    result = assess(random_events, _geometry(), COVERAGE)
    zone = result.summary().set_index("zone").loc["Test zone, 4 km deep"]
    expected = pd.Series(_independent(random_events, ZONE, EDGE_KM * 1000)).value_counts()
    assert zone["events_low"] == expected["inside"]
    assert zone["events_high"] == expected["inside"] + expected["edge"]
    assert zone["not_precise"] == expected["not-precise"]


# --- the edge band and the precision rule ----------------------------------------------------

# points at known distances from the zone's bottom edge (y = Y0), at x = X0 + 12 km (far from corners)
EDGE_CASES = {  # metres north of the edge (negative: south, outside) -> position
    -2_500: None, -1_500: "edge", -10: "edge", 10: "edge", 1_500: "edge", 2_500: "inside", 4_000: "inside",
}


def test_events_near_the_edge_are_edge_on_either_side_and_beyond_it_inside_or_out():
    offsets = list(EDGE_CASES)
    events = _events(np.full(len(offsets), X0 + 12_000), Y0 + np.array(offsets, "float64"))
    positions = _positions(classify_events(events, _geometry()), "Test zone, 4 km deep")
    assert {offsets[int(i[1:])]: p for i, p in positions.items()} == {k: v for k, v in EDGE_CASES.items() if v}


def test_points_between_the_vertices_of_buffer_arcs_are_classified_exactly():
    # Buffers draw arcs as chords (16 per quarter circle), which fall up to 2.4 m short of a 2 km
    # circle half-way between two vertices. Points 0.5 m inside such circles must still be exact.
    e, mid = EDGE_KM * 1000, np.radians(2.8125 + 7 * 5.625)
    convex = np.array([X0 + 20_000, Y0])  # outer corner: the arc runs from south (-90 deg) to east
    reflex = np.array([X0 + 8_000, Y0 + 8_000])  # inner corner of the L: the arc runs from 180 to 270 deg
    points = np.array([
        convex + (e - 0.5) * np.array([np.cos(mid - np.pi / 2), np.sin(mid - np.pi / 2)]),  # 1999.5 m out: edge
        reflex + (e - 0.5) * np.array([np.cos(mid + np.pi), np.sin(mid + np.pi)]),  # 1999.5 m in: edge
        reflex + (e + 0.5) * np.array([np.cos(mid + np.pi), np.sin(mid + np.pi)]),  # 2000.5 m in: inside
    ])
    events = _events(points[:, 0], points[:, 1])
    positions = _positions(classify_events(events, _geometry()), "Test zone, 4 km deep")
    assert positions == _independent(events, ZONE, e) == {"e0": "edge", "e1": "edge", "e2": "inside"}


def test_hole_is_outside_and_its_rim_is_edge():
    events = _events([X0 + 3_500, X0 + 3_500], [Y0 + 3_500, Y0 + 5_500])  # hole centre; 0.5 km above the hole
    positions = _positions(classify_events(events, _geometry(), edge_km=2.0), "Test zone, 4 km deep")
    assert positions == {"e0": "edge", "e1": "edge"}  # the hole's centre is 1.5 km from its rim
    positions = _positions(classify_events(events, _geometry(), edge_km=1.0), "Test zone, 4 km deep")
    assert positions == {"e1": "edge"}  # the hole's centre is now outside, more than 1 km from the zone
    positions = _positions(classify_events(events, _geometry(), edge_km=0.2), "Test zone, 4 km deep")
    assert positions == {"e1": "inside"}


def test_only_events_placed_within_25_km_can_be_inside():
    deep = (X0 + 4_000, Y0 + 14_000)  # in the zone, 4 km from its nearest edge
    events = _events(np.full(5, deep[0]), np.full(5, deep[1]), precision=[1, 2, 3, 4, 6])
    assert _positions(classify_events(events, _geometry()), "Test zone, 4 km deep") == {
        "e0": "inside", "e1": "inside", "e2": "not-precise", "e3": "not-precise", "e4": "not-precise"}
    assert _positions(classify_events(events, _geometry(), min_precision=1), "Test zone, 4 km deep") == {
        "e0": "inside", "e1": "not-precise", "e2": "not-precise", "e3": "not-precise", "e4": "not-precise"}
    assert _positions(classify_events(events, _geometry(), min_precision=3), "Test zone, 4 km deep")["e2"] == "inside"


def test_coarse_events_far_from_the_zones_are_not_listed():
    events = _events([X0 + 100_000], [Y0 - 50_000], precision=6)  # like the country centroid
    assert classify_events(events, _geometry()).empty


def test_bad_settings_are_refused():
    events = _events([X0], [Y0])
    with pytest.raises(ValueError, match=r"min_precision 0 is not a location precision \(expected 1 to 7"):
        classify_events(events, _geometry(), min_precision=0)
    with pytest.raises(ValueError, match=r"edge_km -1 is negative"):
        classify_events(events, _geometry(), edge_km=-1)
    with pytest.raises(ValueError, match=r"no column lat"):
        classify_events(events.drop(columns="lat"), _geometry())


# --- figures ----------------------------------------------------------------------------------

DEEP = (X0 + 4_000, Y0 + 14_000)
AT_EDGE = (X0 + 12_000, Y0 + 1_000)


def test_every_figure_is_a_range_from_inside_to_inside_plus_edge():
    events = pd.concat([
        _events([DEEP[0]], [DEEP[1]], best=5, low=4, high=7),
        _events([DEEP[0]], [DEEP[1]], best=2, low=3, high=1),  # published with best outside low-high
        _events([AT_EDGE[0]], [AT_EDGE[1]], best=10, low=8, high=12),
        _events([DEEP[0]], [DEEP[1]], best=100, precision=4),  # not placed precisely enough
    ], ignore_index=True).assign(id=["a", "b", "c", "d"])
    zone = assess(events, _geometry(), COVERAGE).summary().set_index("zone").loc["Test zone, 4 km deep"]
    assert zone[list(FIGURE_COLUMNS)].to_dict() == {
        "events_low": 2, "events_high": 3,
        "deaths_best_low": 7, "deaths_best_high": 17,
        "deaths_low": 4 + 1, "deaths_high": 7 + 3 + 12,  # each event's smallest and largest figure
    }
    assert zone["not_precise"] == 1


def test_headline_is_the_widest_zone_as_a_range():
    events = pd.concat([_events([DEEP[0]], [DEEP[1]], best=5), _events([AT_EDGE[0]], [AT_EDGE[1]], best=10)])
    headline = assess(events, _geometry(), COVERAGE, event_set="Synthetic set").headline
    assert headline.zone == "Test zone, 4 km deep"  # larger than the corridor
    assert (headline.events_low, headline.events_high, headline.deaths_best_low, headline.deaths_best_high) == (1, 2, 5, 15)
    assert (headline.start, headline.end) == (SIGNED, COVERAGE[1])
    assert headline.text.startswith("From 10 Jan 2020 to 31 Dec 2020, Synthetic set records 1 to 2 events in the "
                                    "Test zone, 4 km deep, with 5 to 15 deaths (best estimates;")


# --- periods ----------------------------------------------------------------------------------


def test_deadline_day_closes_its_period_and_signing_day_opens_the_first():
    days = ["2020-01-09", "2020-01-10", "2020-02-01", "2020-02-02", "2020-03-01", "2020-03-02", "2020-03-02"]
    events = pd.concat([_events([DEEP[0]], [DEEP[1]], date=day) for day in days], ignore_index=True)
    table = assess(events, _geometry(), COVERAGE, since=dt.date(2020, 1, 1)).by_period()
    table = table[table["zone"] == "Test zone, 4 km deep"]
    assert table[["period", "start", "end", "days", "events_low"]].values.tolist() == [
        ["before signing (1 Jan 2020 to 9 Jan 2020)", dt.date(2020, 1, 1), dt.date(2020, 1, 9), 9, 1],
        ["10 Jan 2020 to 1 Feb 2020 (deadline of p1)", SIGNED, DEADLINE_1, 23, 2],  # 10 Jan and 1 Feb
        ["2 Feb 2020 to 1 Mar 2020 (deadline of p3)", dt.date(2020, 2, 2), DEADLINE_2, 29, 2],  # 2 Feb and 1 Mar
        ["after the last deadline (2 Mar 2020 to 31 Dec 2020)", dt.date(2020, 3, 2), COVERAGE[1], 305, 2],
    ]
    assert table["low_per_30_days"].tolist() == [round(30 * 1 / 9, 2), round(30 * 2 / 23, 2),
                                                 round(30 * 2 / 29, 2), round(30 * 2 / 305, 2)]


def test_events_whose_dates_cross_a_boundary_are_flagged():
    events = _events([DEEP[0]], [DEEP[1]], date="2020-01-30", date_end="2020-02-05")
    table = assess(events, _geometry(), COVERAGE, since=dt.date(2020, 1, 1)).by_period()
    row = table[(table["zone"] == "Test zone, 4 km deep") & (table["end"] == DEADLINE_1)].iloc[0]
    assert (row["events_low"], row["date_spans_boundary"]) == (1, 1)


def test_as_of_cuts_the_periods():
    found = periods(_agreement(), dt.date(2020, 1, 1), dt.date(2020, 2, 10))
    assert [(p.kind, p.start, p.end, p.deadlines) for p in found] == [
        ("before signing", dt.date(2020, 1, 1), dt.date(2020, 1, 9), ()),
        ("to deadline", SIGNED, DEADLINE_1, ("p1",)),
        ("to deadline", dt.date(2020, 2, 2), dt.date(2020, 2, 10), ("p3",)),
    ]


# --- tables -----------------------------------------------------------------------------------


def test_by_month_lists_every_month_with_zeros():
    events = pd.concat([_events([DEEP[0]], [DEEP[1]], date="2020-01-15"), _events([DEEP[0]], [DEEP[1]], date="2020-03-31")])
    table = assess(events, _geometry(), COVERAGE, as_of=dt.date(2020, 4, 20)).by_month()
    zone = table[table["zone"] == "Test zone, 4 km deep"]
    assert zone["month"].astype(str).tolist() == ["2020-01", "2020-02", "2020-03", "2020-04"]
    assert zone["events_low"].tolist() == [1, 0, 1, 0]


def test_by_type_by_side_and_top_places():
    events = pd.concat([
        _events([DEEP[0]] * 3, [DEEP[1]] * 3, place="Deep town", side_a="Army", side_b="Rebels"),
        _events([AT_EDGE[0]], [AT_EDGE[1]], place="Edge village", type="one-sided", side_a="Rebels", side_b="Civilians"),
    ], ignore_index=True)
    result = assess(events, _geometry(), COVERAGE)
    types = result.by_type()
    assert types[["zone", "type", "events_low", "events_high"]].values.tolist() == [
        ["Test zone, 4 km deep", "state-based", 3, 3], ["Test zone, 4 km deep", "one-sided", 0, 1]]
    sides = result.by_side().set_index(["side", "role"])
    assert sides.loc[("Rebels", "side_b"), "events_low"] == 3 and sides.loc[("Rebels", "side_a"), "events_high"] == 1
    assert sides.loc[("Army", "side_a"), "events_high"] == 3 and sides.loc[("Civilians", "side_b"), "events_low"] == 0
    places = result.top_places(n=1)
    assert places[["zone", "place", "events_low"]].values.tolist() == [["Test zone, 4 km deep", "Deep town", 3]]


# --- coverage ---------------------------------------------------------------------------------


def test_an_agreement_signed_after_the_data_ends_is_not_covered_and_nothing_fails():
    events = _events([DEEP[0]], [DEEP[1]], date="2019-06-01")
    result = assess(events, _geometry(signed=dt.date(2021, 3, 5)), COVERAGE, event_set="Synthetic set")
    assert result.coverage.status == "not covered" and not result.coverage.covered
    assert result.coverage.message.startswith("Not covered: Synthetic set ends on 31 Dec 2020, before the "
                                              "Synthetic accord was signed (5 Mar 2021).")
    assert result.headline.text == result.coverage.message
    assert result.headline.events_high == 0
    assert result.by_month().empty and list(result.by_month().columns) == ["zone", "month", *FIGURE_COLUMNS]
    assert result.by_type().empty and result.top_places().empty
    assert result.summary()["events_high"].tolist() == [0, 0]


def test_an_as_of_past_the_data_end_is_partly_covered():
    events = _events([DEEP[0]], [DEEP[1]], date="2020-06-01")
    result = assess(events, _geometry(), COVERAGE, as_of=dt.date(2021, 6, 1), event_set="Synthetic set")
    assert result.coverage.status == "partly covered"
    assert result.coverage.window == (SIGNED, COVERAGE[1])
    assert "only 10 Jan 2020 to 31 Dec 2020 of the period from 10 Jan 2020 to 1 Jun 2021" in result.coverage.message
    assert result.coverage.message in result.headline.text
    assert result.by_month()["month"].astype(str).max() == "2020-12"


def test_an_as_of_before_signing_has_nothing_to_count():
    result = assess(_events([DEEP[0]], [DEEP[1]], date="2019-06-01"), _geometry(), COVERAGE, as_of=dt.date(2019, 12, 1))
    assert result.coverage.status == "not covered"
    assert result.headline.text == "Nothing to count yet: 1 Dec 2019 is before the Synthetic accord was signed (10 Jan 2020)."
    assert result.by_month().empty
    assert result.by_period()["kind"].unique().tolist() == ["before signing"]


def test_a_period_inside_the_data_is_covered():
    result = assess(_events([DEEP[0]], [DEEP[1]]), _geometry(), COVERAGE, as_of=dt.date(2020, 5, 1))
    assert result.coverage.status == "covered" and result.coverage.window == (SIGNED, dt.date(2020, 5, 1))


# --- the shipped data -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ucdp():
    event_set = event_catalog(DATA_DIR)["ucdp-ged-syria-2016-2019"]
    return event_set, read_event_set(DATA_DIR, event_set.id)


def test_moscow_protocol_is_not_covered_by_the_ucdp_release(dataset):
    result = assess_event_set(DATA_DIR, "ucdp-ged-syria-2016-2019",
                              build_geometry(dataset, dataset.agreements["moscow-2020"]))
    assert result.coverage.status == "not covered"
    assert "ends on 30 Nov 2019, before the Moscow Additional Protocol was signed (5 Mar 2020)" in result.headline.text
    assert result.by_month().empty


def test_sochi_zone_counts_khan_shaykhun_and_never_the_country_centroid(dataset, sochi, ucdp):
    event_set, events = ucdp
    result = assess(events, build_geometry(dataset, sochi), event_set.coverage, event_set=event_set.title)
    assert result.coverage.status == "covered"
    counted = result.matches[result.matches["position"].isin(["inside", "edge"])]
    assert (counted["location_precision"] <= 2).all()
    assert not ((counted["lon"] == 38.0) & (counted["lat"] == 35.0)).any()
    # Khan Shaykhun was named among the towns in the zone (Al-Azmenah, 18 Sep 2018) and lies on the M5 south of it
    places = result.top_places(n=5)
    wide = places[places["zone"] == "Demilitarised zone, 20 km deep"]
    assert "Khan Shaykhun town" in set(wide["place"])
    headline = result.headline
    assert 0 < headline.events_low <= headline.events_high
    assert headline.deaths_low <= headline.deaths_best_low <= headline.deaths_best_high <= headline.deaths_high
