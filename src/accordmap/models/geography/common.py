"""What the geography kinds share -> the base model every kind extends, the zone, and area cutting.

- :data:`LayerRefs`: ``within`` / ``except`` take one layer reference or a list of them (each with its
  own ``where`` filter); the union of the list counts.
- :class:`Zone`: one computed area (a band at one depth, a band by sector, a corridor).
- :class:`GeographyBase`: the hooks a kind fills in: the layers it reads (and the kind each must be),
  its zones, its parameters and how they override its distances, its static checks and its words.
- :class:`Context`: the dataset's layers in the metric CRS, as the kinds compute with them.
- ``where`` filters (:data:`OPERATORS`): :func:`parse_condition` validates one property's condition,
  :func:`select` applies a filter to a layer frame (the one implementation every user of ``where``
  calls), :func:`condition_problem` says what a filter cannot do on a layer, :func:`where_text` words it.

Nothing here imports the geodata stack at import time: :mod:`accordmap.models` imports the kinds, and
planning a build must stay light (shapely and geopandas are imported where zones are computed).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar
from pydantic import BeforeValidator, ConfigDict, Field
from accordmap.models.layers import Layer, LayerRef, layer_ref_shorthand
from accordmap.models.base import Strict
from accordmap.models.where import where_text


def _refs(value: object) -> object:
    if value is None:
        return None
    return [layer_ref_shorthand(item) for item in (value if isinstance(value, list) else [value])]


LayerRefs = Annotated[
    list[LayerRef], BeforeValidator(_refs),
    Field(min_length=1, description="one layer reference ({layer: <id>, where: {...}}, {series: <id>} or an id) or a "
                                    "list of them: their union"),
]


def as_list(value: LayerRef | list[LayerRef] | None) -> list[LayerRef]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


# --- the zone -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Zone:
    """One computed area: a band at one depth, a band whose depth varies by sector, or a corridor."""

    provision_id: str
    label: str
    kind: str  # "band" or "corridor"
    distance_km: float  # depth of a band (by sector: the largest), half-width of a corridor
    geometry: Any  # shapely geometry, metric CRS
    description: str | None = None  # how it is measured ('15 km deep'); None: from kind and distance

    @property
    def area_km2(self) -> float:
        return self.geometry.area / 1e6

    @property
    def name(self) -> str:
        if self.description:
            return f"{self.label}, {self.description}"
        noun = "deep" if self.kind == "band" else "either side"
        return f"{self.label}, {self.distance_km:g} km {noun}"


# --- computing ------------------------------------------------------------------------------


@dataclass
class Context:
    """The agreement's layers as the kinds compute with them: in ``crs``, each reference's union.

    ``displace`` (None: the layers as given) returns a reference's geometry moved within its error: how the
    uncertainty model (:mod:`accordmap.analysis.uncertainty`) recomputes a zone from its boundaries' variants
    with the kind's own :meth:`GeographyBase.zones`. ``cache`` keeps each reference's projected union; contexts
    of one agreement may share it."""

    dataset: Any  # accordmap.dataset.Dataset
    crs: Any  # pyproj.CRS, metric
    accuracies: list[float] = field(default_factory=list)  # typical errors of the approximate layers used
    displace: Callable[[LayerRef, Any], Any] | None = None
    cache: dict = field(default_factory=dict)

    def geometry(self, ref: LayerRef):
        """One reference's features, as one geometry in the metric CRS (as given, never displaced)."""
        import shapely

        key = (ref.layer, ref.series, repr(ref.where))
        if key not in self.cache:
            self.cache[key] = shapely.union_all(self.dataset.layer_frame(ref).to_crs(self.crs).geometry.values)
        return self.cache[key]

    def union(self, refs: LayerRef | list[LayerRef] | None):
        """The union of the referenced features in the metric CRS (None: no reference), each displaced
        by ``displace`` when one is given."""
        import shapely

        refs = as_list(refs)
        if not refs:
            return None
        parts = []
        for ref in refs:
            accuracy = self.dataset.layers[ref.layer].accuracy_km
            if accuracy:
                self.accuracies.append(accuracy)
            shape = self.geometry(ref)
            parts.append(self.displace(ref, shape) if self.displace is not None else shape)
        return shapely.union_all(parts)


def cut(shape, within, excepted):
    """``shape`` kept inside ``within`` (None: everywhere) and outside ``excepted`` (None: nothing)."""
    import shapely

    if within is not None:
        shape = shapely.intersection(shape, within)
    if excepted is not None:
        shape = shapely.difference(shape, excepted)
    return shape


# --- words ----------------------------------------------------------------------------------


