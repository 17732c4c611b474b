"""The Leaflet elements accordmap adds to folium maps, and the panes that order what is drawn.

Each element is a branca ``MacroElement`` with its script template; text from data reaches them as
script-safe JSON (:func:`accordmap.views.escape.script_json`).
"""

from __future__ import annotations

from branca.element import MacroElement
from jinja2 import Template
from markupsafe import Markup
from accordmap.views import escape
from accordmap.views.markup import isolate

#: Leaflet panes, bottom to top: what each map draws in which (names through :func:`pane_name`)
PANES = {"areas": 410, "zones": 420, "lines": 430, "events": 435, "points": 440, "labels": 450}


def pane_name(key: str) -> str:
    """The Leaflet pane id for ``key`` (one of :data:`PANES`)."""
    return f"accordmap-{key}"


# --- legend, attribution, styles -----------------------------------------------------------


class MapControl(MacroElement):
    """A Leaflet control holding HTML built here by :mod:`accordmap.views.markup` from escaped parts."""

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


class Attribution(MacroElement):
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


class PathStyle(MacroElement):
    """Styles its parent (a GeoJson layer or a CircleMarker) with ``setStyle``.

    folium's ``style_function`` writes its result with plain ``json.dumps`` (``<`` unescaped) and
    re-renders it as Jinja; here every value is a checked token and the object is written with
    :func:`accordmap.views.escape.script_json`.
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


class ShapeName(MacroElement):
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


class Labels(MacroElement):
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


class View(MacroElement):
    """The first view, set after every layer and control exists.

    The view fits the zones in the part of the map no control covers: for each control, the
    script reserves its width (on its side) or its height (at the top or bottom), whichever leaves
    the larger zoom. It then places the labels (:class:`Labels`). It also moves the controls
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


class EventCircles(MacroElement):
    """Circle markers added to the parent layer group from one compact list (a folium element per
    marker would cost about 2 kB each; a zone has hundreds of places).

    Each item is ``[lat, lon, radius, style key, popup HTML, name]``; ``name`` (plain text) is the circle's
    accessible name, as :class:`ShapeName` gives other shapes, set as an attribute. The popup is built by
    :func:`popup_html` from escaped parts and the list is written with
    :func:`~accordmap.views.escape.script_json`, so data text stays text in the script and in folium's
    second (Jinja) rendering; Leaflet sets the popup HTML as it is.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var styles = {{ this.styles_json }};
            {{ this.items_json }}.forEach(function(p) {
                var circle = L.circleMarker([p[0], p[1]], Object.assign({radius: p[2], fill: true, pane: {{ this.pane_js }}}, styles[p[3]]))
                    .bindPopup(p[4], {maxWidth: 320});
                function mark() {
                    var el = circle.getElement && circle.getElement();
                    if (el) { el.setAttribute('role', 'img'); el.setAttribute('aria-label', p[5]); }
                }
                circle.on('add', mark);
                circle.addTo({{ this._parent.get_name() }});
                mark();
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
