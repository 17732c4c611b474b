"""Geometry -> the report's folium map, self-contained and offline.

The map carries its own Leaflet and jQuery (inlined from the ``xstatic-leaflet`` and
``xstatic-jquery`` wheels): nothing is requested from the network unless the reader asked for an
online basemap. Every string from data is escaped before folium sees it, because folium puts
popup, tooltip and layer names into the page as raw HTML (and tooltips into JS template
literals, hence the extra escaping of backticks and ``$``).
"""

from __future__ import annotations

import base64
import functools
import html
import json
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

from accordmap import models
from accordmap.geometry import AgreementGeometry, Zone
from accordmap.load import Dataset

# Zone colours/dashes differ in lightness and pattern, so they read in grayscale and print.
ZONE_STYLES = [
    {"color": "#7b1fa2", "fillColor": "#7b1fa2", "fillOpacity": 0.35, "weight": 2},
    {"color": "#7b1fa2", "fillColor": "#ce93d8", "fillOpacity": 0.25, "weight": 2, "dashArray": "6 4"},
]
DISPLAY_TOLERANCE_M = 150  # simplification for display only; figures use exact geometry
COORD_DECIMALS = 5  # about 1 m


def escape_text(value: object) -> str:
    """HTML-escape text from data for folium, which pastes it raw into HTML and JS template literals."""
    return html.escape("" if value is None else str(value)).replace("`", "&#96;").replace("$", "&#36;")


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


def make_offline(m: folium.Map) -> folium.Map:
    """Replace folium's CDN links with inlined Leaflet/jQuery; drop assets the reports don't use."""
    m.default_js = []
    m.default_css = []
    m.get_root().header.add_child(Element(_inline_assets_html()), name="accordmap_assets", index=0)
    return m


# --- legend and attribution -----------------------------------------------------------------


class _MapControl(MacroElement):
    """A Leaflet control holding trusted HTML built here from escaped parts."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var control = L.control({position: {{ this.position|tojson }}});
            control.onAdd = function() {
                var div = L.DomUtil.create('div', {{ this.css_class|tojson }});
                div.innerHTML = {{ this.html_json }};
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            control.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, html_content: str, position: str = "bottomleft", css_class: str = "accordmap-legend"):
        super().__init__()
        self._name = "MapControl"
        self.position = position
        self.css_class = css_class
        # JSON inside <script>: also hide '<' so no string can close the script element
        self.html_json = json.dumps(html_content).replace("<", "\\u003c")


class _Attribution(MacroElement):
    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text_json }});
        {% endmacro %}
        """
    )

    def __init__(self, text: str):
        super().__init__()
        self._name = "Attribution"
        self.text_json = json.dumps(escape_text(text)).replace("<", "\\u003c")


def _swatch(style: dict, kind: str) -> str:
    color = style.get("color", "#555")
    fill = style.get("fillColor", color)
    opacity = style.get("fillOpacity", 0)
    dash = style.get("dashArray")
    dash_attr = f' stroke-dasharray="{html.escape(dash)}"' if dash else ""
    if kind == "point":
        shape = f'<circle cx="9" cy="7" r="5" fill="{fill}" fill-opacity="{max(opacity, 0.6)}" stroke="{color}"/>'
    elif kind == "line":
        shape = f'<line x1="1" y1="7" x2="17" y2="7" stroke="{color}" stroke-width="3"{dash_attr}/>'
    else:
        shape = (f'<rect x="1" y="2" width="16" height="10" fill="{fill}" fill-opacity="{max(opacity, 0.15)}" '
                 f'stroke="{color}" stroke-width="1.5"{dash_attr}/>')
    return f'<svg width="18" height="14" aria-hidden="true">{shape}</svg>'


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


def _popup_html(title: str, rows: list[tuple[str, object]]) -> str:
    body = "".join(
        f"<tr><th scope='row'>{escape_text(k)}</th><td>{escape_text(v)}</td></tr>"
        for k, v in rows if v not in (None, "") and str(v) != "nan"
    )
    return f"<strong>{escape_text(title)}</strong><table class='popup'>{body}</table>"


def _feature_label(layer: models.Layer, props: dict, fallback: str) -> str:
    value = props.get(layer.name_property) if layer.name_property else None
    return str(value) if value not in (None, "") else fallback


def _add_layer(m: folium.Map, layer: models.Layer, frame: gpd.GeoDataFrame, metric_crs) -> None:
    group = folium.FeatureGroup(name=escape_text(layer.title), show=layer.style.shown)
    shown = _display_frame(frame, metric_crs)
    style = _layer_style(layer)
    for _, row in shown.iterrows():
        props = {k: v for k, v in row.items() if k != "geometry"}
        label = _feature_label(layer, props, layer.title)
        popup_rows = [(key, props.get(key)) for key in layer.popup_properties]
        if layer.accuracy == "approximate":
            popup_rows.append(("accuracy", f"approximate: {layer.accuracy_note}"))
        popup = folium.Popup(_popup_html(label, popup_rows), max_width=320)
        if layer.kind == "point":
            for point in getattr(row.geometry, "geoms", [row.geometry]):
                folium.CircleMarker(
                    location=(point.y, point.x), radius=layer.style.radius, color=style["color"],
                    weight=layer.style.weight, fill=True, fill_color=style["color"],
                    fill_opacity=layer.style.fill_opacity or 0.8, popup=popup, tooltip=escape_text(label),
                ).add_to(group)
        else:
            folium.GeoJson(
                shapely.geometry.mapping(row.geometry),
                style_function=lambda _f, s=style: s,
                popup=popup,
                tooltip=escape_text(label),
                smooth_factor=1.0,
            ).add_to(group)
    group.add_to(m)


@dataclass(frozen=True)
class LegendEntry:
    label: str
    kind: str  # "area", "line" or "point"
    style: dict  # Leaflet path options


def _styled_zones(geometry: AgreementGeometry) -> list[tuple[Zone, dict]]:
    """Widest zone first (drawn below), each with its style."""
    ordered = sorted(geometry.zones, key=lambda z: -z.distance_km)
    return [(zone, ZONE_STYLES[index % len(ZONE_STYLES)]) for index, zone in enumerate(ordered)]


def _zone_label(zone: Zone) -> str:
    return f"{zone.name} (computed, approximate)"


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
        folium.GeoJson(
            shapely.geometry.mapping(display.geometry.iloc[0]),
            name=escape_text(_zone_label(zone)),
            style_function=lambda _f, s=style: s,
            tooltip=escape_text(f"{zone.name}: {zone.area_km2:,.0f} km²"),
            popup=folium.Popup(_popup_html(zone.name, [
                ("area", f"{zone.area_km2:,.0f} km²"),
                ("computed from", ", ".join(layers[r].title for r in _zone_inputs(agreement, zone.provision_id))),
                ("accuracy", f"approximate: boundaries ±{geometry.accuracy_km:g} km typical" if geometry.accuracy_km else None),
            ]), max_width=320),
        ).add_to(m)

    rows = "".join(f"<div class='row'>{_swatch(e.style, e.kind)}{escape_text(e.label)}</div>"
                   for e in legend_entries(dataset, agreement, geometry))
    note = ""
    if geometry.accuracy_km:
        note = (f"<div class='note'><strong>Approximate:</strong> the lines and zones are estimates, "
                f"typically ±{geometry.accuracy_km:g} km, worse in places.</div>")
    _MapControl(f"<h4>Legend</h4>{rows}{note}").add_to(m)
    attributions = list(dict.fromkeys(layers[i].attribution for i in agreement.map_layers))
    _Attribution(" | ".join(attributions)).add_to(m)
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
