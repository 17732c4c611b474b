"""Data files -> a checked :class:`~accordmap.dataset.Dataset`: what ``accordmap check`` runs.

- :mod:`.yamlfile` YAML with line numbers; pydantic errors as ``file:line: field: message``; salvage
- :mod:`.references` cross-file rules: duplicate ids, references, series, deadlines, status, changes, filters
- :mod:`.geojson` GeoJSON lint (JSON as GDAL reads it, CRS, rings, region, place ids) and the read check
- :mod:`.zones` every zone computed as the build computes it; none may come out empty
- :mod:`.events` event files (CSV, CSV.gz, Parquet) -> one checked, normalised frame
- :mod:`.url_warnings` warnings for source and provenance URLs
- :mod:`.run` the one pass: read, validate, salvage, check; every problem at once

``load_dataset`` and ``load_cached`` are re-exported here, resolved on first use (PEP 562), so importing
:mod:`accordmap.load.yamlfile` alone does not pull in pandas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accordmap.dataset import Dataset
    from accordmap.errors import DataError, DataErrors
    from accordmap.load.run import load_cached, load_dataset

__all__ = ["DataError", "DataErrors", "Dataset", "load_cached", "load_dataset"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from accordmap.load import run  # pandas, pydantic models: only when the data is read

        return getattr(run, name)
    raise AttributeError(f"module 'accordmap.load' has no attribute {name!r}")
