"""Geometry -> the report's folium map, self-contained and offline.

The map carries its own Leaflet and jQuery (inlined from the ``xstatic-leaflet`` and
``xstatic-jquery`` wheels): nothing is requested from the network unless the reader asked for an
online basemap.

Nothing from the data reaches the map page except through :mod:`accordmap.escape`: folium
pastes popup and tooltip HTML into JavaScript template literals and layer names into the layer
control's HTML, and renders its scripts a second time as Jinja, so those strings go through
:func:`~accordmap.escape.folium_html`; the legend and attribution are HTML in
:func:`~accordmap.escape.js_string`; path styles are checked tokens
(:func:`~accordmap.escape.css_value`) applied with :func:`~accordmap.escape.script_json`, not
folium's ``style_function`` (whose output folium writes with plain ``json.dumps``). Names from
data are isolated (``<bdi>``, ``dir="auto"``) so right-to-left text keeps its own direction; text in
Arabic or Hebrew script is also marked ``lang`` and ``dir="rtl"`` (see :func:`text_lang`). Names written on the map and
the names of shapes reach their script as JSON (:func:`~accordmap.escape.script_json`) and are set
as ``textContent`` and ``aria-label``, never as HTML.

Reading order on the map follows meaning: Leaflet panes (:data:`PANES`) stack areas, then the
computed zones, then lines, then conflict events, then points, then labels, so a zone never takes
the hover or click of a town, a post or a line. Names are written on the map for the layers whose
catalog entry has a ``label`` (:class:`~accordmap.models.LayerLabel`); a small script shows each
from its ``min_zoom`` on, at the first of its spots where it overlaps no name of higher priority
and no control, and hides it where there is none. The same
script fits the first view so that no control (legend, layer list) covers the zones. Shapes with a
name are announced by it (``aria-label``); shapes without one are left out of the tab order.
"""

from __future__ import annotations

import base64
import functools
import re
from dataclasses import dataclass

import folium
import geopandas as gpd
import numpy as np
import shapely
import shapely.ops
import xstatic.pkg.jquery
import xstatic.pkg.leaflet
from branca.element import Element, MacroElement
from jinja2 import Template
from markupsafe import Markup

from accordmap import escape, models, wording
from accordmap.geometry import AgreementGeometry, Zone
from accordmap.load import Dataset
from accordmap.markup import isolate, script_lang, zone_name

# Zone colours/dashes differ in lightness and pattern, so they read in grayscale and print.
ZONE_STYLES = [
    {"color": "#7b1fa2", "fillColor": "#7b1fa2", "fillOpacity": 0.35, "weight": 2},
    {"color": "#7b1fa2", "fillColor": "#ce93d8", "fillOpacity": 0.25, "weight": 2, "dashArray": "6 4"},
    # a third zone (e.g. a band by sector beside the agreed depths): dotted, fainter
    {"color": "#4a148c", "fillColor": "#e1bee7", "fillOpacity": 0.1, "weight": 2.5, "dashArray": "2 4"},
]
DISPLAY_TOLERANCE_M = 150  # simplification for display only; figures use exact geometry
COORD_DECIMALS = 5  # about 1 m


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
def _inline_assets_html() -> str:
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


class _Raw(Element):
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
    m.get_root().header.add_child(_Raw(_inline_assets_html()), name="accordmap_assets", index=0)
    return m


# --- legend, attribution, styles -----------------------------------------------------------


