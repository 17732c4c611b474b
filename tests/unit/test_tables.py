"""Tables and timeline on the small synthetic dataset, where every answer can be worked out by hand."""

import datetime as dt
import re

import pytest
from helpers import FIXTURES

from accordmap import tables, timeline
from accordmap.geometry import build_geometry
from accordmap.load import load_dataset


@pytest.fixture(scope="module")
def minimal():
    dataset = load_dataset(FIXTURES / "minimal" / "data")
    return dataset, dataset.agreements["test-accord"]


def test_places_in_zone_know_the_narrow_and_the_wide_band(minimal):
    dataset, agreement = minimal
    # the front line runs along lat 35.2; South Town is about 2.2 km north of it, North Town 55 km
    frame = tables.places_in_zone_frame(dataset, agreement, build_geometry(dataset, agreement))
    assert frame["place"].tolist() == ["South Town"]
    assert not frame["in_narrowest_zone"].iloc[0]


def test_key_figures_count_towns_and_road_inside(minimal):
    dataset, agreement = minimal
    figures = tables.key_figures_frame(dataset, agreement, build_geometry(dataset, agreement)).set_index("zone")
    assert figures.loc["Test zone, 4 km deep", "Towns: count inside"] == 1
    assert figures.loc["Test zone, 2 km deep", "Towns: count inside"] == 0
    # North Town (36.5, 35.7) lies on the road; South Town is about 9 km west of it
    assert figures.loc["Test corridor, 1 km either side", "Towns: count inside"] == 1


def test_obligation_matrix(minimal):
    dataset, agreement = minimal
    matrix = tables.obligation_matrix_frame(dataset, agreement)
    assert matrix.to_dict() == {"1": {"Alpha State": "", "Beta Group": "undertook"},
                                "2": {"Alpha State": "undertook", "Beta Group": "targeted"}}


def test_stakeholders_show_roles_people_and_dated_relations(minimal):
    dataset, agreement = minimal
    # names from data are isolated (<bdi>) for right-to-left text; read the text without those tags
    html = re.sub(r"</?bdi>", "", str(tables.stakeholders_html(dataset, agreement)))
    assert "signatory, obligated" in html and "Ann Alpha (President)" in html
    assert "opposes Beta Group since Sep 2015: Long-running dispute." in html


def test_timeline_merges_deadlines_and_cuts_at_as_of(minimal):
    dataset, agreement = minimal
    frame = timeline.timeline_frame(dataset, agreement)
    assert frame["id"].tolist() == ["talks", "signed", "test-accord-p1-deadline"]
    assert frame["title"].iloc[-1].startswith("Deadline (point 1): ")
    cut = timeline.timeline_frame(dataset, agreement, as_of=dt.date(2020, 1, 5))
    assert cut["id"].tolist() == ["talks", "test-accord-p1-deadline"]
    assert cut["title"].iloc[-1].endswith("[upcoming]")


def test_provisions_mark_deadlines_relative_to_as_of(minimal):
    dataset, agreement = minimal
    html = str(tables.provisions_html(dataset, agreement, as_of=dt.date(2020, 3, 1)))
    assert "1 Feb 2020 — passed at 1 Mar 2020" in html