def ref_text(ref: LayerRef, layers: Mapping[str, Layer]) -> str:
    """'Governorates (ADM1_PCODE = SY07)': a layer's title and its filter, for readers."""
    layer = layers.get(ref.layer) if ref.layer else None
    title = layer.title if layer is not None else (ref.layer or ref.series or "?")
    where = where_text(ref.where, joiner=", ")
    return f"{title} ({where})" if where else title


def refs_text(refs: list[LayerRef], layers: Mapping[str, Layer], joiner: str = " or ") -> str:
    texts = [ref_text(ref, layers) for ref in refs]
    return texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + joiner + texts[-1]


def except_text(refs: list[LayerRef], layers: Mapping[str, Layer]) -> str:
    """'except the area of A and the area of B' ('' when nothing is excepted)."""
    if not refs:
        return ""
    return "except " + " and ".join(f"the area of {ref_text(ref, layers)}" for ref in refs)


# --- the base of every kind -----------------------------------------------------------------


class GeographyBase(Strict):
    """What every geography kind has and does; each kind's module fills in the hooks."""

    model_config = ConfigDict(populate_by_name=True)  # 'except' is a Python keyword: field except_

    kind: str
    label: Annotated[str, Field(min_length=1)]

    # field -> the layer kind it must name (None: any kind)
    REFS: ClassVar[dict[str, str | None]] = {}
    # the parameters a report may set for one provision of this kind (-p <provision>.<name>=...), with help
    PARAMETERS: ClassVar[dict[str, str]] = {}
    # report-wide parameters (zone_min_km ...) -> the provision parameter each sets, for agreements with
    # exactly one provision of this kind
    AGREEMENT_WIDE: ClassVar[dict[str, str]] = {}
    # the field the along-layer is in: what the metric CRS is derived from (None: no zone)
    MEASURED_FROM: ClassVar[str | None] = None
    # whether the kind computes zones from its layers (a band, a corridor) or shows features as they are
    COMPUTES_ZONES: ClassVar[bool] = False
    # the column the zone's distance goes to in the exports (depth_km, half_width_km; None: no distance)
    DISTANCE_COLUMN: ClassVar[str | None] = None
    # whether a comparison follows this kind's zone from one date to the next: a zone drawn along a front
    # line inside the area one side holds, both of which are layer series with a member at each date
    FOLLOWS_FRONT: ClassVar[bool] = False

    def measured_routes(self, layers: Mapping[str, Layer]) -> list[LayerRef]:
        """The line layers whose length inside each zone the key figures give (none by default)."""
        return []

    def apart_text(self, distance_km: float, along: str) -> str:
        """Why the zone is empty when its line and its area are apart, e.g. "its route, <along>, never
        enters" (completed by the area's name)."""
        return f"its route, {along}, never enters"

    def layer_refs(self) -> list[tuple[tuple[Any, ...], str | None, LayerRef]]:
        """Every layer reference: (place in the geography as keys of the file, the layer kind it needs, ref)."""
        found = []
        for name, needed in self.REFS.items():
            key = type(self).model_fields[name].alias or name
            value = getattr(self, name)
            if isinstance(value, list):
                found += [((key, index), needed, ref) for index, ref in enumerate(value)]
            elif value is not None:
                found.append(((key,), needed, value))
        return found

    def map_refs(self, change: Callable[[LayerRef], LayerRef]):
        """A copy with every layer reference replaced by ``change(ref)`` (e.g. a series by its member)."""
        update = {}
        for name in self.REFS:
            value = getattr(self, name)
            if isinstance(value, list):
                update[name] = [change(ref) for ref in value]
            elif value is not None:
                update[name] = change(value)
        return self.model_copy(update=update)

    def settings(self, values: Mapping[str, float] | None = None) -> dict[str, float]:
        """This geography's parameters: as agreed, each replaced by its value in ``values``."""
        values = values or {}
        return {name: values.get(name) or getattr(self, name) for name in self.PARAMETERS}

    def override_problem(self, values: Mapping[str, float], names: Mapping[str, str]) -> str | None:
        """What is wrong with these parameter values together (e.g. min over max), or None; ``names``
        gives the name of each parameter as the user set it (or would set it)."""
        return None

    def zones(self, provision_id: str, context: Context, values: Mapping[str, float]) -> list[Zone]:
        """The areas this geography defines (none for features shown as they are)."""
        return []

    def describe(self, layers: Mapping[str, Layer], values: Mapping[str, float] | None = None) -> str:
        """One or two sentences for readers: what the geography is, every exception included."""
        raise NotImplementedError
