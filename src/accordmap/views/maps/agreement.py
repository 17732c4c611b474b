"""An agreement's map -> a ``folium.Map``: its layers, the computed zones, labels, legend, attribution.
"""

from __future__ import annotations

import folium
import geopandas as gpd
import shapely
import shapely.ops
from markupsafe import Markup
from accordmap.analysis import figures, uncertainty
from accordmap.views import wording
from accordmap import models
from accordmap.geometry import AgreementGeometry
from accordmap.dataset import Dataset
from accordmap.views.markup import isolate, zone_name
from accordmap.views.maps.layers import add_layer, add_panes, legend_entries, styled_zones, zone_definitions, zone_label
from accordmap.views.maps.layers import add_legend, add_shape, finish, new_map


def build_map(
    dataset: Dataset,
    agreement: models.Agreement,
    geometry: AgreementGeometry,
    basemap: str | None = None,
    height: int = 560,
    layers_open: bool = False,
    title: str | None = None,
    m: folium.Map | None = None,
) -> folium.Map:
    """The agreement's map: its layers, the computed zones, labels, a legend, scale and attributions.

    ``layers_open``: the layer list starts open (for a large map; a small one keeps it folded).
    ``title``: the map document's ``<title>`` (default: "Map of the <short title>: layers and
    computed zones", as the report's frame is titled). ``m``: a ``folium.Map`` to draw onto (as
    geopandas' ``explore`` does); None: a new offline map. Returns the map.
    """
    if m is None:
        m = new_map(title or map_title(agreement), basemap=basemap, height=height)
    else:
        add_panes(m)
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
        add_layer(m, layers[layer_id], dataset.layer_frame(layer_id), geometry.crs, view)

    approximate = wording.approximate_provisions(dataset, agreement)  # zones computed from approximate layers
    for zone, style in styled_zones(geometry):
        inputs = Markup(", ").join(isolate(layers[r].title) for r in zone_inputs(agreement, zone.provision_id))
        area = figures.zone_area(dataset, geometry, zone).label()  # central (range), as the key figures give it
        sources = uncertainty.zone_variants(dataset, geometry, zone).sources
        add_shape(m, zone.geometry, geometry.crs, zone_label(zone, zone.provision_id in approximate), style,
                  name=zone.name, tooltip_text=Markup("{}: {}").format(zone_name(zone), area),
                  popup_rows=[
                      ("area", area),
                      ("computed from", inputs),
                      ("defined as", geometry.describe(layers, zone.provision_id)),
                      ("range from", wording.error_sources(sources, layers) if sources else None),
                  ])

    notes = list(zone_definitions(geometry, layers))
    if accuracy := wording.agreement_map_note(dataset, agreement, geometry):  # from the layers' accuracy
        notes.append(Markup("<strong>Approximate:</strong> {}").format(accuracy))
    add_legend(m, legend_entries(dataset, agreement, geometry), notes)
    # then the view, fitted around the controls, and the labels (see elements.View)
    return finish(m, (lon0, lat0, lon1, lat1), (ilon0, ilat0, ilon1, ilat1),
                  [layers[i].attribution for i in agreement.map_layers], layers_open=layers_open)


def map_title(agreement: models.Agreement) -> str:
    """The map's title, for its document and the frame that shows it."""
    return f"Map of the {agreement.short_title}: layers and computed zones"


def zone_inputs(agreement: models.Agreement, provision_id: str) -> list[str]:
    geo = next(p.geography for p in agreement.provisions if p.id == provision_id)
    return list(dict.fromkeys(ref.layer for _, _, ref in geo.layer_refs()))
