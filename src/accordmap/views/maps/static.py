"""Geometry -> a static map of the report (matplotlib figure, PNG, SVG) for print and slides.

It draws what the interactive map (:func:`accordmap.views.maps.agreement.build_map`) draws, with the same styles:
the agreement's map layers (resolved for the report's ``as_of`` by the caller) in the catalog's
styles, and the computed zones in :data:`accordmap.views.maps.layers.ZONE_STYLES`; the names of the layers the catalog
gives a ``label`` (by its priority, order_by and min_zoom, skipping any that would overlap), a legend, a scale bar
measured in the geometry's metric CRS (UTM), the approximation note and the layers' credits.
No tiles, no network. Output is deterministic: fixed size and dpi, no dates or random ids.

matplotlib is used through :class:`matplotlib.figure.Figure` and its Agg canvas only (no pyplot):
nothing is left in matplotlib's global state, and a notebook shows nothing it did not ask for.
Text from data is drawn as plain text (mathtext off), so ``$`` or ``\\`` in a name stays as typed.
"""

from __future__ import annotations

import base64
import io
import math
import textwrap
import warnings
from dataclasses import dataclass, field
import geopandas as gpd
import matplotlib
import pandas as pd
import PIL.Image
import shapely
import shapely.ops
from markupsafe import Markup
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.transforms import Bbox
from accordmap.views import wording
from accordmap import models
from accordmap.geometry import AgreementGeometry
from accordmap.dataset import Dataset
from accordmap.views.markup import isolate
from accordmap.views.maps import layers as map_layers


DPI = 150  # PNG resolution: sharp on an A4 page at the figure's size, small in a page
SIZE_IN = (7.0, 4.0)  # width and least height in inches: the size it prints at (the report shows it at 100%)
MAP_SHARE = 0.6  # of the width: the map; the rest is the legend, the approximation note and the credits
TEXT_SIZE = 6.3  # points, legend and credits: legible on paper at the size above
PX_TO_PT = 0.75  # the catalog's styles are Leaflet pixels (CSS px, 1/96 in); matplotlib draws in points
LABEL_SIZE = 7.5
MAX_LABELS = 14  # points named at most; more only crowd the map
EQUATOR_M = 40075016.686  # the web map's world width at zoom 0 is 256 px for this many metres
SCALE_STEPS = (1, 2, 5)  # a scale bar is 1, 2 or 5 times a power of ten km long
# text from data is drawn as typed; ids in SVG output are stable; text stays text in SVG
RC = {"text.parse_math": False, "svg.hashsalt": "accordmap-static-map", "svg.fonttype": "none"}


@dataclass
class StaticMap:
    """A drawn static map: the figure, the names it writes and what it shows, for the alt text."""

    figure: Figure
    labelled: list[str]  # the names of the points (places) written on the map, in labelling order
    legend: list[str]  # the legend's labels, in order
    note: str  # the approximation note drawn on it ('' for exact layers only)
    credits: str  # the map data credits drawn on it
    areas: list[str] = field(default_factory=list)  # the names of the areas written on the map


# --- styles: the interactive map's Leaflet options -> matplotlib ------------------------------


def _dashes(style: dict, width_pt: float):
    """A Leaflet ``dashArray`` (px) as a matplotlib linestyle (lengths in multiples of the line width)."""
    dash = style.get("dashArray")
    if not dash:
        return "solid"
    lengths = [float(n) * PX_TO_PT / max(width_pt, 0.1) for n in str(dash).replace(",", " ").split()]
    if len(lengths) % 2:
        lengths *= 2
    return (0, tuple(lengths))


def _area_style(style: dict) -> dict:
    width = float(style.get("weight", 1)) * PX_TO_PT
    color = style.get("color", "#555555")
    fill = to_rgba(style.get("fillColor", color), float(style.get("fillOpacity", 0.0)))
    return {"facecolor": fill, "edgecolor": color, "linewidth": width, "linestyle": _dashes(style, width)}


