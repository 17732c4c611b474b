"""Events in zones: the precision rule, counts over the zones' variants, exact period boundaries, coverage."""

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
from accordmap.analysis import compliance
from accordmap.analysis.figures import CountFigure
from accordmap.analysis.compliance import (
    FIGURE_COLUMNS, assess, assess_event_set, classify_events, join_events, periods, zone_shapes,
)
from accordmap.models.event_sets import EVENT_COLUMNS
from accordmap.load.events import event_catalog, read_event_set
from accordmap.geometry import AgreementGeometry, Zone, build_geometry
from accordmap.paths import DATA_DIR

UTM37N = CRS.from_epsg(32637)
X0, Y0 = 300_000.0, 3_950_000.0  # UTM 37N: about 36.8 E, 35.7 N
ACCURACY_KM = 2.0
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


def _geometry(signed: dt.date = SIGNED, accuracy_km: float | None = ACCURACY_KM) -> AgreementGeometry:
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


# --- the join against plain shapely ----------------------------------------------------------

SHIFT_M = 2_000.0


def _moved(shape: shapely.Geometry, dx: float = 0.0, dy: float = 0.0) -> shapely.Geometry:
    return shapely.transform(shape, lambda xy: xy + [dx, dy])


def _variants(e: float = SHIFT_M) -> list[tuple[shapely.Geometry, ...]]:
    """Hand-made variants: the L-shaped zone moved by ``e`` along each axis and both (9 shapes), the corridor
    grown and shrunk by ``e`` (3 shapes); each zone as computed first."""
    zone = [_moved(ZONE, dx, dy) for dx in (0.0, -e, e) for dy in (0.0, -e, e)]
    return [tuple(zone), (CORRIDOR, CORRIDOR.buffer(e), CORRIDOR.buffer(-e))]


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


def _independent(events: pd.DataFrame, shapes, min_precision: int = 2) -> dict[str, tuple[str, bool, int]]:
    """Each event's (position, in the zone as computed, in how many shapes) by plain shapely, one point and one
    shape at a time: the reference the join must match."""
    points = gpd.GeoSeries(gpd.points_from_xy(events["lon"], events["lat"]), crs=4326).to_crs(UTM37N)
    expected = {}
    for event_id, point, precision in zip(events["id"], points, events["location_precision"]):
        hits = [shape.covers(point) for shape in shapes]
        if not any(hits):
            continue
        if precision > min_precision:
            expected[event_id] = ("not-precise", False, 0)
        else:
            expected[event_id] = ("inside" if all(hits) else "some", hits[0], sum(hits))
    return expected


def _found(matches: pd.DataFrame, zone: str) -> dict[str, tuple[str, bool, int]]:
    rows = matches[matches["zone"] == zone]
    return {i: (p, bool(c), int(k)) for i, p, c, k in zip(rows["id"], rows["position"].astype(str), rows["central"],
                                                          rows["variants_in"])}


ZONE_NAME, CORRIDOR_NAME = "Test zone, 4 km deep", "Test corridor, 3 km either side"


def test_join_matches_an_independent_shapely_classification(random_events):
    matches = classify_events(random_events, _geometry(), variants=_variants())
    for name, shapes in zip([ZONE_NAME, CORRIDOR_NAME], _variants()):
        expected = _independent(random_events, shapes)
        assert _found(matches, name) == expected
        counts = pd.Series([p for p, _, _ in expected.values()]).value_counts()
        assert counts["inside"] > 100 and counts["some"] > 100 and counts["not-precise"] > 50  # the test has teeth
    assert set(matches["variants"]) == {9, 3}


def test_the_fast_path_for_large_sets_gives_the_same_join(random_events, monkeypatch):
    plain = join_events(random_events, _geometry(), variants=_variants())
    monkeypatch.setattr(compliance, "CORE_FROM", 0)  # settle points on the union and the core first
    fast = join_events(random_events, _geometry(), variants=_variants())
    pd.testing.assert_frame_equal(fast.matches, plain.matches)
    assert (fast.members == plain.members).all()
    assert (plain.matches["position"] == "inside").sum() > 100