class _MapControl(MacroElement):
    """A Leaflet control holding HTML built here by :mod:`accordmap.markup` from escaped parts."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var control = L.control({position: {{ this.position_js }}});
            control.onAdd = function() {
                var div = L.DomUtil.create('div', {{ this.css_class_js }});
                div.innerHTML = {{ this.html_js }};
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            control.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, html_content: Markup, position: str = "bottomleft", css_class: str = "accordmap-legend"):
        super().__init__()
        self._name = "MapControl"
        self.position_js = escape.js_string(position)
        self.css_class_js = escape.js_string(css_class)
        self.html_js = escape.js_string(escape.html_text(html_content))


class _Attribution(MacroElement):
    """Credit lines in Leaflet's attribution control (which shows them as HTML)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.html_js }});
        {% endmacro %}
        """
    )

    def __init__(self, credits: list[str]):
        super().__init__()
        self._name = "Attribution"
        self.html_js = escape.js_string(Markup(" | ").join(isolate(c) for c in credits))


class _PathStyle(MacroElement):
    """Styles its parent (a GeoJson layer or a CircleMarker) with ``setStyle``.

    folium's ``style_function`` writes its result with plain ``json.dumps`` (``<`` unescaped) and
    re-renders it as Jinja; here every value is a checked token and the object is written with
    :func:`accordmap.escape.script_json`.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.setStyle({{ this.style_json }});
        {% endmacro %}
        """
    )

    def __init__(self, style: dict):
        super().__init__()
        self._name = "PathStyle"
        self.style_json = escape.script_json(style)


class _ShapeName(MacroElement):
    """Names its parent's shapes for assistive technology, or takes nameless ones out of the tab order.

    Leaflet listens for focus on every shape with a tooltip, which makes Chromium put each SVG path
    in the tab order. A shape with a name from the data gets ``role="img"`` and ``aria-label`` (its
    tooltip also opens on focus); a shape without one gets ``tabindex="-1"``. Leaflet creates a
    path's element each time its layer is shown, so this runs on every ``add``.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var name = {{ this.name_js }};
            function mark(layer) {
                var el = layer.getElement && layer.getElement();
                if (!el) return;
                if (name) { el.setAttribute('role', 'img'); el.setAttribute('aria-label', name); }
                else { el.setAttribute('tabindex', '-1'); }
            }
            function watch(layer) { layer.on('add', function() { mark(layer); }); mark(layer); }
            var target = {{ this._parent.get_name() }};
            if (target.eachLayer) { target.eachLayer(watch); } else { watch(target); }
        })();
        {% endmacro %}
        """
    )

    def __init__(self, name: str | None):
        super().__init__()
        self._name = "ShapeName"
        self.name_js = escape.script_json(name)


def _checked_style(style: dict) -> dict:
    """Leaflet path options with every value a checked token (colour, number, dash pattern)."""
    kinds = {"color": "color", "fillColor": "color", "dashArray": "dash"}
    checked: dict = {}
    for key, value in style.items():
        if isinstance(value, bool):
            checked[key] = value
        elif key in kinds:
            checked[key] = escape.css_value(value, kinds[key])
        else:
            checked[key] = float(escape.css_value(value, "number"))
    return checked


def _swatch(style: dict, kind: str) -> Markup:
    """The legend's sample of a layer: an SVG dot, line or box in the layer's checked style."""
    style = _checked_style(style)
    color = style.get("color", "#555555")
    fill = style.get("fillColor", color)
    opacity = style.get("fillOpacity", 0.0)
    dash = Markup(' stroke-dasharray="{}"').format(style["dashArray"]) if style.get("dashArray") else Markup("")
    if kind == "point":
        shape = Markup('<circle cx="9" cy="7" r="5" fill="{}" fill-opacity="{:g}" stroke="{}"/>').format(
            fill, max(opacity, 0.6), color)
    elif kind == "line":
        shape = Markup('<line x1="1" y1="7" x2="17" y2="7" stroke="{}" stroke-width="3"{}/>').format(color, dash)
    else:
        shape = Markup('<rect x="1" y="2" width="16" height="10" fill="{}" fill-opacity="{:g}" stroke="{}" '
                       'stroke-width="1.5"{}/>').format(fill, max(opacity, 0.15), color, dash)
    return Markup('<svg width="18" height="14" aria-hidden="true">{}</svg>').format(shape)


def _layer_style(layer: models.Layer) -> dict:
    style = {"color": layer.style.color, "weight": layer.style.weight, "fillColor": layer.style.color,
             "fillOpacity": layer.style.fill_opacity}
    if layer.style.dash:
        style["dashArray"] = layer.style.dash
    return style


# --- panes and labels -----------------------------------------------------------------------

# Leaflet's own overlay pane is at 400, markers at 600, tooltips at 650 and popups at 700.
# Conflict events (add_event_places) lie between the lines and the towns and posts they may hide.
PANES = {"areas": 410, "zones": 420, "lines": 430, "events": 435, "points": 440, "labels": 450}
_KIND_PANE = {"area": "areas", "line": "lines", "point": "points"}


def pane_name(key: str) -> str:
    """The Leaflet pane id for ``key`` (one of :data:`PANES`)."""
    return f"accordmap-{key}"


def _add_panes(m: folium.Map) -> None:
    """The panes of :data:`PANES`, once per map, before the first shape that uses them."""
    # pointer_events=False: the pane lets events through; Leaflet's CSS gives them back to its
    # interactive shapes, so a shape takes only the events over its own painted area
    for key, z_index in PANES.items():
        if f"accordmap_pane_{key}" not in m._children:
            m.add_child(folium.map.CustomPane(pane_name(key), z_index=z_index, pointer_events=False),
                        name=f"accordmap_pane_{key}")


def text_lang(value: object) -> str | None:
    """``"ar"`` or ``"he"`` for text written in that script only (:func:`accordmap.markup.script_lang`, the
    one rule for the page and the map), else None; a screen reader then reads it with that voice, and
    the text is laid out right to left."""
    return script_lang(None if value is None else str(value))


class _Labels(MacroElement):
    """Names written on the map for one layer: a non-interactive DivIcon per feature in the labels
    pane, added to the layer's group (hidden with it in the layer list).

    Each item is ``[spots, text, lang]``: ``spots`` are the ``[lat, lon]`` where the name may go,
    best first (a point's name goes right of it, else left of it). The text is set as
    ``textContent``, never as HTML.

    Placement (``map.accordmapPlace``, defined by the first labels of a map): names are shown in
    priority order, each from its ``min_zoom``, at its first spot inside the map where it overlaps
    no control and no name already shown, else hidden. It runs once the page's scripts have run,
    and again after every move, zoom, layer switch and legend toggle.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this.map_name }};
            var labels = map.accordmapLabels = map.accordmapLabels || [];
            if (!map.accordmapPlace) {
                var overlaps = function(a, b) {
                    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
                };
                var inside = function(a, b) {
                    return a.left >= b.left && a.right <= b.right && a.top >= b.top && a.bottom <= b.bottom;
                };
                map.accordmapPlace = function() {
                    var zoom = map.getZoom(), size = map.getContainer().getBoundingClientRect(), taken = [];
                    map.getContainer().querySelectorAll('.leaflet-control').forEach(function(el) {
                        var r = el.getBoundingClientRect();
                        if (r.width > 0 && r.height > 0) { taken.push(r); }
                    });
                    var shown = labels.filter(function(m) { return m._map && m.getElement(); });
                    shown.sort(function(a, b) {
                        return (b.accordmapLabel.priority - a.accordmapLabel.priority) || (a.accordmapLabel.order - b.accordmapLabel.order);
                    });
                    shown.forEach(function(m) {
                        var el = m.getElement(), spec = m.accordmapLabel, placed = false;
                        for (var i = 0; i < spec.spots.length && !placed && zoom >= spec.minZoom; i++) {
                            var spot = spec.spots[i];
                            if (!m.getLatLng().equals(spot.latlng)) { m.setLatLng(spot.latlng); }
                            el.classList.toggle('accordmap-label-left', spot.left);
                            var r = el.firstChild.getBoundingClientRect();
                            var box = {left: r.left - 3, right: r.right + 3, top: r.top - 2, bottom: r.bottom + 2};
                            placed = r.width > 0 && inside(box, size) && !taken.some(function(t) { return overlaps(t, box); });
                            if (placed) { taken.push(box); }
                        }
                        el.style.visibility = placed ? '' : 'hidden';
                    });
                };
                map.on('zoomend moveend overlayadd overlayremove resize', map.accordmapPlace);
                map.getContainer().addEventListener('toggle', map.accordmapPlace, true);
                setTimeout(map.accordmapPlace, 0);  // after every layer and control is made
            }
            {{ this.items_json }}.forEach(function(p) {
                var span = document.createElement('span');
                span.textContent = p[1];
                span.setAttribute('dir', p[2] ? 'rtl' : 'auto');  // p[2]: 'ar' or 'he', right to left
                if (p[2]) { span.setAttribute('lang', p[2]); }
                var spots = [];
                p[0].forEach(function(spot) {
                    spots.push({latlng: L.latLng(spot), left: false});
                    if ({{ this.both_sides }}) { spots.push({latlng: L.latLng(spot), left: true}); }
                });
                var marker = L.marker(spots[0].latlng, {
                    icon: L.divIcon({className: {{ this.css_class_js }}, html: span, iconSize: null}),
                    pane: {{ this.pane_js }}, interactive: false, keyboard: false});
                marker.accordmapLabel = {minZoom: {{ this.min_zoom }}, priority: {{ this.priority }}, order: labels.length,
                                         spots: spots};
                labels.push(marker);
                marker.addTo({{ this._parent.get_name() }});
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, map_name: str, items: list[list], kind: str, min_zoom: float, priority: int):
        super().__init__()
        self._name = "Labels"
        self.map_name = map_name
        self.items_json = escape.script_json(items)
        self.css_class_js = escape.js_string(f"accordmap-label accordmap-label-{kind}")
        self.pane_js = escape.js_string(pane_name("labels"))
        self.both_sides = "true" if kind == "point" else "false"
        self.min_zoom = escape.css_value(float(min_zoom), "number")
        self.priority = escape.css_value(int(priority), "number")


LABEL_GRID = 3  # an area's name may go in any of 3 x 3 cells of the first view it fills enough
MAX_SPOTS = 6


def _parts(geometry, kind: str) -> list:
    return [g for g in getattr(geometry, "geoms", [geometry]) if g.geom_type == kind and not g.is_empty]


def _label_spots(geometry, view: shapely.Polygon) -> list:
    """Where a feature's name may go, best first: a point itself; the middle, then the quarters,
    of a line's longest part in view; for an area, the point farthest inside its largest part in
    the first view, then the same in each cell of that view the area fills at least a tenth of
    (an area out of view: the point farthest inside its largest part)."""
    if geometry.geom_type == "Point":
        return [geometry]
    visible = geometry.intersection(view)
    if geometry.geom_type in ("LineString", "MultiLineString"):
        lines = _parts(visible, "LineString") or _parts(geometry, "LineString")
        longest = max(lines, key=lambda g: g.length)
        return [longest.interpolate(f, normalized=True) for f in (0.5, 0.25, 0.75)]
    polygons = _parts(visible, "Polygon") or _parts(geometry, "Polygon")
    spots = [shapely.ops.polylabel(max(polygons, key=lambda g: g.area), tolerance=0.005)]
    x0, y0, x1, y1 = view.bounds
    w, h = (x1 - x0) / LABEL_GRID, (y1 - y0) / LABEL_GRID
    cells = []
    for i in range(LABEL_GRID):
        for j in range(LABEL_GRID):
            cell = shapely.box(x0 + i * w, y0 + j * h, x0 + (i + 1) * w, y0 + (j + 1) * h)
            pieces = _parts(visible.intersection(cell), "Polygon")
            if pieces and sum(p.area for p in pieces) >= 0.1 * cell.area:
                largest = max(pieces, key=lambda g: g.area)
                cells.append((largest.area, shapely.ops.polylabel(largest, tolerance=0.005)))
    spots += [point for _, point in sorted(cells, key=lambda c: -c[0])]
    return spots[:MAX_SPOTS]


def _label_items(layer: models.Layer, frame: gpd.GeoDataFrame, view: shapely.Polygon) -> list[list]:
    key = layer.label.property or layer.name_property
    items = []
    for _, row in frame.iterrows():
        text = row.get(key)
        if not _shown(text) or row.geometry is None or row.geometry.is_empty:
            continue
        spots = [[round(p.y, COORD_DECIMALS), round(p.x, COORD_DECIMALS)] for p in _label_spots(row.geometry, view)]
        items.append([spots, str(text), text_lang(text)])
    return items


class _View(MacroElement):
    """The first view, set after every layer and control exists.

    The view fits the zones in the part of the map no control covers: for each control, the
    script reserves its width (on its side) or its height (at the top or bottom), whichever leaves
    the larger zoom. It then places the labels (:class:`_Labels`). It also moves the controls
    before the map's shapes in the document, so the keyboard reaches the layer list and legend
    first.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var target = L.latLngBounds({{ this.bounds_json }});
            var margin = 10;
            function controlBoxes() {
                var boxes = [];
                map.getContainer().querySelectorAll('.leaflet-control').forEach(function(el) {
                    var r = el.getBoundingClientRect();
                    if (r.width > 0 && r.height > 0) { boxes.push(r); }
                });
                return boxes;
            }
            function fit() {
                var size = map.getSize();
                if (!size.x || !size.y) { return; }
                var box = map.getContainer().getBoundingClientRect();
                var sides = controlBoxes().map(function(r) {
                    var onLeft = r.left - box.left < box.right - r.right, onTop = r.top - box.top < box.bottom - r.bottom;
                    return [onLeft ? ['l', r.right - box.left] : ['r', box.right - r.left],
                            onTop ? ['t', r.bottom - box.top] : ['b', box.bottom - r.top]];
                });
                var best = null;
                for (var mask = 0; mask < (1 << sides.length); mask++) {
                    var pad = {l: margin, t: margin, r: margin, b: margin};
                    sides.forEach(function(side, i) {
                        var s = side[(mask >> i) & 1];
                        pad[s[0]] = Math.max(pad[s[0]], s[1] + margin);
                    });
                    var tl = L.point(pad.l, pad.t), br = L.point(pad.r, pad.b);
                    if (tl.x + br.x >= size.x || tl.y + br.y >= size.y) { continue; }
                    var zoom = map.getBoundsZoom(target, false, tl.add(br));
                    if (!best || zoom > best.zoom) { best = {zoom: zoom, tl: tl, br: br}; }
                }
                if (best) { map.fitBounds(target, {paddingTopLeft: best.tl, paddingBottomRight: best.br, animate: false}); }
            }
            // the controls first in the keyboard's order, before the map's (many) named shapes
            var container = map.getContainer();
            container.insertBefore(map._controlContainer, container.firstChild);
            fit();
            if (map.accordmapPlace) { map.accordmapPlace(); }
        })();
        {% endmacro %}
        """
    )

    def __init__(self, bounds: list[list[float]]):
        super().__init__()
        self._name = "View"
        self.bounds_json = escape.script_json(bounds)


