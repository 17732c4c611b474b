"""The public map helpers every folium map of every report is built with, self-contained and offline.

:func:`new_map` (the map with its offline document and panes), :func:`add_layer` (a catalog layer
with popups, tooltips and names), :func:`add_shape` (a computed zone or any shape), :func:`add_legend`
(the one legend builder: rows of swatch and label, then notes), :func:`finish` (attribution, layer list
and the first view, controls first in keyboard order). :func:`accordmap.views.maps.agreement.build_map`
composes them for an agreement; the comparison and compliance maps use the same helpers.

The map carries its own Leaflet and jQuery (inlined from the ``xstatic-leaflet`` and
``xstatic-jquery`` wheels): nothing is requested from the network unless the reader asked for an
online basemap.

Nothing from the data reaches the map page except through :mod:`accordmap.views.escape`: folium
pastes popup and tooltip HTML into JavaScript template literals and layer names into the layer
control's HTML, and renders its scripts a second time as Jinja, so those strings go through
:func:`~accordmap.views.escape.folium_html`; the legend and attribution are HTML in
:func:`~accordmap.views.escape.js_string`; path styles are checked tokens
(:func:`~accordmap.views.escape.css_value`) applied with :func:`~accordmap.views.escape.script_json`, not
folium's ``style_function`` (whose output folium writes with plain ``json.dumps``). Names from
data are isolated (``<bdi>``, ``dir="auto"``) so right-to-left text keeps its own direction; text in
Arabic or Hebrew script is also marked ``lang`` and ``dir="rtl"`` (see :func:`text_lang`). Names written on the map and
the names of shapes reach their script as JSON (:func:`~accordmap.views.escape.script_json`) and are set
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

from dataclasses import dataclass
import folium
import geopandas as gpd
import numpy as np
import shapely
import shapely.ops
from markupsafe import Markup
from accordmap.views import escape
from accordmap.views import wording
from accordmap import models
from accordmap.geometry import AgreementGeometry, Zone
from accordmap.dataset import Dataset
from accordmap.views.markup import isolate, script_lang, zone_name
import shapely.geometry

from accordmap.views.maps import elements, offline
from accordmap.views.maps.elements import PANES, Labels, PathStyle, ShapeName, pane_name


# Zone colours/dashes differ in lightness and pattern, so they read in grayscale and print.
ZONE_STYLES = [
    {"color": "#7b1fa2", "fillColor": "#7b1fa2", "fillOpacity": 0.35, "weight": 2},
    {"color": "#7b1fa2", "fillColor": "#ce93d8", "fillOpacity": 0.25, "weight": 2, "dashArray": "6 4"},
    # a third zone (e.g. a band by sector beside the agreed depths): dotted, fainter
    {"color": "#4a148c", "fillColor": "#e1bee7", "fillOpacity": 0.1, "weight": 2.5, "dashArray": "2 4"},
]
DISPLAY_TOLERANCE_M = 150  # simplification for display only; figures use exact geometry
COORD_DECIMALS = 5  # about 1 m


def checked_style(style: dict) -> dict:
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


def swatch(style: dict, kind: str) -> Markup:
    """The legend's sample of a layer: an SVG dot, line or box in the layer's checked style."""
    style = checked_style(style)
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


def layer_style(layer: models.Layer) -> dict:
    style = {"color": layer.style.color, "weight": layer.style.weight, "fillColor": layer.style.color,
             "fillOpacity": layer.style.fill_opacity}
    if layer.style.dash:
        style["dashArray"] = layer.style.dash
    return style


# --- panes and labels -----------------------------------------------------------------------

# Leaflet's own overlay pane is at 400, markers at 600, tooltips at 650 and popups at 700.
# Conflict events (add_event_places) lie between the lines and the towns and posts they may hide.
_KIND_PANE = {"area": "areas", "line": "lines", "point": "points"}


def add_panes(m: folium.Map) -> None:
    """The panes of :data:`PANES`, once per map, before the first shape that uses them."""
    # pointer_events=False: the pane lets events through; Leaflet's CSS gives them back to its
    # interactive shapes, so a shape takes only the events over its own painted area
    for key, z_index in PANES.items():
        if f"accordmap_pane_{key}" not in m._children:
            m.add_child(folium.map.CustomPane(pane_name(key), z_index=z_index, pointer_events=False),
                        name=f"accordmap_pane_{key}")


def text_lang(value: object) -> str | None:
    """``"ar"`` or ``"he"`` for text written in that script only (:func:`accordmap.views.markup.script_lang`, the
    one rule for the page and the map), else None; a screen reader then reads it with that voice, and
    the text is laid out right to left."""
    return script_lang(None if value is None else str(value))


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


def label_items(layer: models.Layer, frame: gpd.GeoDataFrame, view: shapely.Polygon) -> list[list]:
    key = layer.label.property or layer.name_property
    items = []
    for _, row in frame.iterrows():
        text = row.get(key)
        if not shown(text) or row.geometry is None or row.geometry.is_empty:
            continue
        spots = [[round(p.y, COORD_DECIMALS), round(p.x, COORD_DECIMALS)] for p in _label_spots(row.geometry, view)]
        items.append([spots, str(text), text_lang(text)])
    return items


# --- the map --------------------------------------------------------------------------------


def display_frame(frame: gpd.GeoDataFrame, metric_crs) -> gpd.GeoDataFrame:
    """Simplified (about 150 m) and rounded to 5 decimals: small pages, same picture."""
    if frame.empty or frame.geom_type.isin(["Point", "MultiPoint"]).all():
        simplified = frame.to_crs(4326)
    else:
        simplified = frame.to_crs(metric_crs)
        simplified = simplified.set_geometry(simplified.simplify(DISPLAY_TOLERANCE_M)).to_crs(4326)
    # np.round, not set_precision: a snapped float may still print as 36.633930000000004
    rounded = shapely.transform(simplified.geometry.values, lambda xy: np.round(xy, COORD_DECIMALS))
    return simplified.set_geometry(rounded)


def shown(value: object) -> bool:
    return value is not None and str(value) not in ("", "nan")


def _cell(value: object) -> Markup:
    """A popup value cell: ``lang="ar" dir="rtl"`` on text in Arabic script, ``dir="auto"`` otherwise."""
    lang = None if isinstance(value, Markup) else text_lang(value)
    if lang:
        return Markup('<td lang="{}" dir="rtl">{}</td>').format(lang, escape.html_text(value))
    return Markup('<td dir="auto">{}</td>').format(escape.html_text(value))


def popup_html(title: object, rows: list[tuple[object, object]]) -> Markup:
    """Title and a key/value table; values are isolated, so each keeps its own direction."""
    body = Markup("").join(
        Markup('<tr><th scope="row" dir="auto">{}</th>{}</tr>').format(escape.html_text(key), _cell(value))
        for key, value in rows if shown(value))
    title_html = title if isinstance(title, Markup) else isolate(title)
    return Markup('<strong>{}</strong><table class="popup">{}</table>').format(title_html, body)


def popup(title: object, rows: list[tuple[object, object]]) -> folium.Popup:
    return folium.Popup(escape.folium_html(popup_html(title, rows)), max_width=320)


def tooltip(html: Markup) -> folium.Tooltip:
    return folium.Tooltip(escape.folium_html(html))


def feature_name(layer: models.Layer, props: dict) -> str | None:
    """The feature's own name (its ``name_property``), or None."""
    value = props.get(layer.name_property) if layer.name_property else None
    return str(value) if shown(value) else None