def _line_style(style: dict) -> dict:
    width = float(style.get("weight", 2)) * PX_TO_PT
    return {"color": style.get("color", "#555555"), "linewidth": width, "linestyle": _dashes(style, width)}


def _point_style(style: dict) -> dict:
    color = style.get("color", "#555555")
    fill = to_rgba(style.get("fillColor", color), max(float(style.get("fillOpacity", 0.8)), 0.6))
    return {"markerfacecolor": fill, "markeredgecolor": color, "markeredgewidth": float(style.get("weight", 1)) * PX_TO_PT,
            "markersize": 2 * float(style.get("radius", 5)) * PX_TO_PT}


def _handle(entry: map_layers.LegendEntry, label: str):
    if entry.kind == "point":
        return Line2D([], [], linestyle="none", marker="o", label=label, **_point_style(entry.style))
    if entry.kind == "line":
        return Line2D([], [], label=label, **_line_style(entry.style))
    return Patch(label=label, **_area_style(entry.style))


def _plain(label: str | Markup) -> str:
    """A legend label as plain text (a zone's name is Markup with its label from data isolated)."""
    return label.striptags() if isinstance(label, Markup) else str(label)


# --- the drawing --------------------------------------------------------------------------------


def _draw_frame(ax, frame: gpd.GeoDataFrame, kind: str, style: dict, zorder: float) -> None:
    if frame.empty:
        return
    if kind == "area":
        frame.plot(ax=ax, zorder=zorder, **_area_style(style))
    elif kind == "line":
        frame.plot(ax=ax, zorder=zorder, **_line_style(style))
    else:
        points = shapely.get_coordinates(frame.geometry.values)
        ax.plot(points[:, 0], points[:, 1], linestyle="none", marker="o", zorder=zorder, **_point_style(style))


def _extent(dataset: Dataset, agreement: models.Agreement, geometry: AgreementGeometry) -> tuple[float, ...]:
    """The zones with a margin of context around them, as the interactive map opens (metric CRS)."""
    zones = geometry.zones_frame(to_crs=None)
    frame = zones if not zones.empty else dataset.layer_frame(agreement.map_layers[-1]).to_crs(geometry.crs)
    x0, y0, x1, y1 = frame.total_bounds
    margin = 0.15 * max(x1 - x0, y1 - y0, 1.0)
    return x0 - margin, y0 - margin, x1 + margin, y1 + margin


def _fit(extent, aspect: float) -> tuple[float, ...]:
    """The extent widened in one direction to the axes' aspect (width / height), so nothing is distorted."""
    x0, y0, x1, y1 = extent
    width, height = x1 - x0, y1 - y0
    if width / height < aspect:
        grow = (height * aspect - width) / 2
        return x0 - grow, y0, x1 + grow, y1
    grow = (width / aspect - height) / 2
    return x0, y0 - grow, x1, y1 + grow


def scale_length_km(map_width_km: float) -> float:
    """The scale bar's length: the longest 1, 2 or 5 × 10^n km not over a quarter of the map's width."""
    target = max(map_width_km / 4, 1e-3)
    power = math.floor(math.log10(target))
    return float(max(step * 10.0**p for p in (power - 1, power) for step in SCALE_STEPS if step * 10.0**p <= target))


