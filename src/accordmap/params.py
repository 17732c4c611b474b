"""Report parameters: the one list of what each report accepts, with types, defaults and checks.

The notebooks' tagged ``parameters`` cells mirror this list (a test keeps them equal) and hand
their values over as a whole (``Report.from_parameters(name, globals())``), so no parameter can be
dropped on the way. Every value is checked here before any notebook runs: ``accordmap build -p``
and a notebook edited by hand in JupyterLab get the same messages.

An *internal* parameter (``data_dir``) is set by the build (from ``--data``), never with ``-p``,
and is not shown in a report's footer: it names a folder on the machine that built it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from accordmap import models
from accordmap.dataset import Dataset  # not accordmap.load: the build plans without loading the data stack


class ParameterError(ValueError):
    """A parameter that cannot be used; the message names it and lists the valid ones."""


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str  # "agreement id", "number", "whole number", "date", "basemap", "event set id", "folder"
    default: Any
    help: str
    parse: Callable[[str], Any]
    internal: bool = False  # set by the build, not by -p


def _whole(text: str) -> int:
    return int(text)


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
        Parameter("as_of", "date", None, "the report as known on this date, YYYY-MM-DD (None: the latest known state)",
                  _date),
        Parameter("basemap", "basemap", "none",
                  "'none' (offline), 'osm', or an xyzservices provider such as 'CartoDB.Positron' (online tiles)", _text),
        Parameter("events", "event set id", "ucdp-ged-syria-2016-2019", "id of an event set in data/events/catalog.yaml",
                  _text),
        Parameter("min_precision", "whole number", 2,
                  "coarsest location precision counted inside a zone: 1 exact place, 2 within about 25 km, ... 7", _whole),
        Parameter("base", "agreement id", "sochi-2018", "id of the agreement that was amended", _text),
        Parameter("amendment", "agreement id", "moscow-2020", "id of the agreement that amends it", _text),
        Parameter("data_dir", "folder", None, "data folder (None: the project's data/; accordmap build sets it from --data)",
                  _text, internal=True),
    ]
}

REPORTS: dict[str, dict[str, Any]] = {
    "brief": {"title": "Brief", "notebook": "brief.ipynb",
              "parameters": ["agreement", "zone_min_km", "zone_max_km", "corridor_half_width_km", "as_of", "basemap", "data_dir"],
              "summary": "one-page overview: who, when, where, what; provisions, key figures, map, short timeline, stakeholders"},
    "zone-map": {"title": "Zone map", "notebook": "zone_map.ipynb",
                 "parameters": ["agreement", "zone_min_km", "zone_max_km", "corridor_half_width_km", "as_of", "basemap", "data_dir"],
                 "summary": "map with toggleable layers, legend and scale; figures and the places inside the zone"},
    "timeline": {"title": "Timeline", "notebook": "timeline.ipynb", "parameters": ["agreement", "as_of", "data_dir"],
                 "summary": "context, signing, deadlines and what happened after, as a chart and a sourced table"},
    "stakeholders": {"title": "Stakeholders", "notebook": "stakeholders.ipynb", "parameters": ["agreement", "as_of", "data_dir"],
                     "summary": "actors x provisions obligations, roles, sides, statements and relations"},
    "comparison": {"title": "What changed", "notebook": "comparison.ipynb", "subject": "amendment",
                   "parameters": ["base", "amendment", "as_of", "data_dir"],
                   "summary": "an agreement and its amendment: provisions added, changed, superseded, carried over; "
                              "the ground that changed hands between them, beside published figures"},
    "compliance": {"title": "Compliance", "notebook": "compliance.ipynb",
                   "parameters": ["agreement", "events", "min_precision", "as_of", "data_dir"],
                   "summary": "conflict events and deaths inside the zone before signing, to each deadline and after it: "
                              "by month, type, side and place, a map, and published counts as context"},
}


def _valid_list(names: list[str]) -> str:
    return "; ".join(f"{n} ({PARAMETERS[n].kind}: {PARAMETERS[n].help})" for n in names if not PARAMETERS[n].internal)


def public(report: str) -> list[str]:
    """The parameters of a report a user sets (with -p, or as arguments), in registry order."""
    return [n for n in REPORTS[report]["parameters"] if not PARAMETERS[n].internal]


def describe(report_names: list[str]) -> str:
    """The parameters the given reports accept, with their kinds and meanings."""
    names = sorted({p for r in report_names for p in public(r)}, key=list(PARAMETERS).index)
    return _valid_list(names)


def from_namespace(report: str, namespace: Mapping[str, Any]) -> dict[str, Any]:
    """Every parameter of ``report`` taken from a notebook's namespace (its parameters cell, and what
    papermill injected): the values as a whole, so none can be left out on the way to the report."""
    if report not in REPORTS:
        raise ParameterError(f"unknown report {report!r}; reports: {', '.join(REPORTS)}")
    names = REPORTS[report]["parameters"]
    missing = [n for n in names if n not in namespace]
    if missing:
        raise ParameterError(f"the parameters cell does not define {', '.join(missing)} (expected every parameter of "
                             f"report {report!r}: {', '.join(names)}; see accordmap list)")
    return {n: namespace[n] for n in names}


def parse_cli_values(pairs: list[str], report_names: list[str]) -> dict[str, str]:
    """``["zone_min_km=12", ...]`` -> raw strings, refusing names no chosen report accepts."""
    accepted = sorted({p for r in report_names for p in public(r)}, key=list(PARAMETERS).index)
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


def parse_cli_sweep(pairs: list[str], report_names: list[str]) -> dict[str, list[str]]:
    """``["zone_max_km=15,20,25", "basemap=osm"]`` -> each name's values (a comma separates the values of
    a sweep), refusing what :func:`parse_cli_values` refuses and empty values in a list."""
    lists: dict[str, list[str]] = {}
    for pair in pairs:
        name, value = next(iter(parse_cli_values([pair], report_names).items()))
        items = [item.strip() for item in value.split(",")] if "," in value else [value]
        if "," in value and not all(items):
            raise ParameterError(f"parameter {pair!r} has an empty value in its list (expected NAME=V1,V2,... "
                                 f"e.g. zone_max_km=15,20,25)")
        lists[name] = list(dict.fromkeys(items))
    return lists


def typed(report: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Every parameter of ``report``, typed (defaults for those not in ``raw``), not yet checked against
    the data: :func:`resolve` does both. Raises ParameterError."""
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
            if param.kind == "whole number" and not isinstance(value, (int, str)):
                raise ValueError("not a whole number")
            values[name] = param.parse(value) if isinstance(value, str) or param.kind == "number" else value
        except (TypeError, ValueError) as exc:
            raise ParameterError(f"parameter {name}={value!r} is not a valid {param.kind} ({exc}); {name}: {param.help}") from None
    return values


