"""The map's own document: Leaflet and jQuery inlined so a map works offline, and the map's CSS.
"""

from __future__ import annotations

import base64
import functools
import re
import folium
import xstatic.pkg.jquery
import xstatic.pkg.leaflet
from branca.element import Element
from jinja2 import Template
from accordmap.views import escape


# --- offline assets -------------------------------------------------------------------------


@functools.cache
def _leaflet_css() -> str:
    base = xstatic.pkg.leaflet.BASE_DIR
    css = open(f"{base}/leaflet.css", encoding="utf-8").read()

    def inline(match: re.Match) -> str:
        data = open(f"{base}/{match.group(1)}", "rb").read()
        return f"url(data:image/png;base64,{base64.b64encode(data).decode()})"

    return re.sub(r"url\((images/[\w.-]+\.png)\)", inline, css)


@functools.cache
def inline_assets_html() -> str:
    leaflet_js = open(f"{xstatic.pkg.leaflet.BASE_DIR}/leaflet.js", encoding="utf-8").read()
    jquery_js = open(f"{xstatic.pkg.jquery.BASE_DIR}/jquery.min.js", encoding="utf-8").read()
    # strip the source-map comment: a browser with devtools open would try to fetch the map file
    jquery_js = re.sub(r"//# sourceMappingURL=\S+", "", jquery_js)
    leaflet_js = re.sub(r"//# sourceMappingURL=\S+", "", leaflet_js)
    return (
        f"<style>{_leaflet_css()}</style>\n<style>{MAP_CSS}</style>\n"
        f"<script>{leaflet_js}</script>\n<script>{jquery_js}</script>\n"
    )


MAP_CSS = """
html, body { margin: 0; }
.leaflet-container { font: 13px/1.4 system-ui, sans-serif; background: #f4f6f8; }
.accordmap-legend { background: rgba(255,255,255,.92); padding: 4px 6px; border: 1px solid #999;
  border-radius: 4px; max-width: 240px; font-size: 11px; line-height: 1.25; }
.accordmap-legend summary { font-weight: bold; font-size: 12px; cursor: pointer; }
.accordmap-legend details[open] summary { margin-bottom: 3px; }
.accordmap-legend summary:focus-visible { outline: 2px solid #1f3a93; outline-offset: 1px; }
.accordmap-label { background: none; border: none; }
.accordmap-label span { position: absolute; white-space: nowrap; color: #1a1a1a; font-size: 12px; line-height: 1.1;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff, 0 0 4px #fff; }
.accordmap-label-area span { transform: translate(-50%, -50%); font-style: italic; color: #3d3d3d; }
.accordmap-label-point span { transform: translate(7px, -50%); font-weight: 600; }
.accordmap-label-point.accordmap-label-left span { transform: translate(calc(-100% - 7px), -50%); }
.leaflet-control-layers-expanded { max-width: 300px; }
.accordmap-legend { max-height: 55vh; overflow-y: auto; }  /* vh: the map's own frame */
.accordmap-label-line span { transform: translate(-50%, -120%); font-size: 11px; }
.accordmap-legend .row { display: flex; align-items: center; gap: 5px; margin: 1px 0; }
.leaflet-control-attribution { font-size: 10px; max-width: 70%; }
.leaflet-container .leaflet-control-layers { font-size: 12px; line-height: 1.3; }
.accordmap-legend svg { flex: none; }
.accordmap-legend .note { margin-top: 4px; font-size: 11px; color: #333; }
"""


class Raw(Element):
    """Trusted HTML written as it is (a plain branca Element would parse it as a Jinja template)."""

    def __init__(self, html: str):
        super().__init__()
        self.html = html

    def render(self, **kwargs) -> str:
        return self.html


_DOCUMENT = Template(
    "<!DOCTYPE html>\n"
    '<html lang="en">\n'
    "<head>\n"
    '<meta charset="utf-8">\n'
    "<title>{{ this.title_html }}</title>\n"
    "    {{ this.header.render(**kwargs) }}\n"
    "</head>\n"
    "<body>\n"
    "    {{ this.html.render(**kwargs) }}\n"
    "</body>\n"
    "<script>\n"
    "    {{ this.script.render(**kwargs) }}\n"
    "</script>\n"
    "</html>\n"
)


def set_document(m: folium.Map, title: str) -> folium.Map:
    """The map's own HTML document (the frame's srcdoc) in English, with a ``<title>``.

    folium writes the document from branca's Figure template, which has neither; its title is not
    escaped either, so the title is written already escaped from this template.
    """
    root = m.get_root()
    root._template = _DOCUMENT
    root.title_html = escape.html_text(title)
    root.header._children.pop("meta_http", None)  # replaced by <meta charset> first in <head>
    return m


def make_offline(m: folium.Map) -> folium.Map:
    """Replace folium's CDN links with inlined Leaflet/jQuery; drop assets the reports don't use."""
    m.default_js = []
    m.default_css = []
    m.get_root().header.add_child(Raw(inline_assets_html()), name="accordmap_assets", index=0)
    return m
