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

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar

from pydantic import BeforeValidator, ConfigDict, Field

from accordmap.models import Layer, LayerRef, Strict, _layer_ref_shorthand


def _refs(value: object) -> object:
    if value is None:
        return None
    return [_layer_ref_shorthand(item) for item in (value if isinstance(value, list) else [value])]


LayerRefs = Annotated[
    list[LayerRef], BeforeValidator(_refs),
    Field(min_length=1, description="one layer reference ({layer: <id>, where: {...}}, {series: <id>} or an id) or a "
                                    "list of them: their union"),
]


def as_list(value: LayerRef | list[LayerRef] | None) -> list[LayerRef]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


# --- where filters --------------------------------------------------------------------------

#: every operator a ``where`` condition may use -> what it selects (a plain value means ``eq``)
OPERATORS: dict[str, str] = {
    "eq": "the property equals the value",
    "not": "the property does not equal the value (a feature without it counts as not equal)",
    "in": "the property equals one of the listed values",
    "not_in": "the property equals none of the listed values",
    "lt": "less than the value (a number, or an ISO date 'YYYY-MM-DD' / 'YYYY-MM')",
    "le": "at most the value",
    "gt": "more than the value",
    "ge": "at least the value",
    "exists": "true: the feature has a value for the property; false: it has none (null)",
}
COMPARISONS = ("lt", "le", "gt", "ge")
_SYMBOLS = {"eq": "=", "not": "≠", "in": "in", "not_in": "not in", "lt": "<", "le": "≤", "gt": ">", "ge": "≥"}
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
_OPERATOR_LIST = ", ".join(OPERATORS)


def _scalar(value: object) -> bool:
    return isinstance(value, (str, int, float)) and not (isinstance(value, float) and not math.isfinite(value))


def _iso_date(value: object) -> dt.date | None:
    """'2019-12-31' -> that day; '2019-12' -> its first day; anything else -> None."""
    match = _ISO_DATE.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    year, month, day = match.groups()
    try:
        return dt.date(int(year), int(month), int(day or 1))
    except ValueError:
        return None


def parse_condition(value: object) -> object:
    """One property's condition in a ``where`` filter, checked: a plain value (equality) or a mapping of
    operators (:data:`OPERATORS`), all of which must hold. Raises ValueError saying what to write instead."""
    if isinstance(value, str):
        value = value.strip()
    if _scalar(value):
        return value
    if value is None:
        raise ValueError("is null (expected a value; to select the features without this property, write "
                         "{exists: false})")
    if isinstance(value, list):
        raise ValueError(f"is a list (expected a single value, or {{in: {value!r}}} for any of several values)")
    if not isinstance(value, dict) or not value:
        raise ValueError(f"{value!r} is not a condition (expected a value, or a mapping of operators among: "
                         f"{_OPERATOR_LIST})")
    result = {}
    for op, operand in value.items():
        if op not in OPERATORS:
            raise ValueError(f"unknown operator {op!r} (expected one of: {_OPERATOR_LIST})")
        if isinstance(operand, str):
            operand = operand.strip()
        if op in ("eq", "not") and not _scalar(operand):
            raise ValueError(f"{op}: {operand!r} is not a value (expected text or a number, e.g. {{{op}: M4}})")
        if op in ("in", "not_in") and not (isinstance(operand, list) and operand and all(map(_scalar, operand))):
            raise ValueError(f"{op}: {operand!r} is not a list of values (expected e.g. {{{op}: [M4, M5]}})")
        if op in COMPARISONS and not ((isinstance(operand, (int, float)) and not isinstance(operand, bool)
                                       and math.isfinite(operand)) or _iso_date(operand)):
            raise ValueError(f"{op}: {operand!r} is not a number or an ISO date (expected e.g. {{{op}: 1000}} or "
                             f"{{{op}: '2019-12-31'}})")
        if op == "exists" and not isinstance(operand, bool):
            raise ValueError(f"exists: {operand!r} is not true or false (expected {{exists: true}} or {{exists: false}})")
        result[op] = [s.strip() if isinstance(s, str) else s for s in operand] if isinstance(operand, list) else operand
    return result


def conditions(where: Mapping[str, object] | None) -> list[tuple[str, str, object]]:
    """(property, operator, value) for every test of a filter; a plain value is ``eq``."""
    return [(prop, op, operand) for prop, condition in (where or {}).items()
            for op, operand in (condition.items() if isinstance(condition, dict) else [("eq", condition)])]


def _as_dates(column):
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(column):
        return column.dt.tz_localize(None) if getattr(column.dt, "tz", None) is not None else column
    days = column.map(lambda v: _iso_date(v.isoformat()[:10] if isinstance(v, dt.date) else v))
    return pd.to_datetime(days.where(days.notna(), None), errors="coerce")


