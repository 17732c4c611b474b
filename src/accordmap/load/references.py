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

from dataclasses import dataclass
from typing import Any
from collections.abc import Iterable
from pydantic import BaseModel
from accordmap import models
from accordmap.dataset import layer_series
from accordmap.models.where import select
from accordmap.errors import DataError
from accordmap.load.yamlfile import YamlDoc, field_name
from accordmap.models.terms import VOCABULARIES
from accordmap.models.where import condition_problem, conditions
from accordmap.models.where import where_text


def check_duplicates(file: str, doc: Any, errors: list) -> None:
    """Each term id once per list (``doc``: the file's YamlDoc)."""

    for name in VOCABULARIES:
        check_duplicate_ids(file, doc, name, errors)

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


# --- geographies ----------------------------------------------------------------------------

def geography_refs(geography: Any) -> list[tuple[tuple[Any, ...], str | None, models.LayerRef]]:
    """Every layer reference of a geography: (keys in the file, the layer kind it needs, ref); each
    kind says which (:meth:`accordmap.models.geography.common.GeographyBase.layer_refs`)."""
    return geography.layer_refs() if geography is not None else []


def geography_layers(agreement: models.Agreement, catalog: Iterable[models.Layer] = ()) -> set[str]:
    """Every layer an agreement's map and zones are made from (a series: each of its members in ``catalog``)."""
    series = layer_series(catalog)
    names = set(agreement.map_layers)
    for provision in agreement.provisions:
        names |= {ref.layer or ref.series for _, _, ref in geography_refs(provision.geography)}
    return {layer_id for name in names for layer_id in ([m.id for m in series[name]] if name in series else [name])}


def check_layer_filters(file: str, doc: YamlDoc, agreement: models.Agreement, layers: dict[str, models.Layer],
                        frames: dict[str, Any], errors: list[DataError]) -> None:
    """Each geography's layer is of the right kind, and its filter names properties of the layer as
    the build reads it and selects at least one feature."""
    for index, provision in enumerate(getattr(agreement, "provisions", None) or []):
        if provision is None or provision.geography is None:
            continue
        for keys, needed, series_ref in geography_refs(provision.geography):
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


def ref_text(ref: models.LayerRef | list[models.LayerRef] | None) -> str:
    if ref is None:
        return "the whole map"
    if isinstance(ref, list):
        return " or ".join(ref_text(item) for item in ref)
    where = where_text(ref.where, quote=True)
    return f"layer {ref.layer!r}" + (f" where {where}" if where else "")
