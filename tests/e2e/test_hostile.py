"""Text from data never runs in a reader's browser: a hostile dataset, built and opened in Chromium.

Every text field carries every payload of :mod:`hostile` (HTML, template-literal and JavaScript
escapes, a Windows path, ``</script>``, U+2028, Jinja, right-to-left text). Each page must show
them as text, run none, draw its whole map, log no error and keep right-to-left text isolated.
"""

from __future__ import annotations

import pytest

from accordmap.cli import main
from helpers import FIXTURES, built_pages, writable_copy
from hostile import JINJA, NOT_ISOLATED, RTL, assert_nothing_ran, make_hostile, open_map


@pytest.fixture(scope="module")
def hostile_reports(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    data = writable_copy(FIXTURES / "minimal" / "data", root / "data")
    make_hostile(data)
    assert main(["check", "--data", str(data)]) == 0
    assert main(["build", "--data", str(data), "--out", str(root / "reports")]) == 0
    return root / "reports"


@pytest.mark.e2e
@pytest.mark.parametrize("page_path", ["index.html", *[f"{a}/{r}.html" for a, r in built_pages(["test-accord"], [])]])
def test_hostile_text_is_shown_not_run(hostile_reports, offline_page, page_path):
    page = offline_page.page
    page.goto((hostile_reports / page_path).as_uri())
    frames = [page]
    if page.locator("iframe.map-frame").count():
        map_frame = open_map(page)  # every feature drawn: no payload broke the map's script
        frames.append(map_frame)
        shown = map_frame.locator("body").inner_text()
        assert JINJA.split(" {#")[0] in shown and "1337" not in shown, "folium evaluated data as Jinja"
        assert "C:\\data\\x-files\\9" in shown and "\\x3cimg" in shown
    assert_nothing_ran(offline_page, frames)
    # the payloads are displayed as text (escaped), not dropped
    assert "window.__pwned=" in page.locator("body").inner_text()
    # right-to-left text from data is isolated wherever it is shown, the map included
    for frame in frames:
        assert frame.evaluate(NOT_ISOLATED, RTL.split()[0]) == [], "right-to-left text not isolated"
