"""A section's HTML -> the same HTML carrying the styles it needs, scoped and inline.

A notebook's outputs are shown by JupyterLab, which never loads the report's stylesheet
(``templates/report.css``): a section must look right on its own. :func:`section` wraps a section's
HTML in ``<div class="accordmap-section accordmap-NAME">`` with one small ``<style>`` whose rules
all start with that class, so they reach nothing else in the notebook or the page. Charts draw
their lines and labels with SVG presentational attributes (:mod:`accordmap.views.charts.timeline`,
:mod:`accordmap.views.charts.implementation`), the map frame has its size in its own ``style`` attribute;
the rules here only add what attributes cannot say (print-only text hidden on screen, table
alignment, spacing).

**Untrusted notebooks.** JupyterLab sanitises the HTML output of a notebook it does not trust (one
executed elsewhere, e.g. ``reports/_failed/``): it drops ``<iframe>``, ``<svg>``, ``<script>`` and
``<style>`` elements. :func:`untrusted_note` is a line saying what is missing and how to get it;
the section's own ``<style>`` hides it, so it shows exactly when the styles, and with them the map
or chart, were removed.
"""

from __future__ import annotations

from markupsafe import Markup
from accordmap.views import escape


# every section: print-only text stays off screen; the untrusted-notebook note is hidden whenever
# this <style> survived (the sanitiser removes both together)
_COMMON = ("@media screen{{.accordmap-{0} .print-only{{display:none}}}}"
           ".accordmap-{0} .accordmap-untrusted{{display:none}}"
           ".accordmap-{0} figure{{margin:0 0 1rem}}"
           ".accordmap-{0} figcaption{{font-size:.9rem;color:#555}}")

SECTION_CSS: dict[str, str] = {
    "map": (".accordmap-map .map-note{{font-size:.9rem;font-weight:600;color:#7a4b00}}"
            ".accordmap-map .map-alt{{font-size:.9rem}}"),
    "timeline": ".accordmap-timeline svg.timeline-chart{{border:1px solid #c8c8c8;background:#fafafa}}",
    "implementation": "",
    "obligations": (".accordmap-obligations table.obligations td{{text-align:center}}"
                    ".accordmap-obligations .matrix-legend{{list-style:none;padding-left:0}}"),
}


def css(name: str) -> str:
    """The scoped rules of section ``name`` (a key of :data:`SECTION_CSS`)."""
    return (_COMMON + SECTION_CSS[name]).format(name)


def section(name: str, content: Markup) -> Markup:
    """``content`` in its section's wrapper, with the section's ``<style>`` once, before it."""
    return Markup('<div class="accordmap-section accordmap-{0}"><style>{1}</style>{2}</div>').format(
        Markup(name), Markup(css(name)), content)


def map_frame(title: str, page: str, height: int) -> Markup:
    """A map page (a whole HTML document, e.g. folium's) in a frame the width of its container, sized by
    its own ``style`` attribute; before it, the note shown when JupyterLab removed the frame."""
    return Markup('{}<iframe class="map-frame" title="{}" srcdoc="{}" style="width:100%;height:{}px;'
                  'border:1px solid #c8c8c8"></iframe>').format(
        untrusted_note("Map"), escape.html_attr(title), escape.html_attr(page), escape.css_value(height, "number"))


def untrusted_note(what: str) -> Markup:
    """A visible line, hidden by the section's style, for when a notebook's output was sanitised."""
    return Markup('<p class="accordmap-untrusted"><strong>{} not shown?</strong> This notebook is not trusted, '
                  "so JupyterLab removed it: trust the notebook (command palette: Trust Notebook) and run it "
                  "again, or open the HTML report.</p>").format(escape.html_text(what))
