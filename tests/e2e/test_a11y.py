"""Accessibility: axe-core (WCAG 2.1 A/AA and best practices) on every built report, and in its map frames.

axe-core comes from the npm registry, pinned in tests/e2e/package.json: ``npm ci`` in tests/e2e
(``make test-e2e`` and ``.ci/run`` do it). Without it the tests skip on a user's machine and fail
under CI. A serious or critical violation fails the test, with every violation listed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import DEFAULT_PAGES

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
FAILING = {"serious", "critical"}
# "needs review" results that are certain on our pages: aria-label on an element whose role forbids it
REVIEWED = {"aria-prohibited-attr"}
# pages with an interactive map (the Moscow compliance report has no event data: no map)
MAP_PAGES = [("sochi-2018", "brief"), ("moscow-2020", "brief"), ("sochi-2018", "zone-map"), ("moscow-2020", "zone-map"),
             ("sochi-2018", "compliance"),
             ("moscow-2020", "comparison")]


@pytest.fixture(scope="session")
def axe_script() -> Path:
    if not AXE.is_file():
        message = f"axe-core is not installed ({AXE} missing): run `npm ci` in tests/e2e (make test-e2e does)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; accessibility tests may not skip under CI")
        pytest.skip(message)
    return AXE


def _run_axe(target, axe: Path) -> list[dict]:
    """Serious and critical violations (and the reviewed rules' "needs review" results) in a page or frame."""
    target.add_script_tag(path=str(axe))
    results = target.evaluate("""async () => {
        const r = await axe.run(document, {iframes: false, resultTypes: ['violations', 'incomplete']});
        const brief = (v) => ({id: v.id, impact: v.impact, help: v.help,
                               nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200)}))});
        return {violations: r.violations.map(brief), incomplete: r.incomplete.map(brief)};
    }""")
    return ([v for v in results["violations"] if v["impact"] in FAILING]
            + [v for v in results["incomplete"] if v["id"] in REVIEWED])


def _listed(violations: list[dict]) -> str:
    return "\n".join(f"- {v['impact']} {v['id']}: {v['help']}\n" + "\n".join(
        f"    {n['target']}: {n['html']}" for n in v["nodes"]) for v in violations)


@pytest.mark.e2e
@pytest.mark.parametrize("agreement, report", DEFAULT_PAGES)
def test_report_has_no_serious_accessibility_violation(built_reports, offline_page, axe_script, agreement, report):
    page = offline_page.page
    page.goto((built_reports / agreement / f"{report}.html").as_uri(), wait_until="load")
    violations = _run_axe(page, axe_script)
    assert violations == [], f"axe-core on {agreement}/{report}.html:\n{_listed(violations)}"
    # what only an untrusted notebook or a printout needs stays off the screen
    for selector in (".accordmap-untrusted", ".print-only"):
        shown = page.locator(selector).evaluate_all("els => els.filter(e => e.checkVisibility()).map(e => e.outerHTML)")
        assert shown == [], f"{selector} shown on screen: {shown}"


@pytest.mark.e2e
@pytest.mark.parametrize("agreement, report", MAP_PAGES)
def test_map_frame_has_no_serious_accessibility_violation(built_reports, offline_page, axe_script, agreement, report):
    page = offline_page.page
    page.goto((built_reports / agreement / f"{report}.html").as_uri(), wait_until="load")
    page.frame_locator("iframe.map-frame").locator(".folium-map").wait_for(state="visible", timeout=15_000)
    frames = [frame for frame in page.frames if frame != page.main_frame]
    assert frames, f"{agreement}/{report}.html has no map frame"
    violations = [v for frame in frames for v in _run_axe(frame, axe_script)]
    assert violations == [], f"axe-core in the map frame of {agreement}/{report}.html:\n{_listed(violations)}"
