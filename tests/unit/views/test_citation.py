"""Cite this report: the suggested citation and the CSL-JSON downloads (accordmap.citation).

The CSL-JSON is validated against the CSL input schema shipped in tests/fixtures/csl/ (MIT,
see its README), as a reference manager would read it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from html import unescape

import jsonschema
import pytest
from helpers import FIXTURES

from accordmap.views import citation
from accordmap import __version__
from accordmap.load import load_dataset
from accordmap.reports.agreement import Report

SCHEMA = json.loads((FIXTURES / "csl" / "csl-data.json").read_text(encoding="utf-8"))
DAY = dt.date(2026, 11, 26)


def downloads(html: str) -> dict[str, list[dict]]:
    """download file name -> the CSL-JSON items its data: URL holds, as a reader's browser saves them."""
    found = {}
    for name, href in re.findall(r'<a class="csl-download" download="([^"]+)" type="[^"]+" href="([^"]+)"', html):
        found[unescape(name)] = citation.decode_data_url(unescape(href))
    return found


def listed_ids(html: str) -> list[str]:
    return re.findall(r'<li id="source-([^"]+)">', html)


@pytest.mark.parametrize("agreement, report", [("sochi-2018", "brief"), ("sochi-2018", "timeline"),
                                               ("moscow-2020", "stakeholders"), ("moscow-2020", "zone-map")])
def test_every_source_listed_is_in_the_csl_download_which_the_csl_schema_accepts(dataset, agreement, report):
    r = Report(report, dataset=dataset, agreement=agreement)
    if report == "timeline":
        r.timeline()
    html = str(r.sources())
    files = downloads(html)
    assert set(files) == {f"{agreement}-{report}-citation.json", f"{agreement}-{report}-sources.json"}
    for items in files.values():
        jsonschema.validate(items, SCHEMA)
    sources = files[f"{agreement}-{report}-sources.json"]
    assert [item["id"] for item in sources] == listed_ids(html)
    for item in sources:
        source = dataset.sources[item["id"]]
        assert item["title"] == source.title and item["publisher"] == source.publisher
        assert item.get("URL") == (str(source.url) if source.url else None)
        if source.editor_note:
            assert source.editor_note not in json.dumps(item, ensure_ascii=False)
    # the page stays self-contained: the only non-http link targets are these data: URLs
    assert all(h.startswith(("http://", "https://", "#", "data:application/vnd.citationstyles.csl+json;base64,"))
               for h in re.findall(r'href="([^"]*)"', html))


def test_the_suggested_citation_names_report_version_day_and_data_version(minimal_data):
    data = load_dataset(minimal_data)
    r = Report("brief", dataset=data, agreement="test-accord")
    html = str(r.cite_this(generated=DAY))
    text = unescape(re.sub(r"<[^>]+>", "", html))
    expected = (f"accordmap, \u201cTest accord: Brief\u201d, report generated 26 November 2026 with accordmap "
                f"{__version__}, data version {data.version}.")
    assert expected in text
    assert "http" not in text and "<URL>" not in text and "example" not in text  # no placeholder
    (report_item,) = downloads(html)["test-accord-brief-citation.json"]
    jsonschema.validate([report_item], SCHEMA)
    assert report_item["type"] == "report" and report_item["title"] == "Test accord: Brief"
    assert report_item["issued"] == {"date-parts": [[2026, 11, 26]]}
    assert report_item["version"] == f"accordmap {__version__}, data version {data.version}"
    assert "URL" not in report_item


def test_csl_items_carry_types_dates_and_the_reader_note_only(minimal_data):
    (minimal_data / "sources.yaml").write_text((minimal_data / "sources.yaml").read_text(encoding="utf-8").replace(
        "    kind: news\n", "    kind: news\n    accessed: \"2020-02\"\n    note: Says talks began.\n"
                            "    editor_note: Read through an archived copy.\n"), encoding="utf-8")
    data = load_dataset(minimal_data)
    items = citation.sources_csl(data.sources.values())
    jsonschema.validate(items, SCHEMA)
    text, report = items
    assert text == {"id": "text", "type": "treaty", "title": "Test accord text", "publisher": "Fixture Press",
                    "issued": {"date-parts": [[2020, 1, 10]]}, "URL": "https://example.org/accord",
                    "note": "Publisher kind: primary text."}
    assert report["type"] == "article-newspaper" and report["container-title"] == "Fixture News"
    assert report["accessed"] == {"date-parts": [[2020, 2]]}
    assert report["note"] == "Publisher kind: independent media. Says talks began."


