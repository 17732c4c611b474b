"""The static map (accordmap.staticmap): what a reader of the printed page or a slide sees on it."""

from __future__ import annotations

import base64
import re
import sys
from itertools import combinations

import pytest
from markupsafe import Markup

from accordmap.views.maps import static as staticmap
from accordmap.geometry import build_geometry
from accordmap.views.maps import layers as map_layers


@pytest.fixture(scope="module")
def sochi_map(dataset, sochi):
    agreement = dataset.resolve_agreement(sochi, None)
    geometry = build_geometry(dataset, agreement)
    return dataset, agreement, geometry


@pytest.fixture(scope="module")
def drawn(sochi_map):
    return staticmap.draw_static_map(*sochi_map)


@pytest.fixture(scope="module")
def svg(sochi_map):
    return staticmap.static_map_svg(*sochi_map)


def _svg_text(svg: str) -> str:
    """The text a reader sees in the SVG (fonttype none: text stays text), entities decoded."""
    texts = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.DOTALL)
    return " ".join(Markup(re.sub(r"<[^>]+>", "", t)).unescape() for t in texts)


def test_the_legend_names_every_layer_and_zone_of_the_interactive_map(sochi_map, svg, drawn):
    dataset, agreement, geometry = sochi_map
    text = _svg_text(svg)
    assert "Legend" in text
    entries = map_layers.legend_entries(dataset, agreement, geometry)
    assert drawn.legend == [e.label.striptags() if isinstance(e.label, Markup) else e.label for e in entries]
    words = set(text.split())
    for zone in geometry.zones:
        assert zone.label.split()[0] in words and f"{zone.distance_km:g}" in text, zone.name
    for layer_id in agreement.map_layers:
        # long titles are wrapped over lines: every word of the title is on the map
        assert set(dataset.layers[layer_id].title.split()) <= words, layer_id


def test_key_towns_are_labelled_without_overlapping(sochi_map, drawn, svg):
    dataset = sochi_map[0]
    towns = dataset.layer_frame(dataset.catalog.places_layer)
    names = set(towns[dataset.layers[dataset.catalog.places_layer].name_property])
    assert len(drawn.labelled) >= 5 and set(drawn.labelled) <= names
    text = _svg_text(svg)
    assert all(name in text for name in drawn.labelled)
    figure = drawn.figure
    renderer = figure.canvas.get_renderer()
    ax = figure.axes[0]
    labels = [t for t in ax.texts if (t.get_gid() or "").startswith("town-label")]
    assert [t.get_text() for t in labels] == drawn.labelled
    boxes = [t.get_window_extent(renderer) for t in labels]
    assert not [(a, b) for (a, box_a), (b, box_b) in combinations(zip(drawn.labelled, boxes), 2) if box_a.overlaps(box_b)]
    frame = ax.get_window_extent(renderer)
    assert all(frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1 for box in boxes)
    # the most populous town in view gets a label
    population = towns.set_index(dataset.layers[dataset.catalog.places_layer].name_property)["population_geonames"]
    assert drawn.labelled[0] == population.idxmax() or population.idxmax() not in text


def test_the_scale_bar_is_measured_in_the_metric_crs(sochi_map, drawn, svg):
    _, _, geometry = sochi_map
    assert geometry.crs.is_projected and geometry.crs.axis_info[0].unit_name == "metre"
    ax = drawn.figure.axes[0]
    bar = [p for p in ax.patches if (p.get_gid() or "").startswith("scale-bar")]
    assert len(bar) == 2
    length_m = sum(p.get_width() for p in bar)
    label = next(t.get_text() for t in ax.texts if t.get_gid() == "scale-label-1")
    assert label == f"{length_m / 1000:g} km" and label in _svg_text(svg)
    x0, x1 = ax.get_xlim()
    map_km = (x1 - x0) / 1000
    km = length_m / 1000
    assert map_km / 10 < km <= map_km / 4  # the longest 1-2-5 step not over a quarter of the width
    assert re.fullmatch(r"[125]0*", f"{km:g}")


def test_credits_and_approximation_note_are_drawn(sochi_map, drawn, svg):
    dataset, agreement, geometry = sochi_map
    texts = {t.get_gid(): t.get_text().replace("\n", " ") for t in drawn.figure.texts}
    for layer_id in agreement.map_layers:
        assert dataset.layers[layer_id].attribution in texts["credits"], layer_id
    assert geometry.accuracy_km
    assert f"±{geometry.accuracy_km:g} km" in texts["approximation-note"]
    assert texts["approximation-note"] == drawn.note
    text = _svg_text(svg)
    assert "Map data:" in text and f"±{geometry.accuracy_km:g}" in text


def test_scale_lengths_step_1_2_5():
    assert [staticmap.scale_length_km(w) for w in (3.9, 8, 21, 200, 399, 401)] == [0.5, 2, 5, 50, 50, 100]


def test_output_is_deterministic_and_leaves_no_pyplot_state(sochi_map, svg):
    pyplot = sys.modules.get("matplotlib.pyplot")
    before = pyplot.get_fignums() if pyplot else []
    png = staticmap.static_map_png(*sochi_map)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert staticmap.static_map_png(*sochi_map) == png
    assert staticmap.static_map_svg(*sochi_map) == svg
    assert "<dc:date>" not in svg
    pyplot = sys.modules.get("matplotlib.pyplot")
    assert (pyplot.get_fignums() if pyplot else []) == before


def test_text_from_data_is_drawn_as_typed(sochi_map):
    title = r"Cost $5 and $6 \alpha <b>"  # mathtext would set this in italics or fail on it
    svg = staticmap.static_map_svg(*sochi_map, title=title)
    assert title in _svg_text(svg)


def test_the_page_figure_has_the_png_and_alt_text(sochi_map, drawn):
    dataset, agreement, geometry = sochi_map
    html = str(staticmap.static_map_html(dataset, agreement, geometry))
    assert html.startswith('<figure class="static-map print-only">')
    data = re.search(r'src="data:image/png;base64,([^"]+)"', html).group(1)
    png = base64.b64decode(data)
    assert png == staticmap.static_map_png(*sochi_map)
    assert len(data) < 400_000, f"the static map adds {len(data)} bytes to the page"
    alt = Markup(re.search(r'alt="([^"]+)"', html).group(1)).unescape()
    assert all(name in alt for name in drawn.labelled) and all(label in alt for label in drawn.legend)
    assert "<figcaption>" in html and "Zone map report" not in html
