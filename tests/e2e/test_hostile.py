"""Text from data never runs in a reader's browser: a hostile dataset, built and opened in Chromium."""

from __future__ import annotations

import pytest

from accordmap.cli import main
from accordmap.params import REPORTS
from helpers import FIXTURES, writable_copy
from hostile import make_hostile

OPEN_EVERYTHING = """
() => {
  let opened = 0;
  for (const key of Object.keys(window)) {
    const layer = window[key];
    if (!layer || typeof L === 'undefined' || !(layer instanceof L.Layer)) continue;
    const targets = layer.eachLayer ? [] : [layer];
    if (layer.eachLayer) layer.eachLayer(l => targets.push(l));
    for (const t of targets) {
      if (t.getPopup && t.getPopup()) { t.openPopup(); opened++; }
      if (t.getTooltip && t.getTooltip()) { t.openTooltip(); opened++; }
    }
  }
  return opened;
}
"""


@pytest.fixture(scope="module")
def hostile_reports(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    data = writable_copy(FIXTURES / "minimal" / "data", root / "data")
    make_hostile(data)
    assert main(["check", "--data", str(data)]) == 0
    assert main(["build", "--data", str(data), "--out", str(root / "reports")]) == 0
    return root / "reports"


@pytest.mark.e2e
@pytest.mark.parametrize("page_path", ["index.html", *[f"test-accord/{r}.html" for r in REPORTS]])
def test_hostile_text_is_shown_not_run(hostile_reports, offline_page, page_path):
    page = offline_page.page
    page.goto((hostile_reports / page_path).as_uri())
    frames = [page]
    if page.locator("iframe.map-frame").count():
        page.frame_locator("iframe.map-frame").locator(".folium-map").wait_for(timeout=15_000)
        map_frame = next(f for f in page.frames if f is not page.main_frame)
        opened = map_frame.evaluate(OPEN_EVERYTHING)
        assert opened > 0, "no popup or tooltip was opened"
        map_frame.locator(".leaflet-control-layers").hover()
        frames.append(map_frame)
    page.wait_for_timeout(300)
    for frame in frames:
        assert frame.evaluate("() => window.__pwned") is None
    assert offline_page.dialogs == []
    assert offline_page.errors == []
    assert offline_page.blocked == []
    # the payloads are displayed as text (escaped), not dropped
    assert "window.__pwned=" in page.locator("body").inner_text()
