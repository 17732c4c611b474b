"""Fuzz: hostile strings in every text field of the small fixture never run, never break the map,
and are shown as the text they are.

Hypothesis writes a string made of escaping hazards (JavaScript escapes, ``</script>``, U+2028,
template-literal syntax, Jinja, quotes, right-to-left text) into every text field of
``tests/fixtures/minimal/data``, including GeoJSON properties. The report's sections and map are
rendered in-process (no papermill: about a second an example), then opened in headless Chromium
with every popup and tooltip opened. Derandomized, so CI sees the same examples every run; a
failure prints every drawn string with the field it went into.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from nbformat.v4 import new_code_cell, new_notebook, new_output

from accordmap.dataset import Dataset
from accordmap.load import load_dataset
from accordmap.publish.page import render_report
from accordmap.reports.agreement import Report
from helpers import FIXTURES, writable_copy
from hostile import NOT_ISOLATED, assert_nothing_ran, make_hostile, open_map

HAZARDS = [
    "\\x3cimg src=x onerror=window.__pwned=1\\x3e", "\\u003cscript\\u003e", "\\u{3c}svg onload=alert(1)\\u{3e}",
    "\\74img\\76", "\\", "\\\\", "\\'", "\\`", "\\${", "C:\\data\\x-files\\9", "\\u2028", "\\0",
    "`", "${", "}", "${window.__pwned=1}", "`+alert(1)+`",
    "</script>", "<script>window.__pwned=1</script>", "<!--", "-->", "<img src=x onerror=alert(1)>", "</bdi>",
    "\u2028", "\u2029", "\n", "\r\n", "\t",
    '"', "'", "\"'><svg onload=alert(1)>", "&amp;", "&#96;", "&lt;script&gt;",
    "{{", "}}", "{%", "%}", "{#", "#}", "{{ 7*191 }}", "{% raw %}",
    "إدلب", "سراقب 15 كم", "שלום", "ירושלים 20", "\u200f", "\u200e",
]
# other text: letters, marks, digits, punctuation, symbols, spaces of any script (no controls, no
# bidi embeddings or isolates: `accordmap check` refuses those, and rightly)
PLAIN = st.text(st.characters(whitelist_categories=("L", "M", "N", "P", "S", "Zs")), max_size=6)
HOSTILE_TEXT = st.lists(st.one_of(st.sampled_from(HAZARDS), PLAIN), min_size=1, max_size=5).map("".join)


def _report_page(dataset: Dataset) -> tuple[str, Report]:
    """Every section of a report of the fixture's agreement, through the real page template."""
    report = Report("brief", dataset=dataset, agreement="test-accord")
    sections = [report.header(), report.overview(), report.provisions(), report.key_figures(), report.map(),
                report.places_in_zone(), report.timeline(), report.stakeholders(), report.obligations(),
                report.statements(), report.sources()]
    notebook = new_notebook(cells=[new_code_cell(outputs=[new_output("display_data", data={"text/html": str(s)})])
                                   for s in sections])
    return render_report(notebook, {
        "title": f"{report.agreement.short_title}: Brief", "generated": "now", "parameters": report.parameters,
        "data_version": dataset.version, "command": "accordmap build"}), report


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.e2e
# no shrinking: an example takes seconds in a browser, and the failing draws are printed by field
@settings(max_examples=15, derandomize=True, database=None, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_hostile_strings_are_shown_not_run(offline_page, data):
    offline_page.errors.clear()
    offline_page.dialogs.clear()
    offline_page.blocked.clear()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        data_dir = writable_copy(FIXTURES / "minimal" / "data", root / "data")
        # stripped as the loader strips text, so the road filter still matches the renamed road
        make_hostile(data_dir, lambda original, field: f"{original} {data.draw(HOSTILE_TEXT, label=field)}".strip())
        dataset = load_dataset(data_dir)  # the strings are valid data: `accordmap check` accepts them
        page_file = root / "report.html"
        html, report = _report_page(dataset)
        page_file.write_text(html, encoding="utf-8")

        page = offline_page.page
        page.goto(page_file.as_uri())
        frame = open_map(page)  # every feature drawn, every popup and tooltip opened
        assert_nothing_ran(offline_page, [page, frame])

    # shown as the text it is: the title, and the map's layer names (titles and zone labels)
    agreement = report.agreement
    assert _words(page.locator("h1 bdi").text_content()) == _words(agreement.short_title)
    names = frame.locator(".leaflet-control-layers-overlays label bdi").evaluate_all("els => els.map(e => e.textContent)")
    expected = [dataset.layers[i].title for i in agreement.map_layers] + [z.label for z in report.geometry.zones]
    assert sorted(map(_words, names)) == sorted(map(_words, expected))
    # right-to-left text stays isolated wherever it is shown
    for target in (page, frame):
        assert target.evaluate(NOT_ISOLATED, "ירושלים") == []
        assert target.evaluate(NOT_ISOLATED, "إدلب") == []
