"""A second, SYNTHETIC agreement outside Syria (tests/fixtures/elsewhere/): data files alone, no code change.

An invented coastal region in the open Indian Ocean (about 26-27.5 S, 61-62.5 E: UTM zone 41 south),
with an invented accord (korveth-2021) that uses every geography kind (a band on one side with within
and except, a band by sectors, a band either side of its line, a corridor, features) and free-form
point numbers, and an invented protocol amending it (korveth-2022). The folder is checked and every
report of both agreements is built once, through the real command; the tests read the pages as a
reader would and compute the expected areas themselves, with shapely, from the fixture's GeoJSON.
"""

from __future__ import annotations

import base64
import json
import re
from html import unescape
from pathlib import Path
from urllib.parse import unquote

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely
import yaml
from bs4 import BeautifulSoup
from helpers import FIXTURES, built_pages

from accordmap.cli import main

DATA = FIXTURES / "elsewhere"
BASE, AMENDMENT = "korveth-2021", "korveth-2022"
PAGES = built_pages([BASE, AMENDMENT], [AMENDMENT])

# words that would betray text written for the Syrian case (in code, templates or defaults) rather than
# taken from the data: none of them is in the synthetic folder, so none may reach its pages
SYRIAN_WORDS = ["Syria", "Syrian", "Idlib", "Idleb", "Sochi", "Moscow", "Turkey", "Turkish", "Russia", "Russian",
                "Astana", "Hama", "Aleppo", "Latakia", "Damascus", "Saraqib", "al-Nusra", "Nusra", "SouthFront",
                "UCDP", "SOHR", "GeoNames", "OCHA", "Governorate", "line of contact", "opposition-held", "32637"]
CASE_SENSITIVE = ["HTS", "SNA", "M4", "M5"]
_SYRIAN = re.compile(r"\b(" + "|".join(map(re.escape, SYRIAN_WORDS)) + r")", re.IGNORECASE)
_SYRIAN_CASED = re.compile(r"\b(" + "|".join(CASE_SENSITIVE) + r")\b")

# the expected UTM zone, from the region's longitude and hemisphere alone (not from accordmap)
UTM_SOUTH_41 = 32741


def _yaml(name: str):
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def text_of(html: str) -> str:
    """Visible text, roughly: tags and the map's srcdoc removed, entities decoded, spaces folded."""
    html = re.sub(r'srcdoc="[^"]*"', "", html)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.DOTALL)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def map_page(html: str) -> str:
    """The interactive map's document (the iframe's srcdoc), with the <bdi> isolation of data text removed."""
    found = re.search(r'srcdoc="([^"]*)"', html)
    assert found, "the page has no interactive map"
    return re.sub(r"\\u003c/?bdi\\u003e|</?bdi>", "", unescape(found.group(1)))


