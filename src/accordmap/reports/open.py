"""A report's name -> the report object its notebook uses (the one place that knows every Report class).

:func:`report` picks the class from the report's subject (:data:`accordmap.params.REPORTS`): a report
about an amendment is a :class:`~accordmap.reports.comparison.ComparisonReport`, every other one an
agreement :class:`~accordmap.reports.agreement.Report`. Notebooks call it as
``accordmap.report("brief", globals())``: every parameter of the report is taken from the
notebook's namespace, so an edited notebook cannot drop one on the way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from accordmap import params
from accordmap.dataset import Dataset
from accordmap.reports.agreement import Report
from accordmap.reports.comparison import ComparisonReport

#: subject of a report (params.REPORTS[name]["subject"]) -> the class that builds it
CLASSES: dict[str, type[Report]] = {"agreement": Report, "amendment": ComparisonReport}


def report_class(name: str) -> type[Report]:
    """The Report class of report ``name`` (an unknown name gets :class:`Report`, which refuses it)."""
    return CLASSES[params.REPORTS.get(name, {}).get("subject", "agreement")]


def report(name: str, namespace: Mapping[str, Any] | None = None, *, dataset: Dataset | None = None,
           **parameters: Any) -> Report:
    """Report ``name`` as its notebook builds it.

    With ``namespace`` (a notebook's ``globals()``) every parameter of the report is read from it
    (:func:`accordmap.params.from_namespace`); otherwise ``parameters`` are the report's parameters by
    name (``agreement="sochi-2018", as_of="2018-10-01"``), defaults for the rest. ``dataset``: an
    already loaded :class:`~accordmap.dataset.Dataset` (else the one of ``data_dir``, or the project's).
    """
    cls = report_class(name)
    if namespace is not None:
        if parameters:
            raise TypeError("give the parameters in the namespace or as keywords, not both")
        return cls.from_parameters(name, namespace, dataset=dataset)
    return cls(name, dataset=dataset, **parameters)
