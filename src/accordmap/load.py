"""Data files -> validated models.

Reads every file under ``data/`` (agreements, actors, events, sources, the layer catalog and its
GeoJSON files), validates each against :mod:`accordmap.models`, then checks what no single
file can: references between files, dates against the signing date, and the geometry of every
layer. All problems are collected and raised together as :class:`DataErrors`, each one
``file:line: field: what is wrong (expected ...)``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml
from pydantic import BaseModel, ValidationError

from accordmap import models
from accordmap.paths import DATA_DIR


# --- errors ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DataError:
    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}"


class DataErrors(Exception):
    """Everything wrong with the data, found in one pass."""

    def __init__(self, errors: Iterable[DataError]):
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


# --- YAML with line numbers -----------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """Safe loader that keeps dates as strings: the models parse and check them."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class _YamlDoc:
    path: Path
    data: Any
    node: yaml.Node | None

    def line_of(self, loc: tuple[Any, ...]) -> int | None:
        """1-based line of the value at ``loc`` (or of its nearest existing parent)."""
        node, line = self.node, (self.node.start_mark.line + 1 if self.node else None)
        for key in loc:
            if isinstance(node, yaml.MappingNode):
                match = next((v for k, v in node.value if k.value == key), None)
                if match is None:
                    # unknown key: point at the key itself
                    match = next((k for k, _ in node.value if k.value == key), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
                match = node.value[key]
            else:
                match = None
            if match is None:
                break
            node, line = match, match.start_mark.line + 1
        return line


def _read_yaml(path: Path, rel: str) -> tuple[_YamlDoc | None, list[DataError]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [DataError(rel, None, "(file)", f"cannot be read ({exc})")]
    loader = None
    try:
        loader = _Loader(text)  # may already refuse the text (unprintable characters)
        # parse once: the node tree gives line numbers, the same tree builds the data
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = " ".join((getattr(exc, "problem", None) or str(exc)).split())  # one line per problem
        return None, [
            DataError(rel, mark.line + 1 if mark else None, "(yaml)", f"malformed YAML: {problem} (expected valid YAML)")
        ]
    finally:
        if loader is not None:
            loader.dispose()
    return _YamlDoc(path, data, node), []


def _field_name(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts[-1:] = [f"{parts[-1] if parts else ''}[{item}]"]
        elif item in _GEOGRAPHY_TAGS and parts and parts[-1].startswith("geography"):
            continue  # pydantic's tag of the discriminated union, not a key in the file
        else:
            parts.append(str(item))
    return ".".join(parts) or "(top level)"


_GEOGRAPHY_TAGS = ("band", "corridor", "features")


def _model_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys allowed in the mapping at ``loc`` (for 'unknown key' messages)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if isinstance(current, type) and issubclass(current, BaseModel) and part in current.model_fields:
            current = current.model_fields[part].annotation
        elif part in _GEOGRAPHY_TAGS:
            current = {"band": models.BandGeography, "corridor": models.CorridorGeography,
                       "features": models.FeaturesGeography}[part]
            continue
        else:
            return []
        current = _unwrap(current)
    return list(current.model_fields) if isinstance(current, type) and issubclass(current, BaseModel) else []


def _unwrap(annotation: Any) -> Any:
    """list[X] / X | None / Annotated[X, ...] -> X (the first model found)."""
    for _ in range(6):
        args = typing.get_args(annotation)
        if not args:
            return annotation
        models_in = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        annotation = models_in[0] if models_in else next((a for a in args if a is not type(None)), args[0])
    return annotation


_EXPECTED_BY_TYPE = {
    "missing": "required key is missing (expected it in this mapping)",
    "string_type": "expected text",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "list_type": "expected a list",
    "tuple_type": "expected a list",
    "dict_type": "expected a mapping of keys to values",
    "model_type": "expected a mapping of keys to values",
    "model_attributes_type": "expected a mapping of keys to values",
    "url_parsing": "expected an http(s) URL",
    "url_scheme": "expected an http(s) URL",
    "union_tag_invalid": "expected kind: band, corridor or features",
    "union_tag_not_found": "expected a kind key: band, corridor or features",
}


def _describe(err: dict[str, Any], model: type[BaseModel]) -> str:
    """One pydantic error as 'what is wrong (expected ...)'."""
    kind, loc = err["type"], tuple(err["loc"])
    got = err.get("input")
    got_text = f"{got!r}" if not isinstance(got, (dict, list)) else type(got).__name__
    if kind == "extra_forbidden":
        allowed = _model_keys(model, loc[:-1])
        hint = f"expected one of: {', '.join(allowed)}" if allowed else "expected a key listed in the README"
        return f"unknown key ({hint}; check its spelling)"
    if kind == "missing":
        return _EXPECTED_BY_TYPE[kind]
    if kind == "union_tag_invalid":
        ctx = err.get("ctx", {})
        return f"{ctx.get('tag')!r} is not a kind of geography (expected one of {ctx.get('expected_tags')})"
    if kind in _EXPECTED_BY_TYPE:
        return f"wrong value {got_text} ({_EXPECTED_BY_TYPE[kind]})"
    message = err["msg"].removeprefix("Value error, ")
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"{got_text} is not allowed (expected one of {expected})"
    if kind == "string_pattern_mismatch":
        return f"{got_text} is not a valid id (expected lower case letters, digits, '-' or '_')"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal", "too_short", "too_long",
                "string_too_short"):
        return f"wrong value {got_text} ({message[0].lower()}{message[1:]})".replace("(input should be", "(expected")
    if "(expected" not in message:
        message += f" (got {got_text})" if not isinstance(got, (dict, list)) else ""
    return message


def _validate(doc: _YamlDoc, rel: str, model: type[BaseModel]) -> tuple[BaseModel | None, list[DataError]]:
    if not isinstance(doc.data, dict):
        return None, [DataError(rel, 1, "(top level)", "the file is not a mapping (expected keys and values, see the README)")]
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        errors = []
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            if err["type"] == "union_tag_invalid":
                loc += ("kind",)  # point at the kind key, not the whole mapping
            clean_loc = tuple(p for p in loc if p not in _GEOGRAPHY_TAGS)
            errors.append(DataError(rel, doc.line_of(clean_loc), _field_name(loc), _describe(err, model)))
        return None, errors


# --- the dataset ----------------------------------------------------------------------------


@dataclass
class Dataset:
    data_dir: Path
    sources: dict[str, models.Source]
    actors: dict[str, models.Actor]
    events: list[models.Event]
    agreements: dict[str, models.Agreement]
    catalog: models.LayerCatalog
    version: str
    _frames: dict[str, Any] = field(default_factory=dict, repr=False)

    @functools.cached_property
    def layers(self) -> dict[str, models.Layer]:
        return {layer.id: layer for layer in self.catalog.layers}

    def layer_frame(self, ref: models.LayerRef | str):
        """The layer as a GeoDataFrame (EPSG:4326), filtered by ``ref.where``."""
        ref = models.LayerRef(layer=ref) if isinstance(ref, str) else ref
        if ref.layer not in self._frames:
            self._frames[ref.layer] = _read_geojson(self.data_dir / "layers" / self.layers[ref.layer].file)
        frame = self._frames[ref.layer]
        for key, value in (ref.where or {}).items():
            frame = frame[frame[key] == value]
        return frame


def _read_geojson(path: Path):
    import geopandas as gpd

    frame = gpd.read_file(path, engine="pyogrio")
    if frame.crs is None:
        frame = frame.set_crs(4326)
    return frame


def _data_version(paths: Iterable[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def load_dataset(data_dir: Path | str = DATA_DIR) -> Dataset:
    """Load and check everything under ``data_dir``; raise :class:`DataErrors` listing every problem."""
    data_dir = Path(data_dir)
    dataset, errors = _load(data_dir)
    if errors:
        raise DataErrors(errors)
    return dataset


@functools.lru_cache(maxsize=4)
def _cached_dataset(data_dir: str, version: str) -> Dataset:
    return load_dataset(data_dir)


def load_cached(data_dir: Path | str = DATA_DIR) -> Dataset:
    """:func:`load_dataset`, reused while no data file has changed (for interactive notebooks)."""
    data_dir = Path(data_dir)
    return _cached_dataset(str(data_dir), _data_version(_data_files(data_dir), data_dir))


def _data_files(data_dir: Path) -> list[Path]:
    patterns = ("sources.yaml", "actors.yaml", "events.yaml", "agreements/*.yaml", "layers/catalog.yaml", "layers/*.geojson")
    return [p for pattern in patterns for p in data_dir.glob(pattern)]


def _load(data_dir: Path) -> tuple[Dataset | None, list[DataError]]:
    errors: list[DataError] = []

    def rel(path: Path) -> str:
        try:
            return str(path.relative_to(data_dir.parent))
        except ValueError:
            return str(path)

    def load_file(path: Path, model: type[BaseModel]):
        if not path.exists():
            errors.append(DataError(rel(path), None, "(file)", "file is missing (expected it in the data folder)"))
            return None, None
        doc, problems = _read_yaml(path, rel(path))
        errors.extend(problems)
        if doc is None:
            return None, None
        value, problems = _validate(doc, rel(path), model)
        errors.extend(problems)
        return value, doc

    sources_file, sources_doc = load_file(data_dir / "sources.yaml", models.SourcesFile)
    actors_file, actors_doc = load_file(data_dir / "actors.yaml", models.ActorsFile)
    events_file, events_doc = load_file(data_dir / "events.yaml", models.EventsFile)
    catalog, catalog_doc = load_file(data_dir / "layers" / "catalog.yaml", models.LayerCatalog)

    agreements: dict[str, tuple[models.Agreement, _YamlDoc]] = {}
    for path in sorted((data_dir / "agreements").glob("*.yaml")):
        agreement, doc = load_file(path, models.Agreement)
        if agreement is None:
            continue
        if agreement.id != path.stem:
            errors.append(DataError(rel(path), doc.line_of(("id",)), "id",
                                    f"id {agreement.id!r} differs from the file name (expected {path.stem!r})"))
        agreements[agreement.id] = (agreement, doc)
    if not agreements and not any(e.file.startswith(rel(data_dir / "agreements")) for e in errors):
        errors.append(DataError(rel(data_dir / "agreements"), None, "(folder)", "no agreement files (expected <id>.yaml)"))

    if None in (sources_file, actors_file, events_file, catalog):
        return None, errors  # references cannot be checked without every file

    refs = _ReferenceChecker(
        errors=errors,
        sources={s.id for s in sources_file.sources},
        actors={a.id for a in actors_file.actors},
        layers={layer.id for layer in catalog.layers},
        # every agreement file's id, valid or not: one broken agreement should not make others' references fail
        agreements=set(agreements) | {path.stem for path in (data_dir / "agreements").glob("*.yaml")},
    )
    refs.duplicates(rel(data_dir / "sources.yaml"), sources_doc, "sources", [s.id for s in sources_file.sources])
    refs.duplicates(rel(data_dir / "actors.yaml"), actors_doc, "actors", [a.id for a in actors_file.actors])
    refs.duplicates(rel(data_dir / "events.yaml"), events_doc, "events", [e.id for e in events_file.events])
    refs.duplicates(rel(data_dir / "layers/catalog.yaml"), catalog_doc, "layers", [layer.id for layer in catalog.layers])

    refs.places, layer_properties = _check_layers(data_dir, catalog, catalog_doc, rel, errors)

    refs.walk(rel(data_dir / "actors.yaml"), actors_doc, actors_file)
    refs.walk(rel(data_dir / "events.yaml"), events_doc, events_file)
    for actor_index, actor in enumerate(actors_file.actors):
        people = {p.name for p in actor.people}
        for index, statement in enumerate(actor.statements):
            if statement.speaker not in people:
                loc = ("actors", actor_index, "statements", index, "speaker")
                errors.append(DataError(rel(data_dir / "actors.yaml"), actors_doc.line_of(loc), _field_name(loc),
                                        f"{statement.speaker!r} is not among {actor.id}'s people (expected one of: {', '.join(sorted(people)) or 'none listed'})"))
    for agreement, doc in agreements.values():
        file = rel(doc.path)
        refs.walk(file, doc, agreement)
        refs.duplicates(file, doc, "provisions", [p.id for p in agreement.provisions])
        _check_layer_filters(file, doc, agreement, catalog, layer_properties, errors)
        for index, provision in enumerate(agreement.provisions):
            if provision.deadline and provision.deadline < agreement.date_signed:
                loc = ("provisions", index, "deadline")
                errors.append(DataError(file, doc.line_of(loc), _field_name(loc),
                                        f"deadline {provision.deadline} is before the signing date {agreement.date_signed} (expected a date on or after it)"))

    if errors:
        return None, errors
    files = _data_files(data_dir)
    return Dataset(
        data_dir=data_dir,
        sources={s.id: s for s in sources_file.sources},
        actors={a.id: a for a in actors_file.actors},
        events=sorted(events_file.events, key=lambda e: models.partial_date_start(e.date)),
        agreements={a.id: a for a, _ in agreements.values()},
        catalog=catalog,
        version=_data_version(files, data_dir),
    ), []


@dataclass
class _ReferenceChecker:
    """Finds ids that point nowhere, by the name of the field that holds them."""

    errors: list[DataError]
    sources: set[str]
    actors: set[str]
    layers: set[str]
    agreements: set[str]
    places: set[str] | None = None  # None: the places layer is unreadable, so place ids are not checked

    def _kinds(self, name: str) -> tuple[str, set[str]] | None:
        return {
            "sources": ("source", self.sources),
            "actor": ("actor", self.actors),
            "actors": ("actor", self.actors),
            "obligated": ("actor", self.actors),
            "target": ("actor", self.actors),
            "layer": ("layer", self.layers),
            "map_layers": ("layer", self.layers),
            "places": ("place", self.places) if self.places is not None else None,
            "agreements": ("agreement", self.agreements),
            "agreement": ("agreement", self.agreements),
            "amends": ("agreement", self.agreements),
        }.get(name)

    def walk(self, file: str, doc: _YamlDoc, value: Any, loc: tuple[Any, ...] = ()) -> None:
        if isinstance(value, BaseModel):
            for name in type(value).model_fields:
                self._check(file, doc, name, getattr(value, name), loc + (name,))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                self.walk(file, doc, item, loc + (index,))

    def _check(self, file: str, doc: _YamlDoc, name: str, value: Any, loc: tuple[Any, ...]) -> None:
        is_id = isinstance(value, str) or (isinstance(value, list) and value and all(isinstance(v, str) for v in value))
        kind = self._kinds(name) if is_id else None
        if kind:
            label, known = kind
            for index, item in enumerate(value if isinstance(value, list) else [value]):
                if item not in known:
                    item_loc = loc + (index,) if isinstance(value, list) else loc
                    self.errors.append(DataError(file, doc.line_of(item_loc), _field_name(item_loc),
                                                 f"no {label} with id {item!r} (expected one of the ids defined in {_HOME[label]})"))
        else:
            self.walk(file, doc, value, loc)

    def duplicates(self, file: str, doc: _YamlDoc, key: str, ids: list[str]) -> None:
        seen: set[str] = set()
        for index, item in enumerate(ids):
            if item in seen:
                loc = (key, index, "id")
                self.errors.append(DataError(file, doc.line_of(loc), _field_name(loc),
                                             f"duplicate id {item!r} (expected each id once)"))
            seen.add(item)


_HOME = {
    "source": "data/sources.yaml",
    "actor": "data/actors.yaml",
    "layer": "data/layers/catalog.yaml",
    "place": "the places layer of data/layers/catalog.yaml",
    "agreement": "data/agreements/",
}

_GEOMETRY_KINDS = {
    "area": {"Polygon", "MultiPolygon"},
    "line": {"LineString", "MultiLineString"},
    "point": {"Point", "MultiPoint"},
}
_WGS84_NAMES = {"urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:EPSG::4326", "EPSG:4326"}


def _check_layers(
    data_dir: Path, catalog: models.LayerCatalog, doc: _YamlDoc, rel, errors: list[DataError]
) -> tuple[set[str] | None, dict[str, list[dict]]]:
    """Check each catalogued GeoJSON file.

    Returns the place ids of the places layer (None if it is unreadable) and, per readable layer,
    its features' properties (to check the ``where`` filters that select features).
    """
    import shapely

    layer_dir = data_dir / "layers"
    catalog_file = rel(layer_dir / "catalog.yaml")
    listed = {layer.file for layer in catalog.layers}
    for path in sorted(layer_dir.glob("*.geojson")):
        if path.name not in listed:
            errors.append(DataError(rel(path), None, "(file)",
                                    f"no entry in {catalog_file} (expected a layer with file: {path.name}, or remove the file)"))
    place_ids: set[str] | None = None
    properties: dict[str, list[dict]] = {}
    layers = {layer.id: (index, layer) for index, layer in enumerate(catalog.layers)}
    if catalog.places_layer not in layers:
        errors.append(DataError(catalog_file, doc.line_of(("places_layer",)), "places_layer",
                                f"no layer with id {catalog.places_layer!r} (expected a point layer id)"))
    for index, layer in enumerate(catalog.layers):
        path = layer_dir / layer.file
        file = rel(path)
        if not path.exists():
            loc = ("layers", index, "file")
            errors.append(DataError(catalog_file, doc.line_of(loc), _field_name(loc),
                                    f"file {layer.file} does not exist in {rel(layer_dir)} (expected the GeoJSON file there)"))
            continue
        try:
            text = path.read_text(encoding="utf-8")
            data = json.loads(text)
        except (ValueError, UnicodeDecodeError) as exc:
            errors.append(DataError(file, getattr(exc, "lineno", None), "(json)", f"not valid JSON: {exc} (expected a GeoJSON FeatureCollection)"))
            continue
        if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(data.get("features"), list):
            errors.append(DataError(file, 1, "type", "not a GeoJSON FeatureCollection (expected \"type\": \"FeatureCollection\" with a features list)"))
            continue
        crs_name = ((data.get("crs") or {}).get("properties") or {}).get("name")
        if crs_name and crs_name not in _WGS84_NAMES:
            errors.append(DataError(file, text.count("\n", 0, max(text.find('"crs"'), 0)) + 1, "crs", f"CRS is {crs_name} (expected EPSG:4326 lon/lat, as GeoJSON requires; reproject the file)"))
            continue
        if layer.id == catalog.places_layer:
            place_ids = set()
        properties[layer.id] = []
        lon0, lat0, lon1, lat1 = layer.region
        # JSON parsers give no line numbers; find each feature's '"type": "Feature"' instead
        feature_lines = [text.count("\n", 0, m.start()) + 1 for m in re.finditer(r'"type"\s*:\s*"Feature"(?!Collection)', text)]
        for number, feature in enumerate(data["features"]):
            where = f"features[{number}]"
            line = feature_lines[number] if number < len(feature_lines) else None
            if not isinstance(feature, dict) or feature.get("type") != "Feature":
                errors.append(DataError(file, line, where, "not a GeoJSON Feature (expected {\"type\": \"Feature\", \"geometry\": ..., \"properties\": ...})"))
                continue
            try:
                geometry = shapely.geometry.shape(feature["geometry"])
            except Exception as exc:  # noqa: BLE001 - any malformed geometry is reported, not raised
                errors.append(DataError(file, line, f"{where}.geometry", f"cannot be read ({exc}) (expected a GeoJSON geometry)"))
                continue
            if geometry.is_empty:
                errors.append(DataError(file, line, f"{where}.geometry", "geometry is empty (expected coordinates)"))
                continue
            if geometry.geom_type not in _GEOMETRY_KINDS[layer.kind] and not (
                geometry.geom_type == "GeometryCollection"
                and all(g.geom_type in _GEOMETRY_KINDS[layer.kind] for g in geometry.geoms)
            ):
                errors.append(DataError(file, line, f"{where}.geometry",
                                        f"{geometry.geom_type} in a layer of kind {layer.kind!r} (expected {' or '.join(sorted(_GEOMETRY_KINDS[layer.kind]))})"))
            if not geometry.is_valid:
                errors.append(DataError(file, line, f"{where}.geometry",
                                        f"invalid geometry: {shapely.is_valid_reason(geometry)} (expected a valid, non-self-intersecting shape)"))
            x0, y0, x1, y1 = geometry.bounds
            if x0 < lon0 or x1 > lon1 or y0 < lat0 or y1 > lat1:
                hint = " - are longitude and latitude swapped?" if lat0 <= x0 <= lat1 and lon0 <= y0 <= lon1 else ""
                errors.append(DataError(file, line, f"{where}.geometry",
                                        f"lies outside the layer's region {list(layer.region)} (bounds {[round(v, 4) for v in geometry.bounds]}){hint} (expected lon/lat inside the region set in {catalog_file})"))
            props = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
            properties[layer.id].append(props)
            for key in filter(None, [layer.name_property, layer.id_property, *layer.popup_properties]):
                if key not in props:
                    errors.append(DataError(file, line, f"{where}.properties.{key}",
                                            f"property missing (expected it, since {catalog_file} names it for layer {layer.id!r})"))
            if layer.id == catalog.places_layer and layer.id_property:
                place_ids.add(str(props.get(layer.id_property)))
    return place_ids, properties


_REF_KINDS = {"along": "line", "within": "area"}  # what a band or corridor is measured along / cut to


def _check_layer_filters(file: str, doc: _YamlDoc, agreement: models.Agreement, catalog: models.LayerCatalog,
                         properties: dict[str, list[dict]], errors: list[DataError]) -> None:
    """Each geography's layer reference must be of the right kind and select at least one feature."""
    kinds = {layer.id: layer.kind for layer in catalog.layers}
    for index, provision in enumerate(agreement.provisions):
        geo = provision.geography
        if geo is None:
            continue
        for key, ref in [("along", getattr(geo, "along", None)), ("within", getattr(geo, "within", None)),
                         ("layer", getattr(geo, "layer", None))]:
            if ref is None or ref.layer not in properties:
                continue  # no such layer (reported already) or an unreadable file (reported already)
            if key in _REF_KINDS and kinds[ref.layer] != _REF_KINDS[key]:
                loc = ("provisions", index, "geography", key)
                errors.append(DataError(file, doc.line_of(loc), _field_name(loc),
                                        f"layer {ref.layer!r} is of kind {kinds[ref.layer]!r} (expected a layer of kind {_REF_KINDS[key]!r} here)"))
                continue
            features = properties[ref.layer]
            where = ref.where or {}
            loc = ("provisions", index, "geography", key) + (("where",) if where else ())
            unknown = [k for k in where if not any(k in props for props in features)]
            if unknown:
                known = sorted({k for props in features for k in props})
                errors.append(DataError(file, doc.line_of(loc), _field_name(loc),
                                        f"layer {ref.layer!r} has no property {unknown[0]!r} (expected one of: {', '.join(known)})"))
            elif not any(all(props.get(k) == v for k, v in where.items()) for props in features):
                errors.append(DataError(file, doc.line_of(loc), _field_name(loc),
                                        f"selects no feature of layer {ref.layer!r} (expected a filter that matches at least one feature)"))
