"""Validated (or partly valid) models and layer files -> the problems no single YAML file shows.

- references between files (an event naming a source, a provision naming an actor or a place);
- layer series (members with a day ``as_of``, of one kind, one per date; ``localities_series``);
- GeoJSON linting: JSON that Python and GDAL read alike, the WGS84 ``crs`` rule, one kind of
  geometry per layer, 2D positions, closed rings, finite coordinates inside the layer's region,
  the properties the catalog names, valid and unique place ids, no control characters;
- each layer read with the reader the build uses (:func:`accordmap.dataset.read_layer`);
- the ``where`` filters of geographies, checked on those frames;
- every band and corridor computed as the build computes it (:func:`accordmap.geometry.build_geometry`):
  one that comes out empty is an error, not a silent "0 km²".

Each check appends :class:`~accordmap.errors.DataError` s to a list and never raises for bad data.
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from pydantic import BaseModel

from accordmap import models
from accordmap.dataset import layer_series, read_layer, resolve_agreement, select
from accordmap.errors import DataError
from accordmap.yamlfile import YamlDoc, field_name

# --- references -----------------------------------------------------------------------------

_HOME = {
    "source": "data/sources.yaml",
    "actor": "data/actors.yaml",
    "layer": "data/layers/catalog.yaml",
    "series": "the series fields of data/layers/catalog.yaml",
    "place": "the places layer of data/layers/catalog.yaml",
    "agreement": "data/agreements/",
}


@dataclass
class ReferenceChecker:
    """Finds ids that point nowhere, by the name of the field that holds them.

    A set of known ids is None when the file that defines them cannot be read: references of
    that kind are then not checked (the file's own problem is reported instead).
    """

    errors: list[DataError]
    sources: set[str] | None
    actors: set[str] | None
    layers: set[str] | None
    agreements: set[str] | None
    places: set[str] | None = None
    series: set[str] | None = None  # series ids (data/layers/catalog.yaml); map_layers may name one

    def _kinds(self, name: str) -> tuple[str, set[str] | None] | None:
        return {
            "sources": ("source", self.sources),
            "actor": ("actor", self.actors),
            "actors": ("actor", self.actors),
            "undertaken_by": ("actor", self.actors),
            "targets": ("actor", self.actors),
            "target": ("actor", self.actors),
            "layer": ("layer", self.layers),
            "map_layers": ("layer", None if self.layers is None else self.layers | (self.series or set())),
            "series": ("series", self.series),
            "places": ("place", self.places),
            "agreements": ("agreement", self.agreements),
            "context_for": ("agreement", self.agreements),
            "agreement": ("agreement", self.agreements),
            "amends": ("agreement", self.agreements),
        }.get(name)

    def walk(self, file: str, doc: YamlDoc, value: Any, loc: tuple[Any, ...] = ()) -> None:
        """Check every reference in a model (possibly partial: unset fields and None items are skipped)."""
        if isinstance(value, BaseModel):
            for name, info in type(value).model_fields.items():  # the key in the file: an alias ('except')
                self._check(file, doc, name, getattr(value, name, None), loc + (info.alias or name,))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                self.walk(file, doc, item, loc + (index,))
        elif isinstance(value, dict):  # e.g. an actor's descriptions, by agreement id
            for key, item in value.items():
                self.walk(file, doc, item, loc + (key,))

    def _check(self, file: str, doc: YamlDoc, name: str, value: Any, loc: tuple[Any, ...]) -> None:
        if name == "descriptions" and isinstance(value, dict) and self.agreements is not None:
            for key in value:  # keyed by agreement id
                if key not in self.agreements:
                    self.errors.append(DataError(file, doc.line_of(loc + (key,)), field_name(loc + (key,)),
                                                 f"no agreement with id {key!r} (expected one of the ids defined in "
                                                 f"{_HOME['agreement']})"))
        is_id = isinstance(value, str) or (isinstance(value, list) and value and all(isinstance(v, str) for v in value))
        kind = self._kinds(name) if is_id else None
        if kind is None:
            self.walk(file, doc, value, loc)
            return
        label, known = kind
        if known is None:
            return  # the defining file is unreadable
        for index, item in enumerate(value if isinstance(value, list) else [value]):
            if item not in known:
                item_loc = loc + (index,) if isinstance(value, list) else loc
                self.errors.append(DataError(file, doc.line_of(item_loc), field_name(item_loc),
                                             f"no {label} with id {item!r} (expected one of the ids defined in {_HOME[label]})"))


def raw_ids(doc: YamlDoc | None, key: str) -> list[str] | None:
    """The string ids of the items of list ``key``, valid or not (None: the list cannot be read)."""
    data = doc.data if doc is not None else None
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        return None
    return [item["id"] if isinstance(item, dict) and isinstance(item.get("id"), str) else None for item in data[key]]


def check_duplicate_ids(file: str, doc: YamlDoc, key: str, errors: list[DataError]) -> None:
    seen: set[str] = set()
    for index, item in enumerate(raw_ids(doc, key) or []):
        if item is None:
            continue
        if item in seen:
            loc = (key, index, "id")
            errors.append(DataError(file, doc.line_of(loc), field_name(loc), f"duplicate id {item!r} (expected each id once)"))
        seen.add(item)


def check_speakers(file: str, doc: YamlDoc, actors: list[models.Actor | None], errors: list[DataError]) -> None:
    """Each statement's speaker is one of its actor's people."""
    for actor_index, actor in enumerate(actors):
        if actor is None:
            continue
        people = {p.name for p in actor.people}
        for index, statement in enumerate(actor.statements):
            if statement.speaker not in people:
                loc = ("actors", actor_index, "statements", index, "speaker")
                errors.append(DataError(file, doc.line_of(loc), field_name(loc),
                                        f"{statement.speaker!r} is not among {actor.id}'s people (expected one of: {', '.join(sorted(people)) or 'none listed'})"))


def check_deadlines(file: str, doc: YamlDoc, agreement: models.Agreement, errors: list[DataError]) -> None:
    """No provision's deadline or start comes before the signing date, nor its deadline before its start."""
    signed = getattr(agreement, "date_signed", None)
    if signed is None:
        return
    for index, provision in enumerate(getattr(agreement, "provisions", None) or []):
        if provision is not None and provision.deadline and provision.deadline < signed:
            loc = ("provisions", index, "deadline")
            errors.append(DataError(file, doc.line_of(loc), field_name(loc),
                                    f"deadline {provision.deadline} is before the signing date {signed} (expected a date on or after it)"))
        elif provision is not None and provision.starts and provision.starts < signed:
            loc = ("provisions", index, "starts")
            errors.append(DataError(file, doc.line_of(loc), field_name(loc),
                                    f"starts {provision.starts} is before the signing date {signed} (expected a date on "
                                    "or after it; leave starts out for a provision in force from the signing)"))
        elif provision is not None and provision.starts and provision.deadline and provision.deadline < provision.starts:
            loc = ("provisions", index, "deadline")
            errors.append(DataError(file, doc.line_of(loc), field_name(loc),
                                    f"deadline {provision.deadline} is before the provision starts ({provision.starts}) "
                                    "(expected a deadline on or after the start)"))


def check_status(file: str, doc: YamlDoc, agreement: models.Agreement, errors: list[DataError]) -> None:
    """Each provision's status changes are dated on or after the signing date, oldest first, one per day."""
    signed = getattr(agreement, "date_signed", None)
    for index, provision in enumerate(getattr(agreement, "provisions", None) or []):
        previous = None
        for number, change in enumerate(getattr(provision, "status", None) or []):
            loc = ("provisions", index, "status", number, "date")
            if signed is not None and change.date < signed:
                errors.append(DataError(file, doc.line_of(loc), field_name(loc),
                                        f"status change dated {change.date} is before the signing date {signed} "
                                        "(expected a date on or after it)"))
            elif previous is not None and change.date <= previous:
                errors.append(DataError(file, doc.line_of(loc), field_name(loc),
                                        f"status change dated {change.date} is not after the previous change "
                                        f"({previous}) (expected the changes oldest first, one per day)"))
            previous = change.date


def check_changes(file: str, doc: YamlDoc, agreement: models.Agreement, signed: dict[str, Any],
                  provision_ids: dict[str, set[str] | None], errors: list[DataError]) -> None:
    """An amendment's ``changes`` name provisions that exist in the amended agreement and in its own, each
    changed once; the amended agreement was signed first, and the chain of ``amends`` never loops.

    ``signed`` maps agreement ids to signing dates and ``amends`` ids (``{"date": ..., "amends": ...}``),
    ``provision_ids`` to the provision ids of each agreement file (None: unreadable)."""
    own_id, amends = getattr(agreement, "id", None), getattr(agreement, "amends", None)
    changes = getattr(agreement, "changes", None) or []
    if changes and amends is None:
        errors.append(DataError(file, doc.line_of(("changes",)), "changes",
                                "lists changes but the agreement amends nothing (expected amends: <id of the agreement "
                                "it changes>, or no changes)"))
    if amends is not None:
        path, current = [], amends
        while current in signed and current != own_id and current not in path:
            path.append(current)
            current = signed[current].get("amends")
        if amends == own_id:
            errors.append(DataError(file, doc.line_of(("amends",)), "amends",
                                    "the agreement amends itself (expected the id of an earlier agreement)"))
        elif current == own_id:
            errors.append(DataError(file, doc.line_of(("amends",)), "amends",
                                    f"the chain of amendments comes back to this agreement ({' -> '.join([own_id, *path, own_id])}) "
                                    "(expected each agreement to amend an earlier one)"))
        mine, theirs = getattr(agreement, "date_signed", None), signed.get(amends, {}).get("date")
        if mine is not None and theirs is not None and mine < theirs:
            errors.append(DataError(file, doc.line_of(("date_signed",)), "date_signed",
                                    f"{mine} is before {theirs}, when {amends!r}, which this agreement amends, was "
                                    "signed (expected a date on or after it)"))
    base_ids = provision_ids.get(amends) if amends is not None else None
    own_ids = provision_ids.get(own_id)
    first: dict[str, int] = {}
    for index, change in enumerate(changes):
        if change is None:
            continue
        loc = ("changes", index, "provision")
        if base_ids is not None and change.provision not in base_ids:
            errors.append(DataError(file, doc.line_of(loc), field_name(loc),
                                    f"no provision {change.provision!r} in {amends!r} (expected one of: "
                                    f"{', '.join(sorted(base_ids))})"))
        elif change.provision in first:
            errors.append(DataError(file, doc.line_of(loc), field_name(loc),
                                    f"provision {change.provision!r} is changed already by changes[{first[change.provision]}] "
                                    "(expected each provision once; list all the provisions that change it in one by)"))
        first.setdefault(change.provision, index)
        for number, by in enumerate(change.by):
            if own_ids is not None and by not in own_ids:
                by_loc = ("changes", index, "by", number)
                errors.append(DataError(file, doc.line_of(by_loc), field_name(by_loc),
                                        f"no provision {by!r} in this agreement (expected one of: {', '.join(sorted(own_ids))})"))


# --- layer series ---------------------------------------------------------------------------

LOCALITY_CONTROL = "control"  # the property of a localities_series member saying who held the locality


def series_ids(catalog: models.LayerCatalog | None) -> set[str] | None:
    """The series ids the catalog's valid entries define (None: the catalog cannot be read)."""
    if catalog is None:
        return None
    return {layer.series for layer in (getattr(catalog, "layers", None) or []) if layer is not None and layer.series}


def check_series(file: str, doc: YamlDoc, catalog: models.LayerCatalog | None, errors: list[DataError]) -> None:
    """Members of a series have a day as_of, one kind and distinct dates; a series id is no layer id;
    ``localities_series`` names a series of point layers with a 'control' property."""
    entries = [(index, layer) for index, layer in enumerate(getattr(catalog, "layers", None) or []) if layer is not None]
    layer_ids = set(raw_ids(doc, "layers") or [])
    first: dict[str, models.Layer] = {}
    dates: dict[tuple[str, str], str] = {}
    for index, layer in entries:
        if not layer.series:
            continue
        name = layer.series
        if name in layer_ids:
            loc = ("layers", index, "series")
            errors.append(DataError(file, doc.line_of(loc), field_name(loc),
                                    f"series {name!r} has the id of a layer (expected a series id no layer has, since "
                                    "map_layers and geographies may name either)"))
        if layer.as_of is None or layer.as_of.count("-") != 2:
            loc = ("layers", index, "as_of")
            got = "null" if layer.as_of is None else repr(layer.as_of)
            errors.append(DataError(file, doc.line_of(loc), field_name(loc),
                                    f"layer {layer.id!r} is in series {name!r} but its as_of is {got} (expected a day "
                                    "'YYYY-MM-DD': the members of a series are told apart by date)"))
        elif (name, layer.as_of) in dates:
            loc = ("layers", index, "as_of")
            errors.append(DataError(file, doc.line_of(loc), field_name(loc),
                                    f"layer {layer.id!r} has the same as_of {layer.as_of} as {dates[(name, layer.as_of)]!r} "
                                    f"in series {name!r} (expected one member per date)"))
        else:
            dates[(name, layer.as_of)] = layer.id
        leader = first.setdefault(name, layer)
        if layer.kind != leader.kind:
            loc = ("layers", index, "kind")
            errors.append(DataError(file, doc.line_of(loc), field_name(loc),
                                    f"layer {layer.id!r} is of kind {layer.kind!r} (expected {leader.kind!r}, like "
                                    f"{leader.id!r}: every member of series {name!r} is of one kind)"))
    localities = getattr(catalog, "localities_series", None)
    if localities is None or catalog is None:
        return
    loc = ("localities_series",)
    if localities not in first:
        errors.append(DataError(file, doc.line_of(loc), field_name(loc),
                                f"no series with id {localities!r} (expected the series of a point layer per date, "
                                f"one of: {', '.join(sorted(first)) or 'none defined'})"))
        return
    for index, layer in entries:
        if layer.series == localities and (layer.kind != "point" or LOCALITY_CONTROL not in layer.popup_properties):
            key = "kind" if layer.kind != "point" else "popup_properties"
            what = (f"is of kind {layer.kind!r} (expected 'point'" if layer.kind != "point"
                    else f"does not list {LOCALITY_CONTROL!r} in popup_properties (expected it")
            errors.append(DataError(file, doc.line_of(("layers", index, key)), field_name(("layers", index, key)),
                                    f"layer {layer.id!r} of localities_series {localities!r} {what}, since the "
                                    f"comparison report reads who held each locality from its {LOCALITY_CONTROL!r} property)"))


# --- GeoJSON --------------------------------------------------------------------------------

_GEOMETRY_KINDS = {
    "area": ("Polygon", "MultiPolygon"),
    "line": ("LineString", "MultiLineString"),
    "point": ("Point",),  # the build reads one position (.x, .y) per place
}
_WGS84_NAMES = {"urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:EPSG::4326", "EPSG:4326"}
_CRS_EXPECTED = ('expected no "crs" member, since GeoJSON is WGS84 lon/lat, or '
                 '{"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}')
_JSON_TOKEN = re.compile(r'"(?:[^"\\]++|\\.)*+"|[\[\]{}]')
_PLACE_ID = re.compile(models.ID_PATTERN.removeprefix("^").removesuffix("$"))


class _JsonObject(dict):
    """A JSON object that remembers the keys it was given more than once."""

    duplicates: tuple[str, ...] = ()


def _json_object(pairs: list[tuple[str, Any]]) -> _JsonObject:
    obj = _JsonObject(pairs)
    if len(obj) < len(pairs):
        seen: set[str] = set()
        obj.duplicates = tuple(dict.fromkeys(k for k, _ in pairs if k in seen or seen.add(k)))
    return obj


class _NotAJsonNumber(ValueError):
    pass


def _refuse_constant(name: str) -> float:
    raise _NotAJsonNumber(name)


def _line_at(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _too_deep_at(text: str) -> int | None:
    """Index of the first bracket beyond MAX_NESTING levels of arrays and objects (strings skipped)."""
    depth = 0
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > models.MAX_NESTING:
                return match.start()
        elif token in "]}":
            depth -= 1
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _positions(coordinates: Any):
    """Every innermost list of numbers (a position) in a coordinates array."""
    stack = [coordinates]
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            if value and all(_is_number(v) for v in value):
                yield value
            else:
                stack.extend(value)


def _raw_geometry_problem(geometry: dict) -> str | None:
    """What shapely would hide: 3D positions (kept as Z) and unclosed rings (closed silently)."""
    coordinates = geometry.get("coordinates")
    for position in _positions(coordinates):
        if len(position) == 3:
            return "has 3D coordinates (expected [longitude, latitude] positions; drop the third coordinate)"
        if len(position) != 2:
            return f"has a position of {len(position)} numbers (expected [longitude, latitude])"
    kind = geometry.get("type")
    polygons = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else []
    for polygon in polygons if isinstance(polygons, list) else []:
        for ring in polygon if isinstance(polygon, list) else []:
            if isinstance(ring, list) and len(ring) >= 2 and ring[0] != ring[-1]:
                return (f"a polygon ring is not closed: its first position {ring[0]} differs from its last {ring[-1]} "
                        "(expected the first position repeated at the end, as RFC 7946 requires)")
    return None


@dataclass
class LayerCheck:
    """What linting one GeoJSON file found."""

    errors: list[DataError] = field(default_factory=list)
    readable: bool = False  # a FeatureCollection in WGS84 that the build's reader may be given
    properties_ok: bool = False  # the properties read as written (no repeated keys or refused characters)
    feature_count: int = 0
    place_ids: set[str] | None = None  # every string id of the places layer, valid or not


def lint_geojson(path: Path, file: str, layer: models.Layer | None, catalog_file: str,
                 places_layer: bool = False, control: Callable[[str], str | None] | None = None) -> LayerCheck:
    """Lint one GeoJSON file against its catalog entry (``layer``; None if it has no valid entry).

    ``control``: for a member of the catalog's ``localities_series``, why a value of its 'control'
    property may not be used (None if it may; :meth:`accordmap.vocabularies.Vocabularies.problem`)."""
    result = LayerCheck()
    try:
        _lint(path, file, layer, catalog_file, places_layer, result, control)
    except RecursionError:  # a fallback: the nesting limit should stop this first
        result.errors.append(DataError(file, None, "(json)", f"nested too deeply (expected at most {models.MAX_NESTING} levels)"))
        result.readable = False
    return result


def _lint(path: Path, file: str, layer: models.Layer | None, catalog_file: str, places_layer: bool,
          result: LayerCheck, control: Callable[[str], str | None] | None = None) -> None:
    errors = result.errors
    try:
        raw = path.read_bytes()
    except OSError as exc:
        errors.append(DataError(file, None, "(file)", f"cannot be read ({exc.strerror or exc})"))
        return
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        errors.append(DataError(file, raw.count(b"\n", 0, exc.start) + 1, "(file)",
                                f"byte 0x{raw[exc.start]:02x} is not UTF-8 text (expected a UTF-8 file)"))
        return
    too_deep = _too_deep_at(text)
    if too_deep is not None:
        errors.append(DataError(file, _line_at(text, too_deep), "(json)",
                                f"nested more than {models.MAX_NESTING} levels deep (expected at most "
                                f"{models.MAX_NESTING} levels of arrays and objects)"))
        return
    try:
        data = json.loads(text, object_pairs_hook=_json_object, parse_constant=_refuse_constant)
    except _NotAJsonNumber as exc:
        where = re.search(rf'(?<![\w"]){re.escape(str(exc))}(?![\w"])', text)
        errors.append(DataError(file, _line_at(text, where.start()) if where else None, "(json)",
                                f"{exc} is not a JSON number (expected finite numbers)"))
        return
    except ValueError as exc:
        errors.append(DataError(file, getattr(exc, "lineno", None), "(json)", f"not valid JSON: {exc} (expected a GeoJSON FeatureCollection)"))
        return
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(data.get("features"), list):
        errors.append(DataError(file, 1, "type", "not a GeoJSON FeatureCollection (expected \"type\": \"FeatureCollection\" with a features list)"))
        return
    if "crs" in data:
        problem = _crs_problem(data["crs"])
        if problem:
            errors.append(DataError(file, _line_at(text, max(text.find('"crs"'), 0)), "crs", problem))
            return
    if not data["features"]:
        errors.append(DataError(file, 1, "features", "the layer has no features (expected at least one Feature)"))
        return
    result.readable = True
    result.feature_count = len(data["features"])
    # JSON parsers give no line numbers; find each feature's '"type": "Feature"' instead
    feature_lines = [_line_at(text, m.start()) for m in re.finditer(r'"type"\s*:\s*"Feature"(?!Collection)', text)]

    def line_of(number: int | None) -> int | None:
        if number is None:
            return 1
        return feature_lines[number] if number < len(feature_lines) else None

    before = len(errors)
    _lint_text(data, file, line_of, errors)
    result.properties_ok = len(errors) == before
    if places_layer:
        result.place_ids = set()
    first_line_of_id: dict[str, int | None] = {}
    for number, feature in enumerate(data["features"]):
        where, line = f"features[{number}]", line_of(number)
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            errors.append(DataError(file, line, where, "not a GeoJSON Feature (expected {\"type\": \"Feature\", \"geometry\": ..., \"properties\": ...})"))
            continue
        for problem in _geometry_problems(feature.get("geometry"), layer, catalog_file):
            errors.append(DataError(file, line, f"{where}.geometry", problem))
        props = feature.get("properties")
        if props is not None and not isinstance(props, dict):
            result.properties_ok = False
            errors.append(DataError(file, line, f"{where}.properties",
                                    f"wrong value {type(props).__name__} (expected an object of properties, or null)"))
            continue
        props = props or {}
        if layer is None:
            continue
        label_property = layer.label.property if layer.label else None
        for key in filter(None, dict.fromkeys([layer.name_property, layer.id_property, label_property,
                                               getattr(layer, "admin_property", None), *layer.popup_properties])):
            if key not in props:
                errors.append(DataError(file, line, f"{where}.properties.{key}",
                                        f"property missing (expected it, since {catalog_file} names it for layer {layer.id!r})"))
        if control is not None and isinstance(props.get(LOCALITY_CONTROL), str):
            problem = control(props[LOCALITY_CONTROL])
            if problem:
                errors.append(DataError(file, line, f"{where}.properties.{LOCALITY_CONTROL}", problem))
        if places_layer and layer.id_property and layer.id_property in props:
            place_id = props[layer.id_property]
            id_field = f"{where}.properties.{layer.id_property}"
            if isinstance(place_id, str):
                result.place_ids.add(place_id)
            if not isinstance(place_id, str) or not _PLACE_ID.fullmatch(place_id):
                errors.append(DataError(file, line, id_field, f"{place_id!r} is not a valid place id (expected lower "
                                                              "case letters, digits, '-' or '_')"))
            elif place_id in first_line_of_id:
                errors.append(DataError(file, line, id_field, f"duplicate place id {place_id!r} (first at line "
                                                              f"{first_line_of_id[place_id]}; expected each id once)"))
            else:
                first_line_of_id[place_id] = line


def _crs_problem(crs: Any) -> str | None:
    if not isinstance(crs, dict):
        return f"{crs!r} is not a crs object ({_CRS_EXPECTED})"
    if crs.get("type") != "name" or not isinstance(crs.get("properties"), dict):
        return f"an old-style crs of type {crs.get('type')!r} is not supported ({_CRS_EXPECTED})"
    name = crs["properties"].get("name")
    if name not in _WGS84_NAMES:
        return f"CRS is {name} (expected EPSG:4326 lon/lat, as GeoJSON requires; reproject the file)"
    return None


def _lint_text(data: Any, file: str, line_of, errors: list[DataError]) -> None:
    """Repeated keys and refused characters in any key or string of the document."""
    stack: list[tuple[Any, tuple[Any, ...], int | None]] = [(data, (), None)]
    found = []
    while stack:
        value, loc, feature = stack.pop()
        if isinstance(value, dict):
            for key in getattr(value, "duplicates", ()):
                found.append((feature, DataError(file, line_of(feature), field_name(loc + (key,)),
                                                 f"duplicate key {key!r} (expected each key once in an object; "
                                                 "only one of its values would be used)")))
            for key, item in value.items():
                problem = models.forbidden_character_problem(key)
                if problem:
                    found.append((feature, DataError(file, line_of(feature), field_name(loc + (key,)), problem)))
                stack.append((item, loc + (key,), feature))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                number = index if loc == ("features",) else feature
                stack.append((item, loc + (index,), number))
        elif isinstance(value, str):
            problem = models.forbidden_character_problem(value)
            if problem:
                found.append((feature, DataError(file, line_of(feature), field_name(loc), problem)))
    found.sort(key=lambda item: -1 if item[0] is None else item[0])
    errors.extend(error for _, error in found)


def _geometry_problems(geometry: Any, layer: models.Layer | None, catalog_file: str) -> list[str]:
    """What is wrong with one feature's geometry, for a layer of the given kind and region."""
    import numpy as np
    import shapely

    if geometry is None:
        return ["geometry is null (expected a GeoJSON geometry with coordinates)"]
    kind = layer.kind if layer else None
    expected = " or ".join(_GEOMETRY_KINDS[kind]) if kind else "a single geometry"
    if isinstance(geometry, dict) and geometry.get("type") == "GeometryCollection":
        where = f"in a layer of kind {kind!r} " if kind else ""
        return [f"GeometryCollection {where}(expected {expected}; split it into one feature per geometry)"]
    if isinstance(geometry, dict):
        problem = _raw_geometry_problem(geometry)
        if problem:
            return [problem]
    try:
        shape = shapely.geometry.shape(geometry)
    except Exception as exc:  # noqa: BLE001 - any malformed geometry is reported, not raised
        return [f"cannot be read ({exc}) (expected a GeoJSON geometry)"]
    if shape.is_empty:
        return ["geometry is empty (expected coordinates)"]
    if not np.isfinite(shapely.get_coordinates(shape)).all():
        return ["has a coordinate that is not a finite number (expected finite longitude and latitude)"]
    problems = []
    if kind and shape.geom_type not in _GEOMETRY_KINDS[kind]:
        hint = "; the build reads one position per place, so give each point its own feature" if shape.geom_type == "MultiPoint" else ""
        problems.append(f"{shape.geom_type} in a layer of kind {kind!r} (expected {expected}{hint})")
    if not shape.is_valid:
        problems.append(f"invalid geometry: {shapely.is_valid_reason(shape)} (expected a valid, non-self-intersecting shape)")
    if layer is not None:
        lon0, lat0, lon1, lat1 = layer.region
        x0, y0, x1, y1 = shape.bounds
        if x0 < lon0 or x1 > lon1 or y0 < lat0 or y1 > lat1:
            hint = " - are longitude and latitude swapped?" if lat0 <= x0 <= lat1 and lon0 <= y0 <= lon1 else ""
            problems.append(f"lies outside the layer's region {list(layer.region)} (bounds {[round(v, 4) for v in shape.bounds]}){hint} (expected lon/lat inside the region set in {catalog_file})")
    return problems


def read_frame(path: Path, file: str, check: LayerCheck):
    """The layer read as the build reads it, or None. A failure is reported only if linting found
    nothing wrong with the file (otherwise it follows from a problem reported already)."""
    from pyproj import CRS

    try:
        with warnings.catch_warnings():
            if check.errors:  # GDAL would only warn again about what is reported already
                warnings.simplefilter("ignore")
            frame = read_layer(path)
    except Exception as exc:  # noqa: BLE001 - whatever the reader raises is a problem with the file
        if not check.errors:
            message = " ".join(str(exc).split())
            check.errors.append(DataError(file, None, "(file)", f"the build's reader (GDAL) cannot read it: {message} "
                                                                "(expected a GeoJSON FeatureCollection GDAL can read)"))
        return None
    if check.errors:
        return frame
    if len(frame) != check.feature_count:
        check.errors.append(DataError(file, None, "features", f"GDAL reads {len(frame)} features, not {check.feature_count} "
                                                              "(expected every feature to be read)"))
    elif not CRS.from_user_input(frame.crs).equals(CRS.from_epsg(4326), ignore_axis_order=True):
        check.errors.append(DataError(file, None, "crs", f"GDAL reads the file as {frame.crs} (expected EPSG:4326 lon/lat)"))
    return frame


# --- geographies ----------------------------------------------------------------------------

def _geography_refs(geography: Any) -> list[tuple[tuple[Any, ...], str | None, models.LayerRef]]:
    """Every layer reference of a geography: (keys in the file, the layer kind it needs, ref); each
    kind says which (:meth:`accordmap.geography.common.GeographyBase.layer_refs`)."""
    return geography.layer_refs() if geography is not None else []


def geography_layers(agreement: models.Agreement, catalog: Iterable[models.Layer] = ()) -> set[str]:
    """Every layer an agreement's map and zones are made from (a series: each of its members in ``catalog``)."""
    series = layer_series(catalog)
    names = set(agreement.map_layers)
    for provision in agreement.provisions:
        names |= {ref.layer or ref.series for _, _, ref in _geography_refs(provision.geography)}
    return {layer_id for name in names for layer_id in ([m.id for m in series[name]] if name in series else [name])}


def check_layer_filters(file: str, doc: YamlDoc, agreement: models.Agreement, layers: dict[str, models.Layer],
                        frames: dict[str, Any], errors: list[DataError]) -> None:
    """Each geography's layer is of the right kind, and its filter names properties of the layer as
    the build reads it and selects at least one feature."""
    for index, provision in enumerate(getattr(agreement, "provisions", None) or []):
        if provision is None or provision.geography is None:
            continue
        for keys, needed, series_ref in _geography_refs(provision.geography):
            for ref in _member_refs(series_ref, layers):
                _check_layer_filter(file, doc, ("provisions", index, "geography", *keys), needed, ref, layers, frames,
                                    errors)


def _member_refs(ref: models.LayerRef, layers: dict[str, models.Layer]) -> list[models.LayerRef]:
    """The reference itself, or one per member of the series it names (each is checked)."""
    if ref.series is None:
        return [ref]
    members = layer_series(layers.values()).get(ref.series, [])
    return [models.LayerRef(layer=member.id, where=ref.where) for member in members]


def _check_layer_filter(file: str, doc: YamlDoc, loc: tuple[Any, ...], needed: str | None, ref: models.LayerRef,
                        layers: dict[str, models.Layer], frames: dict[str, Any], errors: list[DataError]) -> None:
    if ref.layer not in layers or ref.layer not in frames:
        return  # no such layer, or an unreadable file: reported already
    kind = layers[ref.layer].kind
    if needed is not None and kind != needed:
        errors.append(DataError(file, doc.line_of(loc), field_name(loc),
                                f"layer {ref.layer!r} is of kind {kind!r} (expected a layer of kind {needed!r} here)"))
        return
    if not ref.where:
        return
    loc += ("where",)
    frame = frames[ref.layer]
    columns = [c for c in frame.columns if c != frame.geometry.name]
    unknown = [k for k in ref.where if k not in columns]
    if unknown:
        errors.append(DataError(file, doc.line_of(loc), field_name(loc),
                                f"layer {ref.layer!r} has no property {unknown[0]!r} (expected one of: {', '.join(sorted(columns))})"))
        return
    from accordmap.geography.common import condition_problem, conditions

    problems = [(prop, problem) for prop, op, operand in conditions(ref.where)
                if (problem := condition_problem(frame, prop, op, operand))]
    for prop, problem in dict(problems).items():  # one problem per property
        errors.append(DataError(file, doc.line_of(loc + (prop,)), field_name(loc + (prop,)),
                                f"property {prop!r} of layer {ref.layer!r} {problem}"))
    if problems:
        return
    if select(frame, ref.where).empty:
        errors.append(DataError(file, doc.line_of(loc), field_name(loc),
                                f"selects no feature of layer {ref.layer!r} (expected a filter that matches at least one feature)"))


def _ref_text(ref: models.LayerRef | list[models.LayerRef] | None) -> str:
    if ref is None:
        return "the whole map"
    if isinstance(ref, list):
        return " or ".join(_ref_text(item) for item in ref)
    from accordmap.geography.common import where_text

    where = where_text(ref.where, quote=True)
    return f"layer {ref.layer!r}" + (f" where {where}" if where else "")


def check_zones(file: str, doc: YamlDoc, agreement: models.Agreement, dataset: Any, errors: list[DataError]) -> None:
    """Compute the agreement's bands and corridors as the build does, with each member of every series
    it names (a report's date picks one); none may come out empty."""
    series = dataset.series
    used = {ref.series for p in agreement.provisions for _, _, ref in _geography_refs(p.geography) if ref.series}
    dates = sorted({models.partial_date_start(m.as_of) for name in used for m in series.get(name, [])})
    found: list[DataError] = []
    for as_of in dates or [None]:
        _check_zones_once(file, doc, resolve_agreement(series, agreement, as_of), dataset, found)
    errors.extend(dict.fromkeys(found))


def _check_zones_once(file: str, doc: YamlDoc, agreement: models.Agreement, dataset: Any,
                      errors: list[DataError]) -> None:
    from accordmap.geometry import build_geometry  # geopandas, imported only when zones are computed

    try:
        geometry = build_geometry(dataset, agreement)
    except Exception as exc:  # noqa: BLE001 - a failure here would fail every report of the agreement
        message = " ".join(str(exc).split())
        errors.append(DataError(file, doc.line_of(("provisions",)), "provisions",
                                f"the zones cannot be computed ({type(exc).__name__}: {message}) "
                                "(expected layers the build can combine; check the geography layers)"))
        return
    index_of = {provision.id: index for index, provision in enumerate(agreement.provisions)}
    reported: set[str] = set()
    for index, provision in enumerate(agreement.provisions):  # each sector of a band gives part of its zone
        geo = provision.geography
        if not getattr(geo, "sectors", None):
            continue
        from accordmap.geography.common import Context

        for number, part in enumerate(geo.sector_parts(Context(dataset, geometry.crs))):
            if part.is_empty or part.area == 0:
                sector = geo.sectors[number]
                loc = ("provisions", index, "geography", "sectors", number)
                errors.append(DataError(file, doc.line_of(loc), field_name(loc),
                                        f"sector {sector.label!r} comes out empty: nothing within {sector.depth_km:g} km "
                                        f"of {_ref_text(geo.along)} lies inside {_ref_text(sector.within)} and the "
                                        "band's area (expected a sector the line runs along or through)"))
    for zone in geometry.zones:
        if zone.provision_id in reported or (not zone.geometry.is_empty and zone.geometry.area > 0):
            continue
        reported.add(zone.provision_id)
        index = index_of[zone.provision_id]
        geo = agreement.provisions[index].geography
        loc = ("provisions", index, "geography")
        fix = "check along, within" + (", except" if getattr(geo, "except_", None) else "") + " and the layers' coordinates"
        if zone.description and getattr(geo, "sectors", None) and zone.description == geo.sectors_text():
            message = (f"the band by sector comes out empty: no sector's area lies within its depth of "
                       f"{_ref_text(geo.along)} inside the band's area (expected sectors along the line; {fix})")
        elif geo.within is not None and _apart(dataset, geo):
            what = (f"nothing within {zone.distance_km:g} km of {_ref_text(geo.along)} lies inside" if zone.kind == "band"
                    else f"its route, {_ref_text(geo.along)}, never enters")
            message = (f"the {zone.kind} comes out empty at {zone.distance_km:g} km: {what} {_ref_text(geo.within)} "
                       f"(expected a line that runs along or through the area; {fix})")
        elif getattr(geo, "except_", None) and _left_without_except(dataset, geometry.crs, geo, zone):
            message = (f"the {zone.kind} comes out empty at {zone.distance_km:g} km: {_ref_text(geo.except_)}, "
                       f"given in except, covers all of it (expected except areas that leave part of the zone; {fix})")
        else:
            message = (f"the {zone.kind} comes out empty at {zone.distance_km:g} km (expected a distance that gives "
                       f"an area, e.g. a few km; {fix})")
        errors.append(DataError(file, doc.line_of(loc), field_name(loc), message))


def _left_without_except(dataset: Any, crs: Any, geography: Any, zone: Any) -> bool:
    """Whether the zone has an area when nothing is excepted (so the ``except`` areas cover it)."""
    from accordmap.geography.common import Context

    unexcepted = geography.model_copy(update={"except_": None}).zones(zone.provision_id, Context(dataset, crs), {})
    return any(z.name == zone.name and z.geometry.area > 0 for z in unexcepted)


def _apart(dataset: Any, geography: Any) -> bool:
    """Whether the ``along`` features and the ``within`` area do not meet at all."""
    import shapely

    along = shapely.union_all(dataset.layer_frame(geography.along).geometry.values)
    within = shapely.union_all([g for ref in geography.within for g in dataset.layer_frame(ref).geometry.values])
    return not shapely.intersects(along, within)
