"""Wording from data: the accuracy notice, map notes, the provisions table's geography and the index say only
what the data say, and no region's words are written in the code."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml
from markupsafe import Markup

from accordmap.publish import index
from accordmap.views.maps import static as staticmap
from accordmap.load import load_dataset
from accordmap.paths import TEMPLATES_DIR
from accordmap.reports.agreement import Report

SRC = Path(__file__).resolve().parents[3] / "src" / "accordmap"

# Words of the shipped case (Idlib, Syria, 2018-2020) that must come from data, never from code. Matched
# case-sensitively as words (ids such as 'sochi-2018' are parameter defaults, not wording).
REGION_PHRASES = ["Syria", "Syrian", "Idlib", "Idleb", "line of contact", "lines of contact", "Line of contact",
                  "Lines of contact", "government-held", "opposition-held", "Opposition-held", "No official map",
                  "Turkish", "Russian", "M4", "M5", "Sochi", "Moscow", "al-Ghab", "Hama", "Aleppo", "Latakia",
                  "population_geonames", "ADM1_EN"]
# not within a longer word, id or path ('sochi-2018', 'Europe/Moscow': a time-zone name in a format's example)
_PHRASES = re.compile("|".join(rf"(?<![\w/-]){re.escape(p)}(?![\w/])" for p in REGION_PHRASES))


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data) -> bool:  # accordmap data has no anchors or aliases
        return True


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.dump(data, Dumper=_NoAliases, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _layers(data: dict) -> dict:
    return {layer["id"]: layer for layer in data["layers"]}


def _surveyed(catalog: dict) -> None:
    """The minimal fixture's front line and held area, as an armistice's surveyed demarcation would be."""
    for layer_id in ("front-line", "held-area"):
        layer = _layers(catalog)[layer_id]
        layer.update(accuracy="exact", accuracy_km=0.05, accuracy_note="surveyed demarcation, annex map 1:50,000")


def _report(data_dir: Path, report: str = "brief") -> Report:
    return Report(report, dataset=load_dataset(data_dir), agreement="test-accord")


def _visible(markup) -> str:
    """The text a reader sees (tags dropped, entities resolved), lower case."""
    return Markup(str(markup)).striptags().lower()


def test_an_agreement_on_exact_surveyed_layers_gets_no_approximate_wording(minimal_data):
    _edit(minimal_data / "layers" / "catalog.yaml", _surveyed)
    report = _report(minimal_data)
    header, provisions = str(report.header()), str(report.provisions())
    map_section = str(report.map())
    drawn = staticmap.draw_static_map(report.dataset, report.agreement, report.geometry)
    assert 'class="accuracy-notice"' not in header
    figures = _visible(report.key_figures())
    assert "computed from exact layers" in figures
    for text in (_visible(header), _visible(provisions), map_section.lower(), drawn.note.lower(),
                 staticmap.alt_text(drawn).lower(), figures):
        for word in ("approximate", "estimate", "line of contact", "lines of contact", "no official map"):
            assert word not in text, (word, text[:300])
    assert drawn.note == "" and "map-accuracy" not in map_section


def test_a_layer_used_only_to_compute_a_zone_is_named_in_the_notice(minimal_data):
    # the zone is measured from the (approximate) front line and kept inside the held area, neither drawn
    _edit(minimal_data / "agreements" / "test-accord.yaml", lambda a: a.update(map_layers=["road", "towns"]))
    report = _report(minimal_data)
    assert "front-line" not in report.agreement.map_layers
    notice = _visible(report.header())
    assert "approximate geography." in notice
    assert "front line (typical error ±2 km; used to compute the test zone)" in notice
    assert "held area (typical error ±2 km; used to compute the test zone)" in notice
    assert "drawn by hand for tests" in notice and "typical error up to 2 km" in notice
    assert "the test zone is computed from them" in notice
    assert "no official map" not in notice  # the agreement's data say nothing about a map
    assert "road" not in notice  # exact


def test_the_notice_opens_with_the_agreements_own_map_note(minimal_data):
    _edit(minimal_data / "agreements" / "test-accord.yaml",
          lambda a: a.update(map_note="The accord's annex map was never published."))
    notice = _visible(_report(minimal_data).header())
    assert re.search(r"approximate geography\. the accord's annex map was never published\. the lines and areas "
                     r"used for this agreement are estimates", notice.replace("&#39;", "'"))


def test_the_shipped_notice_says_what_its_data_say(dataset):
    sochi = Report("brief", dataset=dataset, agreement="sochi-2018")
    notice = _visible(sochi.header())
    assert dataset.agreements["sochi-2018"].map_note.lower() in notice  # "No official map of these lines exists."
    # every approximate layer the report used, drawn or computed from, is named with its error
    for layer_id in ("line-of-contact-2018", "opposition-held-2018", "line-of-contact-2020", "highways",
                     "observation-posts"):
        layer = dataset.layers[layer_id]
        error = f"typical error ±{layer.accuracy_km:g} km" if layer.accuracy_km else "error not stated"
        assert f"{layer.title.lower()} ({error};" in notice.replace("&#39;", "'"), layer_id


def _exceptions_and_sectors(data_dir: Path) -> None:
    """A reserve taken out of the fixture's zone, and two sectors with their own depths."""
    (data_dir / "layers" / "reserve.geojson").write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "Reserve"}, '
        '"geometry": {"type": "Polygon", "coordinates": [[[36.3, 35.2], [36.4, 35.2], [36.4, 35.25], [36.3, 35.25], '
        '[36.3, 35.2]]]}}]}', encoding="utf-8")
    (data_dir / "layers" / "sectors.geojson").write_text(
        '{"type": "FeatureCollection", "features": ['
        '{"type": "Feature", "properties": {"sector": "west"}, "geometry": {"type": "Polygon", "coordinates": '
        '[[[36.2, 35.2], [36.5, 35.2], [36.5, 35.8], [36.2, 35.8], [36.2, 35.2]]]}}, '
        '{"type": "Feature", "properties": {"sector": "east"}, "geometry": {"type": "Polygon", "coordinates": '
        '[[[36.5, 35.2], [36.8, 35.2], [36.8, 35.8], [36.5, 35.8], [36.5, 35.2]]]}}]}', encoding="utf-8")

    def catalog(data: dict) -> None:
        base = {"as_of": "2020-01", "sources": ["report"], "licence": "CC0", "attribution": "Fixture",
                "accuracy": "exact", "kind": "area", "region": [36.0, 35.0, 37.0, 36.0]}
        data["layers"] += [{"id": "reserve", "file": "reserve.geojson", "title": "Nature reserve", **base},
                           {"id": "sectors", "file": "sectors.geojson", "title": "Sectors", **base}]

    def agreement(data: dict) -> None:
        zone = data["provisions"][0]["geography"]
        zone["except"] = "reserve"
        zone["sectors"] = [{"within": {"layer": "sectors", "where": {"sector": "west"}}, "depth_km": 2, "label": "West sector"},
                           {"within": {"layer": "sectors", "where": {"sector": "east"}}, "depth_km": 4, "label": "East sector"}]

    _edit(data_dir / "layers" / "catalog.yaml", catalog)
    _edit(data_dir / "agreements" / "test-accord.yaml", agreement)