def _scale_bar(ax, extent) -> None:
    """A two-part black and white bar in the lower left, its length measured in the metric CRS (metres)."""
    x0, y0, x1, y1 = extent
    km = scale_length_km((x1 - x0) / 1000)
    left, bottom = x0 + 0.04 * (x1 - x0), y0 + 0.04 * (y1 - y0)
    height = 0.012 * (y1 - y0)
    half = km * 1000 / 2
    ax.add_patch(Rectangle((left - 0.015 * (x1 - x0), bottom - 0.02 * (y1 - y0)), km * 1000 + 0.05 * (x1 - x0),
                           0.075 * (y1 - y0), facecolor=(1, 1, 1, 0.85), edgecolor="none", zorder=20))
    for i, color in enumerate(("#000000", "#ffffff")):
        ax.add_patch(Rectangle((left + i * half, bottom), half, height, facecolor=color, edgecolor="#000000",
                               linewidth=0.6, zorder=21, gid=f"scale-bar-{i}"))
    for i, (x, text) in enumerate(((left, "0"), (left + km * 1000, f"{km:g} km"))):
        ax.text(x, bottom + height * 1.6, text, fontsize=6.5, ha="center", va="bottom", zorder=22, gid=f"scale-label-{i}")


def _north_arrow(ax, extent) -> None:
    x0, y0, x1, y1 = extent
    x, y = x1 - 0.05 * (x1 - x0), y1 - 0.10 * (y1 - y0)
    ax.annotate("N", xy=(x, y + 0.06 * (y1 - y0)), xytext=(x, y), ha="center", va="top", fontsize=8, fontweight="bold",
                arrowprops={"arrowstyle": "-|>", "color": "#000000", "linewidth": 1}, zorder=22, gid="north-arrow")


def map_zoom(extent, width_px: float, crs) -> float:
    """The web-map zoom (Leaflet's) at which the interactive map would show ``extent`` (metric CRS) across
    ``width_px`` CSS pixels: what a layer's ``label.min_zoom`` is compared with."""
    x0, y0, x1, y1 = extent
    centre = gpd.GeoSeries(shapely.points([(x0 + x1) / 2], [(y0 + y1) / 2]), crs=crs).to_crs(4326).iloc[0]
    metres_per_px = max(x1 - x0, 1.0) / max(width_px, 1.0)
    return math.log2(EQUATOR_M * math.cos(math.radians(centre.y)) / (256 * metres_per_px))


def _label_order(layer: models.Layer, frame: gpd.GeoDataFrame) -> list[int]:
    """The layer's features in labelling order: by the label's ``order_by`` property, largest first (features
    without a number last), then in the file's order."""
    key = layer.label.order_by
    if not key or key not in frame:
        return list(range(len(frame)))
    values = pd.to_numeric(frame[key], errors="coerce")
    return pd.DataFrame({"value": values.fillna(-math.inf).values, "pos": range(len(frame))}).sort_values(
        ["value", "pos"], ascending=[False, True], kind="stable")["pos"].tolist()


def _area_spot(geometry, box):
    """Where an area's name goes: the point farthest inside its largest part within the map, or None."""
    visible = geometry.intersection(box)
    parts = [g for g in getattr(visible, "geoms", [visible]) if g.geom_type == "Polygon" and not g.is_empty]
    if not parts:
        return None
    return shapely.ops.polylabel(max(parts, key=lambda g: g.area), tolerance=max(box.length / 4000, 1.0))


