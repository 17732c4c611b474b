"""Checked models -> the runtime dataset the reports read: models, layer frames, data version.

:class:`Dataset` holds the validated models of one data folder and reads each layer with the
reader the build uses (geopandas with pyogrio), once: ``accordmap check`` reads every layer this
way and hands its frames over, so a build does not read them again. This module also lists the
files accordmap reads (never through a link that leads out of the data folder) and hashes them
into the data version shown in every report. A *series* of layers (the same thing at several dates)
resolves to the member a report's date picks (:func:`resolve_layer`).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from collections.abc import Iterable

from accordmap import models
from accordmap.models.where import select
from accordmap.models import terms
from accordmap.models import dates

# every file accordmap reads, relative to the data folder
DATA_FILE_PATTERNS = ("sources.yaml", "actors.yaml", "events.yaml", "agreements/*.yaml", "layers/catalog.yaml",
                      "layers/*.geojson", "events/catalog.yaml", "events/*.csv", "events/*.csv.gz", "events/*.parquet",
                      "published_counts.yaml", "published_areas.yaml", "vocabularies.yaml")


@dataclass
class Dataset:
    data_dir: Path
    sources: dict[str, models.Source]
    actors: dict[str, models.Actor]
    events: list[models.Event]
    agreements: dict[str, models.Agreement]
    catalog: models.LayerCatalog
    version: str
    frames: dict[str, Any] = field(default_factory=dict, repr=False)  # layer id -> GeoDataFrame, read once
    event_sets: dict[str, Any] = field(default_factory=dict)  # id -> events.EventSet (data/events/catalog.yaml)
    published_counts: list[Any] = field(default_factory=list)  # published.PublishedCount (data/published_counts.yaml)
    published_areas: list[Any] = field(default_factory=list)  # published_areas.PublishedArea (data/published_areas.yaml)
    vocabularies: terms.Vocabularies = terms.DEFAULT  # the open lists of terms and their labels (data/vocabularies.yaml)

    @functools.cached_property
    def layers(self) -> dict[str, models.Layer]:
        """Layer id -> layer; a series id stands for its latest member (a report resolves series on its
        own as_of first, see :meth:`resolve_agreement`; this is the view of an agreement as of today)."""
        layers = {layer.id: layer for layer in self.catalog.layers}
        layers.update({series_id: members[-1] for series_id, members in self.series.items()})
        return layers

    @functools.cached_property
    def series(self) -> dict[str, list[models.Layer]]:
        """Series id -> its member layers, earliest first."""
        return layer_series(self.catalog.layers)

    def resolve(self, ident: str, as_of: dt.date | None = None) -> Resolved:
        """A layer id, or a series id resolved to its member on ``as_of`` (see :func:`resolve_layer`)."""
        return resolve_layer(self.series, ident, as_of, self.layers)

    def resolve_agreement(self, agreement: models.Agreement, as_of: dt.date | None = None) -> models.Agreement:
        """The agreement with every series in its geographies and map_layers replaced by the member on ``as_of``."""
        return resolve_agreement(self.series, agreement, as_of)

    def layer_frame(self, ref: models.LayerRef | str):
        """The layer as a GeoDataFrame (EPSG:4326), filtered by ``ref.where``."""
        ref = models.LayerRef(layer=ref) if isinstance(ref, str) else ref
        if ref.series is not None:
            ref = models.LayerRef(layer=self.resolve(ref.series).layer.id, where=ref.where)
        if ref.layer in self.series:  # a series id: its latest member
            ref = models.LayerRef(layer=self.layers[ref.layer].id, where=ref.where)
        if ref.layer not in self.frames:
            self.frames[ref.layer] = read_layer(self.data_dir / "layers" / self.layers[ref.layer].file)
        return select(self.frames[ref.layer], ref.where)


@dataclass(frozen=True)
class Resolved:
    """The layer a layer id or series id stands for on a date; ``early`` when the date comes before the
    first member of the series (the first member is used, and reports say so)."""

    layer: models.Layer
    series: str | None = None
    early: bool = False


def layer_series(layers: Iterable[models.Layer]) -> dict[str, list[models.Layer]]:
    """Series id -> its members, earliest ``as_of`` first (members have day dates; see checks.check_series)."""
    series: dict[str, list[models.Layer]] = {}
    for layer in layers:
        if layer is not None and layer.series:
            series.setdefault(layer.series, []).append(layer)
    for members in series.values():
        members.sort(key=lambda layer: dates.start(layer.as_of) if layer.as_of else dt.date.min)
    return series


def resolve_layer(series: dict[str, list[models.Layer]], ident: str, as_of: dt.date | None = None,
                  layers: dict[str, models.Layer] | None = None) -> Resolved:
    """The member of series ``ident`` on ``as_of``: the latest not after it (None: the latest of all);
    before the first member, the first (``early``). A layer id (looked up in ``layers``) stands for itself."""
    if ident not in series:
        if layers is None or ident not in layers:
            raise KeyError(f"no layer or series with id {ident!r}")
        return Resolved(layers[ident])
    members = series[ident]
    if as_of is None:
        return Resolved(members[-1], ident)
    known = [m for m in members if dates.start(m.as_of) <= as_of]
    return Resolved(known[-1], ident) if known else Resolved(members[0], ident, early=True)


def resolve_agreement(series: dict[str, list[models.Layer]], agreement: models.Agreement,
                      as_of: dt.date | None = None) -> models.Agreement:
    """A copy of the agreement naming only layers: each ``{series: ...}`` reference and each series id in
    ``map_layers`` replaced by the member on ``as_of``."""

    def ref(value: models.LayerRef | None) -> models.LayerRef | None:
        if value is None or value.series is None:
            return value
        return models.LayerRef(layer=resolve_layer(series, value.series, as_of).layer.id, where=value.where)

    provisions = []
    for provision in agreement.provisions:
        geo = provision.geography
        if geo is not None:
            geo = geo.map_refs(ref)  # every reference of the kind (within, except, sectors ...)
        provisions.append(provision.model_copy(update={"geography": geo}))
    map_layers = [resolve_layer(series, i, as_of).layer.id if i in series else i for i in agreement.map_layers]
    return agreement.model_copy(update={"provisions": provisions, "map_layers": list(dict.fromkeys(map_layers))})


def read_layer(path: Path):
    """A GeoJSON file as a GeoDataFrame, read as the build reads it (pyogrio); EPSG:4326 if it names no CRS."""
    import geopandas as gpd

    frame = gpd.read_file(path, engine="pyogrio")
    if frame.crs is None:
        frame = frame.set_crs(4326)
    return frame


def link_outside(path: Path, data_dir: Path) -> Path | None:
    """The link (``path`` or a folder on the way to it) that leads out of ``data_dir``, if any.

    Such a file is never read: the data folder must hold everything a report is made from.
    """
    root = data_dir.resolve()
    current = data_dir
    for part in path.relative_to(data_dir).parts:
        current = current / part
        if current.is_symlink():
            try:
                target = current.resolve()
            except (OSError, RuntimeError):  # a loop of links
                return current
            if not target.is_relative_to(root):
                return current
    return None


def data_files(data_dir: Path) -> list[Path]:
    """The files accordmap reads in ``data_dir``, leaving out any reached through a link out of it."""
    return [p for pattern in DATA_FILE_PATTERNS for p in data_dir.glob(pattern) if link_outside(p, data_dir) is None]


def data_version(paths: Iterable[Path], root: Path) -> str:
    """A short hash of the files' names and contents: the data version printed in every report."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
