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
data are isolated (``<bdi>``, ``dir="auto"``) so right-to-left text keeps its own direction.
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
import xstatic.pkg.jquery
import xstatic.pkg.leaflet
from branca.element import Element, MacroElement
from jinja2 import Template
from markupsafe import Markup

from accordmap import escape, models
from accordmap.geometry import AgreementGeometry, Zone
from accordmap.load import Dataset
from accordmap.markup import isolate, zone_name

# Zone colours/dashes differ in lightness and pattern, so they read in grayscale and print.
ZONE_STYLES = [
    {"color": "#7b1fa2", "fillColor": "#7b1fa2", "fillOpacity": 0.35, "weight": 2},
    {"color": "#7b1fa2", "fillColor": "#ce93d8", "fillOpacity": 0.25, "weight": 2, "dashArray": "6 4"},
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
.leaflet-container { font: 13px/1.4 system-ui, sans-serif; background: #f4f6f8; }
.accordmap-legend { background: rgba(255,255,255,.92); padding: 4px 6px; border: 1px solid #999;
  border-radius: 4px; max-width: 240px; font-size: 11px; line-height: 1.25; }
.accordmap-legend h4 { margin: 0 0 3px; font-size: 12px; }
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


def _popup_html(title: object, rows: list[tuple[object, object]]) -> Markup:
    """Title and a key/value table; values are isolated, so each keeps its own direction."""
    body = Markup("").join(
        Markup('<tr><th scope="row" dir="auto">{}</th><td dir="auto">{}</td></tr>').format(
            escape.html_text(key), escape.html_text(value))
        for key, value in rows if _shown(value))
    return Markup('<strong>{}</strong><table class="popup">{}</table>').format(isolate(title), body)


def _popup(title: object, rows: list[tuple[object, object]]) -> folium.Popup:
    return folium.Popup(escape.folium_html(_popup_html(title, rows)), max_width=320)


def _tooltip(html: Markup) -> folium.Tooltip:
    return folium.Tooltip(escape.folium_html(html))


def _feature_label(layer: models.Layer, props: dict, fallback: str) -> str:
    value = props.get(layer.name_property) if layer.name_property else None
    return str(value) if _shown(value) else fallback


def _approximate(note: object) -> Markup:
    return Markup("approximate: {}").format(isolate(note))


def _add_layer(m: folium.Map, layer: models.Layer, frame: gpd.GeoDataFrame, metric_crs) -> None:
    group = folium.FeatureGroup(name=escape.folium_html(isolate(layer.title)), show=layer.style.shown)
    shown = _display_frame(frame, metric_crs)
    style = _checked_style(_layer_style(layer))
    for _, row in shown.iterrows():
        props = {k: v for k, v in row.items() if k != "geometry"}
        label = _feature_label(layer, props, layer.title)
        popup_rows: list[tuple[object, object]] = [(key, props.get(key)) for key in layer.popup_properties]
        if layer.accuracy == "approximate":
            popup_rows.append(("accuracy", _approximate(layer.accuracy_note)))
        if layer.kind == "point":
            marker_style = {**style, "fill": True, "fillOpacity": layer.style.fill_opacity or 0.8}
            for point in getattr(row.geometry, "geoms", [row.geometry]):
                marker = folium.CircleMarker(location=(point.y, point.x), radius=layer.style.radius,
                                             popup=_popup(label, popup_rows), tooltip=_tooltip(isolate(label)))
                marker.add_child(_PathStyle(marker_style))
                marker.add_to(group)
        else:
            feature = folium.GeoJson(
                shapely.geometry.mapping(row.geometry),
                popup=_popup(label, popup_rows),
                tooltip=_tooltip(isolate(label)),
                smooth_factor=1.0,
            )
            feature.add_child(_PathStyle(style))
            feature.add_to(group)
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


def _zone_label(zone: Zone) -> Markup:
    return zone_name(zone) + " (computed, approximate)"


def legend_entries(dataset: Dataset, agreement: models.Agreement, geometry: AgreementGeometry) -> list[LegendEntry]:
    """What the legend shows, in drawing order: the agreement's layers, then the computed zones."""
    entries = []
    for layer_id in agreement.map_layers:
        layer = dataset.layers[layer_id]
        entries.append(LegendEntry(layer.title, layer.kind, {**_layer_style(layer), "radius": layer.style.radius}))
    entries += [LegendEntry(_zone_label(zone), "area", style) for zone, style in _styled_zones(geometry)]
    return entries


def build_map(
    dataset: Dataset,
    agreement: models.Agreement,
    geometry: AgreementGeometry,
    basemap: str | None = None,
    height: int = 560,
    layers_open: bool = False,
) -> folium.Map:
    """The agreement's map: its layers, the computed zones, a legend, scale and attributions."""
    tiles = None if basemap in (None, "", "none") else ("OpenStreetMap" if basemap == "osm" else basemap)
    m = folium.Map(tiles=tiles, control_scale=True, height=height, prefer_canvas=False, zoom_snap=0.25)
    make_offline(m)
    layers = dataset.layers

    for layer_id in agreement.map_layers:
        _add_layer(m, layers[layer_id], dataset.layer_frame(layer_id), geometry.crs)

    zones = geometry.zones_frame(to_crs=None)
    for zone, style in _styled_zones(geometry):
        display = _display_frame(zones[zones["name"] == zone.name], geometry.crs)
        inputs = Markup(", ").join(isolate(layers[r].title) for r in _zone_inputs(agreement, zone.provision_id))
        area = f"{zone.area_km2:,.0f} km²"
        feature = folium.GeoJson(
            shapely.geometry.mapping(display.geometry.iloc[0]),
            name=escape.folium_html(_zone_label(zone)),
            tooltip=_tooltip(Markup("{}: {}").format(zone_name(zone), area)),
            popup=_popup(zone_name(zone), [
                ("area", area),
                ("computed from", inputs),
                ("accuracy", f"approximate: boundaries ±{geometry.accuracy_km:g} km typical" if geometry.accuracy_km else None),
            ]),
        )
        feature.add_child(_PathStyle(_checked_style(style)))
        feature.add_to(m)

    rows = Markup("").join(
        # the label in one <span>: the row is a flex box, whose every child would be a separate item
        Markup('<div class="row">{}<span>{}</span></div>').format(
            _swatch(e.style, e.kind), e.label if isinstance(e.label, Markup) else isolate(e.label))
        for e in legend_entries(dataset, agreement, geometry))
    note = Markup("")
    if geometry.accuracy_km:
        note = Markup('<div class="note"><strong>Approximate:</strong> the lines and zones are estimates, '
                      "typically ±{:g} km, worse in places.</div>").format(geometry.accuracy_km)
    _MapControl(Markup("<h4>Legend</h4>{}{}").format(rows, note)).add_to(m)
    _Attribution(list(dict.fromkeys(layers[i].attribution for i in agreement.map_layers))).add_to(m)
    folium.LayerControl(collapsed=not layers_open).add_to(m)

    # open on the zones with a margin of context around them
    bounds_frame = zones if not zones.empty else dataset.layer_frame(agreement.map_layers[-1]).to_crs(geometry.crs)
    x0, y0, x1, y1 = bounds_frame.total_bounds
    margin = 0.15 * max(x1 - x0, y1 - y0)
    corners = gpd.GeoSeries(shapely.points([x0 - margin, x1 + margin], [y0 - margin, y1 + margin]), crs=geometry.crs)
    (lon0, lat0), (lon1, lat1) = shapely.get_coordinates(corners.to_crs(4326).values)
    m.fit_bounds([[round(lat0, COORD_DECIMALS), round(lon0, COORD_DECIMALS)],
                  [round(lat1, COORD_DECIMALS), round(lon1, COORD_DECIMALS)]])
    return m


def _zone_inputs(agreement: models.Agreement, provision_id: str) -> list[str]:
    geo = next(p.geography for p in agreement.provisions if p.id == provision_id)
    return [ref.layer for ref in (geo.along, geo.within) if ref is not None]


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
                L.circleMarker([p[0], p[1]], Object.assign({radius: p[2], fill: true}, styles[p[3]]))
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


def add_event_places(m: folium.Map, places, *, title: str, credit: str, rules: str, edge_km: float) -> folium.Map:
    """Add conflict events to the map as one circle per place, sized by its events (no clustering
    script, so nothing is loaded from a CDN), in one toggleable layer with its own legend.

    ``places`` has one row per place and point, as ``Compliance.top_places`` gives it (``place``,
    ``lon``, ``lat`` and the figure columns). A place with events inside the zone is dark; one with
    events only within the edge error is light and dashed. Text from the event file reaches the
    page only escaped: popups through :class:`_EventCircles`, the layer's name through
    :func:`~accordmap.escape.folium_html`.
    """
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
    _layer_control_last(m)
    legend = Markup("").join(
        Markup('<div class="row">{}<span>{}</span></div>').format(_swatch(EVENT_STYLES[kind], "point"), text)
        for kind, text in (("inside", "place with events inside the zone"),
                           ("edge", f"place with events only within {edge_km:g} km of the edge")))
    _MapControl(Markup("<h4>{}</h4>{}<div class=\"note\">Circle size: number of events. Click a circle for its "
                       "figures. Counted: {}.</div>").format(isolate(title), legend, rules),
                position="bottomright").add_to(m)
    _Attribution([credit]).add_to(m)
    return m


def _layer_control_last(m: folium.Map) -> None:
    """Move the layer control after every layer: its script names each layer's variable, so a layer
    added after it (as the events are, to a finished map) would be undefined when the control is made."""
    for key in [k for k, child in m._children.items() if isinstance(child, folium.LayerControl)]:
        m.add_child(m._children.pop(key), name=key)