def _label_layers(fig: Figure, ax, dataset: Dataset, agreement: models.Agreement, crs, extent) -> tuple[list[str], list[str]]:
    """Write the names of the map's layers that have a ``label`` in the catalog, as the interactive map does:
    layers of higher ``priority`` first, each from its ``min_zoom`` on (compared with :func:`map_zoom`), within
    a layer in :func:`_label_order`. A point's name goes beside its dot (right, else left); an area's at the
    point farthest inside it. A name that would overlap one already placed, a dot, or leave the map is
    dropped; at most :data:`MAX_LABELS` points are named. Returns the point names and the area names written."""
    x0, y0, x1, y1 = extent
    renderer = fig.canvas.get_renderer()
    axes_box = ax.get_window_extent(renderer)
    zoom = map_zoom(extent, axes_box.width / fig.dpi * 96, crs)
    box = shapely.box(x0, y0, x1, y1)
    placed: list[Bbox] = []
    labelled: list[str] = []
    areas: list[str] = []
    # every dot of the map's point layers is an obstacle (except the named point's own)
    dots = []
    for layer_id in agreement.map_layers:
        if dataset.layers[layer_id].kind == "point":
            radius = dataset.layers[layer_id].style.radius * PX_TO_PT * fig.dpi / 72
            xy = ax.transData.transform(shapely.get_coordinates(dataset.layer_frame(layer_id).to_crs(crs).geometry.values))
            dots += [Bbox.from_extents(px - radius, py - radius, px + radius, py + radius) for px, py in xy]
    named = [dataset.layers[i] for i in agreement.map_layers
             if dataset.layers[i].label is not None and dataset.layers[i].label.min_zoom <= zoom]
    for layer in sorted(named, key=lambda layer: -layer.label.priority):  # stable: the map's order among equals
        key = layer.label.property or layer.name_property
        frame = dataset.layer_frame(layer.id)
        if key not in frame:
            continue
        frame = frame.to_crs(crs)
        for pos in _label_order(layer, frame):
            name, shape = frame[key].iloc[pos], frame.geometry.iloc[pos]
            if not map_layers.shown(name) or shape is None or shape.is_empty:
                continue
            if layer.kind == "point":
                if len(labelled) >= MAX_LABELS or not (x0 < shape.x < x1 and y0 < shape.y < y1):
                    continue
                offset = layer.style.radius * PX_TO_PT + 2
                tries = [((offset, 0), "left", shape), ((-offset, 0), "right", shape)]
                own = ax.transData.transform((shape.x, shape.y))
            elif layer.kind == "area":
                spot = _area_spot(shape, box)
                if spot is None:
                    continue
                tries, own = [((0, 0), "center", spot)], None
            else:
                continue  # a line's name: not written on the static map (the legend names the layer)
            for xytext, ha, point in tries:
                gid = f"town-label-{len(labelled)}" if layer.kind == "point" else f"area-label-{len(areas)}"
                text = ax.annotate(str(name), (point.x, point.y), xytext=xytext, textcoords="offset points", ha=ha,
                                   va="center", fontsize=LABEL_SIZE if layer.kind == "point" else LABEL_SIZE - 0.5,
                                   color="#111111" if layer.kind == "point" else "#3d3d3d",
                                   fontstyle="normal" if layer.kind == "point" else "italic",
                                   zorder=15, annotation_clip=True, gid=gid,
                                   # a light box, not a path-effect halo: that would turn the text into paths in SVG
                                   bbox={"boxstyle": "round,pad=0.12", "facecolor": (1, 1, 1, 0.72), "edgecolor": "none"})
                found = text.get_window_extent(renderer).expanded(1.04, 1.1)
                inside = (axes_box.x0 <= found.x0 and found.x1 <= axes_box.x1 and axes_box.y0 <= found.y0
                          and found.y1 <= axes_box.y1)
                blocked = [dot for dot in dots if own is None or not dot.contains(*own)]
                if inside and not any(found.overlaps(other) for other in [*placed, *blocked]):
                    placed.append(found)
                    (labelled if layer.kind == "point" else areas).append(str(name))
                    break
                text.remove()
    return labelled, areas


def approximation_note(dataset: Dataset, agreement: models.Agreement, geometry: AgreementGeometry) -> str:
    """The note drawn on the map: which of what it shows is approximate, and by how much, from the layers'
    accuracy in the catalog (:func:`accordmap.views.wording.agreement_map_note`); '' when everything is exact."""
    return wording.agreement_map_note(dataset, agreement, geometry)


def map_credits(layers: list[models.Layer]) -> str:
    return "Map data: " + "; ".join(dict.fromkeys(layer.attribution for layer in layers)) + "."


