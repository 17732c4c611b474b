"""Validated models -> geometry: zones, corridors and the figures a report quotes.

Everything is computed in a metric CRS (the UTM zone of the agreement's layers, derived, not
hard-coded) and returned in both that CRS (for figures) and EPSG:4326 (for maps).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import shapely
from pyproj import CRS

from accordmap import models
from accordmap.dataset import Dataset


@dataclass(frozen=True)
class Zone:
    """One computed area: a band at one depth, or a corridor."""

    provision_id: str
    label: str
    kind: str  # "band" or "corridor"
    distance_km: float  # depth of a band, half-width of a corridor
    geometry: shapely.Geometry  # metric CRS

    @property
    def area_km2(self) -> float:
        return self.geometry.area / 1e6

    @property
    def name(self) -> str:
        noun = "deep" if self.kind == "band" else "either side"
        return f"{self.label}, {self.distance_km:g} km {noun}"


@dataclass
class AgreementGeometry:
    agreement: models.Agreement
    crs: CRS
    zones: list[Zone]
    accuracy_km: float | None = None  # the worst typical error of the approximate layers used

    def zones_frame(self, to_crs: int | CRS | None = 4326) -> gpd.GeoDataFrame:
        frame = gpd.GeoDataFrame(
            {
                "provision": [z.provision_id for z in self.zones],
                "name": [z.name for z in self.zones],
                "kind": [z.kind for z in self.zones],
                "distance_km": [z.distance_km for z in self.zones],
                "area_km2": [round(z.area_km2, 1) for z in self.zones],
            },
            geometry=[z.geometry for z in self.zones],
            crs=self.crs,
        )
        return frame.to_crs(to_crs) if to_crs is not None else frame

    @property
    def outer_zone(self) -> Zone | None:
        """The widest zone: what 'inside the zone' means in tables."""
        return max(self.zones, key=lambda z: z.area_km2, default=None)


def metric_crs(frame: gpd.GeoDataFrame) -> CRS:
    """The UTM zone that holds the frame's centroid (e.g. EPSG:32637 for north-west Syria)."""
    return frame.estimate_utm_crs()


def _union(frame: gpd.GeoDataFrame) -> shapely.Geometry:
    return shapely.union_all(frame.geometry.values)


def build_geometry(
    dataset: Dataset,
    agreement: models.Agreement,
    zone_min_km: float | None = None,
    zone_max_km: float | None = None,
    corridor_half_width_km: float | None = None,
) -> AgreementGeometry:
    """Compute every band and corridor the agreement's provisions declare.

    ``zone_min_km`` / ``zone_max_km`` replace the depths of band provisions and
    ``corridor_half_width_km`` the half-width of corridors (None: as in the agreement).
    """
    layer_ids = [p.geography.along.layer for p in agreement.provisions if p.geography and p.geography.kind != "features"]
    layer_ids += list(agreement.map_layers)
    reference = pd.concat([dataset.layer_frame(i).geometry for i in layer_ids]) if layer_ids else None
    crs = metric_crs(gpd.GeoDataFrame(geometry=reference, crs=4326)) if reference is not None else CRS.from_epsg(3857)

    zones: list[Zone] = []
    accuracies: list[float] = []
    for provision in agreement.provisions:
        geo = provision.geography
        if geo is None or geo.kind == "features":
            continue
        along = dataset.layer_frame(geo.along).to_crs(crs)
        within = dataset.layer_frame(geo.within).to_crs(crs) if geo.within else None
        accuracies += [dataset.layers[ref.layer].accuracy_km for ref in filter(None, [geo.along, geo.within])
                       if dataset.layers[ref.layer].accuracy_km]
        line = _union(along)
        clip = _union(within) if within is not None else None
        if geo.kind == "band":
            depths = sorted(set(geo.depths(zone_min_km, zone_max_km)))
            for depth in depths:
                zones.append(Zone(provision.id, geo.label, "band", depth, _band(line, clip, depth)))
        else:
            width = corridor_half_width_km or geo.half_width_km
            zones.append(Zone(provision.id, geo.label, "corridor", width, _corridor(line, clip, width)))
    return AgreementGeometry(agreement, crs, zones, max(accuracies) if accuracies else None)


def _band(line: shapely.Geometry, area: shapely.Geometry | None, depth_km: float) -> shapely.Geometry:
    """Everything within depth_km of the line, kept inside the area."""
    band = shapely.buffer(line, depth_km * 1000, quad_segs=16)
    return shapely.intersection(band, area) if area is not None else band


def _corridor(route: shapely.Geometry, area: shapely.Geometry | None, half_width_km: float) -> shapely.Geometry:
    """half_width_km either side of the route (flat ends), the route first cut to the area."""
    if area is not None:
        route = shapely.intersection(route, area)
    return shapely.buffer(route, half_width_km * 1000, cap_style="flat", quad_segs=16)


# --- figures --------------------------------------------------------------------------------


def features_inside(frame: gpd.GeoDataFrame, zone: Zone, crs: CRS) -> gpd.GeoDataFrame:
    """Rows of a point layer whose geometry lies in the zone."""
    projected = frame.to_crs(crs)
    return frame[projected.within(zone.geometry).values]


def length_inside_km(frame: gpd.GeoDataFrame, zone: Zone, crs: CRS, by: str | None = None) -> dict[str, float]:
    """Kilometres of line features inside the zone, summed per value of property ``by``."""
    projected = frame.to_crs(crs)
    lengths = projected.geometry.intersection(zone.geometry).length / 1000
    keys = frame[by].astype(str) if by else pd.Series("all", index=frame.index)
    return {key: round(float(value), 1) for key, value in lengths.groupby(keys.values).sum().items()}

