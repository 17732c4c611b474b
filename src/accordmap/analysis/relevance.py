"""An agreement + the dataset -> what concerns it: the events, actors (and inside each actor's entry the
people, relations, statements and description) and sources its reports show.

This is the one place that decides it, so nothing about another agreement leaks into a report, and
adding an agreement that is unrelated to it in ``data/`` changes none of its pages.

A report's **scope** is its agreement and the **amendment chain** :mod:`accordmap.analysis.status` walks: the
agreements it amends, directly or through another (nearest first), and those that amend it, signed by
``as_of`` (oldest first). The chain's **span** runs from its earliest signing to ``as_of`` or, without
one, to its last dated item (a signing, a deadline, a status change, or an event of the chain).

- An **event** concerns the report when its ``agreements`` (the event is part of that agreement's story)
  or its ``context_for`` (background to it) names an agreement of the chain, and it happened by ``as_of``.
  An event that names no agreement is in no report.
- An **actor** concerns an agreement when the agreement names it: its parties, signers and announcers,
  the actors its provisions bind (``undertaken_by``) or target, and the actors with a statement about it.
- Inside an actor's entry:

  - a **person** is shown when their ``agreements`` names an agreement of the chain; a person with no
    ``agreements`` when an agreement of the chain names them (as a signer or announcer for this actor, or
    as the speaker of one of the actor's statements about it);
  - a **relation** is shown when its ``agreements`` names an agreement of the chain; a relation with no
    ``agreements`` is general and is shown when it had begun by the end of the span (``since`` null:
    long-standing, always shown);
  - a **statement** is shown when it is about the report's agreement and was made by ``as_of``;
  - the **description** is the general ``description``, followed by ``descriptions[<id>]`` for the
    report's agreement or, when it has none, for the nearest agreement of the chain that has one.

- A **source** is listed when something the report shows cites it (:func:`sources`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from accordmap.analysis import status
from accordmap import models
from accordmap.dataset import Dataset
from accordmap.models import dates


@dataclass(frozen=True)
class Scope:
    """A report's agreement, its amendment chain (the agreement first, then what it amends nearest first,
    then its amendments signed by ``as_of`` oldest first) and its span."""

    agreement: models.Agreement
    chain: tuple[models.Agreement, ...]
    as_of: dt.date | None
    start: dt.date
    end: dt.date

    @property
    def ids(self) -> set[str]:
        return {a.id for a in self.chain}


def scope(dataset: Dataset, agreement: models.Agreement, as_of: dt.date | None = None) -> Scope:
    """The agreement's chain and span on ``as_of`` (None: as far as the data goes)."""
    chain = (agreement, *status.amended(dataset, agreement), *status.amendments(dataset, agreement, as_of))
    ids = {a.id for a in chain}
    start = min(a.date_signed for a in chain)
    if as_of is not None:
        end = as_of
    else:
        days = [a.date_signed for a in chain]
        for a in chain:
            for p in a.provisions:
                days += [p.deadline] if p.deadline else []
                days += [c.date for c in p.status]
        days += [dates.start(e.date) for e in dataset.events if ids & set(e.agreements)]
        end = max(days)
    return Scope(agreement, chain, as_of, start, end)


# --- events ---------------------------------------------------------------------------------


def concerns(event: models.Event, scope: Scope) -> bool:
    """Whether the event is part of, or background to, an agreement of the chain (dates aside)."""
    return bool(scope.ids & {*event.agreements, *event.context_for})


def events(dataset: Dataset, agreement: models.Agreement, as_of: dt.date | None = None) -> list[models.Event]:
    """The events of the agreement's chain, and those linked to it as context, that happened by ``as_of``."""
    found = scope(dataset, agreement, as_of)
    return [e for e in dataset.events
            if concerns(e, found) and status.known_on(dates.start(e.date), as_of)]


# --- actors ---------------------------------------------------------------------------------