def draw_static_map(dataset: Dataset, agreement: models.Agreement, geometry: AgreementGeometry,
                    title: str | None = None, size_in: tuple[float, float] = SIZE_IN) -> StaticMap:
    """The static map and what it shows. ``agreement`` is the report's, its layer series already
    resolved for the report's ``as_of`` (:meth:`Dataset.resolve_agreement`); ``title`` goes above
    the map (None: '<short title>: map layers and computed zones')."""
    with matplotlib.rc_context(RC), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a glyph the font lacks is drawn as a box, not warned about
        return _draw(dataset, agreement, geometry, title, size_in)


def _draw(dataset, agreement, geometry, title, size_in) -> StaticMap:
    fig = Figure(figsize=size_in, dpi=DPI, facecolor="#ffffff")
    FigureCanvasAgg(fig)
    layers = [dataset.layers[i] for i in agreement.map_layers]
    entries = map_layers.legend_entries(dataset, agreement, geometry)
    layer_entries, zone_entries = entries[:len(layers)], entries[len(layers):]
    zones = [zone for zone, _ in map_layers.styled_zones(geometry)]  # the order of the legend's zone entries

    # the map on the left; on the right, the legend, the approximation note and the credits, each wrapped to
    # the column; the figure is as tall as the map's minimum or the column, whichever is taller
    width_in, min_height_in = size_in
    margin_in, title_in, gap_in = 0.06, 0.3, 0.08
    column_x_in = width_in * MAP_SHARE + 0.12
    chars = int((width_in - column_x_in - margin_in) * 72 / (TEXT_SIZE * 0.6))  # DejaVu Sans: about 0.6 em a character
    renderer = fig.canvas.get_renderer()

    def height_in(artist) -> float:
        return artist.get_window_extent(renderer).height / fig.dpi

    legend_labels = [_plain(e.label) for e in entries]
    handles = [_handle(e, "\n".join(textwrap.wrap(label, chars - 8)) or " ") for e, label in zip(entries, legend_labels)]
    legend = fig.legend(handles=handles, loc="upper left", ncols=1, fontsize=TEXT_SIZE, frameon=False, handlelength=2.6,
                        borderaxespad=0.0, borderpad=0.0, title="Legend", title_fontsize=TEXT_SIZE + 0.7,
                        alignment="left", labelspacing=0.45)
    legend.set_gid("legend")
    note = approximation_note(dataset, agreement, geometry)
    credits = map_credits(layers)
    note_text = fig.text(0, 0, "\n".join(textwrap.wrap(note, chars)), fontsize=TEXT_SIZE - 0.3, fontweight="bold",
                         color="#7a4b00", ha="left", va="top", gid="approximation-note")
    credits_text = fig.text(0, 0, "\n".join(textwrap.wrap(credits, chars)), fontsize=TEXT_SIZE - 0.5, color="#333333",
                            ha="left", va="bottom", gid="credits")
    column_in = height_in(legend) + gap_in + (height_in(note_text) + gap_in if note else 0) + height_in(credits_text)
    height = max(min_height_in, title_in + column_in + 2 * margin_in)
    fig.set_size_inches(width_in, height)
    x = column_x_in / width_in
    top = 1 - (title_in + margin_in) / height
    legend.set_bbox_to_anchor((x, top), transform=fig.transFigure)
    note_text.set_position((x, top - (height_in(legend) + gap_in) / height))
    credits_text.set_position((x, margin_in / height))
    if title is None:
        title = f"{agreement.short_title}: map layers and computed zones"
    fig.text(margin_in / width_in, 1 - margin_in / height, title, fontsize=9, fontweight="bold", ha="left", va="top")
    ax = fig.add_axes((margin_in / width_in, margin_in / height, MAP_SHARE - margin_in / width_in, top - margin_in / height))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor("#ffffff")
    box = ax.get_window_extent(renderer)
    extent = _fit(_extent(dataset, agreement, geometry), box.width / box.height)

    for layer_id, entry, order in zip(agreement.map_layers, layer_entries, range(len(layers))):
        layer = dataset.layers[layer_id]
        frame = dataset.layer_frame(layer_id).to_crs(geometry.crs)
        # areas first, then the zones, then lines and points over them, in the catalog's order
        zorder = {"area": 1, "line": 5, "point": 8}[layer.kind] + order / 100
        _draw_frame(ax, frame, layer.kind, entry.style, zorder)
    for index, (zone, entry) in enumerate(zip(zones, zone_entries)):
        _draw_frame(ax, gpd.GeoDataFrame(geometry=[zone.geometry], crs=geometry.crs), "area", entry.style, 3 + index / 10)

    x0, y0, x1, y1 = extent
    ax.set_xlabel("")  # geopandas names the CRS axes; a map needs no axis titles
    ax.set_ylabel("")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="box")
    labelled, areas = _label_layers(fig, ax, dataset, agreement, geometry.crs, extent)
    _scale_bar(ax, extent)
    _north_arrow(ax, extent)
    return StaticMap(fig, labelled, legend_labels, note, credits, areas)


