"""The notebooks in JupyterLab, as a new user runs them: Run All, then the map and charts look like the report.

JupyterLab never loads the report's stylesheet, and it strips ``<iframe>``, ``<svg>`` and ``<style>`` from
the output of a notebook it does not trust; each section carries its own styles and a note for that case
(:mod:`accordmap.styles`). A JupyterLab server from this environment serves a temporary copy of
``notebooks/`` on a free local port; headless Chromium (see conftest.py) drives it.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from nbformat.v4 import new_code_cell, new_notebook, new_output

from accordmap.paths import NOTEBOOKS_DIR

NOTEBOOKS = sorted(path.name for path in NOTEBOOKS_DIR.glob("*.ipynb"))
MAP_NOTEBOOKS = {"brief.ipynb", "zone_map.ipynb", "compliance.ipynb", "comparison.ipynb"}
TIMELINE_NOTEBOOKS = {"brief.ipynb", "timeline.ipynb"}
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the notebook on show (not others the workspace kept open)
RUN_TIMEOUT_MS = 300_000  # a cold kernel, the data loaded and every section computed, on a busy 2-core machine


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory, browser):
    """A JupyterLab server on a copy of notebooks/ (plus a notebook executed elsewhere, so untrusted)."""
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(NOTEBOOKS_DIR, root / "notebooks")
    _write_untrusted_notebook(root / "notebooks" / "untrusted.ipynb")
    home = root / "home"  # settings, workspaces and runtime files of this server only
    # every cell in the page (not only those scrolled to: the test reads them all), and no news pop-up
    for name, value in {"notebook-extension/tracker": '{"windowingMode": "none"}',
                        "apputils-extension/notification": '{"fetchNews": "false"}'}.items():
        settings = home / "settings" / "@jupyterlab" / f"{name}.jupyterlab-settings"
        settings.parent.mkdir(parents=True, exist_ok=True)
        settings.write_text(value)
    token, port = secrets.token_hex(16), _free_port()
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"), "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces")}
    log = (root / "lab.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--IdentityProvider.token={token}", f"--port={port}",
         "--ip=127.0.0.1", f"--ServerApp.root_dir={root / 'notebooks'}", "--ServerApp.port_retries=0",
         "--allow-root",  # CI runs as root
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--LabApp.extension_manager=readonly"],
        stdout=log, stderr=subprocess.STDOUT, env=env, cwd=root)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not start:\n{(root / 'lab.log').read_text()[-3000:]}")
            time.sleep(0.5)
        yield base, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _write_untrusted_notebook(path: Path) -> None:
    """What an executed notebook from elsewhere (e.g. reports/_failed/) holds: outputs, no signature."""
    from accordmap.reports.agreement import Report

    report = Report("brief")
    outputs = [report.map(), report.timeline(short=True), report.implementation(compact=True)]
    cells = [new_code_cell("report.section()", execution_count=i + 1,
                           outputs=[new_output("display_data", data={"text/html": str(html)})])
             for i, html in enumerate(outputs)]
    nbformat.write(new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "language": "python",
                                                                      "display_name": "Python 3"}}), path)


def _open(browser, lab, notebook: str):
    base, token = lab
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    # the server is local; nothing may leave the machine
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        (base, "data:", "blob:", "about:")) else route.abort())
    page = context.new_page()
    # ?reset: a fresh workspace, with this notebook alone
    page.goto(f"{base}/lab/tree/{notebook}?reset&token={token}", wait_until="domcontentloaded", timeout=120_000)
    page.locator(f"{PANEL} .jp-Notebook .jp-Cell").first.wait_for(timeout=120_000)
    return context, page


def _run_all(page) -> None:
    """Run > Run All Cells from the menu bar, then wait until every code cell has run (or one failed)."""
    # JupyterLab may ask which kernel to start: the notebook's own (preselected) is the one
    try:
        page.locator(".jp-Dialog").get_by_role("button", name="Select", exact=True).click(timeout=20_000)
    except PlaywrightTimeout:
        pass
    page.locator(".jp-StatusBar-Widget", has_text="| Idle").first.wait_for(timeout=120_000)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    done = """([panel, stopOnStderr]) => {
        const notebook = document.querySelector(panel);
        if (stopOnStderr && notebook.querySelector('.jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"]'))
            return true;
        const prompts = [...notebook.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
        return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
    }"""
    page.wait_for_function(done, arg=[PANEL, True], timeout=RUN_TIMEOUT_MS, polling=1000)
    # a traceback stops Run All (a warning on stderr does not)
    stderr = page.locator(f'{PANEL} .jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"]').all_inner_texts()
    errors = [text for text in stderr if "Traceback" in text or "Error" in text]
    assert errors == [], f"a cell failed:\n{errors[0][-3000:]}"
    page.wait_for_function(done, arg=[PANEL, False], timeout=RUN_TIMEOUT_MS, polling=1000)


LINES_DRAWN = """svg => [...svg.querySelectorAll('line, path, rect')].filter(e => {
    const style = getComputedStyle(e);
    return style.stroke !== 'none' && style.visibility !== 'hidden' && e.getTotalLength && e.getTotalLength() > 0;
}).length"""
LABELS_OUTSIDE = """svg => {
    const width = svg.viewBox.baseVal.width;
    return [...svg.querySelectorAll('text')].filter(t => { const b = t.getBBox(); return b.x < 0 || b.x + b.width > width; })
        .map(t => t.textContent);
}"""


@pytest.mark.e2e
@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_run_in_jupyterlab_looks_like_the_report(browser, lab, notebook):
    context, page = _open(browser, lab, notebook)
    try:
        _run_all(page)
        output = page.locator(f"{PANEL} .jp-OutputArea-output")
        if notebook in MAP_NOTEBOOKS:
            frame = output.locator("iframe.map-frame").first
            frame.scroll_into_view_if_needed()
            box = frame.bounding_box()
            assert box and box["width"] >= 600, f"the map is {box and box['width']} px wide"
            page.frame_locator(f"{PANEL} .jp-OutputArea-output iframe.map-frame").first.locator(".folium-map").wait_for(
                state="visible", timeout=30_000)
        if notebook in TIMELINE_NOTEBOOKS:
            chart = output.locator("svg.timeline-chart").first
            chart.scroll_into_view_if_needed()
            assert chart.evaluate(LINES_DRAWN) >= 5, "the timeline chart draws no lines"
            assert chart.evaluate(LABELS_OUTSIDE) == [], "labels cut off at the chart's edge"
            ticks = chart.locator("text.tick").all_text_contents()  # years, months or days, as the span allows
            assert len(ticks) >= 2 and all(tick.strip() for tick in ticks), ticks
        for selector in (".accordmap-untrusted", ".print-only"):
            shown = output.locator(selector).evaluate_all("els => els.filter(e => e.checkVisibility()).map(e => e.outerHTML)")
            assert shown == [], f"{selector} shown in JupyterLab: {shown}"
    finally:
        context.close()


@pytest.mark.e2e
def test_an_untrusted_notebook_says_why_its_map_and_charts_are_missing(browser, lab):
    context, page = _open(browser, lab, "untrusted.ipynb")
    try:
        output = page.locator(f"{PANEL} .jp-OutputArea-output")
        output.first.wait_for(timeout=60_000)
        # JupyterLab's sanitiser removed the frame, the charts and the styles ...
        assert output.locator("iframe, svg.timeline-chart").count() == 0
        # ... so the notes the styles would have hidden are shown, one per section
        notes = output.locator(".accordmap-untrusted")
        assert notes.count() == 3
        texts = notes.all_inner_texts()
        assert all(note.is_visible() for note in notes.all()), texts
        assert texts[0].startswith("Map not shown?") and "Trust Notebook" in texts[0], texts
    finally:
        context.close()