def approximate(note: object) -> Markup:
    return Markup("approximate: {}").format(isolate(note))


def add_layer(m: folium.Map, layer: models.Layer, frame: gpd.GeoDataFrame, metric_crs,
               view: shapely.Polygon | None = None) -> None:
    """One catalog layer as a toggleable group in its pane, with its names if it has a ``label``
    (placed in the first ``view``, a lon/lat box; default: the layer's ``region``)."""
    add_panes(m)
    view = view if view is not None else shapely.box(*layer.region)
    group = folium.FeatureGroup(name=escape.folium_html(isolate(layer.title)), show=layer.style.shown)
    shown = display_frame(frame, metric_crs)
    style = checked_style(layer_style(layer))
    pane = pane_name(_KIND_PANE[layer.kind])
    for _, row in shown.iterrows():
        props = {k: v for k, v in row.items() if k != "geometry"}
        name = feature_name(layer, props)
        label = name if name is not None else layer.title
        popup_rows: list[tuple[object, object]] = [(layer.popup_labels.get(key, key), props.get(key))
                                                   for key in layer.popup_properties]
        if layer.accuracy == "approximate":
            popup_rows.append(("accuracy", approximate(layer.accuracy_note)))
        if layer.kind == "point":
            marker_style = {**style, "fill": True, "fillOpacity": layer.style.fill_opacity or 0.8}
            for point in getattr(row.geometry, "geoms", [row.geometry]):
                marker = folium.CircleMarker(location=(point.y, point.x), radius=layer.style.radius,
                                             popup=popup(label, popup_rows), tooltip=tooltip(isolate(label)))
                marker.options["pane"] = pane  # folium's CircleMarker has no pane argument
                marker.add_child(PathStyle(marker_style))
                marker.add_child(ShapeName(name))
                marker.add_to(group)
        else:
            feature = folium.GeoJson(
                shapely.geometry.mapping(row.geometry),
                popup=popup(label, popup_rows),
                tooltip=tooltip(isolate(label)),
                smooth_factor=1.0,
                pane=pane,
            )
            feature.add_child(PathStyle(style))
            feature.add_child(ShapeName(name))
            feature.add_to(group)
    if layer.label is not None:
        items = label_items(layer, frame.to_crs(4326), view)
        group.add_child(Labels(m.get_name(), items, layer.kind, layer.label.min_zoom, layer.label.priority))
    group.add_to(m)


