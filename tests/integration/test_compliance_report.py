"""The Compliance report as a reader sees it, rendered in-process from its own notebook's cells.

Its counts are checked against counts made here with plain pandas + shapely from the shipped UCDP
file and the Sochi zones; the Moscow protocol (signed after the UCDP release ends) gets a report
that says "not covered" at its top; the caveat comes first; the monthly chart is accessible and
reads in grayscale; text from an event file is escaped on the map; published_counts.yaml is checked.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html import unescape

import pandas as pd
import pytest
import shapely
from hostile import PAYLOADS
from pyproj import Transformer
from test_notebooks import _defaults, _render

from accordmap.analysis import uncertainty
from accordmap.analysis.figures import CountFigure
from accordmap.errors import DataErrors
from accordmap.load.events import event_catalog
from accordmap.geometry import build_geometry
from accordmap.load import load_dataset
from accordmap.paths import DATA_DIR

SET_ID = "ucdp-ged-syria-2016-2019"
SVG = "{http://www.w3.org/2000/svg}"


def text_of(html: str) -> str:
    html = re.sub(r'srcdoc="[^"]*"', "", html)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def render(**changes) -> str:
    return _render("compliance", {**_defaults("compliance"), **changes})


@pytest.fixture(scope="module")
def sochi_html() -> str:
    return render()


@pytest.fixture(scope="module")
def independent(dataset):
    """Counts made here, not by accordmap.analysis.compliance: the UCDP rows read with pandas, the Sochi zone
    and each of its variants (as the report computes them) tested point by point with shapely."""
    geometry = build_geometry(dataset, dataset.agreements["sochi-2018"])
    event_set = event_catalog(DATA_DIR)[SET_ID]
    rows = pd.read_csv(DATA_DIR / "events" / event_set.file,
                       usecols=["id", "date_start", "where_prec", "longitude", "latitude", "best"])
    rows = rows[rows["where_prec"] <= 2]
    x, y = Transformer.from_crs(4326, geometry.crs, always_xy=True).transform(rows["longitude"].to_numpy(),
                                                                             rows["latitude"].to_numpy())
    points = shapely.points(x, y)
    shapes = uncertainty.zone_variants(dataset, geometry, geometry.outer_zone).shapes
    assert len(shapes) > 1 and shapes[0] is geometry.outer_zone.geometry
    rows = rows.assign(day=pd.to_datetime(rows["date_start"]),
                       **{f"v{i}": [shape.covers(point) for point in points] for i, shape in enumerate(shapes)})
    return geometry, rows, len(shapes)


def count(independent, first: str, last: str) -> tuple[CountFigure, CountFigure]:
    """Events and best-estimate deaths: in the zone as computed, and the fewest and most in any variant."""
    _, rows, variants = independent
    chosen = rows[(rows["day"] >= first) & (rows["day"] <= last)]
    events = [int(chosen[f"v{i}"].sum()) for i in range(variants)]
    best = [int(chosen.loc[chosen[f"v{i}"], "best"].sum()) for i in range(variants)]
    return (CountFigure(events[0], min(events), max(events)), CountFigure(best[0], min(best), max(best)))


def test_counts_after_the_last_deadline_match_an_independent_shapely_count(sochi_html, independent):
    events, best = count(independent, "2019-01-01", "2019-11-30")  # after 31 Dec 2018, to the data's end
    assert events.low < events.central < events.high or events.low < events.central == events.high
    table = re.search(r'<table class="compliance-periods">.*?</table>', sochi_html, flags=re.S).group(0)
    row = next(r for r in re.findall(r"<tr>.*?</tr>", table, flags=re.S)
               if "20 km deep" in r and "After the last deadline" in r)
    cells = [text_of(c).strip() for c in re.findall(r"<td[^>]*>.*?</td>", row, flags=re.S)]
    assert cells[2:4] == ["334", events.short()]  # days in the data, events
    assert cells[5] == best.short()


def test_headline_leads_with_the_central_count_of_the_widest_zone(sochi_html, independent):
    events, best = count(independent, "2018-09-17", "2019-11-30")
    assert 840 <= events.central <= 880 and events.high - events.low < 0.5 * events.central  # the issue's ~860
    text = text_of(sochi_html)
    assert (f"From 17 Sep 2018 to 30 Nov 2019, UCDP GED Syria 20160101-20191130 (652.1601.1911) records "
            f"{events.label('events')} in the Demilitarised zone, 20 km deep, with {best.label('deaths')}") in text
    assert re.search(r"records \d{3} events \(range \d{3}–\d{3}\)", text)


def test_monthly_table_matches_the_independent_count(sochi_html, independent):
    events, _ = count(independent, "2019-05-01", "2019-05-31")
    table = re.search(r'<table class="compliance-months">.*?</table>', sochi_html, flags=re.S).group(0)
    row = next(r for r in re.findall(r"<tr>.*?</tr>", table, flags=re.S) if "May 2019" in r)
    cells = [text_of(c).strip() for c in re.findall(r"<td[^>]*>.*?</td>", row, flags=re.S)]
    assert cells[2] == events.short()  # the 20 km zone's events (the 15 km zone's come first)


def test_the_caveat_and_the_rules_come_first(sochi_html):
    text = text_of(sochi_html)
    caveat = text.index("an event is not a violation")
    assert caveat < text.index("Events and deaths in each zone by period")
    assert text.index("Approximate geography") < caveat
    for shown in ["reported incident of organised violence", "not a verified violation of the Sochi memorandum",
                  "Coverage ends where the data set ends", "covers 1 Jan 2016 to 30 Nov 2019",
                  "UCDP Georeferenced Event Dataset (GED), Uppsala Conflict Data Program (CC BY 4.0)",
                  "min_precision=2", "±6.3 km", "9 variants", "not a confidence interval",
                  "Sourced localities, who held them on 17 Sep 2018"]:
        assert shown in text[:text.index("Events and deaths in each zone by period")], shown
    # every table states the two rules in its caption
    captions = re.findall(r"<caption>(.*?)</caption>", sochi_html, flags=re.S)
    compliance_captions = [c for c in captions if "events placed to precision" in c or "Published counts" in c]
    assert len(compliance_captions) == 6
    assert all("min_precision=2" in c and "any of its 9 variants" in c for c in compliance_captions
               if "Published" not in c)


def test_sections_by_type_side_and_place(sochi_html):
    text = text_of(sochi_html)
    assert "state-based" in text and "one-sided" in text
    assert "Government of Syria" in text and "Syrian insurgents" in text
    assert "Khan Shaykhun town" in text


def test_published_counts_are_cited_as_context_with_their_sources(sochi_html):
    text = text_of(sochi_html)
    assert "Cited as context, not as validation" in text
    for shown in ["Syrian Network for Human Rights (SNHR)", "at least 369 breaches", "Syrian Observatory for Human Rights",
                  "4,667 killed", "Russian Ministry of Defence", "773 in September 2018"]:
        assert shown in text, shown
    table = re.search(r'<table class="published-counts">.*?</table>', sochi_html, flags=re.S).group(0)
    for cited in re.findall(r'class="cite" href="#(source-[^"]+)"', table):
        assert f'id="{cited}"' in sochi_html
    assert "facts file" not in text.lower()  # where a row was copied from is for editors (editor_note)


def _chart(html: str) -> ET.Element:
    svg = re.search(r'<svg class="compliance-chart".*?</svg>', html, flags=re.S).group(0)
    return ET.fromstring(svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))


def _luminance(colour: str) -> float:
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_monthly_chart_is_accessible_and_reads_in_grayscale(sochi_html):
    svg = _chart(sochi_html)
    assert svg.get("role") == "img"
    ids = svg.get("aria-labelledby").split()
    title, desc = (svg.find(f".//*[@id='{i}']") for i in ids)
    assert title.tag == SVG + "title" and "Events by month in the Demilitarised zone, 20 km deep" in title.text
    assert desc.tag == SVG + "desc" and "15 months" in desc.text and "whisker" in desc.text
    inside = [r for r in svg.iter(SVG + "rect") if r.get("class") == "inside"]
    ranges = [p for p in svg.iter(SVG + "path") if p.get("class") == "range"]
    assert inside and len(ranges) > 10  # bars and their whiskers (the legend draws one of each too)
    # bars: one solid fill, mid-dark; whiskers: black lines, so the two differ without colour and print
    assert {r.get("fill") for r in inside} == {inside[0].get("fill")} and inside[0].get("fill").startswith("#")
    assert {p.get("stroke") for p in ranges} == {"#000000"}
    assert 0.05 < _luminance(inside[0].get("fill")) < 0.5
    # numbers on the bars and the deadlines labelled: nothing needs hovering
    values = [t.text for t in svg.iter(SVG + "text") if t.get("class") == "value"]
    assert len(values) == 15 and all(re.fullmatch(r"[\d,]+( \([\d,]+–[\d,]+\))?", v) for v in values)
    labels = [t.text for t in svg.iter(SVG + "text") if (t.get("class") or "").endswith("-label")]
    assert labels == ["Signed 17 Sep 2018", "Deadline, point 6: 10 Oct 2018", "Deadline, point 5: 15 Oct 2018",
                      "Deadline, point 8: 31 Dec 2018"]
    assert all(line.get("stroke-dasharray") for line in svg.iter(SVG + "line") if line.get("class") == "deadline")


def test_moscow_protocol_says_not_covered_at_the_top_and_draws_nothing_empty():
    html = render(agreement="moscow-2020")
    text = text_of(html)
    first = text.index("Not covered")
    assert first < text.index("Events and deaths in each zone by period")
    assert ("ends on 30 Nov 2019, before the Moscow Additional Protocol was signed (5 Mar 2020). It holds no events "
            "for this period, which does not mean that none happened.") in text
    assert "compliance-chart" not in html and "map-frame" not in html
    assert "compliance-months" not in html and "compliance-types" not in html
    # the periods after the signing say "not covered" instead of 0
    table = re.search(r'<table class="compliance-periods">.*?</table>', html, flags=re.S).group(0)
    after = [r for r in re.findall(r"<tr>.*?</tr>", table, flags=re.S) if "To the deadline" in r]
    assert after and all("not covered" in r for r in after)


def test_as_of_before_the_end_of_the_data_counts_up_to_it(independent):
    events, _ = count(independent, "2018-09-17", "2018-10-01")
    text = text_of(render(as_of="2018-10-01"))
    assert ("From 17 Sep 2018 to 1 Oct 2018, UCDP GED Syria 20160101-20191130 (652.1601.1911) records "
            f"{events.label('events')}") in text


# --- an event file with hostile text -------------------------------------------------------


UCDP_COLUMNS = ["id", "date_start", "date_end", "date_prec", "latitude", "longitude", "where_prec", "type_of_violence",
                "side_a", "side_b", "best", "low", "high", "where_coordinates", "source_office", "adm_1"]
HOSTILE = " ".join(PAYLOADS)


def add_event_set(data_dir, set_id: str, rows: list[dict], title: str) -> None:
    """A small synthetic UCDP-format file and its catalog entry in a data copy."""
    pd.DataFrame(rows, columns=UCDP_COLUMNS).to_csv(data_dir / "events" / f"{set_id}.csv", index=False)
    catalog = data_dir / "events" / "catalog.yaml"
    catalog.write_text(catalog.read_text(encoding="utf-8") + f"""
  - id: {set_id}
    file: {set_id}.csv
    format: ucdp-ged
    title: {title}
    publisher: accordmap tests (synthetic)
    version: "1"
    licence: CC0
    credit: Synthetic events for tests
    citation: [none]
    coverage_start: "2018-01-01"
    coverage_end: "2019-12-31"
    region: [35.5, 32.0, 42.5, 37.5]
    url: https://example.org/synthetic
    read_from: written by tests/test_compliance_report.py
    limits: [synthetic, no record of anything]