def test_join_matches_shapely_with_another_precision(random_events):
    matches = classify_events(random_events, _geometry(), variants=_variants(700), min_precision=3)
    assert _found(matches, ZONE_NAME) == _independent(random_events, _variants(700)[0], min_precision=3)


def test_without_variants_inside_means_in_the_zone_as_computed(random_events):
    matches = classify_events(random_events, _geometry())
    expected = _independent(random_events, (ZONE,))
    assert _found(matches, ZONE_NAME) == expected
    assert {p for p, _, _ in expected.values()} == {"inside", "not-precise"}


def test_figures_are_the_central_count_and_the_fewest_and_most_in_any_variant(random_events):
    result = assess(random_events, _geometry(), COVERAGE, variants=_variants())
    zone = result.summary().set_index("zone").loc[ZONE_NAME]
    points = gpd.GeoSeries(gpd.points_from_xy(random_events["lon"], random_events["lat"]), crs=4326).to_crs(UTM37N)
    precise = (random_events["location_precision"] <= 2).to_numpy()
    per_variant = [int((shapely.covers(shape, points.values) & precise).sum()) for shape in _variants()[0]]
    assert (zone["events"], zone["events_low"], zone["events_high"]) == (
        per_variant[0], min(per_variant), max(per_variant))
    assert zone["events_low"] < zone["events"] < zone["events_high"]  # the variants differ: the test has teeth
    assert zone["variants"] == 9
    assert zone["not_precise"] == sum(p == "not-precise" for p, _, _ in _independent(random_events, _variants()[0]).values())


# a 10 km square and its variants moved 3 km west and east: the counts in each are known in closed form
SQUARE = _shift(Polygon([(50_000, 0), (60_000, 0), (60_000, 10_000), (50_000, 10_000)]))
SQUARE_VARIANTS = (SQUARE, _moved(SQUARE, -3_000), _moved(SQUARE, 3_000))


def _square_geometry() -> AgreementGeometry:
    return AgreementGeometry(_agreement(), UTM37N, [Zone("p1", "Square", "band", 5.0, SQUARE)], 3.0)


def test_a_square_moved_both_ways_gives_the_known_counts_and_positions():
    # x in km from the square's west edge (0-10 as computed, -3-7 moved west, 3-13 moved east)
    xs = {"a": -2, "b": 1, "c": 5, "d": 9, "e": 12, "f": 12.5, "g": 14}
    events = _events([X0 + 50_000 + 1_000 * v for v in xs.values()], np.full(len(xs), Y0 + 5_000)).assign(id=list(xs))
    result = assess(events, _square_geometry(), COVERAGE, variants=[SQUARE_VARIANTS])
    assert _found(result.matches, "Square, 5 km deep") == {
        "a": ("some", False, 1), "b": ("some", True, 2), "c": ("inside", True, 3), "d": ("some", True, 2),
        "e": ("some", False, 1), "f": ("some", False, 1)}  # g is in none
    zone = result.summary().iloc[0]
    # as computed: b, c, d; west: a, b, c; east: c, d, e, f
    assert (zone["events"], zone["events_low"], zone["events_high"]) == (3, 3, 4)


def test_a_point_on_a_boundary_is_in():
    events = _events([X0 + 50_000, X0 + 53_000], [Y0 + 5_000, Y0 + 10_000])  # west edge; top edge of all three
    found = _found(classify_events(events, _square_geometry(), variants=[SQUARE_VARIANTS]), "Square, 5 km deep")
    assert found == {"e0": ("some", True, 2), "e1": ("inside", True, 3)}


def test_only_events_placed_within_25_km_can_be_inside():
    deep = (X0 + 4_000, Y0 + 14_000)  # in the zone and in every variant
    events = _events(np.full(5, deep[0]), np.full(5, deep[1]), precision=[1, 2, 3, 4, 6])
    positions = {k: p for k, (p, _, _) in _found(classify_events(events, _geometry(), variants=_variants()),
                                                  ZONE_NAME).items()}
    assert positions == {"e0": "inside", "e1": "inside", "e2": "not-precise", "e3": "not-precise",
                         "e4": "not-precise"}
    positions = _found(classify_events(events, _geometry(), min_precision=1), ZONE_NAME)
    assert [p for p, _, _ in positions.values()] == ["inside", "not-precise", "not-precise", "not-precise",
                                                     "not-precise"]
    assert _found(classify_events(events, _geometry(), min_precision=3), ZONE_NAME)["e2"][0] == "inside"


