"""Report data -> files to take away, attached to the sections that show it (:mod:`accordmap.views.attachments`).

- **Zones** (:func:`zones_frame`, :func:`with_zones`): every computed zone and corridor as GeoJSON
  (RFC 7946: WGS 84 lon/lat, no ``crs`` member, right-hand rule, written by GDAL through pyogrio) and
  as a GeoPackage in the metric CRS the figures were computed in (areas measured there match the
  report). Each feature: agreement, provision, label, name, kind, depth_km or half_width_km,
  area_km2 (rounded to the km² as the key figures are), as_of (the report's date, empty for the latest
  state), lines_as_of (the date of the line it was drawn from), accuracy_km (the typical error of the
  lines used).
- **Tables** (:func:`with_table`): a section's table as CSV (UTF-8, a header row, one row per row of
  the table's ``*_frame``; lists joined with ``; ``). A text cell starting with ``= + - @`` (or a tab or
  carriage return) gets a leading ``'``, so a spreadsheet shows it as text instead of running it.
- **Images** (:func:`png`): one call attaches a PNG, e.g. ``attach(html, png("map", data, "Static map"))``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import geopandas as gpd
import pandas as pd
from markupsafe import Markup
from accordmap.analysis import figures
from accordmap.views.attachments import Attached, File, attach
from accordmap.analysis import uncertainty
from accordmap.geometry import AgreementGeometry, Zone
from accordmap.dataset import Dataset
from accordmap.views.markup import HTML
from accordmap.models.geography import registry


# key -> what the file holds (shown in the Downloads list); the key names the file: <report>.<key>.csv
TABLES = {
    "provisions": "the provisions table, with each point's status",
    "key-figures": "the key figures, one row per zone",
    "places": "the places inside the zone, with their coordinates",
    "timeline": "the timeline's dated items",
    "stakeholders": "the stakeholders and their roles",
    "obligations": "the actors × provisions matrix",
    "statements": "the statements on the agreement",
    "sources": "the sources listed in the report",
    "figures": "the comparison's area figures, with their ranges",
    "events-by-period": "conflict events and deaths in each zone, by period",
    "events-by-month": "conflict events and deaths in each zone, by month",
    "events-by-type": "conflict events and deaths by type of violence",
    "events-by-side": "conflict events and deaths by side",
    "events-by-place": "the places with the most conflict events",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# --- zones -------------------------------------------------------------------------------------------


def _lines_as_of(geometry: AgreementGeometry, dataset: Dataset, zone: Zone) -> str | None:
    """The dates of the layers a zone was drawn from (its lines, the areas it was cut to), as ``a, b``."""
    geography = next((p.geography for p in geometry.agreement.provisions if p.id == zone.provision_id), None)
    refs = [ref for _, _, ref in geography.layer_refs()] if geography is not None else []
    dates = sorted({str(dataset.layers[ref.layer].as_of) for ref in refs
                    if getattr(ref, "layer", None) in dataset.layers and dataset.layers[ref.layer].as_of})
    return ", ".join(dates) or None


#: each kind's distance column (band: depth_km, corridor: half_width_km), from the kinds themselves
DISTANCE_COLUMNS = [cls.DISTANCE_COLUMN for cls in registry.KINDS.values() if cls.DISTANCE_COLUMN]
ZONE_COLUMNS = ["agreement", "provision", "label", "name", "kind", *DISTANCE_COLUMNS, "area_km2",
                "area_low_km2", "area_high_km2", "area_computed_km2", "area_computed_low_km2", "area_computed_high_km2",
                "as_of", "lines_as_of", "error_sources", "variants"]


def zones_frame(dataset: Dataset, geometry: AgreementGeometry, as_of: dt.date | None = None) -> gpd.GeoDataFrame:
    """One feature per computed zone or corridor, in the metric CRS of the figures. The area columns are
    the key figures' (:func:`accordmap.analysis.figures.zone_area`: the central area and its range rounded to
    what the range supports, then the three as computed, to 0.1 km²); ``error_sources`` names each boundary
    moved to make the range, with its error, and ``variants`` how many variants there are
    (:mod:`accordmap.analysis.uncertainty`)."""
    records = []
    for zone in geometry.zones:
        area = figures.zone_area(dataset, geometry, zone)
        low, high = area.rounded_range
        variants = uncertainty.zone_variants(dataset, geometry, zone)
        records.append({
            "agreement": geometry.agreement.id, "provision": zone.provision_id, "label": zone.label,
            "name": zone.name, "kind": zone.kind,
            **{column: zone.distance_km if column == registry.KINDS[zone.kind].DISTANCE_COLUMN else None
               for column in DISTANCE_COLUMNS},
            "area_km2": area.rounded, "area_low_km2": low, "area_high_km2": high,
            "area_computed_km2": round(area.km2, 1), "area_computed_low_km2": round(area.low_km2, 1),
            "area_computed_high_km2": round(area.high_km2, 1),
            "as_of": as_of.isoformat() if as_of else None, "lines_as_of": _lines_as_of(geometry, dataset, zone),
            "error_sources": "; ".join(f"{s.name} ±{s.error_km:g} km" for s in variants.sources) or None,
            "variants": variants.count,
        })
    frame = pd.DataFrame(records, columns=ZONE_COLUMNS)
    for column in (*DISTANCE_COLUMNS, "area_low_km2", "area_high_km2", "area_computed_km2", "area_computed_low_km2",
                   "area_computed_high_km2"):
        frame[column] = frame[column].astype("float64")
    return gpd.GeoDataFrame(frame, geometry=[z.geometry for z in geometry.zones], crs=geometry.crs)


def _write(frame: gpd.GeoDataFrame, driver: str, **options) -> bytes:
    buffer = io.BytesIO()
    frame.to_file(buffer, driver=driver, layer="zones", engine="pyogrio", **options)
    return buffer.getvalue()


def zones_geojson(frame: gpd.GeoDataFrame) -> bytes:
    """RFC 7946 GeoJSON (EPSG:4326 lon/lat, no crs member, counter-clockwise outer rings)."""
    return _write(frame.to_crs(4326), "GeoJSON", RFC7946="YES")


def zones_gpkg(frame: gpd.GeoDataFrame) -> bytes:
    """A GeoPackage (layer ``zones``) in the frame's own (metric) CRS."""
    return _write(frame, "GPKG")


