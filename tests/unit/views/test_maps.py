"""The map: offline by default, online tiles only on request, compact, readable in grayscale, and\ntext and styles from data reach its scripts only escaped."""

import itertools
import json
import re
from html.parser import HTMLParser

import pytest
from helpers import FIXTURES, writable_copy
from hostile import make_hostile

from accordmap import models
from accordmap.geometry import build_geometry
from accordmap.load import DataErrors, load_dataset
from accordmap.views.maps.agreement import build_map
from accordmap.views.maps.layers import legend_entries, text_lang
from accordmap.reports.agreement import Report


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
MAP_TAGS = {"div", "strong", "table", "tr", "th", "td", "bdi", "details", "summary", "span", "svg", "rect", "line",
            "circle"}
MAP_ATTRIBUTES = {"id", "style", "class", "scope", "dir", "lang", "open", "width", "height", "aria-hidden", "x", "y", "x1",
                  "x2", "y1", "y2", "cx", "cy", "r", "fill", "fill-opacity", "stroke", "stroke-width", "stroke-dasharray"}


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
    # the section's scoped style and its note for untrusted notebooks (accordmap.styles), then the frame
    tags = [tag for tag, _ in elements]
    assert tags[:6] == ["div", "style", "figure", "p", "strong", "iframe"] and tags.count("iframe") == 1, tags
    page = elements[5][1]["srcdoc"]
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>") and "L.map(" in page


def test_popup_and_tooltip_template_literals_hold_no_escape_or_substitution(hostile_map_html):
    literals = (re.findall(r"\$\(`(.*?)`\)\[0\]", hostile_map_html, flags=re.S)
                + re.findall(r"bindTooltip\(\s*`(.*?)`,", hostile_map_html, flags=re.S))
    assert len(literals) >= 2 * 8  # a popup and a tooltip per feature
    for literal in literals:
        assert "\\" not in literal and "${" not in literal and "<script" not in literal.lower(), literal[:200]
    assert any("C:&#92;data&#92;x-files&#92;9" in literal for literal in literals)


def without_ids(html: str) -> str:
    """The page without folium's random element ids (32 hex digits), which may hold '1337' by chance."""
    return re.sub(r"[0-9a-f]{32}", "", html)


def test_data_is_not_evaluated_as_jinja_by_folium(hostile_map_html):
    assert "1337" not in without_ids(hostile_map_html)  # {{ 7*191 }}
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


def test_hostile_labels_and_shape_names_stay_text_in_the_script(hostile_dataset):
    """Labels and shape names are JSON strings set as textContent / aria-label, never HTML."""
    for layer in hostile_dataset.layers.values():
        layer.label = models.LayerLabel()
    agreement = hostile_dataset.agreements["test-accord"]
    html = build_map(hostile_dataset, agreement, build_geometry(hostile_dataset, agreement)).get_root().render()
    items = [json.loads(found) for found in re.findall(r"\n\s*(\[\[.*?\]\])\.forEach\(function\(p\) \{\n\s*var span", html)]
    texts = [item[1] for group in items for item in group]
    assert len(texts) >= 3 and any("<script>" in text for text in texts), texts  # the road and two towns
    names = [json.loads(found) for found in re.findall(r"var name = (\".*?\"|null);", html)]
    assert any(name and "<img" in name for name in names), names
    body = html.split("</head>", 1)[1]
    assert body.lower().count("<script") == body.lower().count("</script>")
    assert "1337" not in without_ids(html)


# --- labels, panes, popups and the map document (issue 14) ----------------------------------


def label_items(html: str) -> list[list]:
    """The [spots, text, lang] items of every layer's labels, as the map's script receives them."""
    found = re.findall(r"\n\s*(\[\[.*?\]\])\.forEach\(function\(p\) \{\n\s*var span", html)
    return [item for group in found for item in json.loads(group)]


def test_the_map_document_is_in_english_and_titled(sochi_map_html):
    assert sochi_map_html.startswith('<!DOCTYPE html>\n<html lang="en">')
    head = sochi_map_html.split("</head>", 1)[0]
    assert "<title>Map of the Sochi memorandum: layers and computed zones</title>" in head
    assert head.count("<title>") == 1 and '<meta charset="utf-8">' in head


def test_countries_governorates_and_towns_are_labelled_from_the_catalog(dataset, sochi_map_html):
    texts = {item[1] for item in label_items(sochi_map_html)}
    assert {"Syria", "Turkey", "Idleb", "Aleppo", "Idlib", "Saraqib", "Jisr al-Shughur"} <= texts
    # layers without a label in the catalog are not labelled (the highways' route names, the posts)
    assert not texts & {"M4", "M5", "Morek post"}
    assert dataset.layers["towns"].label.min_zoom == 7 and dataset.layers["countries"].label.priority > 0
    minimums = re.findall(r"accordmapLabel = \{minZoom: ([\d.]+), priority: (\d+)", sochi_map_html)
    assert sorted(set(minimums)) == [("0", "30"), ("6", "20"), ("7", "10")]


def test_area_labels_sit_inside_their_area_and_in_the_first_view(dataset, sochi_map_html):
    import shapely

    governorates = dataset.layer_frame("governorates").to_crs(4326)
    view = re.search(r"fitBounds\(\s*\[\[([\d.]+), ([\d.]+)\], \[([\d.]+), ([\d.]+)\]\]", sochi_map_html)
    lat0, lon0, lat1, lon1 = map(float, view.groups())
    spots = next(spots for spots, text, _ in label_items(sochi_map_html) if text == "Idleb")
    assert 2 <= len(spots) <= 6  # the best spot, then one per part of the view the area fills
    for lat, lon in spots:
        assert governorates[governorates["ADM1_EN"] == "Idleb"].geometry.iloc[0].contains(shapely.Point(lon, lat))
        assert lat0 <= lat <= lat1 and lon0 <= lon <= lon1


def test_panes_stack_areas_zones_lines_points_labels(dataset, sochi, sochi_map_html):
    panes = re.findall(r'createPane\(\s*"(accordmap-\w+)"\);\s*\w+\.style\.zIndex = (\d+);\s*\w+\.style\.pointerEvents = \'none\'',
                       sochi_map_html)
    assert [name for name, _ in panes] == ["accordmap-areas", "accordmap-zones", "accordmap-lines",
                                           "accordmap-events", "accordmap-points", "accordmap-labels"]
    assert [int(z) for _, z in panes] == sorted(int(z) for _, z in panes)
    # every feature names its pane: zones in the zones pane, towns and posts in the points pane
    zones = build_geometry(dataset, sochi).zones
    assert len(re.findall(r'"pane": "accordmap-zones"', sochi_map_html)) == len(zones) >= 2
    assert len(re.findall(r'"pane": "accordmap-points"', sochi_map_html)) >= 31 + 5
    assert len(re.findall(r'"pane": "accordmap-lines"', sochi_map_html)) >= 2
    # no shape is left in Leaflet's own overlay pane
    shapes = re.findall(r"L\.(?:geoJson\(null|circleMarker\(\s*\[[^\]]*\]),\s*\{(.*?)\}\s*\);", sochi_map_html, flags=re.S)
    assert len(shapes) > 40 and all('"pane": "accordmap-' in options for options in shapes)


def test_legend_is_a_disclosure_not_a_heading(sochi_map_html):
    legend = json.loads(re.search(r"div\.innerHTML = (\".*?\");", sochi_map_html).group(1))
    assert legend.startswith("<details open><summary>Legend</summary>")
    assert not re.search(r"<h\d", legend)


def test_popups_show_the_catalog_labels_and_mark_arabic(sochi_map_html):
    popups = re.findall(r"\$\(`(.*?)`\)\[0\]", sochi_map_html, flags=re.S)
    idleb = next(p for p in popups if "<bdi>Idleb</bdi></strong>" in p)
    assert '<th scope="row" dir="auto">Governorate</th><td dir="auto">Idleb</td>' in idleb
    assert '<th scope="row" dir="auto">Name in Arabic</th><td lang="ar" dir="rtl">إدلب</td>' in idleb
    assert '<th scope="row" dir="auto">OCHA place code</th>' in idleb
    assert not any(raw in p for p in popups for raw in (">ADM1_PCODE<", ">ADM1_AR<", ">report_name<"))


def test_shapes_with_a_name_are_named_and_shapes_without_one_leave_the_tab_order(sochi_map_html):
    names = [json.loads(found) for found in re.findall(r"var name = (\".*?\"|null);", sochi_map_html)]
    assert {"Saraqib", "Idleb", "Turkey"} <= set(names)
    assert any(name and name.startswith("Demilitarised zone") for name in names)
    assert None in names  # the opposition-held area and the lines of contact have no name of their own
    assert "el.setAttribute('tabindex', '-1')" in sochi_map_html


@pytest.mark.parametrize("text, lang", [("إدلب", "ar"), ("Idleb", None), ("إدلب Idleb", None), ("", None), (None, None)])
def test_text_lang_marks_arabic_script_only(text, lang):
    assert text_lang(text) == lang


# --- the catalog's label and popup_labels fields --------------------------------------------


def _catalog_errors(data):
    with pytest.raises(DataErrors) as err:
        load_dataset(data)
    return [str(e) for e in err.value.errors]


def _line_of(path, needle):
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def _edit_catalog(data, old, new):
    path = data / "layers" / "catalog.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


TOWNS_POPUP = "    popup_properties: [name]\n"


def test_label_and_popup_labels_from_the_catalog_reach_the_map(minimal_data):
    _edit_catalog(minimal_data, TOWNS_POPUP, TOWNS_POPUP + "    popup_labels: {name: Town}\n"
                                                             "    label: {min_zoom: 5, priority: 3}\n")
    dataset = load_dataset(minimal_data)
    assert dataset.layers["towns"].label == models.LayerLabel(min_zoom=5, priority=3)
    agreement = dataset.agreements["test-accord"]
    html = build_map(dataset, agreement, build_geometry(dataset, agreement)).get_root().render()
    assert [(item[1], len(item[0])) for item in label_items(html)] == [("North Town", 1), ("South Town", 1)]
    assert "accordmapLabel = {minZoom: 5, priority: 3" in html
    assert '<th scope="row" dir="auto">Town</th><td dir="auto">North Town</td>' in html


@pytest.mark.parametrize("insert, field, message", [
    ("    popup_labels: {nam: Name}\n", "layers[3].popup_labels",
     "labels 'nam', which popup_properties does not list (expected keys among: name)"),
    ("    label: {min_zoom: 30}\n", "layers[3].label.min_zoom", "wrong value 30 (expected less than or equal to 18)"),
    ("    label: {min_zoom: 2, colour: red}\n", "layers[3].label.colour",
     "unknown key (expected one of: property, min_zoom, priority, order_by; check its spelling)"),
    ("    label: {priority: -1}\n", "layers[3].label.priority", "wrong value -1 (expected greater than or equal to 0)"),
])
def test_a_bad_label_or_popup_label_names_file_line_and_field(minimal_data, insert, field, message):
    path = _edit_catalog(minimal_data, TOWNS_POPUP, TOWNS_POPUP + insert)
    line = _line_of(path, insert.strip().split(":")[0] + ":") if "popup_labels" in insert else _line_of(path, "label:")
    errors = _catalog_errors(minimal_data)
    assert f"data/layers/catalog.yaml:{line}: {field}: {message}" in errors, errors


def test_a_label_needs_a_property_when_the_layer_has_no_name_property(minimal_data):
    path = _edit_catalog(minimal_data, "    accuracy_note: drawn by hand for tests\n",
                         "    accuracy_note: drawn by hand for tests\n    label: {min_zoom: 3}\n")
    errors = _catalog_errors(minimal_data)
    assert (f"data/layers/catalog.yaml:{_line_of(path, 'label:')}: layers[0].label: has no property and the layer has "
            "no name_property (expected label: {property: <the feature property holding the text>, min_zoom: <0-18>})"
            in errors), errors


def test_a_label_property_missing_from_the_features_is_refused_per_feature(minimal_data):
    _edit_catalog(minimal_data, TOWNS_POPUP, TOWNS_POPUP + "    label: {property: title}\n")
    errors = _catalog_errors(minimal_data)
    towns = minimal_data / "layers" / "towns.geojson"
    assert errors == [
        (f"data/layers/towns.geojson:{_line_of(towns, town)}: features[{number}].properties.title: property missing "
         "(expected it, since data/layers/catalog.yaml names it for layer 'towns')")
        for number, town in enumerate(["North Town", "South Town"])
    ]