# --- the map --------------------------------------------------------------------------------


def _display_frame(frame: gpd.GeoDataFrame, metric_crs) -> gpd.GeoDataFrame:
    """Simplified (about 150 m) and rounded to 5 decimals: small pages, same picture."""
    if frame.empty or frame.geom_type.isin(["Point", "MultiPoint"]).all():
        simplified = frame.to_crs(4326)
    else:
        simplified = frame.to_crs(metric_crs)
        simplified = simplified.set_geometry(simplified.simplify(DISPLAY_TOLERANCE_M)).to_crs(4326)
    # np.round, not set_precision: a snapped float may still print as 36.633930000000004
    rounded = shapely.transform(simplified.geometry.values, lambda xy: np.round(xy, COORD_DECIMALS))
    return simplified.set_geometry(rounded)


def _shown(value: object) -> bool:
    return value is not None and str(value) not in ("", "nan")


def _cell(value: object) -> Markup:
    """A popup value cell: ``lang="ar" dir="rtl"`` on text in Arabic script, ``dir="auto"`` otherwise."""
    lang = None if isinstance(value, Markup) else text_lang(value)
    if lang:
        return Markup('<td lang="{}" dir="rtl">{}</td>').format(lang, escape.html_text(value))
    return Markup('<td dir="auto">{}</td>').format(escape.html_text(value))