""", encoding="utf-8")


def test_text_from_an_event_file_is_escaped_on_the_map_and_in_the_tables(data_copy):
    # Khan Shaykhun (inside the 20 km zone) and a point 2 km further north
    rows = [{"id": i, "date_start": f"2019-05-0{i + 1}", "date_end": f"2019-05-0{i + 1}", "date_prec": 1,
             "latitude": lat, "longitude": 36.65095, "where_prec": 1, "type_of_violence": 1,
             "side_a": HOSTILE, "side_b": "B", "best": 2, "low": 1, "high": 3, "where_coordinates": HOSTILE,
             "source_office": "x", "adm_1": ""} for i, lat in enumerate([35.44208, 35.46])]
    add_event_set(data_copy, "hostile-events", rows, "Hostile synthetic events")
    html = render(events="hostile-events", data_dir=str(data_copy))
    # in the page: shown as text, never as markup
    assert "<script>window.__pwned" not in html and "<img src=x" not in html
    assert "&lt;script&gt;window.__pwned" in html
    # in the map's page (the frame's srcdoc): the places are one JSON list in a script (which folium renders
    # as Jinja once more); each popup is HTML whose text is escaped, and the list itself is script-safe
    page = unescape(re.search(r'srcdoc="([^"]*)"', html).group(1))
    assert "1337" not in re.sub(r"[0-9a-f]{32}", "", page)  # {{ 7*191 }} (folium's random ids left out) was not evaluated at build time
    listed = re.search(r"var styles = \{.*?\};\s*(\[\[.*?\]\])\.forEach", page, flags=re.S).group(1)
    assert "<" not in listed and "{{" not in listed and "</script" not in listed.lower()
    places = json.loads(listed)
    assert len(places) == 2
    for *_, popup, name in places:
        assert name.startswith(HOSTILE) and name.endswith(": 1 event, inside the zone in every variant")  # the accessible name: plain text, set as an attribute
        shown = text_of(popup)
        assert re.sub(r"\s+", " ", HOSTILE) in shown  # every payload is there, as text ...
        assert "<script" not in popup and "<img" not in popup and "<svg" not in popup  # ... and no markup
        assert "&lt;script&gt;window.__pwned" in popup


# --- published_counts.yaml is checked like every data file -----------------------------------


def test_a_wrong_published_count_is_refused_with_file_line_and_field(data_copy):
    path = data_copy / "published_counts.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('period_end: "2018-12-23"', 'period_end: "2018-08-23"')
                        .replace("sources: [sohr-2019-09-truce-area-deaths]", "sources: [no-such-source]"), encoding="utf-8")
    with pytest.raises(DataErrors) as caught:
        load_dataset(data_copy)
    messages = str(caught.value)
    assert re.search(r"data/published_counts\.yaml:\d+: published_counts\[1\]: .*period_end 2018-08-23 is before "
                     r"period_start 2018-09-17", messages), messages
    assert re.search(r"data/published_counts\.yaml:\d+: published_counts\[3\]\.sources\[0\]: no source with id "
                     r"'no-such-source'", messages), messages


def test_a_data_folder_without_event_sets_gets_a_report_that_says_so(minimal_data):
    agreement = next(p.stem for p in (minimal_data / "agreements").glob("*.yaml"))
    html = render(agreement=agreement, data_dir=str(minimal_data))
    assert "No event set" in text_of(html) and "compliance-chart" not in html
    brief = _render("brief", {**_defaults("brief"), "agreement": agreement, "data_dir": str(minimal_data)})
    assert "No conflict-event set in this data folder" in text_of(brief)


def test_the_brief_gives_the_headline_and_links_the_compliance_report(sochi_html):
    brief = _render("brief", _defaults("brief"))
    line = re.search(r'<p class="compliance-headline">.*?</p>', brief, flags=re.S).group(0)
    assert '<a href="compliance.html">Compliance report</a>' in line
    headline = re.search(r"From 17 Sep 2018 to 30 Nov 2019, .*? deaths", text_of(sochi_html)).group(0)
    assert headline in text_of(line)
    assert "not verified violations" in text_of(line) and "min_precision=2" in text_of(line)
