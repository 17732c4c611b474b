"""accordmap: agreement terms, geographic layers and event data -> offline HTML reports.

The data flow is the package layout, each subpackage importing only those before it::

    models/ (files -> validated models)  dataset  params  geometry (zones, metric CRS)
    load/ (files -> checked Dataset)  analysis/ (status, compliance, comparison, figures)
    views/ (escaping, tables, charts, maps, exports)  reports/ (what notebook cells call)
    publish/ (jobs, kernels, pages, the published folder)  cli

The analyst's API, for JupyterLab (each name is imported on first use, so ``import accordmap``
loads no geopandas)::

    import accordmap as am
    ds = am.load_dataset()                                  # data/ (or a folder you name)
    r = am.report("brief", agreement="sochi-2018")          # the object a notebook builds
    geo = am.build_geometry(ds, ds.agreements["sochi-2018"], zone_max_km=25)
    geo.zones_frame()                                       # the zones as a GeoDataFrame (EPSG:4326)
    m = am.build_map(ds, geo.agreement, geo)                # a folium.Map (m=... draws onto yours)
    am.static_map_png(ds, geo.agreement, geo)               # the static map, PNG bytes
    am.provision_states(ds, "sochi-2018", as_of="2019-01-01")
    c, event_set = am.assessment(ds, geo, None)             # conflict events in the zones
    cmp = am.compare(ds, "sochi-2018", "moscow-2020")       # what became of the zone
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: public name -> "module:attribute", imported on first use (PEP 562)
_API = {
    "load_dataset": "accordmap.load.run:load_dataset",
    "load_cached": "accordmap.load.run:load_cached",
    "Dataset": "accordmap.dataset:Dataset",
    "DataError": "accordmap.errors:DataError",
    "DataErrors": "accordmap.errors:DataErrors",
    "ParameterError": "accordmap.errors:ParameterError",
    "report": "accordmap.reports.open:report",
    "Report": "accordmap.reports.agreement:Report",
    "ComparisonReport": "accordmap.reports.comparison:ComparisonReport",
    "build_geometry": "accordmap.geometry:build_geometry",
    "AgreementGeometry": "accordmap.geometry:AgreementGeometry",
    "build_map": "accordmap.views.maps.agreement:build_map",
    "static_map_png": "accordmap.views.maps.static:static_map_png",
    "static_map_figure": "accordmap.views.maps.static:static_map_figure",
    "assess": "accordmap.analysis.compliance:assess",
    "assessment": "accordmap.analysis.compliance:assessment",
    "zone_shapes": "accordmap.analysis.compliance:zone_shapes",
    "Compliance": "accordmap.analysis.compliance:Compliance",
    "compare": "accordmap.analysis.comparison:compare",
    "Comparison": "accordmap.analysis.comparison:Comparison",
    "provision_states": "accordmap.analysis.status:provision_states",
    "tables": "accordmap.views.tables",
}

__all__ = [*_API, "__version__"]

if TYPE_CHECKING:
    from accordmap.analysis.comparison import Comparison, compare
    from accordmap.analysis.compliance import Compliance, assess, assessment, zone_shapes
    from accordmap.analysis.status import provision_states
    from accordmap.dataset import Dataset
    from accordmap.errors import DataError, DataErrors, ParameterError
    from accordmap.geometry import AgreementGeometry, build_geometry
    from accordmap.load.run import load_cached, load_dataset
    from accordmap.reports.agreement import Report
    from accordmap.reports.comparison import ComparisonReport
    from accordmap.reports.open import report
    from accordmap.views import tables
    from accordmap.views.maps.agreement import build_map
    from accordmap.views.maps.static import static_map_figure, static_map_png


def __getattr__(name: str) -> Any:
    target = _API.get(name)
    if target is None:
        raise AttributeError(f"module 'accordmap' has no attribute {name!r}")
    import importlib

    module, _, attr = target.partition(":")
    value = importlib.import_module(module)
    value = getattr(value, attr) if attr else value
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