def _popup_html(title: object, rows: list[tuple[object, object]]) -> Markup:
    """Title and a key/value table; values are isolated, so each keeps its own direction."""
    body = Markup("").join(
        Markup('<tr><th scope="row" dir="auto">{}</th>{}</tr>').format(escape.html_text(key), _cell(value))
        for key, value in rows if _shown(value))
    title_html = title if isinstance(title, Markup) else isolate(title)
    return Markup('<strong>{}</strong><table class="popup">{}</table>').format(title_html, body)


def _popup(title: object, rows: list[tuple[object, object]]) -> folium.Popup:
    return folium.Popup(escape.folium_html(_popup_html(title, rows)), max_width=320)


def _tooltip(html: Markup) -> folium.Tooltip:
    return folium.Tooltip(escape.folium_html(html))


def _feature_name(layer: models.Layer, props: dict) -> str | None:
    """The feature's own name (its ``name_property``), or None."""
    value = props.get(layer.name_property) if layer.name_property else None
    return str(value) if _shown(value) else None


def _approximate(note: object) -> Markup:
    return Markup("approximate: {}").format(isolate(note))


def _add_layer(m: folium.Map, layer: models.Layer, frame: gpd.GeoDataFrame, metric_crs,
               view: shapely.Polygon | None = None) -> None:
    """One catalog layer as a toggleable group in its pane, with its names if it has a ``label``
    (placed in the first ``view``, a lon/lat box; default: the layer's ``region``)."""
    _add_panes(m)
    view = view if view is not None else shapely.box(*layer.region)
    group = folium.FeatureGroup(name=escape.folium_html(isolate(layer.title)), show=layer.style.shown)
    shown = _display_frame(frame, metric_crs)
    style = _checked_style(_layer_style(layer))
    pane = pane_name(_KIND_PANE[layer.kind])
    for _, row in shown.iterrows():
        props = {k: v for k, v in row.items() if k != "geometry"}
        name = _feature_name(layer, props)
        label = name if name is not None else layer.title
        popup_rows: list[tuple[object, object]] = [(layer.popup_labels.get(key, key), props.get(key))
                                                   for key in layer.popup_properties]
        if layer.accuracy == "approximate":
            popup_rows.append(("accuracy", _approximate(layer.accuracy_note)))
        if layer.kind == "point":
            marker_style = {**style, "fill": True, "fillOpacity": layer.style.fill_opacity or 0.8}
            for point in getattr(row.geometry, "geoms", [row.geometry]):
                marker = folium.CircleMarker(location=(point.y, point.x), radius=layer.style.radius,
                                             popup=_popup(label, popup_rows), tooltip=_tooltip(isolate(label)))
                marker.options["pane"] = pane  # folium's CircleMarker has no pane argument
                marker.add_child(_PathStyle(marker_style))
                marker.add_child(_ShapeName(name))
                marker.add_to(group)
        else:
            feature = folium.GeoJson(
                shapely.geometry.mapping(row.geometry),
                popup=_popup(label, popup_rows),
                tooltip=_tooltip(isolate(label)),
                smooth_factor=1.0,
                pane=pane,
            )
            feature.add_child(_PathStyle(style))
            feature.add_child(_ShapeName(name))
            feature.add_to(group)
    if layer.label is not None:
        items = _label_items(layer, frame.to_crs(4326), view)
        group.add_child(_Labels(m.get_name(), items, layer.kind, layer.label.min_zoom, layer.label.priority))
    group.add_to(m)


