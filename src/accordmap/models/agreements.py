"""Agreements and their provisions: status changes, provision changes, parties and signers.

A provision's ``geography`` is one of the kinds of :mod:`accordmap.models.geography` (the registry's union).
"""

from __future__ import annotations

from typing import Annotated, Literal
from pydantic import (
    BeforeValidator,
    Field,
)
from accordmap.models.geography.registry import Geography  # the kinds build on base and layers, not on this module
from accordmap.models.base import DayDate, Id, MomentDate, SourceRefs, Strict, Text
from accordmap.models.sources import Discrepancy, EditorNote
from accordmap.models.terms import term_of


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


ProvisionCategory = Annotated[Id, term_of("provision_categories")]  # open list: data/vocabularies.yaml


ProvisionStatus = Literal[
    "pending", "partly-implemented", "implemented", "not-implemented", "violated", "superseded", "lapsed",
]


class StatusChange(Strict):
    """From ``date`` on, the provision has ``status`` (until the next change); see :mod:`accordmap.analysis.status`."""

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
                                                        "({at: 'YYYY-MM-DD HH:MM', tz: ...}, see accordmap.models.dates)")
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


PartyRole = Annotated[Id, term_of("party_roles")]  # open list: data/vocabularies.yaml


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