@dataclass(frozen=True)
class LegendEntry:
    label: str | Markup  # a layer title from data, or a zone's name built by zone_name()
    kind: str  # "area", "line" or "point"
    style: dict  # Leaflet path options


def styled_zones(geometry: AgreementGeometry) -> list[tuple[Zone, dict]]:
    """Widest zone first (drawn below), each with its style."""
    ordered = sorted(geometry.zones, key=lambda z: -z.distance_km)
    return [(zone, ZONE_STYLES[index % len(ZONE_STYLES)]) for index, zone in enumerate(ordered)]


def zone_label(zone: Zone, approximate: bool = True) -> Markup:
    """The zone's name in the legend and layer list: '(computed, approximate)' when computed from an
    approximate layer (:func:`accordmap.views.wording.approximate_provisions`), else '(computed)'."""
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
        entries.append(LegendEntry(layer.title, layer.kind, {**layer_style(layer), "radius": layer.style.radius}))
    approximate = wording.approximate_provisions(dataset, agreement)
    entries += [LegendEntry(zone_label(zone, zone.provision_id in approximate), "area", style)
                for zone, style in styled_zones(geometry)]
    return entries


def new_map(title: str, basemap: str | None = None, height: int = 560) -> folium.Map:
    """An empty report map: offline assets, its own document (``title`` as ``<title>``), the panes."""
    tiles = None if basemap in (None, "", "none") else ("OpenStreetMap" if basemap == "osm" else basemap)
    m = folium.Map(tiles=tiles, control_scale=True, height=height, prefer_canvas=False, zoom_snap=0.25)
    offline.make_offline(m)
    offline.set_document(m, title)
    add_panes(m)
    return m


def add_shape(m: folium.Map, geometry, crs, label: Markup | str, style: dict, *, name: str,
              tooltip_text: Markup | str, popup_rows: list[tuple[object, object]]) -> folium.GeoJson:
    """One computed shape (a zone, a corridor, ground that changed hands) in the zones pane, simplified for
    display, with its tooltip, popup, checked style and accessible name."""
    display = display_frame(gpd.GeoDataFrame(geometry=[geometry], crs=crs), crs)
    feature = folium.GeoJson(shapely.geometry.mapping(display.geometry.iloc[0]), name=escape.folium_html(label),
                             pane=elements.pane_name("zones"), tooltip=tooltip(tooltip_text),
                             popup=popup(label, popup_rows))
    feature.add_child(elements.PathStyle(checked_style(style)))
    feature.add_child(elements.ShapeName(name))
    feature.add_to(m)
    return feature


LEGEND_TITLE = Markup("Legend")


def add_legend(m: folium.Map, entries: list[LegendEntry], notes: list[Markup | str] = (), *,
               title: Markup | str = LEGEND_TITLE, position: str = "bottomleft") -> folium.Map:
    """The fold-out legend: one row per entry (swatch and label), then the notes, under ``title``
    (plain text, e.g. from data, is isolated). Every legend of every map is built here."""
    rows = Markup("").join(
        # the label in one <span>: the row is a flex box, whose every child would be a separate item
        Markup('<div class="row">{}<span>{}</span></div>').format(
            swatch(e.style, e.kind), e.label if isinstance(e.label, Markup) else isolate(e.label))
        for e in entries)
    rows += Markup("").join(Markup('<div class="note">{}</div>').format(n if isinstance(n, Markup) else isolate(n))
                            for n in notes)
    summary = title if isinstance(title, Markup) else isolate(title)
    # a disclosure, not a heading: the legend sits in the page's heading outline otherwise
    elements.MapControl(Markup("<details open><summary>{}</summary>{}</details>").format(summary, rows),
                        position=position).add_to(m)
    return m


def finish(m: folium.Map, outer, inner, credits: list[str], layers_open: bool = False) -> folium.Map:
    """Attribution, the layer list and the first view: ``outer`` (lon0, lat0, lon1, lat1) fitted first, then
    ``inner`` fitted around the controls, which come first in keyboard order (:class:`~.elements.View`)."""
    r = lambda v: round(v, COORD_DECIMALS)  # noqa: E731
    elements.Attribution(list(dict.fromkeys(credits))).add_to(m)
    m.fit_bounds([[r(outer[1]), r(outer[0])], [r(outer[3]), r(outer[2])]])
    folium.LayerControl(collapsed=not layers_open).add_to(m)
    m.add_child(elements.View([[r(inner[1]), r(inner[0])], [r(inner[3]), r(inner[2])]]), name="accordmap_view")
    return m