def test_the_provisions_table_states_every_exception_and_sector(minimal_data):
    _exceptions_and_sectors(minimal_data)
    report = _report(minimal_data)
    table = _visible(report.provisions())
    assert "except the area of nature reserve" in table
    assert "by sector: 2 km in west sector, 4 km in east sector" in table
    assert "west sector: sectors (sector = west)" in table and "east sector: sectors (sector = east)" in table
    assert "test corridor: 2 km wide, 1 km either side of road (name = main road)" in table
    # with the report's parameters applied, as the zones are computed
    wider = Report("brief", dataset=report.dataset, agreement="test-accord", zone_max_km=6)
    assert "test zone: 2 to 6 km deep from front line" in _visible(wider.provisions())
    # the map's legend says it too
    legend = str(report.map_object().get_root().render())
    assert "except the area of Nature reserve" in legend and "By sector: 2 km in West sector" in legend


def test_the_static_map_names_what_the_catalog_labels(dataset, sochi):
    report = Report("brief", dataset=dataset, agreement="sochi-2018")
    drawn = staticmap.draw_static_map(dataset, report.agreement, report.geometry)
    towns = dataset.layers["towns"]
    assert towns.label.order_by and drawn.labelled
    frame = dataset.layer_frame("towns").set_index(towns.name_property)
    values = frame[towns.label.order_by].astype(float).fillna(-1)
    # the first place named is the largest by the label's order_by among those named
    assert values[drawn.labelled[0]] == max(values[name] for name in drawn.labelled)
    # area layers with a label (countries, governorates) are named too, as on the interactive map
    names = set(dataset.layer_frame("countries")["NAME"]) | set(dataset.layer_frame("governorates")["ADM1_EN"])
    assert drawn.areas and set(drawn.areas) <= names
    assert all(name in staticmap.alt_text(drawn) for name in drawn.areas)


