"""Tables and timeline on the small synthetic dataset, where every answer can be worked out by hand."""

import datetime as dt
import re

import pytest
from helpers import FIXTURES

from accordmap.views import tables
from accordmap.views.charts import timeline
from accordmap.geometry import build_geometry
from accordmap.load import load_dataset


@pytest.fixture(scope="module")
def minimal():
    dataset = load_dataset(FIXTURES / "minimal" / "data")
    return dataset, dataset.agreements["test-accord"]


def test_places_in_zone_know_the_narrow_and_the_wide_band(minimal):
    dataset, agreement = minimal
    # the front line runs along lat 35.2; South Town is about 2.2 km north of it, North Town 55 km. The lines
    # are known to 2 km: South Town is within 2 km of both bands' edges (1.8 km from the 4 km band's far edge,
    # 0.2 km beyond the 2 km band), so it is on the edge of both, neither inside nor dropped
    geometry = build_geometry(dataset, agreement)
    frame = tables.places_in_zone_frame(dataset, agreement, geometry)
    assert frame[["place", "position", "narrowest_zone_position", "edge_km"]].values.tolist() == [
        ["South Town", "edge", "edge", 2.0]]
    html = re.sub(r"</?bdi>", "", str(tables.places_in_zone_html(dataset, agreement, geometry)))
    assert "Places inside or on the edge of the Test zone, 4 km deep" in html
    assert "on the edge (±2 km)" in html and "Towns: 0 inside, 1 on the edge (±2 km)" in html


def test_key_figures_count_towns_and_road_inside(minimal):
    dataset, agreement = minimal
    geometry = build_geometry(dataset, agreement)
    figures = tables.key_figures_frame(dataset, agreement, geometry).set_index("zone")
    assert figures.loc["Test zone, 4 km deep", ["Towns: count inside", "Towns: count on the edge"]].tolist() == [0, 1]
    assert figures.loc["Test zone, 2 km deep", ["Towns: count inside", "Towns: count on the edge"]].tolist() == [0, 1]
    # North Town (36.5, 35.7) lies on the road, an exact layer (no edge); South Town is about 9 km west of it
    assert figures.loc["Test corridor, 1 km either side", ["Towns: count inside", "Towns: count on the edge"]].tolist() == [1, 0]
    # areas: the 4 km band is 218.6 km², its 55 km line known to 2 km: ± about 110 km², so hundreds
    assert figures.loc["Test zone, 4 km deep", "area_computed_km2"] == pytest.approx(218.6, abs=0.5)
    assert figures.loc["Test zone, 4 km deep", ["area_km2", "area_low_km2", "area_high_km2"]].tolist() == [200, 100, 350]
    html = re.sub(r"</?bdi>", "", str(tables.key_figures_html(dataset, agreement, geometry)))
    assert "about 200 km² (±100)" in html and "about 180 km² (error not stated)" in html
    assert "0 inside, 1 on the edge (±2 km), of 2 in the layer" in html
    assert "1 inside, of 2 in the layer" in html


def test_obligation_matrix(minimal):
    dataset, agreement = minimal
    matrix = tables.obligation_matrix_frame(dataset, agreement)
    assert matrix.to_dict() == {"p1": {"Alpha State": "", "Beta Group": "undertook"},  # keyed by provision id
                                "p2": {"Alpha State": "undertook", "Beta Group": "targeted"}}


def test_stakeholders_show_roles_people_and_dated_relations(minimal):
    dataset, agreement = minimal
    # names from data are isolated (<bdi>) for right-to-left text; read the text without those tags
    html = re.sub(r"</?bdi>", "", str(tables.stakeholders_html(dataset, agreement)))
    assert "signatory, obligated" in html and "Ann Alpha (President)" in html
    assert "opposes Beta Group since Sep 2015: Long-running dispute." in html


def test_timeline_merges_deadlines_and_cuts_at_as_of(minimal):
    dataset, agreement = minimal
    frame = timeline.timeline_frame(dataset, agreement)
    # 'talks' names no agreement, so it is in no timeline (tests/unit/test_relevance.py links it as context)
    assert frame["id"].tolist() == ["signed", "test-accord-p1-deadline"]
    assert frame["title"].iloc[-1].startswith("Deadline (point 1): ")
    cut = timeline.timeline_frame(dataset, agreement, as_of=dt.date(2020, 1, 5))
    assert cut["id"].tolist() == ["test-accord-p1-deadline"]
    assert cut["title"].iloc[-1].endswith("[upcoming]")


def test_provisions_mark_deadlines_relative_to_as_of(minimal):
    dataset, agreement = minimal
    html = str(tables.provisions_html(dataset, agreement, as_of=dt.date(2020, 3, 1)))
    assert "1 Feb 2020 — passed at 1 Mar 2020" in html
