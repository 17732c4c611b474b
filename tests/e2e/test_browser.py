"""Every built report, opened offline in headless Chromium, as a reader would open it."""

from __future__ import annotations

import pytest
from helpers import DEFAULT_PAGES

from accordmap.paths import REPORTS_DIR

SCREENSHOTS = REPORTS_DIR / "_screenshots"
MAP_REPORTS = {"brief", "zone-map"}


@pytest.mark.e2e
@pytest.mark.parametrize("agreement, report", DEFAULT_PAGES)
def test_report_renders_offline_without_errors(built_reports, offline_page, agreement, report):
    path = built_reports / agreement / f"{report}.html"
    page = offline_page.page
    page.goto(path.as_uri(), wait_until="load")

    assert page.locator("h1").first.inner_text().strip()
    tables = page.locator("main table")
    assert tables.count() >= 1
    for index in range(tables.count()):
        assert tables.nth(index).locator("thead th").count() >= 1, f"table {index} has no header cells"
        assert tables.nth(index).locator("tbody tr").count() >= 1, f"table {index} has no rows"

    # headings in order: one h1, then no level skipped on the way down
    levels = page.locator("main :is(h1, h2, h3, h4, h5, h6)").evaluate_all(
        "hs => hs.filter(h => h.checkVisibility()).map(h => +h.tagName[1])")
    assert levels[0] == 1 and levels.count(1) == 1 and levels.count(2) >= 2, levels
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels

    if report in MAP_REPORTS:
        frame = page.frame_locator("iframe.map-frame")
        frame.locator(".folium-map").wait_for(state="visible", timeout=15_000)
        # zones, areas and lines are SVG paths; towns and posts are circle markers (paths too).
        # Leaflet gives features outside the view the empty path "M0 0": count the drawn ones.
        drawn = frame.locator("path.leaflet-interactive:not([d='M0 0'])")
        drawn.first.wait_for(timeout=15_000)
        assert drawn.count() > 20
        zone_paths = frame.locator("path.leaflet-interactive[stroke='#7b1fa2']:not([d='M0 0'])")
        assert zone_paths.count() >= 1, "the computed zone is not drawn"
        labels = frame.locator(".leaflet-control-layers-overlays label").all_inner_texts()
        assert any("(computed, approximate)" in label for label in labels), labels
        assert any("Towns" in label for label in labels), labels
        assert frame.locator(".accordmap-legend").inner_text().count("approximate") >= 1
        assert "OCHA" in frame.locator(".leaflet-control-attribution").inner_text()

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{agreement}-{report}.png"), full_page=True)
    assert offline_page.blocked == [], f"requests left the page: {offline_page.blocked}"
    assert offline_page.errors == [], f"console errors: {offline_page.errors}"


@pytest.mark.e2e
def test_index_opens_and_links_every_report(built_reports, offline_page):
    page = offline_page.page
    page.goto((built_reports / "index.html").as_uri())
    hrefs = page.locator("main a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert sorted(h for h in hrefs if h.endswith(".html")) == sorted(f"{a}/{r}.html" for a, r in DEFAULT_PAGES)
    files = [h for h in hrefs if not h.endswith(".html")]  # each report's downloads, beside it
    assert files and all((built_reports / h).is_file() for h in files)
    assert offline_page.blocked == [] and offline_page.errors == []


@pytest.mark.e2e
def test_a_report_prints_its_tables_and_timeline(built_reports, browser):
    page = browser.new_page()
    page.goto((built_reports / "sochi-2018" / "brief.html").as_uri())
    page.emulate_media(media="print")
    assert not page.locator("iframe.map-frame").is_visible()
    assert page.locator("figure.static-map img").is_visible()  # the static map stands for the interactive one
    # the brief prints its timeline as the table (the chart's details need hovering: tests/e2e/test_print.py)
    assert page.locator("table.provisions").is_visible() and page.locator("table.timeline").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf[:4] == b"%PDF" and len(pdf) > 20_000
    page.close()