def zone_files(dataset: Dataset, geometry: AgreementGeometry | list[AgreementGeometry],
               as_of: dt.date | None = None) -> list[File]:
    """The zones as GeoJSON and GeoPackage; none when the agreement declares no zone or corridor. Several
    geometries (a comparison: the agreement's and its amendment's) go into one layer, in the first one's CRS."""
    geometries = geometry if isinstance(geometry, list) else [geometry]
    frames = [zones_frame(dataset, g, as_of) for g in geometries if g.zones]
    if not frames:
        return []
    frame = gpd.GeoDataFrame(pd.concat([f.to_crs(frames[0].crs) for f in frames], ignore_index=True), crs=frames[0].crs)
    crs = frame.crs.to_string()
    return [File("zones", "geojson", zones_geojson(frame), "the computed zones and corridors, WGS 84 lon/lat (RFC 7946)"),
            File("zones", "gpkg", zones_gpkg(frame), f"the computed zones and corridors, in the metric CRS of the figures ({crs})")]


def with_zones(content: Markup | HTML, dataset: Dataset, geometry: AgreementGeometry | list[AgreementGeometry],
               as_of: dt.date | None = None) -> Attached:
    return attach(content, *zone_files(dataset, geometry, as_of))


# --- tables ------------------------------------------------------------------------------------------


def _cell(value: object) -> object:
    if isinstance(value, (list, tuple)):
        value = "; ".join(" ".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v) for v in value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a header row; the frame's index is written only when it is named."""
    frame = frame.reset_index() if frame.index.name else frame
    clean = frame.astype(object).map(_cell) if not frame.empty else frame
    return clean.to_csv(index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL).encode("utf-8")


def table_file(key: str, frame: pd.DataFrame) -> File | None:
    """The table as ``<report>.<key>.csv``; None when it has no rows (the page shows no table then)."""
    if frame is None or frame.empty:
        return None
    return File(key, "csv", csv_bytes(frame), TABLES[key])


def with_table(content: Markup | HTML, key: str, frame: pd.DataFrame) -> Attached:
    """The section with its table attached as CSV (``key``: one of :data:`TABLES`)."""
    return attach(content, table_file(key, frame))


def with_events(content: Markup | HTML, key: str, compliance, method: str, *args, needs_coverage: bool = True) -> Attached:
    """A compliance section with its table (``compliance.<method>(*args)``, :class:`accordmap.analysis.compliance.Compliance`)
    as CSV; nothing when there is no event set or (``needs_coverage``) the set does not cover the period."""
    if compliance is None or (needs_coverage and not compliance.coverage.covered):
        return attach(content)
    return attach(content, table_file(key, getattr(compliance, method)(*args)))


def obligations_frame(matrix: pd.DataFrame) -> pd.DataFrame:
    """The obligation matrix with its actor index as a column."""
    return matrix.rename_axis("actor")


def sources_frame(dataset: Dataset, ids: list[str]) -> pd.DataFrame:
    """The sources listed in a report, in its order (never the ``editor_note``)."""
    return pd.DataFrame([
        {"id": s.id, "title": s.title, "publisher": s.publisher, "publisher_kind": s.publisher_kind, "kind": s.kind,
         "date": s.date or "", "url": str(s.url) if s.url else "",
         "accessed": str(s.accessed) if s.accessed else "", "note": s.note or ""}
        for s in (dataset.sources[i] for i in ids)
    ], columns=["id", "title", "publisher", "publisher_kind", "kind", "date", "url", "accessed", "note"])


# --- images ------------------------------------------------------------------------------------------


def png(key: str, data: bytes, title: str) -> File:
    """A PNG image to attach, e.g. ``attach(html, png("map", static_map_png(...), "the map as a static image"))``."""
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ValueError(f"attachment {key}.png: the data is not a PNG image (expected bytes starting with the PNG signature)")
    return File(key, "png", data, title)