def test_coarse_events_far_from_the_zones_are_not_listed():
    events = _events([X0 + 100_000], [Y0 - 50_000], precision=6)  # like the country centroid
    assert classify_events(events, _geometry(), variants=_variants()).empty


def test_bad_settings_are_refused():
    events = _events([X0], [Y0])
    with pytest.raises(ValueError, match=r"min_precision 0 is not a location precision \(expected 1 to 7"):
        classify_events(events, _geometry(), min_precision=0)
    with pytest.raises(ValueError, match=r"variants gives 1 zones' shapes for 2 zones"):
        classify_events(events, _geometry(), variants=_variants()[:1])
    with pytest.raises(ValueError, match=r"no column lat"):
        classify_events(events.drop(columns="lat"), _geometry())


# --- figures ----------------------------------------------------------------------------------

DEEP = (X0 + 4_000, Y0 + 14_000)  # in the L-shaped zone and in each of its variants
AT_EDGE = (X0 + 12_000, Y0 + 1_000)  # 1 km inside its bottom edge: out of the variants moved 2 km north


def test_deaths_are_summed_per_variant_central_first():
    events = pd.concat([
        _events([DEEP[0]], [DEEP[1]], best=5, low=4, high=7),
        _events([DEEP[0]], [DEEP[1]], best=2, low=3, high=1),  # published with best outside low-high
        _events([AT_EDGE[0]], [AT_EDGE[1]], best=10, low=8, high=12),
        _events([DEEP[0]], [DEEP[1]], best=100, precision=4),  # not placed precisely enough
    ], ignore_index=True).assign(id=["a", "b", "c", "d"])
    zone = assess(events, _geometry(), COVERAGE, variants=_variants()).summary().set_index("zone").loc[ZONE_NAME]
    assert zone[list(FIGURE_COLUMNS)].to_dict() == {
        "events": 3, "events_low": 2, "events_high": 3,
        "deaths_best": 17, "deaths_best_low": 7, "deaths_best_high": 17,
        "deaths_low": 4 + 1, "deaths_high": 7 + 3 + 12,  # each event's smallest and largest figure
    }
    assert zone["not_precise"] == 1


def test_headline_leads_with_the_central_count_of_the_widest_zone():
    events = pd.concat([_events([DEEP[0]], [DEEP[1]], best=5), _events([AT_EDGE[0]], [AT_EDGE[1]], best=10)])
    headline = assess(events, _geometry(), COVERAGE, event_set="Synthetic set", variants=_variants()).headline
    assert headline.zone == ZONE_NAME  # larger than the corridor
    assert (headline.events, headline.deaths_best) == (CountFigure(2, 1, 2), CountFigure(15, 5, 15))
    assert (headline.start, headline.end) == (SIGNED, COVERAGE[1])
    assert headline.text.startswith("From 10 Jan 2020 to 31 Dec 2020, Synthetic set records 2 events (range 1–2) in "
                                    "the Test zone, 4 km deep, with 15 deaths (range 5–15) (best estimates;")
    assert "any of its 9 variants" in headline.text


def test_without_variants_the_headline_has_no_range():
    events = pd.concat([_events([DEEP[0]], [DEEP[1]], best=5), _events([AT_EDGE[0]], [AT_EDGE[1]], best=10)])
    text = assess(events, _geometry(), COVERAGE, event_set="Synthetic set").headline.text
    assert "records 2 events in the Test zone, 4 km deep, with 15 deaths (best estimates; 15 from" in text
    assert "variants" not in text


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
    result = assess(events, _geometry(), COVERAGE, variants=_variants())
    types = result.by_type()
    assert types[["zone", "type", "events", "events_low", "events_high"]].values.tolist() == [
        [ZONE_NAME, "state-based", 3, 3, 3], [ZONE_NAME, "one-sided", 1, 0, 1]]
    sides = result.by_side().set_index(["side", "role"])
    assert sides.loc[("Rebels", "side_b"), "events_low"] == 3 and sides.loc[("Rebels", "side_a"), "events_high"] == 1
    assert sides.loc[("Army", "side_a"), "events_high"] == 3 and sides.loc[("Civilians", "side_b"), "events_low"] == 0
    places = result.top_places(n=2)
    assert places[["zone", "place", "events", "variants_in", "variants"]].values.tolist() == [
        [ZONE_NAME, "Deep town", 3, 9, 9], [ZONE_NAME, "Edge village", 1, 6, 9]]  # out of the 3 moved north


