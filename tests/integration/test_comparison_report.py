"""The Comparison report (an agreement and its amendment), rendered in-process from the shipped data.

The area that changed hands is recomputed here independently (the GeoJSON files read with json,
projected with pyproj to UTM 37N, shapely difference) and must be the figure the report prints.
"""

from __future__ import annotations

import csv
import html
import json
import math
import re

import numpy as np
import pytest
import shapely
from pyproj import Transformer

from accordmap.paths import DATA_DIR
import accordmap
from accordmap.reports.comparison import ComparisonReport


def _report(**parameters) -> ComparisonReport:
    values = {"base": "sochi-2018", "amendment": "moscow-2020", "as_of": None, "data_dir": None, **parameters}
    return accordmap.report("comparison", values)


@pytest.fixture(scope="module")
def page() -> str:
    report = _report()
    sections = [report.header(), report.changes(), report.map(), report.figures(), report.localities(),
                report.published_figures(), report.sources()]
    return "\n".join(str(s) for s in sections)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'")


def _area_km2(path) -> shapely.Geometry:
    """The union of a GeoJSON file's polygons in EPSG:32637 (metres), without the project's code."""
    to_utm = Transformer.from_crs(4326, 32637, always_xy=True)
    shapes = [shapely.geometry.shape(f["geometry"]) for f in json.loads(path.read_text(encoding="utf-8"))["features"]]
    return shapely.union_all([shapely.transform(s, lambda xy: np.column_stack(to_utm.transform(xy[:, 0], xy[:, 1])))
                              for s in shapes])


def _rounded_to_its_range(shown: str, low: str, high: str, computed_km2: float) -> None:
    """The shown area is the computed one rounded to what its range supports (docs/method.md: Rounding): a
    multiple of a tenth of the power of ten at or below the shown range's width, within half a step of the
    computed figure."""
    value, low_km2, high_km2 = (int(x.replace(",", "")) for x in (shown, low, high))
    step = max(1, 10 ** (math.floor(math.log10(high_km2 - low_km2)) - 1))
    assert value % step == 0 and abs(value - computed_km2) <= step / 2, (shown, low, high, computed_km2)
    assert low_km2 < computed_km2 < high_km2  # the range the lines' error gives brackets the figure


def test_the_ground_that_changed_hands_is_the_independent_shapely_difference(page):
    before = _area_km2(DATA_DIR / "layers" / "opposition_held_2018-09-17_approx.geojson")
    after = _area_km2(DATA_DIR / "layers" / "opposition_held_2020-03-06_approx.geojson")
    changed = shapely.difference(before, after).area / 1e6
    text = _text(page)
    line = re.search(r"Ground that changed hands, 17 Sep 2018 to 6 Mar 2020: held on the first date, not on the "
                     r"second about ([\d,]+) km² \(([\d,]+)–([\d,]+)\)", text)
    assert line, "the figure of ground that changed hands is missing"
    _rounded_to_its_range(*line.group(1, 2, 3), changed)
    for date, title, area in (("17 Sep 2018", "Opposition-held area, 17 Sep 2018 (approximate)", before),
                              ("6 Mar 2020", "Opposition-held area, 6 Mar 2020 (approximate)", after)):
        held = re.search(rf"Held area on {date} \( {re.escape(title)} \) about ([\d,]+) km² \(([\d,]+)–([\d,]+)\)",
                         text)
        assert held, f"the held area on {date} is missing"
        _rounded_to_its_range(*held.group(1, 2, 3), area.area / 1e6)


def test_the_report_states_the_approximate_geography_and_both_agreements(page):
    text = _text(page)
    assert "Moscow Additional Protocol and the Sochi memorandum : What changed" in text
    assert "Approximate geography." in text and "typical error up to 7.6 km" in text
    assert "lines ±6.3 km (17 Sep 2018) and ±7.6 km (6 Mar 2020)" in text
    for zone in ("15 km deep", "20 km deep"):
        assert re.search(rf"Part of the Demilitarised zone , {zone} no longer held on 6 Mar 2020 about [\d,]+ km² "
                         r"\([\d,]+–[\d,]+\) = \d+% of the zone", text)
    assert re.search(r"Overlap of the Demilitarised zone , 20 km deep and the M4 security corridor , 6 km either side "
                     r"about [\d,]+ km²", text)


