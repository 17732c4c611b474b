"""The Sochi map as a reader meets it in Chromium: names on the map at the first view, each town
answering to its own name inside the zone, lines drawn above the zones, controls beside the zone
rather than on it, and a keyboard that meets only named shapes, after the controls."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

ZONES = ".leaflet-accordmap-zones-pane path.leaflet-interactive"  # maps.PANES: every computed zone
LINE_STROKE = "#000000"  # the lines of contact (data/layers/catalog.yaml)


@pytest.fixture(scope="module")
def built_maps(tmp_path_factory):
    """The Sochi zone map (large, layer list open) and brief (small map, layer list folded), built
    through the real command."""
    from accordmap.cli import main

    out = tmp_path_factory.mktemp("map-ui")
    code = main(["build", "sochi-2018", "--report", "zone-map", "--report", "brief", "--report", "compliance",
                 "--out", str(out), "-j", "1"])
    assert code == 0, "accordmap build failed"
    code = main(["build", "moscow-2020", "--report", "comparison", "--out", str(out), "-j", "1"])
    assert code == 0, "accordmap build failed"
    return out


def _open_map(offline_page, path):
    page = offline_page.page
    page.goto(path.as_uri(), wait_until="load")
    frame_element = page.locator("iframe.map-frame").first
    frame_element.scroll_into_view_if_needed()
    frame = frame_element.element_handle().content_frame()
    frame.locator(".folium-map").wait_for(state="visible", timeout=15_000)
    frame.locator(".accordmap-label").first.wait_for(state="attached", timeout=15_000)
    page.wait_for_timeout(300)  # the first view is fitted, then the labels placed, in the load script
    return page, frame


@pytest.fixture
def zone_map(built_maps, offline_page):
    page, frame = _open_map(offline_page, built_maps / "sochi-2018" / "zone-map.html")
    yield page, frame
    assert offline_page.blocked == [], f"requests left the page: {offline_page.blocked}"
    assert offline_page.errors == [], f"console errors: {offline_page.errors}"


#: every report with an interactive map: all are built with accordmap.views.maps.layers and must behave alike
EVERY_MAP = ["sochi-2018/zone-map.html", "sochi-2018/compliance.html", "moscow-2020/comparison.html"]


@pytest.fixture(params=EVERY_MAP)
def any_map(request, built_maps, offline_page):
    page, frame = _open_map(offline_page, built_maps / request.param)
    yield page, frame
    assert offline_page.blocked == [], f"requests left the page: {offline_page.blocked}"
    assert offline_page.errors == [], f"console errors: {offline_page.errors}"


SHOWN_LABELS = """() => {
    const box = document.querySelector('.folium-map').getBoundingClientRect();
    return [...document.querySelectorAll('.accordmap-label')].filter(el => {
        const r = el.firstChild.getBoundingClientRect();
        return el.checkVisibility({visibilityProperty: true}) && r.width > 0
            && r.left >= box.left && r.right <= box.right && r.top >= box.top && r.bottom <= box.bottom;
    }).map(el => {
        const r = el.firstChild.getBoundingClientRect();
        return {text: el.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom};
    });
}"""

ZONE_BOXES = """(zones) => [...document.querySelectorAll(zones)].map(p => p.getBoundingClientRect())
    .map(r => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom}))"""

CONTROL_BOXES = """() => [...document.querySelectorAll('.leaflet-control')].map(el => el.getBoundingClientRect())
    .filter(r => r.width > 0 && r.height > 0).map(r => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom}))"""


def _overlap(a, b):
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def test_countries_governorates_and_towns_are_named_at_the_first_view(zone_map):
    _, frame = zone_map
    shown = frame.evaluate(SHOWN_LABELS)
    texts = [label["text"] for label in shown]
    assert {"Syria", "Turkey"} <= set(texts), texts  # countries
    assert {"Idleb", "Hama"} & set(texts) and "Idleb" in texts, texts  # governorates
    assert {"Idlib", "Saraqib", "Jisr al-Shughur", "Khan Shaykhun"} <= set(texts), texts  # towns
    # the collision rule: no two names shown on top of each other, none under a control
    for a, b in ((a, b) for i, a in enumerate(shown) for b in shown[i + 1:]):
        assert not _overlap(a, b), (a, b)
    for control in frame.evaluate(CONTROL_BOXES):
        assert not any(_overlap(label, control) for label in shown), control


def test_a_town_inside_the_zone_answers_to_its_own_name(zone_map):
    _, frame = zone_map
    town = frame.locator('path.leaflet-interactive[aria-label="Saraqib"]')
    # the town is inside the drawn zone: at its centre, a zone's path lies under the town's marker
    under = frame.evaluate("""([zones]) => {
        const r = document.querySelector('path[aria-label="Saraqib"]').getBoundingClientRect();
        return document.elementsFromPoint(r.left + r.width / 2, r.top + r.height / 2)
            .map(el => (el.getAttribute('aria-label') || '') + '|' + el.matches(zones));
    }""", [ZONES])
    assert under[0] == "Saraqib|false", under
    assert any(item.startswith("Demilitarised zone") and item.endswith("|true") for item in under), under
    town.hover()  # Playwright hovers only if the town, not the zone, receives the pointer there
    tooltip = frame.locator(".leaflet-tooltip")
    tooltip.wait_for(state="visible", timeout=5_000)
    assert tooltip.inner_text().strip() == "Saraqib"
    # and an observation post inside the zone answers with its own name too
    post = frame.locator('path.leaflet-interactive[stroke="#e07000"]').first
    name = post.get_attribute("aria-label")
    post.hover()
    frame.locator(".leaflet-tooltip", has_text=name).wait_for(state="visible", timeout=5_000)
    assert "Demilitarised" not in frame.locator(".leaflet-tooltip").last.inner_text()


def test_the_lines_of_contact_are_drawn_above_the_zones(zone_map):
    _, frame = zone_map
    order = frame.evaluate("""([zones, line]) => {
        const pane = sel => document.querySelector(sel).closest('.leaflet-pane');
        const z = el => +getComputedStyle(el).zIndex;
        const zonePane = pane(zones), linePane = pane(`path[stroke="${line}"]`);
        // where a line crosses a zone, the topmost element under the pointer is the line
        const hits = [];
        for (const path of document.querySelectorAll(`path[stroke="${line}"]`)) {
            const length = path.getTotalLength();
            for (let f = 0.02; f < 1; f += 0.02) {
                const p = path.getPointAtLength(f * length), m = path.getScreenCTM();
                const x = p.x * m.a + p.y * m.c + m.e, y = p.x * m.b + p.y * m.d + m.f;
                const stack = document.elementsFromPoint(x, y);
                const li = stack.indexOf(path), zi = stack.findIndex(el => el.matches(zones));
                if (li >= 0 && zi >= 0) hits.push([li, zi]);
            }
        }
        return {zonePane: z(zonePane), linePane: z(linePane),
                lineAfterZone: !!(zonePane.compareDocumentPosition(linePane) & Node.DOCUMENT_POSITION_FOLLOWING),
                hits};
    }""", [ZONES, LINE_STROKE])
    assert order["linePane"] > order["zonePane"], order
    assert order["lineAfterZone"], order
    assert len(order["hits"]) >= 5 and all(line < zone for line, zone in order["hits"]), order["hits"]


def test_no_control_covers_the_zone_at_the_first_view(any_map):
    _, frame = any_map
    zones = frame.evaluate(ZONE_BOXES, ZONES)
    assert zones
    box = frame.evaluate("() => { const r = document.querySelector('.folium-map').getBoundingClientRect(); "
                         "return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; }")
    for zone in zones:  # the whole zone is in view
        assert box["left"] <= zone["left"] and zone["right"] <= box["right"], (zone, box)
        assert box["top"] <= zone["top"] and zone["bottom"] <= box["bottom"], (zone, box)
        for control in frame.evaluate(CONTROL_BOXES):
            assert not _overlap(zone, control), (zone, control)


def test_the_keyboard_meets_the_controls_first_and_only_named_shapes(any_map):
    page, frame = any_map
    unnamed = frame.evaluate("""() => [...document.querySelectorAll('.leaflet-pane path, .leaflet-pane .leaflet-marker-icon')]
        .filter(el => el.tabIndex >= 0 || (el.getAttribute('tabindex') !== '-1' && el.classList.contains('leaflet-interactive')))
        .filter(el => !(el.getAttribute('aria-label') || '').trim()).length""")
    assert unnamed == 0
    assert frame.locator('path.leaflet-interactive[tabindex="-1"]').count() >= 1  # e.g. the opposition-held area

    frame.locator(".folium-map").focus()
    seen = []
    for _ in range(60):
        page.keyboard.press("Tab")
        seen.append(frame.evaluate("""() => { const el = document.activeElement;
            return {tag: el.tagName.toLowerCase(), shape: !!el.closest('.leaflet-pane'),
                    name: el.getAttribute('aria-label') || el.textContent.trim()}; }"""))
    shapes = [i for i, item in enumerate(seen) if item["shape"]]
    controls = [i for i, item in enumerate(seen) if not item["shape"] and item["tag"] in ("a", "input", "summary")]
    assert shapes and controls and max(controls[:3]) < min(shapes), seen[:20]
    assert any(item["tag"] == "summary" for item in seen[:min(shapes)]), "the legend is not reached before the shapes"
    assert all(seen[i]["name"] for i in shapes), [seen[i] for i in shapes if not seen[i]["name"]]


def test_the_legend_folds_with_the_keyboard(any_map):
    page, frame = any_map
    summary = frame.locator(".accordmap-legend summary").first  # the compliance map has a second, its events'
    assert summary.inner_text() == "Legend"
    assert frame.locator(".accordmap-legend").locator("h1, h2, h3, h4, h5, h6").count() == 0
    rows = frame.locator(".accordmap-legend").first.locator(".row")
    assert rows.first.is_visible()
    summary.focus()
    page.keyboard.press("Enter")
    assert not rows.first.is_visible()
    page.keyboard.press("Space")
    assert rows.first.is_visible()


def test_the_map_document_has_a_language_and_a_title(zone_map):
    _, frame = zone_map
    assert frame.evaluate("() => document.documentElement.lang") == "en"
    assert frame.evaluate("() => document.title") == "Map of the Sochi memorandum: layers and computed zones"


def test_every_map_document_has_a_language_and_a_title(any_map):
    _, frame = any_map
    assert frame.evaluate("() => document.documentElement.lang") == "en"
    assert frame.evaluate("() => document.title").startswith("Map")


def test_governorate_popup_reads_as_labels_with_arabic_marked(zone_map):
    _, frame = zone_map
    frame.evaluate("""() => { const path = document.querySelector('path[aria-label="Idleb"]');
        path.dispatchEvent(new MouseEvent('click', {bubbles: true, clientX: 0, clientY: 0})); }""")
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(state="visible", timeout=5_000)
    text = popup.inner_text()
    assert "Governorate" in text and "Name in Arabic" in text and "ADM1" not in text, text
    arabic = popup.locator('td[lang="ar"]')
    assert arabic.inner_text() == "إدلب" and arabic.get_attribute("dir") == "rtl"


def test_the_brief_keeps_its_small_map_clear(built_maps, offline_page):
    _, frame = _open_map(offline_page, built_maps / "sochi-2018" / "brief.html")
    assert frame.locator(".leaflet-control-layers-list").is_hidden()  # the layer list is folded
    assert frame.locator(".leaflet-control-layers-toggle").is_visible()
    zones = frame.evaluate(ZONE_BOXES, ZONES)
    for zone in zones:
        for control in frame.evaluate(CONTROL_BOXES):
            assert not _overlap(zone, control), (zone, control)
    assert {"Idlib", "Saraqib"} <= {label["text"] for label in frame.evaluate(SHOWN_LABELS)}
    assert offline_page.errors == [] and offline_page.blocked == []