def resolve(dataset: Dataset, report: str, raw: dict[str, Any]) -> dict[str, Any]:
    """Typed, checked values for one report; raw values may be strings (CLI) or typed (notebook)."""
    values = typed(report, raw)
    _check(dataset, values)
    return values


def _check(dataset: Dataset, values: dict[str, Any]) -> None:
    for name in ("agreement", "base", "amendment"):
        if name in values and values[name] not in dataset.agreements:
            raise ParameterError(f"{'agreement' if name == 'agreement' else name} {values[name]!r} not found; "
                                 f"known agreements: {', '.join(sorted(dataset.agreements))}")
    if "base" in values and dataset.agreements[values["amendment"]].amends != values["base"]:
        amending = sorted(a.id for a in dataset.agreements.values() if a.amends == values["base"])
        raise ParameterError(f"amendment {values['amendment']!r} does not amend {values['base']!r} "
                             f"(expected one of: {', '.join(amending) or 'none in the data'})")
    # a data folder without any event set builds its reports, which say so; a set named there must exist
    if "events" in values and values["events"] not in dataset.event_sets and (
            dataset.event_sets or values["events"] != PARAMETERS["events"].default):
        raise ParameterError(f"event set {values['events']!r} not found; known event sets: "
                             f"{', '.join(sorted(dataset.event_sets)) or 'none (add data/events/catalog.yaml)'}")
    if "min_precision" in values and not 1 <= values["min_precision"] <= 7:
        raise ParameterError(f"min_precision={values['min_precision']} is impossible (expected a whole number from 1 "
                             "(exact place) to 7)")
    agreement = dataset.agreements[values.get("agreement") or values.get("base")]
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
    if values.get("as_of") is not None and values["as_of"] < agreement.date_signed:
        # a later date than the data is fine: the report shows the latest known state and says how old it is
        raise ParameterError(f"as_of {values['as_of']} is before the {agreement.short_title} was signed "
                             f"(expected a date from {agreement.date_signed} on)")
    basemap = values.get("basemap")
    if basemap is not None and basemap not in ("none", "osm"):
        import xyzservices

        try:
            xyzservices.providers.query_name(basemap)
        except ValueError:
            raise ParameterError(f"basemap {basemap!r} is not 'none', 'osm' or an xyzservices provider name "
                                 "(e.g. 'CartoDB.Positron')") from None
