"""The schema of every data file, as strict pydantic models.

Unknown keys are rejected everywhere (``extra="forbid"``) so a typo in a hand-edited YAML file
is an error, not a silently ignored field, and every number must be finite. The rules that hold
for all data text (no control or bidi override characters) and the limits the build relies on
(nesting depth, distances) are defined here too. Cross-file references (a provision naming an
actor, an event naming a source) are checked in :mod:`accordmap.checks`, which sees all files.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from typing import Annotated, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    HttpUrl,
    model_validator,
)


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


def _check_dash(value: object) -> object:
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


_PARTIAL_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


def _check_partial_date(value: object) -> str:
    """A date of day (``2018-09-17``) or month (``2019-12``) precision that exists."""
    if isinstance(value, dt.date):
        value = value.isoformat()[:10]
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date (expected 'YYYY-MM-DD' or 'YYYY-MM')")
    match = _PARTIAL_DATE.match(str(value))
    if not match:
        raise ValueError(f"{value!r} is not a date of day or month precision (expected 'YYYY-MM-DD' or 'YYYY-MM')")
    year, month, day = match.groups()
    try:
        dt.date(int(year), int(month), int(day or 1))
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a real date: {exc} (expected a date that exists)") from None
    return value


PartialDate = Annotated[str, BeforeValidator(_check_partial_date)]


def partial_date_start(value: str) -> dt.date:
    """First day a partial date can mean: '2019-12' -> 2019-12-01."""
    parts = [int(p) for p in value.split("-")]
    return dt.date(parts[0], parts[1], parts[2] if len(parts) == 3 else 1)


def day_label(value: dt.date, long: bool = False) -> str:
    """17 Sep 2018 (long: 17 September 2018): how every report writes a day."""
    return f"{value.day} {value:%B %Y}" if long else f"{value.day} {value:%b %Y}"


def partial_date_label(value: str) -> str:
    """'2018-09-17' -> '17 Sep 2018'; '2019-12' -> 'Dec 2019'."""
    start = partial_date_start(value)
    return f"{start:%b %Y}" if value.count("-") == 1 else day_label(start)


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


# --- sources --------------------------------------------------------------------------------

SourceKind = Literal["agreement-text", "official", "news", "encyclopedia", "dataset", "database", "analysis"]
# who published it, for readers weighing it (labels and rules: accordmap.reliability)
PublisherKind = Literal[
    "primary-text", "government-statement", "wire", "independent-media", "partisan-media", "ngo-monitor",
    "state-affiliated-media", "sanctioned-outlet", "encyclopedia", "aggregator", "dataset", "analysis",
]
EditorNote = Annotated[str | None, Field(None, description="for the editors of the data only: never shown in a report")]


class Source(Strict):
    """A document a fact was read in."""

    id: Id
    title: Text
    publisher: Text
    publisher_kind: PublisherKind = Field(description="who published it (see accordmap.reliability)")
    date: PartialDate | None = Field(None, description="publication date; null when the page gives none")
    url: HttpUrl | None = None
    kind: SourceKind
    accessed: PartialDate | None = Field(None, description="when it was read")
    note: str | None = Field(None, description="for readers: what it says that the data rely on, its standing; "
                                               "required when url is null (then: where the text is)")
    editor_note: EditorNote

    @model_validator(mode="after")
    def _url_or_note(self) -> Source:
        if self.url is None and not self.note:
            raise ValueError("url is null and there is no note (expected a url, or a note saying where the text can be found)")
        return self


class SourcesFile(Strict):
    sources: list[Source]


class Discrepancy(Strict):
    """Sources that disagree: keep both, say who says what."""

    note: Text
    sources: SourceRefs
    editor_note: EditorNote


# --- actors ---------------------------------------------------------------------------------

ActorKind = Literal["state", "government", "armed-group", "coalition", "international-organisation", "population"]
Side = Literal["government", "opposition", "neutral"]


class Person(Strict):
    name: Text
    position: Text
    sources: SourceRefs


class Statement(Strict):
    speaker: Text = Field(description="a name from the actor's people")
    date: DayDate
    agreement: Id | None = Field(None, description="the agreement the statement is about")
    summary: Text = Field(description="paraphrase")
    quote: str | None = Field(None, description="a few words as reported, when the source quotes them")
    sources: SourceRefs


RelationKind = Literal["backs", "opposes", "part-of", "formerly"]


class Relation(Strict):
    kind: RelationKind
    target: Id = Field(description="an actor id")
    since: PartialDate | None = None
    note: Text
    sources: SourceRefs
    editor_note: EditorNote


class Actor(Strict):
    id: Id
    name: Text
    short_name: str | None = None
    kind: ActorKind
    side: Side
    description: Text
    people: list[Person] = []
    statements: list[Statement] = []
    relations: list[Relation] = []
    sources: SourceRefs


class ActorsFile(Strict):
    actors: list[Actor]


# --- events ---------------------------------------------------------------------------------

EventKind = Literal["context", "agreement", "deadline", "implementation", "military", "diplomatic"]


class Event(Strict):
    id: Id
    date: PartialDate
    title: Text
    kind: EventKind
    agreements: list[Id] = Field([], description="agreements the event belongs to")
    actors: list[Id] = []
    places: list[Id] = Field([], description="place ids from the 'places_layer' named in layers/catalog.yaml")
    sources: SourceRefs
    discrepancies: list[Discrepancy] = []
    editor_note: EditorNote


class EventsFile(Strict):
    events: list[Event]


# --- layers ---------------------------------------------------------------------------------

LayerKind = Literal["area", "line", "point"]


class LayerStyle(Strict):
    color: Annotated[str, Field(pattern=COLOR_PATTERN)] = "#555555"
    fill_opacity: Annotated[float, Field(ge=0, le=1)] = 0.0
    weight: Annotated[float, Field(gt=0, le=10)] = 2
    dash: Annotated[str | None, BeforeValidator(_check_dash)] = Field(None, description="SVG dash pattern, e.g. '6 4'")
    radius: Annotated[float, Field(gt=0, le=20)] = 5
    shown: bool = Field(True, description="drawn when the map opens (else only listed in the layer control)")


class Layer(Strict):
    """One GeoJSON file in data/layers/, EPSG:4326."""

    id: Id
    file: Annotated[str, Field(pattern=FILE_PATTERN)]
    title: Text
    kind: LayerKind
    as_of: PartialDate | None = Field(description="date the data describes; null when its source does not say")
    sources: SourceRefs
    licence: Text
    attribution: Text = Field(description="credit line shown on maps")
    accuracy: Literal["exact", "approximate"]
    accuracy_km: AccuracyKm | None = None
    accuracy_note: str | None = None
    name_property: str | None = Field(None, description="feature property holding a display name")
    id_property: str | None = Field(None, description="feature property holding a place id (point layers)")
    popup_properties: list[str] = []
    region: tuple[float, float, float, float] = Field(
        description="lon_min, lat_min, lon_max, lat_max that every feature must lie within (catches swapped lon/lat)"
    )
    series: Id | None = Field(None, description="id of the series of layers that describe the same thing at different "
                                                "dates (each member has a day as_of)")
    style: LayerStyle = LayerStyle()

    @model_validator(mode="after")
    def _approximate_says_how(self) -> Layer:
        if self.accuracy == "approximate" and not self.accuracy_note:
            raise ValueError("accuracy is approximate but accuracy_note is missing (expected a note saying what the layer was derived from)")
        lon0, lat0, lon1, lat1 = self.region
        if not (-180 <= lon0 < lon1 <= 180 and -90 <= lat0 < lat1 <= 90):
            raise ValueError(f"region {list(self.region)} is not a box (expected lon_min, lat_min, lon_max, lat_max in degrees)")
        return self


class LayerCatalog(Strict):
    places_layer: Id = Field(description="the point layer whose id_property gives the place ids events use")
    localities_series: Id | None = Field(None, description="a series of point layers whose 'control' property says "
                                                           "who held each sourced locality on the member's date")
    layers: list[Layer]


# --- agreements -----------------------------------------------------------------------------


def _layer_ref_shorthand(value: object) -> object:
    return {"layer": value} if isinstance(value, str) else value


class LayerRef(Strict):
    """A layer, or a series of layers (the member a report's date picks, see
    :func:`accordmap.dataset.resolve_layer`), optionally only the features whose properties match ``where``."""

    layer: Id | None = None
    series: Id | None = None
    where: dict[str, str | int | float] | None = None

    @model_validator(mode="after")
    def _layer_or_series(self) -> LayerRef:
        if (self.layer is None) == (self.series is None):
            what = "both a layer and a series" if self.layer else "neither a layer nor a series"
            raise ValueError(f"names {what} (expected exactly one: {{layer: <id>}} or {{series: <id>}})")
        return self


LayerRefField = Annotated[LayerRef, BeforeValidator(_layer_ref_shorthand)]


class BandGeography(Strict):
    """A zone of depth [min_km, max_km] measured from a line, kept inside an area (e.g. a DMZ)."""

    kind: Literal["band"]
    label: Text
    along: LayerRefField
    within: LayerRefField | None = None
    min_km: Distance
    max_km: Distance

    def depths(self, min_km: float | None = None, max_km: float | None = None) -> tuple[float, float]:
        """The (narrower, wider) depths in km, each replaced by its override when one is given."""
        return (min_km or self.min_km, max_km or self.max_km)

    @model_validator(mode="after")
    def _ordered(self) -> BandGeography:
        if self.min_km > self.max_km:
            raise ValueError(f"min_km ({self.min_km:g}) is larger than max_km ({self.max_km:g}) (expected min_km <= max_km)")
        return self


class CorridorGeography(Strict):
    """A corridor of half_width_km either side of a route (e.g. a security corridor on a highway)."""

    kind: Literal["corridor"]
    label: Text
    along: LayerRefField
    within: LayerRefField | None = None
    half_width_km: Distance


class FeaturesGeography(Strict):
    """Points, lines or areas of a layer, referenced as they are (e.g. observation posts, highways)."""

    kind: Literal["features"]
    label: Text
    layer: LayerRefField


Geography = Annotated[
    Union[BandGeography, CorridorGeography, FeaturesGeography], Field(discriminator="kind")
]

ProvisionCategory = Literal[
    "status-quo", "ceasefire", "zone", "withdrawal", "patrol", "monitoring", "access",
    "counter-terrorism", "procedure", "humanitarian",
]


ProvisionStatus = Literal[
    "pending", "partly-implemented", "implemented", "not-implemented", "violated", "superseded", "lapsed",
]


class StatusChange(Strict):
    """From ``date`` on, the provision has ``status`` (until the next change); see :mod:`accordmap.status`."""

    date: DayDate = Field(description="day the status took effect; on or after the signing date, changes oldest first")
    status: ProvisionStatus
    note: str | None = Field(None, description="what happened, for readers; '(reading)' where the status is an editorial reading")
    sources: SourceRefs
    discrepancies: list[Discrepancy] = []
    editor_note: EditorNote


class Provision(Strict):
    id: Id
    number: Annotated[int, Field(ge=0)] = Field(description="point or article number in the text")
    text: Text = Field(description="own paraphrase, never copied prose")
    category: ProvisionCategory
    undertaken_by: list[Id] = Field([], description="actor ids of the parties who undertook to act")
    targets: list[Id] = Field([], description="actor ids of those the provision targets or affects (they need not have signed)")
    deadline: DayDate | None = None
    deadline_note: str | None = None
    geography: Geography | None = None
    status: list[StatusChange] = Field([], description="dated status changes, oldest first (none: pending)")
    sources: SourceRefs
    discrepancies: list[Discrepancy] = []
    editor_note: EditorNote


ChangeAction = Literal["supersedes", "modifies", "carries-over"]


class ProvisionChange(Strict):
    """What an amending agreement does to one provision of the agreement it amends."""

    provision: Id = Field(description="a provision id in the amended agreement")
    action: ChangeAction
    by: list[Id] = Field([], description="ids of this agreement's provisions that do it")
    note: str | None = None
    sources: SourceRefs


PartyRole = Literal["signatory", "guarantor", "obligated", "affected", "mediator"]


class Party(Strict):
    actor: Id
    roles: Annotated[list[PartyRole], Field(min_length=1)]
    note: str | None = None
    editor_note: EditorNote


class Signer(Strict):
    name: Text
    position: Text
    actor: Id
    sources: SourceRefs


class DocumentRef(Strict):
    symbol: Text = Field(description="e.g. UN document symbol S/2018/852")
    title: Text
    date: DayDate | None = None
    sources: SourceRefs


class Agreement(Strict):
    id: Id
    title: Text
    short_title: Text
    date_signed: DayDate
    place: Text
    amends: Id | None = Field(None, description="id of the agreement this one amends")
    summary: Text
    parties: Annotated[list[Party], Field(min_length=1)]
    signed_by: list[Signer] = []
    announced_by: list[Signer] = []
    documents: list[DocumentRef] = []
    map_layers: list[Id] = Field([], description="layers drawn on the map, bottom to top")
    provisions: Annotated[list[Provision], Field(min_length=1)]
    changes: list[ProvisionChange] = Field([], description="what this agreement does to the provisions of the one it amends")
    sources: SourceRefs
    discrepancies: list[Discrepancy] = []
    note: str | None = Field(None, description="for readers, shown in the overview")
    editor_note: EditorNote