@dataclass(frozen=True)
class LegendEntry:
    label: str | Markup  # a layer title from data, or a zone's name built by zone_name()
    kind: str  # "area", "line" or "point"
    style: dict  # Leaflet path options


def _styled_zones(geometry: AgreementGeometry) -> list[tuple[Zone, dict]]:
    """Widest zone first (drawn below), each with its style."""
    ordered = sorted(geometry.zones, key=lambda z: -z.distance_km)
    return [(zone, ZONE_STYLES[index % len(ZONE_STYLES)]) for index, zone in enumerate(ordered)]


def _zone_label(zone: Zone, approximate: bool = True) -> Markup:
    """The zone's name in the legend and layer list: '(computed, approximate)' when computed from an
    approximate layer (:func:`accordmap.wording.approximate_provisions`), else '(computed)'."""
    return zone_name(zone) + (" (computed, approximate)" if approximate else " (computed)")


def zone_definitions(geometry: AgreementGeometry, layers) -> list[str]:
    """The words of each zoned provision whose zones' names do not say all: its exceptions (``except``)
    and its sectors, stated in full under the legend."""
    provisions = dict.fromkeys(z.provision_id for z in geometry.zones)
    geographies = {p.id: p.geography for p in geometry.agreement.provisions}
    return [geometry.describe(layers, pid) for pid in provisions
            if getattr(geographies[pid], "except_", None) or getattr(geographies[pid], "sectors", None)]