def test_hostile_text_survives_the_data_url_and_the_schema():
    from accordmap import models

    hostile = '</a><script>alert(1)</script> "quoted" \u202b\u05e9\u05dc\u05d5\u05dd {{ x }} \\x3c'
    source = models.Source(id="s", title=hostile, publisher=hostile, kind="news", url="https://example.org/a?b=1&c=2",
                           publisher_kind="wire")
    block = str(citation.cite_block(
        models.Agreement.model_validate({
            "id": "a", "title": hostile, "short_title": hostile, "date_signed": "2020-01-10", "place": "x",
            "summary": "x", "parties": [{"actor": "x", "roles": ["signatory"]}],
            "provisions": [{"id": "p", "number": 1, "text": "x", "category": "zone", "sources": ["s"]}],
            "sources": ["s"]}),
        "brief", "Brief", "abc", DAY, [source]))
    assert "<script>" not in block and "</a><script" not in block
    files = downloads(block)
    assert files["a-brief-sources.json"][0]["title"] == hostile
    assert files["a-brief-citation.json"][0]["title"] == f"{hostile}: Brief"
    for items in files.values():
        jsonschema.validate(items, SCHEMA)


def test_a_citation_names_the_parameters_set_so_the_variant_can_be_rebuilt(dataset):
    plain = str(Report("brief", dataset=dataset, agreement="sochi-2018").cite_this(generated=DAY))
    assert "Parameters:" not in unescape(plain)
    r = Report("brief", dataset=dataset, agreement="sochi-2018", as_of="2020-03-10", zone_max_km="25")
    html = str(r.cite_this(generated=DAY))
    text = unescape(re.sub(r"<[^>]+>", "", html))
    # in the order of accordmap list, as -p takes them back; the agreement is in the title, data_dir never shown
    assert f"data version {dataset.version}. Parameters: zone_max_km=25, as_of=2020-03-10." in text
    assert "data_dir" not in text and "agreement=" not in text
    (item,) = downloads(html)["sochi-2018-brief-citation.json"]
    jsonschema.validate([item], SCHEMA)
    assert "Parameters: zone_max_km=25, as_of=2020-03-10." in item["note"]
    assert item["id"] == "accordmap-sochi-2018-brief--zone_max_km=25--as_of=2020-03-10"


def test_the_comparison_and_compliance_reports_offer_cite_this(dataset):
    from accordmap.reports.comparison import ComparisonReport

    comparison = str(ComparisonReport("comparison", dataset=dataset, base="sochi-2018", amendment="moscow-2020",
                                      as_of="2020-03-10").sources())
    files = downloads(comparison)
    assert set(files) == {"moscow-2020-comparison-citation.json", "moscow-2020-comparison-sources.json"}
    assert [i["id"] for i in files["moscow-2020-comparison-sources.json"]] == listed_ids(comparison)
    assert "Parameters: as_of=2020-03-10." in files["moscow-2020-comparison-citation.json"][0]["note"]
    compliance = str(Report("compliance", dataset=dataset, agreement="sochi-2018", min_precision=1).compliance_sources())
    files = downloads(compliance)
    assert set(files) == {"sochi-2018-compliance-citation.json", "sochi-2018-compliance-sources.json"}
    assert [i["id"] for i in files["sochi-2018-compliance-sources.json"]] == listed_ids(compliance)
    assert "Parameters: min_precision=1." in files["sochi-2018-compliance-citation.json"][0]["note"]
    for html in (comparison, compliance):
        assert "Cite this report" in html and "source-kinds" in html
        for items in downloads(html).values():
            jsonschema.validate(items, SCHEMA)
