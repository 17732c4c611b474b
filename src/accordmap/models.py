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
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    HttpUrl,
    ValidationInfo,
    field_validator,
    PlainValidator,
    model_validator,
)

from accordmap import dates


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


# dates of day, month or year precision, moments with a time of day: accordmap.dates
PartialDate = Annotated[str, BeforeValidator(dates.check_partial)]
partial_date_start = dates.start  # '2019-12' -> 2019-12-01; '2019' -> 2019-01-01
day_label = dates.day_label  # 17 Sep 2018 (long: 17 September 2018)
partial_date_label = dates.label  # '2018-09-17' -> '17 Sep 2018'; '2019-12' -> 'Dec 2019'; '2019' -> '2019'
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


def _term_of(vocabulary: str) -> AfterValidator:
    """A term of one of the open vocabularies of data/vocabularies.yaml (see accordmap.vocabularies)."""

    def check(value: str, info: ValidationInfo) -> str:
        from accordmap.vocabularies import check_term  # it builds on this module's types

        return check_term(vocabulary, value, info)

    return AfterValidator(check)


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

# open lists: data/vocabularies.yaml (built-in defaults: accordmap.vocabularies.DEFAULTS)
ActorKind = Annotated[Id, _term_of("actor_kinds")]
Side = Annotated[Id, _term_of("sides")]


class Person(Strict):
    name: Text
    position: Text
    agreements: list[Id] = Field([], description="agreements this person acted in; none: shown in the reports of an "
                                                  "agreement (or its amendment chain) that names them as a signer, "
                                                  "announcer or speaker (see accordmap.relevance)")
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
    agreements: list[Id] = Field([], description="agreements the relation is about; none: a general relation, shown "
                                                  "where it had begun by the end of the agreement chain's span")
    note: Text
    sources: SourceRefs
    editor_note: EditorNote


class AgreementDescription(Strict):
    """What an actor is in one agreement (shown after its general description in that agreement's reports)."""

    text: Text
    sources: SourceRefs


class Actor(Strict):
    id: Id
    name: Text
    short_name: str | None = None
    kind: ActorKind
    side: Side
    description: Text = Field(description="what the actor is, in general (no agreement's details: see descriptions)")
    descriptions: dict[Id, AgreementDescription] = Field(
        {}, description="agreement id -> what the actor is in that agreement (see accordmap.relevance)")
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
    context_for: list[Id] = Field([], description="agreements the event is background to (shown in their timelines "
                                                   "as context, not as an item of the agreement)")
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


