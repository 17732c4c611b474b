"""GeoJSON layer files -> problems with their line: JSON as GDAL reads it, the CRS, rings, the region,
place ids; and the read check (the file read with the build's own reader).
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from collections.abc import Callable
from accordmap import models
from accordmap.dataset import read_layer
from accordmap.errors import DataError
from accordmap.load.yamlfile import field_name
from accordmap.load.references import LOCALITY_CONTROL


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
    property may not be used (None if it may; :meth:`accordmap.models.terms.Vocabularies.problem`)."""
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