def _test(column, op: str, operand: object):
    """The features of ``column`` that pass one test, as a boolean Series."""
    import operator

    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(column) and op in ("eq", "not", "in", "not_in"):
        # GDAL reads a property of ISO dates as dates: compare with the dates the values name
        column = _as_dates(column)
        as_day = (lambda v: pd.Timestamp(_iso_date(v)) if _iso_date(v) else v)
        operand = [as_day(v) for v in operand] if isinstance(operand, list) else as_day(operand)
        if op in ("eq", "not") and not isinstance(operand, pd.Timestamp):
            return pd.Series(op == "not", index=column.index)
        if op in ("in", "not_in"):
            operand = [v for v in operand if isinstance(v, pd.Timestamp)]
    if op == "eq":
        return column == operand
    if op == "not":
        return ~(column == operand)
    if op == "in":
        return column.isin(operand)
    if op == "not_in":
        return ~column.isin(operand)
    if op == "exists":
        return column.notna() if operand else column.isna()
    if isinstance(operand, str):  # an ISO date
        values, target = _as_dates(column), pd.Timestamp(_iso_date(operand))
    else:
        values, target = pd.to_numeric(column, errors="coerce"), operand
    compare = {"lt": operator.lt, "le": operator.le, "gt": operator.gt, "ge": operator.ge}[op]
    return compare(values, target).fillna(False).astype(bool)


def select(frame, where: Mapping[str, object] | None):
    """The rows of a layer frame that pass every condition of ``where`` (None: all rows)."""
    if not where:
        return frame
    mask = None
    for prop, op, operand in conditions(where):
        passed = _test(frame[prop], op, operand).to_numpy(dtype=bool)
        mask = passed if mask is None else mask & passed
    return frame[mask]


def condition_problem(frame, prop: str, op: str, operand: object) -> str | None:
    """What stops one test from working on a layer frame (a property it does not have, a comparison on a
    property that holds no numbers or dates), or None. Words the problem after 'property X ...'."""
    import pandas as pd

    columns = [c for c in frame.columns if c != frame.geometry.name]
    if prop not in columns:
        return f"is not in the layer (expected one of: {', '.join(sorted(map(str, columns)))})"
    if op not in COMPARISONS:
        return None
    column = frame[prop]
    present = column.dropna()
    if isinstance(operand, str):
        dated = pd.api.types.is_datetime64_any_dtype(column) or all(
            _iso_date(v.isoformat()[:10] if isinstance(v, dt.date) else v) for v in present)
        if not dated:
            sample = next((v for v in present if not _iso_date(v if isinstance(v, str) else None)), None)
            return (f"holds values that are not ISO dates, such as {sample!r} (expected {op} with a date only on a "
                    "property of ISO dates 'YYYY-MM-DD'; compare numbers with a number)")
        return None
    numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
    if pd.api.types.is_datetime64_any_dtype(column):
        sample = next(iter(present), None)
        return (f"holds dates, such as '{sample:%Y-%m-%d}', not numbers (expected {op} with a date such as "
                "'2019-12-31' on a property of dates)")
    if not numeric:
        sample = next(iter(present), None)
        return (f"holds text, such as {sample!r}, not numbers (expected {op} with a number only on a property of "
                "numbers; use eq, not, in or not_in for text, or a date such as '2019-12-31' for ISO dates)")
    return None


def where_text(where: Mapping[str, object] | None, quote: bool = False, joiner: str = " and ") -> str:
    """'route in (M4, M5) and population ≥ 1000': a filter in words (``quote``: values as repr, for messages)."""
    show = repr if quote else str
    parts = []
    for prop, op, operand in conditions(where):
        if op == "exists":
            parts.append(f"{prop} {'is given' if operand else 'is not given'}")
        elif op in ("in", "not_in"):
            parts.append(f"{prop} {_SYMBOLS[op]} ({', '.join(show(v) for v in operand)})")
        else:
            parts.append(f"{prop} {_SYMBOLS[op]} {show(operand)}")
    return joiner.join(parts)


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
    """The agreement's layers as the kinds compute with them: in ``crs``, each reference's union."""

    dataset: Any  # accordmap.dataset.Dataset
    crs: Any  # pyproj.CRS, metric
    accuracies: list[float] = field(default_factory=list)  # typical errors of the approximate layers used

    def union(self, refs: LayerRef | list[LayerRef] | None):
        """The union of the referenced features in the metric CRS (None: no reference)."""
        import shapely

        refs = as_list(refs)
        if not refs:
            return None
        parts = []
        for ref in refs:
            accuracy = self.dataset.layers[ref.layer].accuracy_km
            if accuracy:
                self.accuracies.append(accuracy)
            parts.extend(self.dataset.layer_frame(ref).to_crs(self.crs).geometry.values)
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