def legend_entries(dataset: Dataset, agreement: models.Agreement, geometry: AgreementGeometry) -> list[LegendEntry]:
    """What the legend shows, in drawing order: the agreement's layers, then the computed zones."""
    entries = []
    for layer_id in agreement.map_layers:
        layer = dataset.layers[layer_id]
        entries.append(LegendEntry(layer.title, layer.kind, {**_layer_style(layer), "radius": layer.style.radius}))
    approximate = wording.approximate_provisions(dataset, agreement)
    entries += [LegendEntry(_zone_label(zone, zone.provision_id in approximate), "area", style)
                for zone, style in _styled_zones(geometry)]
    return entries


def build_map(
    dataset: Dataset,
    agreement: models.Agreement,
    geometry: AgreementGeometry,
    basemap: str | None = None,
    height: int = 560,
    layers_open: bool = False,
    title: str | None = None,
) -> folium.Map:
    """The agreement's map: its layers, the computed zones, labels, a legend, scale and attributions.

    ``layers_open``: the layer list starts open (for a large map; a small one keeps it folded).
    ``title``: the map document's ``<title>`` (default: "Map of the <short title>: layers and
    computed zones", as the report's frame is titled).
    """
    tiles = None if basemap in (None, "", "none") else ("OpenStreetMap" if basemap == "osm" else basemap)
    m = folium.Map(tiles=tiles, control_scale=True, height=height, prefer_canvas=False, zoom_snap=0.25)
    make_offline(m)
    set_document(m, title or map_title(agreement))
    _add_panes(m)
    layers = dataset.layers

    zones = geometry.zones_frame(to_crs=None)
    # the first view: the zones with a margin of context around them
    bounds_frame = zones if not zones.empty else dataset.layer_frame(agreement.map_layers[-1]).to_crs(geometry.crs)
    x0, y0, x1, y1 = bounds_frame.total_bounds
    margin = 0.15 * max(x1 - x0, y1 - y0)
    corners = gpd.GeoSeries(shapely.points([x0 - margin, x1 + margin], [y0 - margin, y1 + margin]), crs=geometry.crs)
    (lon0, lat0), (lon1, lat1) = shapely.get_coordinates(corners.to_crs(4326).values)
    view = shapely.box(lon0, lat0, lon1, lat1)
    inner = gpd.GeoSeries(shapely.points([x0, x1], [y0, y1]), crs=geometry.crs).to_crs(4326)
    (ilon0, ilat0), (ilon1, ilat1) = shapely.get_coordinates(inner.values)

    for layer_id in agreement.map_layers:
        _add_layer(m, layers[layer_id], dataset.layer_frame(layer_id), geometry.crs, view)

    approximate = wording.approximate_provisions(dataset, agreement)  # zones computed from approximate layers
    for zone, style in _styled_zones(geometry):
        display = _display_frame(zones[zones["name"] == zone.name], geometry.crs)
        inputs = Markup(", ").join(isolate(layers[r].title) for r in _zone_inputs(agreement, zone.provision_id))
        area = f"{zone.area_km2:,.0f} km²"
        feature = folium.GeoJson(
            shapely.geometry.mapping(display.geometry.iloc[0]),
            name=escape.folium_html(_zone_label(zone, zone.provision_id in approximate)),
            pane=pane_name("zones"),
            tooltip=_tooltip(Markup("{}: {}").format(zone_name(zone), area)),
            popup=_popup(zone_name(zone), [
                ("area", area),
                ("computed from", inputs),
                ("defined as", geometry.describe(layers, zone.provision_id)),
                ("accuracy", f"approximate: boundaries ±{geometry.accuracy_km:g} km typical"
                 if geometry.accuracy_km and zone.provision_id in approximate else None),
            ]),
        )
        feature.add_child(_PathStyle(_checked_style(style)))
        feature.add_child(_ShapeName(zone.name))
        feature.add_to(m)

    rows = Markup("").join(
        # the label in one <span>: the row is a flex box, whose every child would be a separate item
        Markup('<div class="row">{}<span>{}</span></div>').format(
            _swatch(e.style, e.kind), e.label if isinstance(e.label, Markup) else isolate(e.label))
        for e in legend_entries(dataset, agreement, geometry))
    note = Markup("").join(Markup('<div class="note">{}</div>').format(isolate(text))
                           for text in zone_definitions(geometry, layers))
    if accuracy := wording.agreement_map_note(dataset, agreement, geometry):  # from the layers' accuracy
        note += Markup('<div class="note"><strong>Approximate:</strong> {}</div>').format(accuracy)
    # a disclosure, not a heading: the legend sits in the page's heading outline otherwise
    _MapControl(Markup("<details open><summary>Legend</summary>{}{}</details>").format(rows, note)).add_to(m)
    _Attribution(list(dict.fromkeys(layers[i].attribution for i in agreement.map_layers))).add_to(m)
    m.fit_bounds([[round(lat0, COORD_DECIMALS), round(lon0, COORD_DECIMALS)],
                  [round(lat1, COORD_DECIMALS), round(lon1, COORD_DECIMALS)]])
    folium.LayerControl(collapsed=not layers_open).add_to(m)
    # then the view, fitted around the controls, and the labels (see _View)
    m.add_child(_View([[round(ilat0, COORD_DECIMALS), round(ilon0, COORD_DECIMALS)],
                       [round(ilat1, COORD_DECIMALS), round(ilon1, COORD_DECIMALS)]]), name="accordmap_view")
    return m


