"""``where`` filters on layer properties: operators, parsing one condition, selecting rows, words.

:func:`parse_condition` validates one property's condition, :func:`select` applies a filter to a layer frame
(the one implementation every user of ``where`` calls), :func:`condition_problem` says what a filter cannot do
on a layer, :func:`where_text` words it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping


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
        def as_day(v):
            return pd.Timestamp(_iso_date(v)) if _iso_date(v) else v

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
