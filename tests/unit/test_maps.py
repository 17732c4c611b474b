"""The map: offline by default, online tiles only on request, compact, and readable in grayscale."""

import itertools
import re

import pytest

from accordmap.geometry import build_geometry
from accordmap.maps import build_map, legend_entries


@pytest.fixture(scope="module")
def sochi_map_html(dataset, sochi):
    return build_map(dataset, sochi, build_geometry(dataset, sochi)).get_root().render()


def test_default_map_has_no_tiles_and_no_remote_assets(sochi_map_html):
    assert "L.tileLayer" not in sochi_map_html
    assert not re.search(r"<script[^>]+src=", sochi_map_html)
    assert not re.search(r"<link[^>]+href=", sochi_map_html)


def test_online_basemap_is_opt_in_and_credited(dataset, sochi):
    html = build_map(dataset, sochi, build_geometry(dataset, sochi), basemap="osm").get_root().render()
    assert "L.tileLayer" in html and "tile.openstreetmap.org" in html and "OpenStreetMap" in html


def test_map_coordinates_are_rounded_to_five_decimals(sochi_map_html):
    coordinates = re.findall(r"\[(-?\d+\.\d+), (-?\d+\.\d+)\]", sochi_map_html)
    assert coordinates
    assert max(len(c.split(".")[1]) for pair in coordinates for c in pair) <= 5


def _luminance(color: str) -> float:
    r, g, b = (int(color[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.299 * r + 0.587 * g + 0.114 * b


@pytest.mark.parametrize("agreement_id", ["sochi-2018", "moscow-2020"])
def test_legend_entries_differ_in_grayscale(dataset, agreement_id):
    """Entries of the same kind must differ in lightness, dash pattern, fill or marker size."""
    agreement = dataset.agreements[agreement_id]
    entries = legend_entries(dataset, agreement, build_geometry(dataset, agreement))
    for a, b in itertools.combinations(entries, 2):
        if a.kind != b.kind:
            continue  # a line never looks like a dot or a filled area
        distinct = (
            abs(_luminance(a.style["color"]) - _luminance(b.style["color"])) >= 0.1
            or abs(_luminance(a.style["fillColor"]) - _luminance(b.style["fillColor"])) >= 0.1
            or a.style.get("dashArray") != b.style.get("dashArray")
            or abs(a.style.get("fillOpacity", 0) - b.style.get("fillOpacity", 0)) >= 0.15
            or abs(a.style.get("radius", 0) - b.style.get("radius", 0)) >= 2
        )
        assert distinct, f"{a.label!r} and {b.label!r} look alike in grayscale"
