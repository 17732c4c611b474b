"""Sources, actors and timeline events (``data/sources.yaml``, ``actors.yaml``, ``events.yaml``), and the
source-warning domains of ``data/source_warnings.yaml``.
"""

from __future__ import annotations

from typing import Annotated, Literal
from pydantic import (
    Field,
    HttpUrl,
    model_validator,
)
# --- geography kinds: accordmap.models.geography (they build on the types above) --------------------

from accordmap.models.base import DayDate, Id, PartialDate, SourceRefs, Strict, Text
from accordmap.models.terms import term_of


# --- sources --------------------------------------------------------------------------------

SourceKind = Literal["agreement-text", "official", "news", "encyclopedia", "dataset", "database", "analysis"]
# who published it, for readers weighing it (labels and rules: accordmap.views.reliability)
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
    publisher_kind: PublisherKind = Field(description="who published it (see accordmap.views.reliability)")
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

# open lists: data/vocabularies.yaml (built-in defaults: accordmap.models.terms.DEFAULTS)
ActorKind = Annotated[Id, term_of("actor_kinds")]
Side = Annotated[Id, term_of("sides")]


class Person(Strict):
    name: Text
    position: Text
    agreements: list[Id] = Field([], description="agreements this person acted in; none: shown in the reports of an "
                                                  "agreement (or its amendment chain) that names them as a signer, "
                                                  "announcer or speaker (see accordmap.analysis.relevance)")
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
        {}, description="agreement id -> what the actor is in that agreement (see accordmap.analysis.relevance)")
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


# --- check: URLs on mirror, copy, aggregator and sanctioned domains ---------------------------


class DomainGroup(Strict):
    kind: Id = Field(description="e.g. wikipedia-mirror, document-copy, aggregator, sanctioned-outlet")
    what: Text = Field(description="what such a site is, as the warning says it: 'a Wikipedia mirror'")
    expected: Text = Field(description="what to do instead, as the warning says it")
    domains: list[Text] = Field(min_length=1, description="host names; subdomains match too")
    accepted_as: PublisherKind | None = Field(
        None, description="no warning for a source that already has this publisher_kind (kept knowingly)")


class SourceWarningsFile(Strict):
    warn_domains: list[DomainGroup]


#: the reader's words for each ``publisher_kind`` of data/sources.yaml, shown in every Sources list
PUBLISHER_LABELS: dict[str, str] = {
    "primary-text": "primary text",
    "government-statement": "government statement",
    "wire": "wire",
    "independent-media": "independent media",
    "partisan-media": "partisan media",
    "ngo-monitor": "NGO monitor",
    "state-affiliated-media": "state-affiliated media",
    "sanctioned-outlet": "sanctioned outlet",
    "encyclopedia": "encyclopedia",
    "aggregator": "aggregator",
    "dataset": "dataset",
    "analysis": "analysis",
}
