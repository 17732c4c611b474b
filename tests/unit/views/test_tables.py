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
    # the front line runs along lat 35.2, known to 2 km; the held area lies north; South Town is about 2.2 km
    # north of the line. The 4 km band holds it as computed (0-4 km) and with the line moved 2 km north (2-6 km),
    # not moved south (-2 to 2 km): 2 of the 3 line positions, each with the held area's own edges moved out,
    # not, or in: 6 of 9 variants. The 2 km band holds it only with the line moved north: 3 of 9.
    geometry = build_geometry(dataset, agreement)
    frame = tables.places_in_zone_frame(dataset, agreement, geometry)
    assert frame[["place", "position", "variants_in", "variants", "central", "narrowest_zone_position",
                  "narrowest_zone_variants_in"]].values.tolist() == [["South Town", "some", 6, 9, True, "some", 3]]
    html = re.sub(r"</?bdi>", "", str(tables.places_in_zone_html(dataset, agreement, geometry)))
    assert "Places inside the Test zone, 4 km deep in at least one variant of its boundaries" in html
    assert "in 6 of 9 variants" in html and "in 3 of 9 variants" in html
    assert "Towns: 0 inside in every variant, 1 in some" in html


def test_key_figures_count_towns_and_road_inside(minimal):
    dataset, agreement = minimal
    geometry = build_geometry(dataset, agreement)
    figures = tables.key_figures_frame(dataset, agreement, geometry).set_index("zone")
    counts = ["Towns: count", "Towns: count low", "Towns: count high"]
    assert figures.loc["Test zone, 4 km deep", counts].tolist() == [1, 0, 1]  # South Town, as above
    assert figures.loc["Test zone, 2 km deep", counts].tolist() == [0, 0, 1]
    # North Town (36.5, 35.7) lies on the road, an exact layer (one variant); South Town is about 9 km west of it
    assert figures.loc["Test corridor, 1 km either side", counts].tolist() == [1, 1, 1]
    # areas: the 4 km band is 218.6 km² as computed; the line moved 2 km and the held area's edges by 2 km give
    # 202.5-261.5 km² (the held area is a box: the moved line and the moved edges meet at its corners)
    row = figures.loc["Test zone, 4 km deep"]
    assert row["area_computed_km2"] == pytest.approx(218.6, abs=0.5)
    assert row["area_computed_low_km2"] < 218.6 < row["area_computed_high_km2"]
    assert row[["area_km2", "area_low_km2", "area_high_km2"]].tolist() == [219, 202, 262]  # width 59: units
    html = re.sub(r"</?bdi>", "", str(tables.key_figures_html(dataset, agreement, geometry)))
    assert "about 219 km² (202–262)" in html and "about 180 km² (error not stated)" in html
    assert "1 (range 0–1): 0 inside in every variant, 1 in some, of 2 in the layer" in html
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
