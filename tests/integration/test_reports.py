"""The default build, as a reader sees it: every report and the index, with the seed's facts sourced."""

import re
from html import unescape

import pytest

from helpers import DEFAULT_PAGES

from accordmap.params import REPORTS


def text_of(html: str) -> str:
    """Visible text, roughly: tags and the map's srcdoc removed, entities decoded, spaces folded."""
    html = re.sub(r'srcdoc="[^"]*"', "", html)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture(scope="module")
def brief(built_reports):
    return (built_reports / "sochi-2018" / "brief.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("agreement, report", DEFAULT_PAGES)
def test_every_report_is_built_and_says_what_it_was_built_from(built_reports, agreement, report):
    # (the 1.5 MB size goal is measured by benchmarks/bench_build.py, not asserted here)
    path = built_reports / agreement / f"{report}.html"
    assert path.exists()
    html = path.read_text(encoding="utf-8")
    text = text_of(html)
    subject = "amendment" if REPORTS[report].get("subject") == "amendment" else "agreement"
    assert "Generated" in text and "data version" in text and f"{subject}={agreement}" in text
    assert "Approximate geography" in text and re.search(r"typical error up to \d+(\.\d)? km", text)


@pytest.mark.parametrize("agreement, report", DEFAULT_PAGES)
def test_reports_load_nothing_from_the_network(built_reports, agreement, report):
    html = (built_reports / agreement / f"{report}.html").read_text(encoding="utf-8")
    for page in [html, *[unescape(m) for m in re.findall(r'srcdoc="([^"]*)"', html)]]:
        assert not re.search(r"<script[^>]+src=", page)
        assert not re.search(r"<link[^>]+href=", page)
        assert not re.search(r"<img[^>]+src=(?![\"']?data:)", page)  # the quote inside the lookahead: no backtracking past it
        assert not re.search(r"url\((?![\"']?(data:|#))", page)  # '#': same-document reference


def test_brief_shows_the_seed_facts_each_with_a_source(brief):
    text = text_of(brief)
    for fact in ["15 to 20 km", "15 Oct 2018", "10 Oct 2018", "heavy weapons", "Tanks, multiple rocket launchers", "radical",
                 "al-Nusra", "HTS", "patrol", "M4", "M5", "31 Dec 2018", "by the end of 2018"]:
        assert fact in text, fact
    # each provision row carries at least one citation link into the Sources list
    rows = re.findall(r"<tr><th[^>]*scope=\"row\"[^>]*>\d+</th>(.*?)</tr>", brief, flags=re.S)
    assert len(rows) == 10 and all('class="cite"' in row for row in rows)
    for cited in set(re.findall(r'class="cite" href="#(source-[^"]+)"', brief)):
        assert f'id="{cited}"' in brief, f"citation {cited} has no entry in Sources"


def test_brief_has_the_statements_of_putin_erdogan_and_shoigu_with_sources(brief):
    table = re.search(r'<table class="statements">.*?</table>', brief, flags=re.S).group(0)
    for speaker in ["Vladimir Putin", "Recep Tayyip Erdo", "Sergei Shoigu"]:
        row = next(r for r in re.findall(r"<tr>.*?</tr>", table, flags=re.S) if speaker in r)
        assert 'class="cite"' in row


def test_brief_key_figures_give_zone_areas_for_both_depths(brief):
    text = text_of(brief)
    assert re.search(r"Demilitarised zone, 15 km deep .*Demilitarised zone, 20 km deep", text)
    # each area as computed, then the range of its variants (the 2018 line and the held area's own edges moved
    # within their errors), rounded to what the range supports: within a few per cent of the computed 3,560 and
    # 4,370 km², each range narrower than ±50 %, and the two zones read differently
    areas = re.search(r"Area about ([\d,]+) km² \(([\d,]+)–([\d,]+)\) about ([\d,]+) km² \(([\d,]+)–([\d,]+)\)", text)
    assert areas, "the zone areas with their ranges are missing"
    n, n_low, n_high, w, w_low, w_high = (int(a.replace(",", "")) for a in areas.groups())
    assert abs(n - 3560) <= 0.03 * 3560 and abs(w - 4370) <= 0.03 * 4370
    assert n_low < n < n_high and w_low < w < w_high and (n, n_low, n_high) != (w, w_low, w_high)
    assert n_high - n_low < 3560 and w_high - w_low < 4370  # narrower than ±50 %
    # the settlement count comes from the fullest places layer, says what it counts and that it is incomplete
    count = re.search(r"GeoNames populated places \(cities500\) : in the zone ([\d,]+) \(range ([\d,]+)–([\d,]+)\): "
                      r"([\d,]+) inside in every variant, ([\d,]+) in some, of 144 in the layer", text)
    assert count, "the settlement count is missing"
    central, low, high, every, some = (int(c.replace(",", "")) for c in count.groups())
    # the range is the fewest and the most any variant holds: between those in every variant and those in any
    assert every <= low <= central <= high <= every + some and central > 5
    assert "villages below about 500 people are absent" in text
    assert re.search(r"Towns named in the reports \(key places\) : in the zone \d+ \(range \d+–\d+\): \d+ inside in "
                     r"every variant, \d+ in some, of 31 in the layer", text)
    assert "M4" in text and "km inside" in text


def test_map_draws_the_computed_zone_and_credits_the_data(built_reports):
    html = (built_reports / "sochi-2018" / "zone-map.html").read_text(encoding="utf-8")
    page = unescape(re.search(r'srcdoc="([^"]*)"', html).group(1))
    # layer names are HTML in the map's scripts, the label from data isolated: <bdi>label</bdi>, 20 km deep
    names = re.sub(r"\\u003c/?bdi\\u003e", "", page)
    assert "Demilitarised zone, 20 km deep (computed, approximate)" in names
    assert "Demilitarised zone, 15 km deep (computed, approximate)" in names
    assert '"type": "Polygon"' in page or '"type": "MultiPolygon"' in page
    for credit in ["OCHA", "GeoNames", "Natural Earth", "CC BY-SA 4.0"]:
        assert credit in page
    text = text_of(html)
    assert "Places inside the" in text and "in at least one variant of its boundaries" in text and "Saraqib" in text
    assert re.search(r"in \d of 9 variants", text)


def test_index_links_every_report(built_reports):
    html = (built_reports / "index.html").read_text(encoding="utf-8")
    for agreement, report in DEFAULT_PAGES:
        assert f'href="{agreement}/{report}.html"' in html
    assert "Sochi memorandum" in html
