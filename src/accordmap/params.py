"""Report parameters: the one list of what each report accepts, with types, defaults and checks.

The notebooks' tagged ``parameters`` cells mirror this list (a test keeps them equal), and
every value is checked here before any notebook runs: ``accordmap build -p`` and a notebook
edited by hand in JupyterLab get the same messages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable

from accordmap import models
from accordmap.load import Dataset


class ParameterError(ValueError):
    """A parameter that cannot be used; the message names it and lists the valid ones."""


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str  # "agreement id", "number", "date", "basemap"
    default: Any
    help: str
    parse: Callable[[str], Any]


def _number(text: str) -> float:
    return float(text)


def _date(text: str) -> dt.date:
    return models.parse_day_date(text)  # the same date rule as the data files


def _text(text: str) -> str:
    return str(text)


PARAMETERS: dict[str, Parameter] = {
    p.name: p
    for p in [
        Parameter("agreement", "agreement id", "sochi-2018", "id of data/agreements/<id>.yaml", _text),
        Parameter("zone_min_km", "number", None, "depth of the narrower band zone, km (None: as agreed, e.g. 15)", _number),
        Parameter("zone_max_km", "number", None, "depth of the wider band zone, km (None: as agreed, e.g. 20)", _number),
        Parameter("corridor_half_width_km", "number", None, "half-width of corridors, km (None: as agreed, e.g. 6)",
                  _number),
        Parameter("as_of", "date", None, "tell the story as known on this date, YYYY-MM-DD (None: all dated events)",
                  _date),
        Parameter("basemap", "basemap", "none",
                  "'none' (offline), 'osm', or an xyzservices provider such as 'CartoDB.Positron' (online tiles)", _text),
    ]
}

REPORTS: dict[str, dict[str, Any]] = {
    "brief": {"title": "Brief", "notebook": "brief.ipynb",
              "parameters": ["agreement", "zone_min_km", "zone_max_km", "corridor_half_width_km", "as_of", "basemap"],
              "summary": "one-page overview: who, when, where, what; provisions, key figures, map, short timeline, stakeholders"},
    "zone-map": {"title": "Zone map", "notebook": "zone_map.ipynb",
                 "parameters": ["agreement", "zone_min_km", "zone_max_km", "corridor_half_width_km", "basemap"],
                 "summary": "map with toggleable layers, legend and scale; figures and the places inside the zone"},
    "timeline": {"title": "Timeline", "notebook": "timeline.ipynb", "parameters": ["agreement", "as_of"],
                 "summary": "context, signing, deadlines and what happened after, as a chart and a sourced table"},
    "stakeholders": {"title": "Stakeholders", "notebook": "stakeholders.ipynb", "parameters": ["agreement"],
                     "summary": "actors x provisions obligations, roles, sides, statements and relations"},
}


def _valid_list(names: list[str]) -> str:
    return "; ".join(f"{n} ({PARAMETERS[n].kind}: {PARAMETERS[n].help})" for n in names)


def describe(report_names: list[str]) -> str:
    """The parameters the given reports accept, with their kinds and meanings."""
    names = sorted({p for r in report_names for p in REPORTS[r]["parameters"]}, key=list(PARAMETERS).index)
    return _valid_list(names)


def parse_cli_values(pairs: list[str], report_names: list[str]) -> dict[str, str]:
    """``["zone_min_km=12", ...]`` -> raw strings, refusing names no chosen report accepts."""
    accepted = sorted({p for r in report_names for p in REPORTS[r]["parameters"]}, key=list(PARAMETERS).index)
    valid = describe(report_names)
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ParameterError(f"parameter {pair!r} is not NAME=VALUE; valid parameters: {valid}")
        if name == "agreement":
            raise ParameterError("choose agreements as arguments (accordmap build sochi-2018), not with -p agreement=")
        if name not in accepted:
            raise ParameterError(f"unknown parameter {name!r} for report(s) {', '.join(report_names)}; valid parameters: {valid}")
        values[name] = value.strip()
    return values


def resolve(dataset: Dataset, report: str, raw: dict[str, Any]) -> dict[str, Any]:
    """Typed, checked values for one report; raw values may be strings (CLI) or typed (notebook)."""
    names = REPORTS[report]["parameters"]
    unknown = sorted(set(raw) - set(names))
    if unknown:
        raise ParameterError(f"unknown parameter(s) {', '.join(unknown)} for report {report!r}; valid parameters: {_valid_list(names)}")
    values = {name: PARAMETERS[name].default for name in names}
    for name, value in raw.items():
        if value is None or (isinstance(value, str) and value.lower() in ("", "none", "null") and name != "basemap"):
            values[name] = PARAMETERS[name].default
            continue
        param = PARAMETERS[name]
        try:
            if param.kind == "number" and isinstance(value, bool):
                raise ValueError("a boolean")
            values[name] = param.parse(value) if isinstance(value, str) or param.kind == "number" else value
        except (TypeError, ValueError) as exc:
            raise ParameterError(f"parameter {name}={value!r} is not a valid {param.kind} ({exc}); {name}: {param.help}") from None
    _check(dataset, values)
    return values


def _check(dataset: Dataset, values: dict[str, Any]) -> None:
    agreement_id = values["agreement"]
    if agreement_id not in dataset.agreements:
        raise ParameterError(f"agreement {agreement_id!r} not found; known agreements: {', '.join(sorted(dataset.agreements))}")
    agreement = dataset.agreements[agreement_id]
    for name in ("zone_min_km", "zone_max_km", "corridor_half_width_km"):
        value = values.get(name)
        if value is not None and not (0 < value <= models.MAX_DISTANCE_KM):
            raise ParameterError(f"parameter {name}={value:g} is impossible "
                                 f"(expected more than 0 and at most {models.MAX_DISTANCE_KM:g} km)")
    bands = [p.geography for p in agreement.provisions if p.geography and p.geography.kind == "band"]
    for band in bands:
        low, high = band.depths(values.get("zone_min_km"), values.get("zone_max_km"))
        if low > high:
            raise ParameterError(f"zone_min_km ({low:g}) is larger than zone_max_km ({high:g}) for {band.label!r} (expected min <= max)")
    if values.get("as_of") is not None:
        first = models.partial_date_start(dataset.events[0].date) if dataset.events else agreement.date_signed
        last = models.partial_date_start(dataset.events[-1].date) if dataset.events else agreement.date_signed
        first, last = min(first, agreement.date_signed), max(last, agreement.date_signed)
        if not first <= values["as_of"] <= last:
            raise ParameterError(f"as_of {values['as_of']} is outside the data (expected a date from {first} to {last})")
    basemap = values.get("basemap")
    if basemap is not None and basemap not in ("none", "osm"):
        import xyzservices

        try:
            xyzservices.providers.query_name(basemap)
        except ValueError:
            raise ParameterError(f"basemap {basemap!r} is not 'none', 'osm' or an xyzservices provider name "
                                 "(e.g. 'CartoDB.Positron')") from None