def test_a_layer_without_a_label_is_not_named_on_the_static_map(minimal_data):
    report = _report(minimal_data)
    assert staticmap.draw_static_map(report.dataset, report.agreement, report.geometry).labelled == []
    _edit(minimal_data / "layers" / "catalog.yaml",
          lambda c: _layers(c)["towns"].update(label={"min_zoom": 0, "priority": 5}))
    report = _report(minimal_data)
    towns = set(report.dataset.layer_frame("towns")["name"])
    labelled = staticmap.draw_static_map(report.dataset, report.agreement, report.geometry).labelled
    assert labelled and set(labelled) <= towns
    _edit(minimal_data / "layers" / "catalog.yaml",
          lambda c: _layers(c)["towns"].update(label={"min_zoom": 18, "priority": 5}))  # closer than this map
    report = _report(minimal_data)
    assert staticmap.draw_static_map(report.dataset, report.agreement, report.geometry).labelled == []


def test_the_comparison_map_names_the_catalogs_labelled_layers(dataset):
    from accordmap.reports.comparison import ComparisonReport

    report = ComparisonReport("comparison", dataset=dataset, base="sochi-2018", amendment="moscow-2020")
    page = report.map_object().get_root().render()
    for layer_id in ("countries", "governorates", "towns"):
        assert dataset.layers[layer_id].label is not None
    assert page.count("accordmap-label accordmap-label-point") == 1  # one labels element for the towns
    assert "accordmap-label accordmap-label-area" in page
    assert '"Saraqib"' in page and '"Idleb"' in page  # a town and a governorate named
    credits = str(report.sources())
    assert "Natural Earth" in credits and "GeoNames" in credits  # what is drawn is credited


def test_the_index_describes_agreements_from_their_data(tmp_path):
    (tmp_path / "test-accord").mkdir()
    (tmp_path / "test-accord" / "brief.html").write_text("<p>report</p>", encoding="utf-8")
    manifest = {"test-accord/brief.html": {
        "agreement": "test-accord", "report": "brief", "generated": "2026-01-01 00:00 UTC", "parameters": {},
        "agreement_short_title": "Test accord", "agreement_title": "Test Accord on a Zone",
        "agreement_date": "2020-01-10", "agreement_summary": "A zone along a line and a corridor along a road."}}
    page = index.render_index(index.index_sections(tmp_path, manifest), "now", "v1")
    assert "A zone along a line and a corridor along a road." in page
    assert "Test Accord on a Zone" in page
    assert not _PHRASES.search(page), _PHRASES.search(page)


def _string_literals(path: Path):
    """(line, text) of every string literal in a module that may reach a report: docstrings, the
    ``description=`` of schema fields (documentation of the data format) and the messages of raised errors
    (whose examples may borrow the shipped data's values) are left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skip.add(id(first.value))
        if isinstance(node, ast.keyword) and node.arg == "description":
            skip |= {id(n) for n in ast.walk(node.value)}
        if isinstance(node, ast.Raise) and node.exc is not None:
            skip |= {id(n) for n in ast.walk(node.exc)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            yield node.lineno, node.value


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.py")), ids=lambda p: str(p.relative_to(SRC)))
def test_no_region_specific_words_in_the_code(path):
    found = [f"{path.name}:{line}: {_PHRASES.search(text).group()!r} in {text[:80]!r}"
             for line, text in _string_literals(path) if _PHRASES.search(text)]
    assert not found, "words of one region belong in data/, not in the code:\n" + "\n".join(found)


def test_no_region_specific_words_in_the_templates():
    for path in TEMPLATES_DIR.glob("*.j2"):
        match = _PHRASES.search(path.read_text(encoding="utf-8"))
        assert match is None, f"{path.name}: {match.group()!r}"


def test_the_phrase_check_catches_a_region_word(tmp_path):
    module = tmp_path / "bad.py"
    module.write_text('"""Docs may say Idlib."""\nNOTE = "No official map of the Idlib zone exists"\n', encoding="utf-8")
    assert [text for _, text in _string_literals(module) if _PHRASES.search(text)] == [
        "No official map of the Idlib zone exists"]
