"""Checked models -> the runtime dataset the reports read: models, layer frames, data version.

:class:`Dataset` holds the validated models of one data folder and reads each layer with the
reader the build uses (geopandas with pyogrio), once: ``accordmap check`` reads every layer this
way and hands its frames over, so a build does not read them again. This module also lists the
files accordmap reads (never through a link that leads out of the data folder) and hashes them
into the data version shown in every report.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from accordmap import models

# every file accordmap reads, relative to the data folder
DATA_FILE_PATTERNS = ("sources.yaml", "actors.yaml", "events.yaml", "agreements/*.yaml", "layers/catalog.yaml",
                      "layers/*.geojson", "events/catalog.yaml", "events/*.csv", "events/*.csv.gz", "events/*.parquet")


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

    def event_frame(self, set_id: str):
        """An event set's rows as the normalised frame of :mod:`accordmap.events` (read once per file)."""
        from accordmap import events  # events reads files with this module's helpers

        return events.read_event_set(self.data_dir, set_id)

    @functools.cached_property
    def layers(self) -> dict[str, models.Layer]:
        return {layer.id: layer for layer in self.catalog.layers}

    def layer_frame(self, ref: models.LayerRef | str):
        """The layer as a GeoDataFrame (EPSG:4326), filtered by ``ref.where``."""
        ref = models.LayerRef(layer=ref) if isinstance(ref, str) else ref
        if ref.layer not in self.frames:
            self.frames[ref.layer] = read_layer(self.data_dir / "layers" / self.layers[ref.layer].file)
        return select(self.frames[ref.layer], ref.where)


def select(frame, where: dict[str, Any] | None):
    """The rows of a layer frame whose properties equal every value in ``where``."""
    for key, value in (where or {}).items():
        frame = frame[frame[key] == value]
    return frame


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