def test_the_changes_table_follows_the_amendments_changes(page, dataset):
    moscow = dataset.agreements["moscow-2020"]
    assert moscow.changes, "the amendment records changes: the table must use them"
    rows = re.findall(r"<tr><td[^>]*>([a-z ]+)</td>", page.split('class="changes"')[1].split("</table>")[0])
    expected = {"superseded": "supersedes", "changed": "modifies", "carried over": "carries-over"}
    for label, action in expected.items():
        assert rows.count(label) == sum(c.action == action for c in moscow.changes)
    assert "From the changes the" in _text(page)


def test_without_changes_provisions_are_matched_by_category_and_the_report_says_so(data_copy):
    path = data_copy / "agreements" / "moscow-2020.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:text.index("\nchanges:")] + "\n" + text[text.index("\nsources:"):].lstrip("\n"), encoding="utf-8")
    html = str(_report(data_dir=str(data_copy)).changes())
    assert "records no changes, so provisions are matched by category" in _text(html)
    assert "same category: ceasefire" in _text(html)


def test_the_localities_that_changed_hands_are_the_sourced_ones(page):
    with open(DATA_DIR / "provenance" / "localities_control_2018_2020.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    changed = {r["name"] for r in rows if r["lon"] and r["control_2018_09_17"] != r["control_2020_03_06"]
               and "unknown" not in (r["control_2018_09_17"], r["control_2020_03_06"])}
    table = page.split('class="localities"')[1].split("</table>")[0]
    shown = [_text(name).strip() for name in re.findall(r"<tr><td[^>]*>(.*?)</td>", table)]
    assert sorted(shown) == sorted(changed) and len(shown) == 20
    assert '<td dir="auto">2020-01-28</td>' in table  # Ma'arrat al-Nu'man, taken as recorded
    assert "Left out, since who held them on one of the dates is not established: Afis , Az-Ziyarah (al-Ghab)" in _text(page)


def test_editors_notes_do_not_reach_the_report(page):
    for note in ("via mirror", "read via", "kept without coordinates", "not from a page read here"):
        assert note not in _text(page.split('<ol class="sources">')[0])  # the body; source notes say how they were read


def test_published_figures_stand_beside_the_computed_ones_with_citations(page):
    table = page.split('class="published-figures"')[1].split("</table>")[0]
    text = _text(table)
    assert "2,345 km²: area captured by government forces" in text and "19 Dec 2019 to 6 Mar 2020 only" in text
    assert "3,146 km²: area the opposition factions lost" in text and "3,460 km²: area the opposition factions still held" in text
    for source in ("wikipedia-nw-syria-offensive-2019-2020", "qasioun-nors-2020-area-lost"):
        assert f'href="#source-{source}"' in table
        assert f'<li id="source-{source}">' in page  # listed under Sources, with the note that says how it was read
    assert "Read via the facts file" not in _text(page)  # how a source was read is for editors (editor_note)
    assert "Why they differ: the computed areas run from layer to layer (17 Sep 2018 to 6 Mar 2020)" in _text(page)


def test_the_map_is_offline_and_shows_both_dates_and_the_changed_ground(page):
    frame = html.unescape(re.search(r'srcdoc="([^"]*)"', page).group(1))
    for name in ("Line of contact, 17 Sep 2018", "Line of contact, 6 Mar 2020", "Opposition-held area, 17 Sep 2018",
                 "Opposition-held area, 6 Mar 2020", "M4 security corridor", "Ground that changed hands"):
        assert name in frame
    assert not re.search(r'<(script|link|img)\b[^>]*\b(src|href)="https?:', frame)  # nothing loads from the network


def test_an_as_of_before_the_later_layer_compares_the_signing_layers_and_says_so():
    report = _report(as_of="2019-06-01")
    text = _text(str(report.header()) + str(report.figures()) + str(report.localities()))
    assert "The latest control layer not after 1 Jun 2019 is of 17 Sep 2018." in text
    assert "Both dates use the control layers of 17 Sep 2018" in text
    assert "no locality changed hands" in text