# --- coverage ---------------------------------------------------------------------------------


def test_an_agreement_signed_after_the_data_ends_is_not_covered_and_nothing_fails():
    events = _events([DEEP[0]], [DEEP[1]], date="2019-06-01")
    result = assess(events, _geometry(signed=dt.date(2021, 3, 5)), COVERAGE, event_set="Synthetic set")
    assert result.coverage.status == "not covered" and not result.coverage.covered
    assert result.coverage.message.startswith("Not covered: Synthetic set ends on 31 Dec 2020, before the "
                                              "Synthetic accord was signed (5 Mar 2021).")
    assert result.headline.text == result.coverage.message
    assert result.headline.events == CountFigure(0, 0, 0)
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
    counted = result.matches[result.matches["position"].isin(["inside", "some"])]
    assert (counted["location_precision"] <= 2).all()
    assert not ((counted["lon"] == 38.0) & (counted["lat"] == 35.0)).any()
    # Khan Shaykhun was named among the towns in the zone (Al-Azmenah, 18 Sep 2018) and lies on the M5 south of it
    places = result.top_places(n=5)
    wide = places[places["zone"] == "Demilitarised zone, 20 km deep"]
    assert "Khan Shaykhun town" in set(wide["place"])
    headline = result.headline
    assert headline.events.central > 0 and headline.events.low == headline.events.high  # no variants: no range
    assert headline.deaths_low <= headline.deaths_best.central <= headline.deaths_high


def test_sochi_counts_lead_with_the_central_zone_and_a_range_from_its_variants(dataset, sochi, ucdp):
    event_set, events = ucdp
    geometry = build_geometry(dataset, sochi)
    result = assess(events, geometry, event_set.coverage, event_set=event_set.title,
                    variants=zone_shapes(dataset, geometry))
    outer = geometry.outer_zone
    zone = result.summary().set_index("zone").loc[result.headline.zone]
    # independently: precise events after signing in the zone as computed (a point on its edge is in)
    after = events[(events["date_start"] >= pd.Timestamp(sochi.date_signed)) & (events["location_precision"] <= 2)]
    points = gpd.GeoSeries(gpd.points_from_xy(after["lon"], after["lat"]), crs=4326).to_crs(geometry.crs)
    assert zone["events"] == int(shapely.covers(outer.geometry, points.values).sum())
    assert zone["events_low"] < zone["events"] <= zone["events_high"]
    assert zone["events_high"] - zone["events_low"] < 0.5 * zone["events"]  # quotable, not a ninefold range
    assert result.headline.text.split(" records ")[1].startswith(result.headline.events.label("events"))


def test_no_event_at_a_government_held_locality_counts_in_any_variant(dataset, sochi, ucdp):
    event_set, events = ucdp
    geometry = build_geometry(dataset, sochi)
    joined = join_events(events, geometry, variants=zone_shapes(dataset, geometry))
    localities = dataset.layer_frame("localities-control-2018")
    held = localities[localities["control"] == "government"].to_crs(geometry.crs)
    assert "Aleppo" in set(held["name"])
    points = gpd.GeoSeries(gpd.points_from_xy(joined.matches["lon"], joined.matches["lat"]), crs=4326).to_crs(
        geometry.crs)
    near = shapely.dwithin(shapely.union_all(held.geometry.values), points.values, 100.0)
    counted = joined.members.any(axis=1) & (joined.matches["position"] != "not-precise").to_numpy()
    assert not (near & counted).any()
    # Aleppo city's events exist in the data and are outside every zone and variant
    aleppo = held[held["name"] == "Aleppo"].geometry.iloc[0]
    at_aleppo = gpd.GeoSeries(gpd.points_from_xy(events["lon"], events["lat"]), crs=4326).to_crs(geometry.crs)
    assert shapely.dwithin(aleppo, at_aleppo.values, 100.0).sum() > 500
