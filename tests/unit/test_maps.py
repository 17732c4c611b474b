"""The map: offline by default, online tiles only on request, compact, readable in grayscale, and\ntext and styles from data reach its scripts only escaped."""

import itertools
import json
import re
from html.parser import HTMLParser

import pytest
from helpers import FIXTURES, writable_copy
from hostile import make_hostile

from accordmap.geometry import build_geometry
from accordmap.load import load_dataset
from accordmap.maps import build_map, legend_entries
from accordmap.sections import Report


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


# --- text and styles from data --------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_dataset(tmp_path_factory):
    """The minimal fixture with every payload of tests/hostile.py in every text field."""
    data = writable_copy(FIXTURES / "minimal" / "data", tmp_path_factory.mktemp("hostile") / "data")
    make_hostile(data)
    return load_dataset(data)


@pytest.fixture(scope="module")
def hostile_map_html(hostile_dataset):
    agreement = hostile_dataset.agreements["test-accord"]
    return build_map(hostile_dataset, agreement, build_geometry(hostile_dataset, agreement)).get_root().render()


class _Elements(HTMLParser):
    """The elements an HTML fragment makes: [(tag, {attribute: value})]."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


# what the map's own HTML is made of; data adds no element and no attribute
MAP_TAGS = {"div", "strong", "table", "tr", "th", "td", "bdi", "h4", "span", "svg", "rect", "line", "circle"}
MAP_ATTRIBUTES = {"id", "style", "class", "scope", "dir", "width", "height", "aria-hidden", "x", "y", "x1", "x2", "y1",
                  "y2", "cx", "cy", "r", "fill", "fill-opacity", "stroke", "stroke-width", "stroke-dasharray"}


def test_data_adds_no_element_to_popups_tooltips_legend_attribution_or_layer_names(hostile_map_html):
    fragments = {
        "popup": re.findall(r"\$\(`(.*?)`\)\[0\]", hostile_map_html, flags=re.S),
        "tooltip": re.findall(r"bindTooltip\(\s*`(.*?)`,", hostile_map_html, flags=re.S),
        "legend": [json.loads(s) for s in re.findall(r"div\.innerHTML = (\".*?\");", hostile_map_html)],
        "attribution": [json.loads(s) for s in re.findall(r"addAttribution\((\".*?\")\);", hostile_map_html)],
        "layer name": [json.loads(s) for s in re.findall(r"^\s*(\".*\") : ", hostile_map_html, flags=re.M)],
    }
    for where, htmls in fragments.items():
        assert htmls, f"no {where} found"
        for fragment in htmls:
            elements = _Elements(fragment).elements
            assert {tag for tag, _ in elements} <= MAP_TAGS, (where, elements)
            assert {name for _, attrs in elements for name in attrs} <= MAP_ATTRIBUTES, (where, elements)
    assert len(fragments["layer name"]) == 4 + 3  # the fixture's layers and zones


def test_the_map_frame_holds_the_whole_map_page_in_one_attribute(hostile_dataset):
    figure = str(Report("zone-map", dataset=hostile_dataset, agreement="test-accord").map())
    elements = _Elements(figure).elements
    assert [tag for tag, _ in elements] == ["figure", "iframe", "p", "figcaption", "bdi", "p", "p"]
    page = elements[1][1]["srcdoc"]
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>") and "L.map(" in page


def test_popup_and_tooltip_template_literals_hold_no_escape_or_substitution(hostile_map_html):
    literals = (re.findall(r"\$\(`(.*?)`\)\[0\]", hostile_map_html, flags=re.S)
                + re.findall(r"bindTooltip\(\s*`(.*?)`,", hostile_map_html, flags=re.S))
    assert len(literals) >= 2 * 8  # a popup and a tooltip per feature
    for literal in literals:
        assert "\\" not in literal and "${" not in literal and "<script" not in literal.lower(), literal[:200]
    assert any("C:&#92;data&#92;x-files&#92;9" in literal for literal in literals)


def test_data_is_not_evaluated_as_jinja_by_folium(hostile_map_html):
    assert "1337" not in hostile_map_html  # {{ 7*191 }}
    assert "&#123;&#123; 7*191 &#125;&#125;" in hostile_map_html


def test_scripts_of_the_map_cannot_be_closed_by_data(hostile_map_html):
    body = hostile_map_html.split("</head>", 1)[1]
    assert body.lower().count("<script") == body.lower().count("</script>")
    styles = re.findall(r"\.setStyle\((\{.*?\})\);", body)
    assert len(styles) >= 8  # a style per feature
    for style in styles:
        assert set(json.loads(style)) <= {"color", "fillColor", "fillOpacity", "weight", "dashArray", "fill"}


@pytest.mark.parametrize("dash", ["</script><script>alert(1)</script>", "{{ 7*7 }}", "6 4\\"])
def test_a_style_value_that_is_not_a_token_stops_the_map_whatever_the_validation(tmp_path, dash):
    dataset = load_dataset(writable_copy(FIXTURES / "minimal" / "data", tmp_path / "data"))
    agreement = dataset.agreements["test-accord"]
    dataset.layers["front-line"].style.dash = dash  # pydantic does not validate assignment here
    with pytest.raises(ValueError, match="not a valid CSS dash"):
        build_map(dataset, agreement, build_geometry(dataset, agreement))
