"""The brief on paper: Chromium's print output (A4 PDF, print media) of the built reports."""

from __future__ import annotations

import io
import re

import pytest

BRIEFS = ["sochi-2018", "moscow-2020"]
MAX_PAGES = 4
A4_PRINTABLE_PX = 726  # 210 mm less the 9 mm margins of report.css's @page, at 96 px an inch
PRINTED_SECTIONS = ["Overview", "Provisions", "Implementation", "Key figures", "Map", "Timeline", "Stakeholders",
                    "Sources"]
SCREEN_WORDS = re.compile(r"\b(hover|click|tap|switch|toggle)\w*\b", re.IGNORECASE)


def page_count(pdf: bytes) -> int:
    """Pages of a PDF: with pypdf if it is installed, else by counting its page objects (Chromium writes
    each page as one uncompressed ``/Type /Page`` dictionary)."""
    try:
        from pypdf import PdfReader
    except ImportError:
        return len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", pdf))
    return len(PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def printed(built_reports, browser):
    """Open a built report with print media, at the width of an A4 page's printable area."""
    pages = []

    def open_report(agreement: str, report: str = "brief"):
        page = browser.new_page(viewport={"width": A4_PRINTABLE_PX, "height": 1000})
        pages.append(page)
        page.goto((built_reports / agreement / f"{report}.html").as_uri(), wait_until="load")
        page.emulate_media(media="print")
        return page

    yield open_report
    for page in pages:
        page.close()


@pytest.mark.e2e
def test_page_count_reads_chromium_pdfs(printed):
    page = printed("sochi-2018")
    page.set_content("<p>one</p><p style='break-before: page'>two</p><p style='break-before: page'>three</p>")
    assert page_count(page.pdf(format="A4")) == 3


@pytest.mark.e2e
@pytest.mark.parametrize("agreement", BRIEFS)
def test_the_brief_prints_on_four_a4_pages_with_its_static_map(printed, agreement):
    page = printed(agreement)
    assert not page.locator("iframe.map-frame").is_visible()
    image = page.locator("figure.static-map img")
    assert image.is_visible(), "no static map in print"
    assert image.evaluate("img => img.complete && img.naturalWidth") > 600, "the static map image did not load"
    assert image.bounding_box()["width"] >= 500
    shown = [h.strip().rstrip("¶") for h in page.locator("main h2").evaluate_all(
        "hs => hs.filter(h => h.checkVisibility()).map(h => h.textContent)")]
    assert [s for s in PRINTED_SECTIONS if s not in shown] == [], f"sections missing in print: {shown}"
    pdf = page.pdf(format="A4")
    assert re.search(rb"/Subtype\s*/Image", pdf), "the PDF holds no image: the static map was not printed"
    pages = page_count(pdf)
    assert 1 <= pages <= MAX_PAGES, f"{agreement}/brief.html prints on {pages} A4 pages (at most {MAX_PAGES})"


@pytest.mark.e2e
@pytest.mark.parametrize("agreement, report", [(a, "brief") for a in BRIEFS] + [("sochi-2018", "zone-map")])
def test_screen_instructions_are_not_printed(printed, agreement, report):
    page = printed(agreement, report)
    text = page.locator("main").inner_text()
    assert not SCREEN_WORDS.search(text), f"printed: ...{text[max(0, SCREEN_WORDS.search(text).start() - 80):][:160]}..."
    assert "Zone map report" not in text  # the printed map's text alternative is in the same report
    page.emulate_media(media="screen")
    if report == "brief":
        assert "hover" in page.locator("main").inner_text(), "the screen instructions are gone from the screen too"


@pytest.mark.e2e
@pytest.mark.parametrize("agreement", BRIEFS)
def test_source_numbers_of_two_digits_print_whole(printed, agreement):
    page = printed(agreement)
    # each item from the 10th on: its number ("10. ") must fit between the item's left edge and its text;
    # a marker hanging outside the item is cut off by the page edge or runs into the column before it
    count, cut = page.locator("ol.sources").evaluate("""ol => {
        const items = Array.from(ol.children).filter(li => li.tagName === 'LI');
        const cut = [];
        items.forEach((li, i) => {
            if (i < 9) return;
            const probe = document.createElement('span');
            probe.style.font = getComputedStyle(li).font;
            probe.style.whiteSpace = 'pre';
            probe.textContent = (i + 1) + '. ';
            li.after(probe);
            const needed = probe.getBoundingClientRect().width;
            probe.remove();
            const walker = document.createTreeWalker(li, NodeFilter.SHOW_TEXT,
                {acceptNode: n => n.textContent.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP});
            const range = document.createRange();
            const text = walker.nextNode();
            range.setStart(text, 0);
            range.setEnd(text, 1);
            const first = range.getClientRects()[0];
            const box = li.getBoundingClientRect();
            if (first.left - needed < box.left - 1 || box.left < 0) cut.push([i + 1, first.left - box.left, needed]);
        });
        return [items.length, cut];
    }""")
    assert count >= 10, f"only {count} sources: nothing to check"
    assert cut == [], f"source numbers cut off in print (number, room, needed px): {cut}"


@pytest.mark.e2e
def test_print_keeps_rows_whole_and_tables_within_the_page(printed):
    page = printed("sochi-2018")
    assert page.evaluate("document.documentElement.scrollWidth") <= A4_PRINTABLE_PX + 1
    for table in ("provisions", "key-figures", "timeline", "stakeholders"):
        right = page.locator(f"table.{table}").evaluate("t => t.getBoundingClientRect().right")
        assert right <= A4_PRINTABLE_PX + 1, f"table.{table} is wider than the page ({right} px)"
    styles = page.evaluate("""() => ({
        rows: Array.from(document.querySelectorAll('main tr')).map(r => getComputedStyle(r).breakInside),
        headings: Array.from(document.querySelectorAll('main h2, main h3')).map(h => getComputedStyle(h).breakAfter)})""")
    assert set(styles["rows"]) == {"avoid"} and set(styles["headings"]) == {"avoid"}


@pytest.mark.e2e
def test_only_the_stakeholder_name_is_bold(built_reports, browser):
    page = browser.new_page()
    try:
        page.goto((built_reports / "sochi-2018" / "stakeholders.html").as_uri(), wait_until="load")
        cell = page.locator("table.stakeholders tbody th").first
        weights = cell.evaluate("""th => ({
            name: getComputedStyle(th.querySelector('strong')).fontWeight,
            description: getComputedStyle(th.querySelector('.actor-description')).fontWeight,
            citation: getComputedStyle(th.querySelector('a.cite')).fontWeight})""")
        assert int(weights["name"]) >= 600
        assert int(weights["description"]) == 400 and int(weights["citation"]) == 400
    finally:
        page.close()