def party_ids(agreement: models.Agreement) -> list[str]:
    """The actors the agreement's text names: parties, signers and announcers, and those its provisions
    bind or target, in that order (the rows of the obligation matrix)."""
    ids = [p.actor for p in agreement.parties]
    named = [s.actor for s in [*agreement.signed_by, *agreement.announced_by]]
    for provision in agreement.provisions:
        named += [*provision.undertaken_by, *provision.targets]
    return list(dict.fromkeys([*ids, *named]))


def actor_ids(dataset: Dataset, agreement: models.Agreement, as_of: dt.date | None = None) -> list[str]:
    """The actors the agreement names (:func:`party_ids`), then those with a statement about it shown on ``as_of``."""
    speakers = [actor.id for actor, _ in statements(dataset, agreement, as_of)]
    return list(dict.fromkeys([*party_ids(agreement), *speakers]))


def statements(dataset: Dataset, agreement: models.Agreement,
               as_of: dt.date | None = None) -> list[tuple[models.Actor, models.Statement]]:
    """(actor, statement) for each statement about the agreement made by ``as_of``, in the data's order."""
    return [(actor, s) for actor in dataset.actors.values() for s in actor.statements
            if s.agreement == agreement.id and status.known_on(s.date, as_of)]


def _named_people(found: Scope, actor: models.Actor) -> set[str]:
    names = {s.name for a in found.chain for s in [*a.signed_by, *a.announced_by] if s.actor == actor.id}
    names |= {s.speaker for s in actor.statements if s.agreement in found.ids and status.known_on(s.date, found.as_of)}
    return names


def people(found: Scope, actor: models.Actor) -> list[models.Person]:
    """The actor's people shown in a report of this scope (see the module's rules)."""
    named = _named_people(found, actor)
    return [p for p in actor.people
            if (found.ids & set(p.agreements) if p.agreements else p.name in named)]


def relations(found: Scope, actor: models.Actor) -> list[models.Relation]:
    """The actor's relations shown in a report of this scope: about the chain, or general and begun by its end."""
    return [r for r in actor.relations
            if (found.ids & set(r.agreements) if r.agreements
                else r.since is None or dates.start(r.since) <= found.end)]


def description(found: Scope, actor: models.Actor) -> models.AgreementDescription | None:
    """The actor's description for the report's agreement, else for the nearest agreement of its chain."""
    return next((actor.descriptions[a.id] for a in found.chain if a.id in actor.descriptions), None)


# --- sources --------------------------------------------------------------------------------


def sources(dataset: Dataset, agreement: models.Agreement, as_of: dt.date | None = None,
            event_ids: list[str] | None = None) -> list[str]:
    """Every source behind what a report of this agreement shows, in first-cited order: the agreement and
    its provisions (with the status changes amendments derive), the actors it names with the parts of their
    entries the report shows, the events shown (``event_ids``: the timeline's items) and the map layers."""
    found = scope(dataset, agreement, as_of)
    ids: list[str] = []

    def add(values):
        ids.extend(v for v in values if v not in ids)

    add(agreement.sources)
    for part in [*agreement.signed_by, *agreement.announced_by, *agreement.documents, *agreement.discrepancies]:
        add(part.sources)
    for provision in agreement.provisions:
        add(provision.sources)
        for d in provision.discrepancies:
            add(d.sources)
        for change in status.history(dataset, agreement, provision):  # its own and those amendments derive
            add(change.sources)
            for d in change.discrepancies:
                add(d.sources)
    for change in agreement.changes:
        add(change.sources)
    shown_statements = statements(dataset, agreement, as_of)
    for actor_id in actor_ids(dataset, agreement, as_of):
        actor = dataset.actors[actor_id]
        add(actor.sources)
        own = description(found, actor)
        for part in [*([own] if own else []), *people(found, actor), *relations(found, actor),
                     *[s for a, s in shown_statements if a.id == actor_id]]:
            add(part.sources)
    wanted = set(event_ids or [])
    for event in dataset.events:
        if event.id in wanted:
            add(event.sources)
            for d in event.discrepancies:
                add(d.sources)
    for layer_id in agreement.map_layers:
        add(dataset.layers[layer_id].sources)
    return ids
