"""Validated models -> geometry: zones, corridors and the figures a report quotes.

Each provision's zones are computed by its geography kind (:mod:`accordmap.models.geography`), with the
report's parameters applied by :func:`accordmap.models.geography.registry.provision_values`.

Everything is computed in a metric CRS (the UTM zone of the agreement's layers, derived, not
hard-coded) and returned in both that CRS (for figures) and EPSG:4326 (for maps).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd
import shapely
from pyproj import CRS

from accordmap import models
from accordmap.dataset import Dataset
from accordmap.models.geography import registry
from accordmap.models.geography.common import Context, Zone  # Zone: importable from here too


@dataclass
class AgreementGeometry:
    agreement: models.Agreement
    crs: CRS
    zones: list[Zone]
    accuracy_km: float | None = None  # the worst typical error of the approximate layers used
    values: dict[str, dict[str, float]] = field(default_factory=dict)  # parameters set, by provision id
    # what is derived from these zones once and read by many figures: the zones' variants
    # (accordmap.analysis.uncertainty) and the layers' projected geometry they are computed from
    cache: dict = field(default_factory=dict, repr=False, compare=False)

    def describe(self, layers, provision_id: str) -> str:
        """The provision's geography in words, as computed here (overrides and every exception included)."""
        provision = next(p for p in self.agreement.provisions if p.id == provision_id)
        return provision.geography.describe(layers, self.values.get(provision_id)) if provision.geography else ""

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
    overrides: dict[str, float] | None = None,
) -> AgreementGeometry:
    """Compute every zone the agreement's provisions declare, each by its kind (:mod:`accordmap.models.geography`).

    ``overrides`` set one provision's parameters (``{"p3.max_km": 25}``); ``zone_min_km`` /
    ``zone_max_km`` / ``corridor_half_width_km`` set those of the agreement's only band or corridor
    (None: as in the agreement). See :func:`accordmap.models.geography.registry.provision_values`.
    """
    values = registry.provision_values(
        agreement, {"zone_min_km": zone_min_km, "zone_max_km": zone_max_km,
                    "corridor_half_width_km": corridor_half_width_km}, overrides)
    geographies = [p.geography for p in agreement.provisions if p.geography is not None]
    layer_ids = [getattr(g, g.MEASURED_FROM) for g in geographies if g.MEASURED_FROM]
    layer_ids += list(agreement.map_layers)
    reference = pd.concat([dataset.layer_frame(i).geometry for i in layer_ids]) if layer_ids else None
    crs = metric_crs(gpd.GeoDataFrame(geometry=reference, crs=4326)) if reference is not None else CRS.from_epsg(3857)

    context = Context(dataset, crs)
    zones: list[Zone] = []
    for provision in agreement.provisions:
        if provision.geography is not None:
            zones += provision.geography.zones(provision.id, context, values.get(provision.id, {}))
    return AgreementGeometry(agreement, crs, zones, max(context.accuracies) if context.accuracies else None, values)


# --- figures --------------------------------------------------------------------------------


def length_inside_km(frame: gpd.GeoDataFrame, zone: Zone, crs: CRS, by: str | None = None) -> dict[str, float]:
    """Kilometres of line features inside the zone, summed per value of property ``by``."""
    projected = frame.to_crs(crs)
    lengths = projected.geometry.intersection(zone.geometry).length / 1000
    keys = frame[by].astype(str) if by else pd.Series("all", index=frame.index)
    return {key: round(float(value), 1) for key, value in lengths.groupby(keys.values).sum().items()}