def everything_in(html: str) -> str:
    """All text a page carries: its markup and scripts, the map's document, and the decoded text of its
    embedded downloads (data: URLs such as the CSL-JSON citations); images left out."""
    parts = [re.sub(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=]+", "", html)]
    if 'srcdoc="' in html:
        parts.append(map_page(html))
    for kind, encoded, data in re.findall(r"data:([a-z]+/[a-z0-9.+-]+)[^,\"']*?(;base64)?,([^\"'\s)]+)", html):
        if kind.startswith("image/"):
            continue
        parts.append(base64.b64decode(unquote(data)).decode("utf-8", "replace") if encoded else unquote(data))
    return "\n".join(parts)


def syrian_words(text: str) -> list[str]:
    return sorted({m.group(0) for m in _SYRIAN.finditer(text)} | {m.group(0) for m in _SYRIAN_CASED.finditer(text)})


# --- building ---------------------------------------------------------------------------------------


def test_check_accepts_the_synthetic_folder(capsys):
    assert main(["check", "--data", str(DATA)]) == 0
    out = capsys.readouterr().out
    assert "data OK: 2 agreements" in out


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """Every report of the synthetic agreements, built once through the real command."""
    out = tmp_path_factory.mktemp("elsewhere") / "reports"
    assert main(["build", "--data", str(DATA), "--out", str(out)]) == 0, "accordmap build failed"
    return out


def _page(built: Path, folder: str, report: str) -> str:
    return (built / folder / f"{report}.html").read_text(encoding="utf-8")


def test_the_build_makes_every_report_of_both_agreements_and_nothing_else(built):
    made = sorted(str(p.relative_to(built)) for p in built.glob("*/*.html"))
    assert made == sorted(f"{folder}/{report}.html" for folder, report in PAGES)
    index = (built / "index.html").read_text(encoding="utf-8")
    for folder, report in PAGES:
        assert f'href="{folder}/{report}.html"' in index


@pytest.mark.parametrize("folder, report", PAGES)
def test_every_page_says_what_it_was_built_from_and_how_approximate_it_is(built, folder, report):
    text = text_of(_page(built, folder, report))
    subject = "amendment" if report == "comparison" else "agreement"
    assert f"{subject}={folder}" in text
    assert "Approximate geography." in text and "typical error up to 1.5 km" in text
    assert "SYNTHETIC" in text


@pytest.mark.parametrize("folder, report", PAGES)
def test_no_page_carries_syrian_text(built, folder, report):
    found = syrian_words(everything_in(_page(built, folder, report)))
    assert not found, f"{folder}/{report}.html carries {found}"


def test_the_compliance_footer_names_no_event_set_it_was_not_given(built):
    """events left at its default (None: the folder's set over the zones) is shown as such, never as a set id."""
    text = text_of(_page(built, BASE, "compliance"))
    assert "events=default" in text


def test_the_index_and_the_downloads_carry_no_syrian_text(built):
    assert not syrian_words((built / "index.html").read_text(encoding="utf-8"))
    downloads = [p for p in built.glob("*/*") if p.suffix in (".csv", ".geojson")]
    assert downloads, "the pages offer no downloads"
    for path in downloads:
        assert not syrian_words(path.read_text(encoding="utf-8")), path.name


# --- what the pages say about the geography ---------------------------------------------------------


@pytest.fixture(scope="module")
def zone_map(built) -> str:
    return _page(built, BASE, "zone-map")


def test_the_map_states_the_exception_and_the_sectors_in_words(zone_map):
    legend = map_page(zone_map)
    assert ("Coastal buffer zone: 5 to 10 km deep from Demarcation line, 14 Mar 2021 (SYNTHETIC), inside Area held by "
            "the Mereth Coast Front, 14 Mar 2021 (SYNTHETIC), except the area of Port Calder city limits (SYNTHETIC).") \
        in legend
    assert "By sector: 15 km in the Northern district, 20 km in the Southern district" in legend
    assert "(the Northern district: Districts (SYNTHETIC) (district = north); the Southern district: Districts " \
           "(SYNTHETIC) (district = south))" in unescape(legend)
    assert ("Coast Road corridor: 6 km wide, 3 km either side of Roads (SYNTHETIC) (ref in (R1), lanes ≥ 2) where it runs inside "
            "Districts (SYNTHETIC) (district = south).") in legend


def test_the_band_either_side_of_its_line_is_labelled_by_its_full_width(built, zone_map):
    legend = map_page(zone_map)
    assert "Separation strip, 4 km wide, 2 km either side (computed, approximate)" in legend
    assert "Separation strip: 4 km wide, 2 km either side of Demarcation line, 14 Mar 2021 (SYNTHETIC)." in legend
    for report in ("brief", "zone-map"):
        text = text_of(_page(built, BASE, report))
        assert "Separation strip, 4 km wide, 2 km either side" in text
        assert "Separation strip, 2 km deep" not in text
    comparison = text_of(_page(built, AMENDMENT, "comparison")).replace(" ,", ",")
    assert "Separation strip, 4 km wide, 2 km either side" in comparison


# --- areas, computed here from the fixture's own GeoJSON ----------------------------------------------


def _layer(file: str, where: dict | None = None) -> shapely.Geometry:
    """The union of a fixture layer's features (those matching ``where``), in UTM zone 41 south."""
    features = json.loads((DATA / "layers" / file).read_text(encoding="utf-8"))["features"]
    shapes = [shapely.geometry.shape(f["geometry"]) for f in features
              if all(f["properties"].get(k) == v for k, v in (where or {}).items())]
    to_utm = pyproj.Transformer.from_crs(4326, UTM_SOUTH_41, always_xy=True)
    return shapely.transform(shapely.union_all(shapes), lambda xy: np.column_stack(to_utm.transform(xy[:, 0], xy[:, 1])))


def _expected_zones() -> dict[str, float]:
    """Zone name as the key figures head it -> km², from the geography the agreement's YAML describes."""
    line, held, city = _layer("demarcation_line_2021.geojson"), _layer("coast_held_2021.geojson"), _layer("city.geojson")
    north = _layer("districts.geojson", {"district": "north"})
    south = _layer("districts.geojson", {"district": "south"})
    road = shapely.intersection(_layer("roads.geojson", {"ref": "R1"}), south)

    def band(km):
        return shapely.buffer(line, km * 1000, quad_segs=16)

    sectors = shapely.intersection(shapely.union(shapely.intersection(band(15), north),
                                                 shapely.intersection(band(20), south)), held)
    shapes = {
        "Coastal buffer zone, 5 km deep": shapely.difference(shapely.intersection(band(5), held), city),
        "Coastal buffer zone, 10 km deep": shapely.difference(shapely.intersection(band(10), held), city),
        "Heavy-weapons line, 15 km deep": shapely.intersection(band(15), held),
        "Heavy-weapons line, 20 km deep": shapely.intersection(band(20), held),
        "Heavy-weapons line, 15 km in the Northern district, 20 km in the Southern district": sectors,
        "Separation strip, 4 km wide, 2 km either side": band(2),
        "Coast Road corridor, 3 km either side": shapely.buffer(road, 3000, cap_style="flat", quad_segs=16),
    }
    return {name: shape.area / 1e6 for name, shape in shapes.items()}


def _key_figures(html: str) -> dict[str, str]:
    """Zone name (the column heading, up to any parenthesis) -> its Area cell, from the key figures table."""
    table = BeautifulSoup(html, "html.parser").find("table", class_="key-figures")
    heads = [th.get_text(" ", strip=True) for th in table.find("thead").find_all("th")][1:]
    row = next(tr for tr in table.find("tbody").find_all("tr") if tr.find("th").get_text(strip=True) == "Area")
    cells = [td.get_text(" ", strip=True) for td in row.find_all("td")]
    return {re.sub(r"\s*\(.*$", "", head).replace(" ,", ","): cell for head, cell in zip(heads, cells)}


def test_zone_areas_match_an_independent_computation_from_the_fixture(built):
    figures = _key_figures(_page(built, BASE, "brief"))
    expected = _expected_zones()
    assert set(expected) <= set(figures), f"zones missing from the key figures: {set(expected) - set(figures)}"
    for name, km2 in expected.items():
        match = re.fullmatch(r"about ([\d,]+) km² \((?:([\d,]+)–([\d,]+)|error not stated)\)", figures[name])
        assert match, f"{name}: {figures[name]!r}"
        shown = int(match.group(1).replace(",", ""))
        if match.group(2):  # central first, rounded to a tenth of the range's magnitude; the range holds it
            low, high = (int(g.replace(",", "")) for g in match.group(2, 3))
            allowed = max(1, 10 ** (len(str(high - low)) - 2))
            assert low <= km2 <= high, f"{name}: computed {km2:.0f} km² outside the shown range {low}-{high}"
        else:  # no error: exact layers only, two significant figures
            allowed = 10 ** (len(str(round(km2))) - 2)
        assert abs(shown - km2) <= allowed, f"{name}: shows {shown} km², computed {km2:.0f} km² (± {allowed})"
    # the exception and the sectors really change the areas (the fixture is drawn so that they do)
    assert expected["Coastal buffer zone, 10 km deep"] < expected["Heavy-weapons line, 15 km deep"] * 10 / 15
    assert expected["Heavy-weapons line, 15 km deep"] < expected[
        "Heavy-weapons line, 15 km in the Northern district, 20 km in the Southern district"] < expected[
        "Heavy-weapons line, 20 km deep"]


def test_zones_are_computed_in_the_southern_utm_zone(built):
    gpkg = built / BASE / "brief.zones.gpkg"
    zones = gpd.read_file(gpkg)
    assert zones.crs.to_epsg() == UTM_SOUTH_41
    text = text_of(_page(built, BASE, "brief"))
    assert "metric CRS WGS 84 / UTM zone 41S" in text and f"(EPSG:{UTM_SOUTH_41})" in text
    # the shapes it holds are those computed here from the fixture, measured in the same CRS
    expected = _expected_zones()
    names = [re.sub(r"\s*\(.*$", "", name) for name in zones["name"]]  # the sectors' note left out
    assert set(expected) <= set(names)
    for name, shape in zip(names, zones.geometry):
        if name in expected:
            assert abs(shape.area / 1e6 - expected[name]) <= 1, name


def test_the_comparison_counts_only_ground_held_before_as_no_longer_held(built):
    """A zone either side of the line was never all held: only its held part can be 'no longer held'."""
    text = text_of(_page(built, AMENDMENT, "comparison"))
    strip = shapely.buffer(_layer("demarcation_line_2021.geojson"), 2000, quad_segs=16)
    lost = shapely.difference(shapely.intersection(strip, _layer("coast_held_2021.geojson")),
                              _layer("coast_held_2022.geojson"))
    text = text.replace(" ,", ",")
    found = re.search(r"Part of the Separation strip, 4 km wide, 2 km either side no longer held on 1 Jun 2022 about "
                      r"([\d,]+) km² \(([\d,.]+)–([\d,.]+)\) = (\d+)% of the zone", text)
    assert found, "the separation strip's lost part is missing"
    low, high = (float(v.replace(",", "")) for v in found.group(2, 3))
    assert low - 1 <= lost.area / 1e6 <= high + 1
    assert int(found.group(4)) == round(100 * lost.area / strip.area)


# --- parties, events, compliance ------------------------------------------------------------------


def test_the_obligation_matrix_shows_the_free_form_numbers_with_the_right_parties(built):
    agreement = _yaml(f"agreements/{BASE}.yaml")
    names = {a["id"]: a["name"] for a in _yaml("actors.yaml")["actors"]}
    table = BeautifulSoup(_page(built, BASE, "stakeholders"), "html.parser").find("table", class_="obligations")
    heads = [th.get_text(" ", strip=True) for th in table.find("thead").find_all("th")][1:]
    assert heads == [f"Point {p['number']}" for p in agreement["provisions"]]
    assert {"Point 2.1", "Point 5a"} <= set(heads)
    shown = {tr.find("th").get_text(" ", strip=True): [td.get_text(strip=True) for td in tr.find_all("td")]
             for tr in table.find("tbody").find_all("tr")}
    expected = {}
    for column, provision in enumerate(agreement["provisions"]):
        for actor in provision.get("undertaken_by", []):
            expected.setdefault(names[actor], [""] * len(heads))[column] = "●"
        for actor in provision.get("targets", []):
            expected.setdefault(names[actor], [""] * len(heads))[column] = "○"
    for actor, marks in expected.items():
        assert shown.get(actor) == marks, actor


def test_the_timeline_shows_the_synthetic_events_of_the_chain_and_only_them(built):
    chain = {BASE, AMENDMENT}
    events = _yaml("events.yaml")["events"]
    wanted = [e["title"] for e in events if chain & {*e.get("agreements", []), *e.get("context_for", [])}]
    unrelated = [e["title"] for e in events if e["title"] not in wanted]
    assert unrelated, "the fixture needs an event that concerns no agreement"
    table = BeautifulSoup(_page(built, BASE, "timeline"), "html.parser").find("table", class_="timeline")
    rows = [tr.get_text(" ", strip=True) for tr in table.find("tbody").find_all("tr")]
    for title in wanted:
        assert any(title in row for row in rows), title
    for title in unrelated:
        assert not any(title in row for row in rows), title
    # every other row is a deadline or a start of one of the accord's own provisions
    others = [row for row in rows if not any(title in row for title in wanted)]
    provisions = _yaml(f"agreements/{BASE}.yaml")["provisions"]
    dated = sum(bool(p.get("deadline")) + bool(p.get("starts")) for p in provisions)
    assert len(others) == dated and all(re.search(r"(Deadline|In force from) \(point", row) for row in others)
    context = next(row for row in rows if "closes the Coast Road" in row)
    assert context.startswith("Nov 2020 context")


def test_an_actor_shows_its_description_for_the_agreement_of_the_report(built):
    base = text_of(_page(built, BASE, "stakeholders"))
    amendment = text_of(_page(built, AMENDMENT, "stakeholders"))
    assert "undertook to keep the Coast Road open" in base and "undertook to keep the Coast Road open" not in amendment
    assert "Signed the Tessaly Protocol, which renewed the ceasefire" in amendment


@pytest.mark.parametrize("folder", [BASE, AMENDMENT])
def test_the_compliance_report_says_there_is_no_event_set(built, folder):
    text = text_of(_page(built, folder, "compliance"))
    assert "No event set." in text and "nothing can be counted" in text
    assert "No conflict-event set in this data folder" in text_of(_page(built, folder, "brief"))


# --- the open vocabularies, moments and other fields another conflict needs ---------------------


def test_the_conflicts_own_sides_kinds_and_categories_are_shown_by_their_labels(built):
    stakeholders = text_of(_page(built, BASE, "stakeholders"))
    for label in ("the capital's side", "the coast's side", "regional body", "civilians"):
        assert label in stakeholders, label
    table = BeautifulSoup(_page(built, BASE, "brief"), "html.parser").find("table", class_="provisions")
    categories = [tr.find_all("td")[1].get_text(" ", strip=True) for tr in table.find("tbody").find_all("tr")]
    assert categories.count("buffer zone") == 2 and "buffer-zone" not in categories


def test_the_implementation_chart_labels_categories_from_the_vocabulary(built):
    text = text_of(_page(built, BASE, "timeline"))
    assert "Point 2.1 · buffer zone" in text and "buffer-zone" not in text


def test_a_deadline_with_a_time_and_zone_and_a_start_are_shown_as_given(built):
    brief = text_of(_page(built, BASE, "brief"))
    assert "18:00 on 14 Apr 2021 (UTC+4)" in brief
    timeline = text_of(_page(built, BASE, "timeline"))
    assert "06:00 on 15 Mar 2021 (UTC+4): In force from (point 1" in timeline


def test_the_map_note_opens_the_accuracy_notice(built):
    text = text_of(_page(built, BASE, "brief"))
    assert ("Approximate geography. SYNTHETIC. The invented accord has no map; its annex names the demarcation line "
            "only in words.") in text


def test_the_places_table_gives_each_place_its_district(built, zone_map):
    table = BeautifulSoup(zone_map, "html.parser").find("table", class_="places-in-zone")
    heads = [th.get_text(" ", strip=True) for th in table.find("thead").find_all("th")]
    assert "District" in heads
    column = heads.index("District")
    rows = {tr.find_all(["th", "td"])[0].get_text(" ", strip=True): tr.find_all(["th", "td"])[column].get_text(strip=True)
            for tr in table.find("tbody").find_all("tr")}
    assert rows["Tarnholm"] == "Southern district" and rows["Port Calder"] == "Northern district"


# --- adding the agreement to the shipped data changes none of the Sochi brief ---------------------


def _append_items(target: Path, source: Path, key: str) -> None:
    """Append the items of ``source``'s list ``key`` to the end of ``target`` (whose last key is that list), as text,
    so every byte of the shipped entries stays as it was."""
    text = source.read_text(encoding="utf-8")
    items = text[text.index(f"\n{key}:\n") + len(key) + 3:]
    with target.open("a", encoding="utf-8") as out:
        out.write("\n" + items)


def add_elsewhere_to(data: Path) -> None:
    """The synthetic folder's files added to a copy of the shipped data, as a user adding an agreement would."""
    import shutil

    for path in (DATA / "agreements").glob("*.yaml"):
        shutil.copy(path, data / "agreements" / path.name)
    for path in (DATA / "layers").glob("*.geojson"):
        assert not (data / "layers" / path.name).exists(), path.name
        shutil.copy(path, data / "layers" / path.name)
    for name, key in (("actors.yaml", "actors"), ("events.yaml", "events"), ("sources.yaml", "sources"),
                      ("layers/catalog.yaml", "layers")):
        _append_items(data / name, DATA / name, key)
    catalog = data / "layers" / "catalog.yaml"
    ours = _yaml("layers/catalog.yaml")["places_layer"]
    text = catalog.read_text(encoding="utf-8")
    shipped = re.search(r"^places_layer: ([a-z0-9_-]+)$", text, flags=re.MULTILINE)
    catalog.write_text(text.replace(shipped.group(0), f"places_layer: [{shipped.group(1)}, {', '.join(ours)}]"),
                       encoding="utf-8")
    vocabularies = yaml.safe_load((data / "vocabularies.yaml").read_text(encoding="utf-8"))
    for key, terms in _yaml("vocabularies.yaml").items():
        known = {t["id"] for t in vocabularies[key]}
        vocabularies[key] += [t for t in terms if t["id"] not in known]
    (data / "vocabularies.yaml").write_text(yaml.safe_dump(vocabularies, sort_keys=False), encoding="utf-8")


def _content(html: str) -> tuple[str, str]:
    """What a page shows (its text, and the map's document), without what names its build: the footer, the data
    version, the generation time, and the ids that differ from one build to the next."""
    html = re.sub(r"<footer\b.*?</footer>", "", html, flags=re.DOTALL)
    html = re.sub(r"data version [0-9a-f]{12}", "data version", html)
    text = re.sub(r"generated \d+ \w+ \d{4}", "generated", text_of(html))
    document = re.sub(r"[0-9a-f]{32}", "<id>", map_page(html))
    return text, document


def test_adding_the_agreement_changes_nothing_in_the_sochi_brief(tmp_path):
    from helpers import writable_copy

    from accordmap.paths import DATA_DIR

    pages = {}
    for name, add in (("shipped", None), ("added", add_elsewhere_to)):
        data = writable_copy(DATA_DIR, tmp_path / name / "data")
        if add:
            add(data)
            assert main(["check", "--data", str(data)]) == 0
        out = tmp_path / name / "reports"
        assert main(["build", "sochi-2018", "--report", "brief", "--data", str(data), "--out", str(out)]) == 0
        pages[name] = _content((out / "sochi-2018" / "brief.html").read_text(encoding="utf-8"))
    assert "Orvane" not in pages["added"] and "SYNTHETIC" not in pages["added"]
    assert pages["added"] == pages["shipped"]


def test_the_places_table_has_one_column_for_a_band_of_one_depth(built):
    table = BeautifulSoup(_page(built, AMENDMENT, "zone-map"), "html.parser").find("table", class_="places-in-zone")
    heads = [th.get_text(" ", strip=True) for th in table.find("thead").find_all("th")]
    assert len(heads) == len(set(heads)), heads
    assert heads.count("Within 5 km") == 1, heads
    # the band of two depths keeps both columns
    base = BeautifulSoup(_page(built, BASE, "zone-map"), "html.parser").find("table", class_="places-in-zone")
    base_heads = [th.get_text(" ", strip=True) for th in base.find("thead").find_all("th")]
    assert len([h for h in base_heads if h.startswith("Within ")]) == 2, base_heads


def test_the_key_figures_say_what_the_zones_are_computed_from(built):
    """The bands are drawn from the approximate demarcation line and held area, the corridor from the exact roads
    and districts (layers/catalog.yaml): the caption says the layers are only partly approximate."""
    def caption(folder):
        table = BeautifulSoup(_page(built, folder, "brief"), "html.parser").find("table", class_="key-figures")
        return table.find("caption").get_text(" ", strip=True)

    assert caption(BASE).startswith("Key figures, computed from the layers, some of them approximate (")
    assert caption(AMENDMENT).startswith("Key figures, computed from the layers, some of them approximate (")
