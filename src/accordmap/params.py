"""Report parameters: the one list of what each report accepts, with types, defaults and checks.

The notebooks' tagged ``parameters`` cells mirror this list (a test keeps them equal) and hand
their values over as a whole (``accordmap.report(name, globals())``), so no parameter can be
dropped on the way. Every value is checked here before any notebook runs: ``accordmap build -p``
and a notebook edited by hand in JupyterLab get the same messages.

A *scoped* parameter, ``-p <provision id>.<parameter>=<value>`` (``p3.max_km=25``), sets one
provision's zone: its names travel through the planning and sweep file names as given and are
gathered into the ``zone_overrides`` parameter the notebook receives. Which parameters each kind of
geography takes, and when the agreement-wide ones apply, is :mod:`accordmap.models.geography.registry`.

An *internal* parameter (``data_dir``) is set by the build (from ``--data``), never with ``-p``,
and is not shown in a report's footer: it names a folder on the machine that built it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from collections.abc import Callable, Mapping

from accordmap import models
from accordmap.dataset import Dataset  # not accordmap.load: the build plans without loading the data stack
from accordmap.errors import ParameterError  # noqa: F401 - raised here; defined with every other error
from accordmap.models.geography import registry


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str  # "agreement id", "number", "whole number", "date", "basemap", "event set id", "folder", "overrides"
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


def _overrides(value: Any) -> dict[str, float] | None:
    """Provision parameters: ``{"p3.max_km": 25}``, or as text ``"p3.max_km=25; p3.min_km=10"``."""
    if isinstance(value, str):
        pairs = [item.partition("=") for item in value.split(";") if item.strip()]
        if any(not sep for _, sep, _ in pairs):
            raise ValueError("expected <provision>.<parameter>=<number>; ... e.g. 'p3.max_km=25'")
        value = {name.strip(): number.strip() for name, _, number in pairs}
    if not isinstance(value, dict):
        raise ValueError("expected a mapping of <provision>.<parameter> to a number, e.g. {'p3.max_km': 25}")
    typed = {}
    for name, number in value.items():
        try:
            registry.check_scoped_name(str(name))
        except registry.OverrideError as exc:
            raise ValueError(str(exc)) from None
        if isinstance(number, bool):
            raise ValueError(f"{name}: a boolean is not a distance")
        typed[str(name)] = float(number)
    return typed or None  # nothing set: as agreed, like the other parameters' None


PARAMETERS: dict[str, Parameter] = {
    p.name: p
    for p in [
        Parameter("agreement", "agreement id", "sochi-2018", "id of data/agreements/<id>.yaml", _text),
        Parameter("zone_min_km", "number", None, "depth of the narrower band zone, km (None: as agreed, e.g. 15; "
                  "an agreement with several bands: <provision>.min_km)", _number),
        Parameter("zone_max_km", "number", None, "depth of the wider band zone, km (None: as agreed, e.g. 20; "
                  "an agreement with several bands: <provision>.max_km)", _number),
        Parameter("corridor_half_width_km", "number", None, "half-width of the corridor, km (None: as agreed, e.g. 6; "
                  "an agreement with several corridors: <provision>.half_width_km)", _number),
        Parameter("zone_overrides", "overrides", None,
                  "one provision's zone parameters, e.g. {'p3.max_km': 25} (on the command line: -p p3.max_km=25; "
                  "band: min_km, max_km; corridor: half_width_km)", _overrides),
        Parameter("as_of", "date", None, "the report as known on this date, YYYY-MM-DD (None: the latest known state)",
                  _date),
        Parameter("basemap", "basemap", "none",
                  "'none' (offline), 'osm', or an xyzservices provider such as 'CartoDB.Positron' (online tiles)", _text),
        Parameter("events", "event set id", None, "id of an event set in data/events/catalog.yaml (None: the first set "
                  "whose region box overlaps the agreement's zones, preferring one that covers the signing day)", _text),
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
              "parameters": ["agreement", "zone_min_km", "zone_max_km", "corridor_half_width_km", "zone_overrides",
                             "as_of", "basemap", "data_dir"],
              "summary": "one-page overview: who, when, where, what; provisions, key figures, map, short timeline, stakeholders"},
    "zone-map": {"title": "Zone map", "notebook": "zone_map.ipynb",
                 "parameters": ["agreement", "zone_min_km", "zone_max_km", "corridor_half_width_km", "zone_overrides",
                                "as_of", "basemap", "data_dir"],
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


SCOPED_INTO = "zone_overrides"  # the parameter -p <provision>.<parameter>=<value> values are gathered into


def _is_scoped(name: str) -> bool:
    return "." in name


def accepts(report: str, name: str) -> bool:
    """Whether ``report`` takes parameter ``name`` (a scoped ``p3.max_km``: if it takes zone_overrides)."""
    names = REPORTS[report]["parameters"]
    return (SCOPED_INTO in names) if _is_scoped(name) else name in names


def ordered(report: str, names) -> list[str]:
    """``names`` in registry order, scoped ones (``p3.max_km``) in place of zone_overrides, sorted."""
    names = set(names)
    result = []
    for name in REPORTS[report]["parameters"]:
        result += sorted(n for n in names if _is_scoped(n)) if name == SCOPED_INTO else [name] if name in names else []
    return result


def value_of(values: Mapping[str, Any], name: str) -> Any:
    """A typed parameter's value; a scoped one (``p3.max_km``) from zone_overrides."""
    return (values.get(SCOPED_INTO) or {}).get(name) if _is_scoped(name) else values[name]


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
        if _is_scoped(name) and SCOPED_INTO in accepted:
            try:
                registry.check_scoped_name(name)
            except registry.OverrideError as exc:
                raise ParameterError(str(exc)) from None
        elif name not in accepted:
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
    scoped = {name: value for name, value in raw.items() if _is_scoped(name) and SCOPED_INTO in names}
    if scoped:  # -p p3.max_km=25: gathered into zone_overrides
        try:
            merged = {**(_overrides(raw.get(SCOPED_INTO) or {}) or {}), **(_overrides(scoped) or {})}
        except (TypeError, ValueError) as exc:
            raise ParameterError(f"parameter {', '.join(scoped)} is not valid ({exc})") from None
        raw = {**{k: v for k, v in raw.items() if k not in scoped}, SCOPED_INTO: merged}
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
            values[name] = (param.parse(value) if isinstance(value, str) or param.kind in ("number", "overrides")
                            else value)
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
    # None: the data folder's set over the agreement's zones, if any (the report says when there is none);
    # a set named must exist
    if values.get("events") is not None and values["events"] not in dataset.event_sets:
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
    if any(name in values for name in ("zone_min_km", "zone_max_km", "corridor_half_width_km", SCOPED_INTO)):
        wide = {name: values.get(name) for name in registry.AGREEMENT_WIDE}
        try:  # agreement-wide values only where unambiguous; scoped ones on a provision that takes them
            registry.provision_values(agreement, wide, values.get(SCOPED_INTO))
        except registry.OverrideError as exc:
            raise ParameterError(str(exc)) from None
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