def map_title(agreement: models.Agreement) -> str:
    """The map's title, for its document and the frame that shows it."""
    return f"Map of the {agreement.short_title}: layers and computed zones"


def _zone_inputs(agreement: models.Agreement, provision_id: str) -> list[str]:
    geo = next(p.geography for p in agreement.provisions if p.id == provision_id)
    return list(dict.fromkeys(ref.layer for _, _, ref in geo.layer_refs()))


# --- conflict events ------------------------------------------------------------------------

EVENT_STYLES = {  # differ in lightness and dash, so they read in grayscale
    "inside": {"color": "#000000", "fillColor": "#262626", "fillOpacity": 0.55, "weight": 1.5},
    "edge": {"color": "#424242", "fillColor": "#bdbdbd", "fillOpacity": 0.45, "weight": 1.5, "dashArray": "3 2"},
}


def event_radius(events: int) -> float:
    """Circle radius in pixels for a place with ``events`` events: area grows with the count."""
    return round(min(24.0, 3.0 + 2.0 * float(np.sqrt(max(events, 0)))), 1)


class _EventCircles(MacroElement):
    """Circle markers added to the parent layer group from one compact list (a folium element per
    marker would cost about 2 kB each; a zone has hundreds of places).

    Each item is ``[lat, lon, radius, style key, popup HTML]``: the popup is built by
    :func:`_popup_html` from escaped parts and the list is written with
    :func:`~accordmap.escape.script_json`, so data text stays text in the script and in folium's
    second (Jinja) rendering; Leaflet sets the popup HTML as it is.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var styles = {{ this.styles_json }};
            {{ this.items_json }}.forEach(function(p) {
                L.circleMarker([p[0], p[1]], Object.assign({radius: p[2], fill: true, pane: {{ this.pane_js }}}, styles[p[3]]))
                    .bindPopup(p[4], {maxWidth: 320}).addTo({{ this._parent.get_name() }});
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, items: list[list], styles: dict):
        super().__init__()
        self._name = "EventCircles"
        self.items_json = escape.script_json(items)
        self.styles_json = escape.script_json(styles)
        self.pane_js = escape.js_string(pane_name("events"))


def add_event_places(m: folium.Map, places, *, title: str, credit: str, rules: str, edge_km: float) -> folium.Map:
    """Add conflict events to the map as one circle per place, sized by its events (no clustering
    script, so nothing is loaded from a CDN), in one toggleable layer with its own legend.

    ``places`` has one row per place and point, as ``Compliance.top_places`` gives it (``place``,
    ``lon``, ``lat`` and the figure columns). A place with events inside the zone is dark; one with
    events only within the edge error is light and dashed. Text from the event file reaches the
    page only escaped: popups through :class:`_EventCircles`, the layer's name through
    :func:`~accordmap.escape.folium_html`.
    """
    _add_panes(m)
    group = folium.FeatureGroup(name=escape.folium_html(isolate(title)), show=True)
    ordered = places.sort_values(["events_high", "events_low"], ascending=False, kind="stable")  # big ones below
    items = []
    for row in ordered.itertuples():
        low, high = int(row.events_low), int(row.events_high)
        events = f"{low:,}" if low == high else f"{low:,} to {high:,}"
        deaths = (f"{int(row.deaths_best_low):,}" if row.deaths_best_low == row.deaths_best_high
                  else f"{int(row.deaths_best_low):,} to {int(row.deaths_best_high):,}")
        popup = _popup_html(Markup("{}: {} event{}").format(isolate(row.place), events, "" if high == 1 else "s"), [
            ("events inside", f"{low:,}"),
            (f"events within {edge_km:g} km of the edge", f"{high - low:,}"),
            ("deaths (best estimates)", deaths),
        ])
        items.append([round(float(row.lat), COORD_DECIMALS), round(float(row.lon), COORD_DECIMALS),
                      event_radius(high), "inside" if low else "edge", str(popup)])
    group.add_child(_EventCircles(items, {kind: _checked_style(style) for kind, style in EVENT_STYLES.items()}))
    group.add_to(m)
    legend = Markup("").join(
        Markup('<div class="row">{}<span>{}</span></div>').format(_swatch(EVENT_STYLES[kind], "point"), text)
        for kind, text in (("inside", "place with events inside the zone"),
                           ("edge", f"place with events only within {edge_km:g} km of the edge")))
    _MapControl(Markup("<details open><summary>{}</summary>{}<div class=\"note\">Circle size: number of events. "
                       "Click a circle for its figures. Counted: {}.</div></details>").format(isolate(title), legend, rules),
                position="bottomright").add_to(m)
    _Attribution([credit]).add_to(m)
    _layer_control_last(m)
    return m


def _layer_control_last(m: folium.Map) -> None:
    """Move the layer control after every layer: its script names each layer's variable, so a layer
    added after it (as the events are, to a finished map) would be undefined when the control is made.
    The view script (:class:`_View`) goes last of all: it measures every control."""
    for kind in (folium.LayerControl, _View):
        for key in [k for k, child in m._children.items() if isinstance(child, kind)]:
            m.add_child(m._children.pop(key), name=key)
