"""What a printed report says, read from the sections' HTML: screen-only instructions are marked as
such, the map's text alternative points only inside the report, and a stakeholder's name alone is bold."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from helpers import FIXTURES

from accordmap.views import tables
from accordmap.load import load_dataset
from accordmap.reports.agreement import Report

VOID = {"img", "br", "hr", "input", "meta", "link", "source", "wbr", "col", "area", "base", "embed", "track"}
SCREEN_WORDS = re.compile(r"\b(hover|click|tap|switch|toggle|zoom)\w*", re.IGNORECASE)


class _Text(HTMLParser):
    """The text of an HTML fragment, each run with whether it is printed and whether it is bold.

    Printed: not inside ``.screen-only``, ``<iframe>`` (the interactive map is not printed), ``<script>``
    or ``<style>``. Bold as a browser draws it: ``<th>``, ``<strong>`` and ``<b>`` are bold unless an
    inline ``font-weight`` style says otherwise."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, printed, bold)
        self.runs: list[tuple[str, bool, bool]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        printed, bold = self.stack[-1][1:] if self.stack else (True, False)
        if "screen-only" in (attrs.get("class") or "").split() or tag in ("iframe", "script", "style"):
            printed = False
        if tag in ("th", "strong", "b"):
            bold = True
        weight = re.search(r"font-weight\s*:\s*(\w+)", attrs.get("style") or "")
        if weight:
            bold = weight.group(1) in ("bold", "bolder", "600", "700", "800", "900")
        if tag not in VOID:
            self.stack.append((tag, printed, bold))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        printed, bold = self.stack[-1][1:] if self.stack else (True, False)
        self.runs.append((data, printed, bold))


def _runs(html) -> list[tuple[str, bool, bool]]:
    parser = _Text()
    parser.feed(str(html))
    return parser.runs


def _printed(html) -> str:
    return " ".join(" ".join(text for text, printed, _ in _runs(html) if printed).split())


def _screen(html) -> str:
    return " ".join(" ".join(text for text, _, _ in _runs(html)).split())


@pytest.fixture(scope="module")
def brief():
    return Report("brief", agreement="sochi-2018")


def test_screen_instructions_are_marked_screen_only(brief):
    sections = {"implementation": brief.implementation(compact=True), "timeline": brief.timeline(short=True),
                "map": brief.map()}
    for name, html in sections.items():
        printed = _printed(html)
        assert not SCREEN_WORDS.search(printed), f"{name} prints: {SCREEN_WORDS.search(printed).group(0)!r} in {printed[:300]}"
    # the instructions are still there on screen
    assert "hover a marker" in _screen(sections["implementation"])
    assert "hover a dot" in _screen(sections["timeline"])


def test_the_printed_map_points_only_inside_the_report(brief):
    html = str(brief.map())
    printed = _printed(html)
    assert "Text alternative: the key figures above" in printed
    assert "Zone map" not in printed and "Zone map report's table of places" in _screen(html)
    # the static map is the printed map: an image with alt text, in a figure with a caption
    assert re.search(r'<figure class="static-map print-only"><img src="data:image/png;base64,[^"]+" alt="Static map\. ', html)
    zone_map = Report("zone-map", agreement="sochi-2018")
    assert "Text alternative: the table of places inside" in _printed(zone_map.map(places_table_below=True))


def test_only_the_stakeholder_name_is_bold():
    dataset = load_dataset(FIXTURES / "minimal" / "data")
    agreement = dataset.agreements["test-accord"]
    html = str(tables.stakeholders_html(dataset, agreement))
    cells = re.findall(r'<th scope="row">(.*?)</th>', html, flags=re.DOTALL)
    assert cells
    for cell, actor_id in zip(cells, tables.roles_frame(dataset, agreement)["id"]):
        actor = dataset.actors[actor_id]
        runs = _runs(f"<th>{cell}</th>")
        bold = " ".join("".join(text for text, _, is_bold in runs if is_bold).split())
        normal = " ".join("".join(text for text, _, is_bold in runs if not is_bold).split())
        assert bold == actor.name
        assert actor.description.split()[0] in normal  # the description is there, in normal weight