def static_map_figure(dataset: Dataset, agreement: models.Agreement, geometry: AgreementGeometry,
                      title: str | None = None) -> Figure:
    """The static map as a matplotlib Figure (Agg canvas; no pyplot): see :func:`draw_static_map`."""
    return draw_static_map(dataset, agreement, geometry, title).figure


def _png(figure: Figure) -> bytes:
    """PNG bytes, reduced to a 256-colour palette (a third of the size; the map has few colours)."""
    buffer = io.BytesIO()
    with matplotlib.rc_context(RC):
        figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    image = PIL.Image.open(io.BytesIO(buffer.getvalue())).convert("RGB").quantize(colors=256)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def static_map_png(dataset: Dataset, agreement: models.Agreement, geometry: AgreementGeometry,
                   title: str | None = None) -> bytes:
    """The static map as PNG bytes (150 dpi, the same bytes for the same inputs)."""
    return _png(static_map_figure(dataset, agreement, geometry, title))


def static_map_svg(dataset: Dataset, agreement: models.Agreement, geometry: AgreementGeometry,
                   title: str | None = None) -> str:
    """The static map as SVG text: vector, text kept as text, no date and stable ids."""
    buffer = io.StringIO()
    with matplotlib.rc_context(RC), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        static_map_figure(dataset, agreement, geometry, title).savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def alt_text(drawn: StaticMap) -> str:
    """What the image shows, for readers who cannot see it."""
    text = f"Static map. Legend: {'; '.join(drawn.legend)}."
    if drawn.areas:
        text += f" Areas named: {', '.join(drawn.areas)}."
    if drawn.labelled:
        text += f" Places named: {', '.join(drawn.labelled)}."
    if drawn.note:
        text += f" {drawn.note}"
    return text


def static_map_html(dataset: Dataset, agreement: models.Agreement, geometry: AgreementGeometry) -> Markup:
    """The report's ``<figure class="static-map print-only">``: the PNG (a data: URL, so the page stays
    self-contained) with alt text and a caption. The stylesheet shows it in print, where the
    interactive map is not, and hides it on screen."""
    return static_map_section(dataset, agreement, geometry)[0]


def static_map_section(dataset: Dataset, agreement: models.Agreement, geometry: AgreementGeometry) -> tuple[Markup, bytes]:
    """:func:`static_map_html` and the PNG it embeds (drawn once), to publish beside the report too."""
    drawn = draw_static_map(dataset, agreement, geometry)
    png = _png(drawn.figure)
    width, height = (round(v * 96) for v in drawn.figure.get_size_inches())
    return Markup(
        '<figure class="static-map print-only"><img src="data:image/png;base64,{}" alt="{}" width="{}" height="{}">'
        "<figcaption>Static map of the {} (printed in place of the interactive map): the same layers and computed "
        "zones.</figcaption></figure>"
    ).format(base64.b64encode(png).decode("ascii"), alt_text(drawn), width, height, isolate(agreement.short_title)), png