class LayerLabel(Strict):
    """Names written on the map beside each feature of a layer (see :mod:`accordmap.maps`)."""

    property: str | None = Field(None, description="feature property holding the text; default: the name_property")
    min_zoom: Annotated[float, Field(ge=0, le=18)] = Field(
        0, description="shown from this map zoom on (0: always; about 7 shows a region, 10 a district)")
    priority: Annotated[int, Field(ge=0, le=100)] = Field(
        0, description="where two labels would overlap, the one of higher priority is shown")
    order_by: str | None = Field(None, description="numeric feature property: within the layer, larger values are "
                                                   "labelled first (default: the file's order)")


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
    popup_labels: dict[str, Text] = Field({}, description="property -> the label its popup row shows (default: the "
                                                          "property's own name); each a property of popup_properties")
    label: LayerLabel | None = Field(None, description="write each feature's name on the map (see LayerLabel)")
    admin_property: str | None = Field(None, description="feature property naming the administrative unit a place "
                                                         "lies in (a governorate, province, county): a column of the "
                                                         "places table")
    admin_label: str | None = Field(None, description="that column's heading (default: the property's popup_labels "
                                                      "entry, else the property's name)")
    region: tuple[float, float, float, float] = Field(
        description="lon_min, lat_min, lon_max, lat_max that every feature must lie within (catches swapped lon/lat)"
    )
    series: Id | None = Field(None, description="id of the series of layers that describe the same thing at different "
                                                "dates (each member has a day as_of)")
    settlements: bool = Field(False, description="the fullest layer of populated places: key figures count its points "
                                                 "in each zone (one point layer at most)")
    style: LayerStyle = LayerStyle()

    @field_validator("popup_labels")
    @classmethod
    def _labels_name_popup_rows(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        rows = info.data.get("popup_properties")
        unknown = [key for key in value if rows is not None and key not in rows]
        if unknown:
            raise ValueError(f"labels {', '.join(map(repr, unknown))}, which popup_properties does not list "
                             f"(expected keys among: {', '.join(rows) or 'none, popup_properties is empty'})")
        return value

    @field_validator("label")
    @classmethod
    def _label_has_a_property(cls, value: LayerLabel | None, info: ValidationInfo) -> LayerLabel | None:
        if value is not None and value.property is None and not info.data.get("name_property") and "name_property" in info.data:
            raise ValueError("has no property and the layer has no name_property (expected label: {property: <the "
                             "feature property holding the text>, min_zoom: <0-18>})")
        return value

    @property
    def admin_heading(self) -> str | None:
        """The heading of the places table's column for ``admin_property`` (None: the layer has none)."""
        if not self.admin_property:
            return None
        return self.admin_label or self.popup_labels.get(self.admin_property) or self.admin_property

    @model_validator(mode="after")
    def _approximate_says_how(self) -> Layer:
        if self.admin_label and not self.admin_property:
            raise ValueError("admin_label is set but admin_property is missing (expected admin_property: <the feature "
                             "property naming each place's administrative unit>, or no admin_label)")
        if self.accuracy == "approximate" and not self.accuracy_note:
            raise ValueError("accuracy is approximate but accuracy_note is missing (expected a note saying what the layer was derived from)")
        if self.settlements and self.kind != "point":
            raise ValueError(f"settlements is true on a layer of kind {self.kind!r} (expected kind point, or no settlements)")
        lon0, lat0, lon1, lat1 = self.region
        if not (-180 <= lon0 < lon1 <= 180 and -90 <= lat0 < lat1 <= 90):
            raise ValueError(f"region {list(self.region)} is not a box (expected lon_min, lat_min, lon_max, lat_max in degrees)")
        return self


class LayerCatalog(Strict):
    places_layer: Id | Annotated[list[Id], Field(min_length=1)] = Field(
        description="the point layer, or a list of them (one per region, say), whose id_property gives the place ids "
                    "events use; each place id once across them")
    localities_series: Id | None = Field(None, description="a series of point layers whose 'control' property says "
                                                           "who held each sourced locality on the member's date")
    layers: list[Layer]

    @property
    def places_layers(self) -> list[str]:
        """The places layers' ids, as a list however the catalog writes them."""
        value = getattr(self, "places_layer", None)
        return [] if value is None else [value] if isinstance(value, str) else list(value)

    @model_validator(mode="after")
    def _one_settlements_layer(self) -> LayerCatalog:
        marked = [layer.id for layer in self.layers if layer is not None and layer.settlements]
        if len(marked) > 1:
            raise ValueError(f"settlements is true on {len(marked)} layers ({', '.join(marked)}) (expected it on one "
                             "layer at most: the fullest layer of populated places)")
        return self


# --- agreements -----------------------------------------------------------------------------


def _layer_ref_shorthand(value: object) -> object:
    return {"layer": value} if isinstance(value, str) else value


def _where_condition(value: object) -> object:
    from accordmap.geography.common import parse_condition  # the kinds import this module first

    return parse_condition(value)


# a property's condition in a ``where`` filter: a value, or operators (accordmap.geography.common.OPERATORS)
WhereCondition = Annotated[object, BeforeValidator(_where_condition)]


class LayerRef(Strict):
    """A layer, or a series of layers (the member a report's date picks, see
    :func:`accordmap.dataset.resolve_layer`), optionally only the features whose properties match ``where``."""

    layer: Id | None = None
    series: Id | None = None
    where: dict[str, WhereCondition] | None = Field(None, description="property -> a value (equal to it) or "
                                                           "operators: {in: [..]}, {not: v}, {ge: 1000} ...")

    @model_validator(mode="after")
    def _layer_or_series(self) -> LayerRef:
        if (self.layer is None) == (self.series is None):
            what = "both a layer and a series" if self.layer else "neither a layer nor a series"
            raise ValueError(f"names {what} (expected exactly one: {{layer: <id>}} or {{series: <id>}})")
        return self


LayerRefField = Annotated[LayerRef, BeforeValidator(_layer_ref_shorthand)]


# The geography kinds (BandGeography, CorridorGeography, FeaturesGeography) and the Geography type
# live in accordmap.geography, one module per kind; they are imported at the end of this module.

MAX_PROVISION_NUMBER = 24  # characters


def _check_provision_number(value: object) -> str:
    """A point's number as the text writes it: a whole number (``5``) or a short text (``"5a"``, ``"2.1"``)."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        hint = (f" (expected text such as '{value:g}' in quotes, so it is kept as written)" if isinstance(value, float)
                else " (expected a whole number or a short text such as '5a')")
        raise ValueError(f"{value!r} is not a point number{hint}")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"{value} is not a point number (expected a whole number, 0 or more, or a text such as '5a')")
        return str(value)
    text = value.strip()
    if not text or len(text) > MAX_PROVISION_NUMBER or "\n" in text:
        raise ValueError(f"{value!r} is not a point number (expected one line of 1 to {MAX_PROVISION_NUMBER} characters, "
                         "e.g. '5a' or 'Art. 3(b)')")
    return text


ProvisionNumber = Annotated[str, BeforeValidator(_check_provision_number)]


ProvisionCategory = Annotated[Id, _term_of("provision_categories")]  # open list: data/vocabularies.yaml


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
    number: ProvisionNumber = Field(description="the point's number as the text writes it ('5', '5a', '2.1', "
                                                "'Art. 3(b)'); shown only, provisions are keyed by id")
    text: Text = Field(description="own paraphrase, never copied prose")
    category: ProvisionCategory
    undertaken_by: list[Id] = Field([], description="actor ids of the parties who undertook to act")
    targets: list[Id] = Field([], description="actor ids of those the provision targets or affects (they need not have signed)")
    deadline: MomentDate | None = Field(None, description="by when: a day, or a time of day with its zone "
                                                        "({at: 'YYYY-MM-DD HH:MM', tz: ...}, see accordmap.dates)")
    deadline_note: str | None = None
    starts: MomentDate | None = Field(None, description="in force from: a day, or a time of day with its zone; "
                                                      "none: from the signing")
    starts_note: str | None = Field(None, description="for readers: how the text words the start")
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


PartyRole = Annotated[Id, _term_of("party_roles")]  # open list: data/vocabularies.yaml


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
    map_note: str | None = Field(None, description="what the agreement's text says about maps of its lines (e.g. that "
                                                   "it has none), shown first in the accuracy notice of its reports")
    editor_note: EditorNote


# --- geography kinds: accordmap.geography (they build on the types above) --------------------

from accordmap.geography.registry import Geography  # noqa: E402 - the kinds need the types above
from accordmap.geography.band import BandGeography, Sector  # noqa: E402,F401 - importable from here too
from accordmap.geography.corridor import CorridorGeography  # noqa: E402,F401
from accordmap.geography.features import FeaturesGeography  # noqa: E402,F401

Provision.model_rebuild()
Agreement.model_rebuild()
