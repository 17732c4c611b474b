"""What every data model shares: the strict base model, ids, text, distances, dates, and their limits.

Unknown keys are rejected everywhere (``extra="forbid"``) so a typo in a hand-edited YAML file
is an error, not a silently ignored field, and every number must be finite. The rules that hold
for all data text (no control or bidi override characters) and the limits the build relies on
(nesting depth, distances) are defined here too. Cross-file references (a provision naming an
actor, an event naming a source) are checked in :mod:`accordmap.load`, which sees all files.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from typing import Annotated
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
)
# --- geography kinds: accordmap.models.geography (they build on the types above) --------------------

from accordmap.models import dates


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)


# --- rules for all data ---------------------------------------------------------------------

MAX_NESTING = 32  # levels of lists and mappings (YAML) or arrays and objects (GeoJSON)
MAX_DISTANCE_KM = 500.0  # band depths and corridor half-widths; the same limit applies to -p overrides
MAX_ACCURACY_KM = 100.0

# C0 controls except tab, newline and CR; DEL; C1 controls; bidi embeddings, overrides and isolates.
# Allowed: U+2028/U+2029, right-to-left letters, the marks U+200E/U+200F, ZWJ and ZWNJ.
FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def describe_character(char: str) -> str:
    """'the control character U+0007', 'the bidi control character U+202E (RIGHT-TO-LEFT OVERRIDE)'."""
    code = f"U+{ord(char):04X}"
    if "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069":
        return f"the bidi control character {code} ({unicodedata.name(char)})"
    return f"the control character {code}"


def forbidden_character_problem(text: str) -> str | None:
    """What is wrong with a text from the data that holds a forbidden character, or None."""
    match = FORBIDDEN_CHARACTERS.search(text)
    if match is None:
        return None
    return (f"contains {describe_character(match.group())} (expected text without control or bidi override "
            "characters; remove it)")


# --- small types ----------------------------------------------------------------------------

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
COLOR_PATTERN = r"^#[0-9a-fA-F]{6}$"
FILE_PATTERN = r"^[A-Za-z0-9_.-]+\.geojson$"
Id = Annotated[str, Field(pattern=ID_PATTERN, description="lower-case id: a-z, 0-9, '-', '_'")]
Text = Annotated[str, Field(min_length=1)]


def _distance_at_most(limit: float) -> AfterValidator:
    def check(value: float) -> float:
        if not (math.isfinite(value) and 0 < value <= limit):
            raise ValueError(f"wrong value {value:g} (expected a finite distance in km, more than 0 and at most {limit:g})")
        return value

    return AfterValidator(check)


# allow_inf_nan: an infinite or NaN distance gets the distance message, not the generic one
Distance = Annotated[float, Field(allow_inf_nan=True), _distance_at_most(MAX_DISTANCE_KM)]
AccuracyKm = Annotated[float, Field(allow_inf_nan=True), _distance_at_most(MAX_ACCURACY_KM)]

_DASH = re.compile(r"^\d+(?:\.\d+)?(?:(?:\s*,\s*|\s+)\d+(?:\.\d+)?){0,9}$")


def check_dash(value: object) -> object:
    """An SVG dash pattern: up to 10 positive numbers separated by spaces or commas ('6 4')."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = f"{value:g}"
    text = value.strip() if isinstance(value, str) else None
    if text is None or not _DASH.match(text) or not all(float(n) > 0 for n in re.split(r"[\s,]+", text)):
        raise ValueError(f"{value!r} is not a dash pattern (expected up to 10 positive numbers separated by spaces "
                         "or commas, e.g. '6 4')")
    return text


# dates of day, month or year precision, moments with a time of day: accordmap.models.dates
PartialDate = Annotated[str, BeforeValidator(dates.check_partial)]
# a day, or {at: 'YYYY-MM-DD HH:MM', tz: <IANA zone | +HH:MM | unstated>}: deadlines and provision starts
MomentDate = Annotated[dates.Moment, PlainValidator(dates.parse_moment)]


def parse_day_date(value: object) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    text = str(value)
    if not re.match(r"^\d{4}-\d{2}-\d{2}$", text):
        raise ValueError(f"{text!r} is not a date of day precision (expected 'YYYY-MM-DD')")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a real date: {exc} (expected a date that exists)") from None


DayDate = Annotated[dt.date, BeforeValidator(parse_day_date)]
SourceRefs = Annotated[list[Id], Field(min_length=1, description="ids from data/sources.yaml")]
