"""Agreements + a date (``as_of``) -> each provision's state that day: the one place report dates are compared.

A provision's *history* is its own dated ``status`` changes plus, for each amending agreement whose
``changes`` say it ``supersedes`` the provision, a derived ``superseded`` change dated the day the
amendment was signed (so a base agreement's own list need not repeat it). Its *state* on ``as_of``
is the latest change not after that day (``pending`` before any; ``as_of=None``: the latest of
all), with the day it took effect, its note and sources, whether the deadline has passed, and
the amendments signed by then that supersede, modify or carry it over. A provision is in force
from its agreement's signing, or from its own ``starts`` if later (so an amendment's own
provisions are in force only from its signing date). Deadlines and starts may carry a time of
day: ``as_of`` is read as the end of its day, in their own time zone (:mod:`accordmap.models.dates`), so a
deadline at 00:01 on 6 March has passed as of 6 March.

:func:`amendments` and :func:`amended` walk the chain of ``amends`` both ways. Tables, the timeline
and the implementation chart read dates through this module only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
import typing
from dataclasses import field
import pandas as pd
from accordmap import models
from accordmap.dataset import Dataset


def deadline_state(deadline: dt.date | None, as_of: dt.date | None) -> str:
    """'passed', 'today' or 'upcoming' on ``as_of`` (read as the end of that day, in the deadline's zone);
    '' without a deadline or an as_of. A day deadline ('by 10 October') is 'today' on its day; a timed
    one (00:01 on 6 March) has passed by the end of its day."""
    if deadline is None or as_of is None:
        return ""
    if as_of > deadline:
        return "passed"
    if as_of < deadline:
        return "upcoming"
    return "passed" if getattr(deadline, "time", None) is not None else "today"


def start_state(starts: dt.date | None, as_of: dt.date | None) -> str:
    """'started' or 'upcoming' on ``as_of`` (in force from the start of a day, or from a time on it, so
    by the end of its day); '' without a start or an as_of."""
    if starts is None or as_of is None:
        return ""
    return "started" if as_of >= starts else "upcoming"

STATUSES: tuple[str, ...] = typing.get_args(models.ProvisionStatus)  # pending, partly-implemented, ...
STATUS_LABELS = {status: status.replace("-", " ") for status in STATUSES}


@dataclass(frozen=True)
class Change:
    """One dated status change: recorded in the provision's own list, or derived from an amendment."""

    date: dt.date
    status: str
    note: str | None
    sources: tuple[str, ...]
    discrepancies: tuple[models.Discrepancy, ...] = ()
    superseded_by: models.Agreement | None = None  # the amendment that superseded the provision
    by: tuple[str, ...] = ()  # the amendment's provision ids that did it
    derived: bool = False  # from the amendment's changes, not the provision's own list


@dataclass(frozen=True)
class Amendment:
    """What an amending agreement does to one provision (a ``changes`` entry, with its agreement)."""

    agreement: models.Agreement
    change: models.ProvisionChange

    @property
    def by(self) -> list[models.Provision]:
        own = {p.id: p for p in self.agreement.provisions}
        return [own[i] for i in self.change.by if i in own]


@dataclass(frozen=True)
class ProvisionState:
    """A provision on ``as_of`` (None: as far as the data goes)."""

    agreement: models.Agreement
    provision: models.Provision
    as_of: dt.date | None
    in_force: bool  # False before the agreement was signed, or before the provision starts
    status: str | None  # None when not in force
    current: Change | None  # the change in force; None: pending since the signing
    history: tuple[Change, ...]  # every change up to as_of, oldest first
    deadline: str  # "passed", "today", "upcoming" or "" (no deadline, or no as_of)
    amendments: tuple[Amendment, ...] = field(default=())  # changes by amendments signed by as_of
    starts: str = ""  # "started", "upcoming" or "" (no start of its own, or no as_of)

    @property
    def since(self) -> dt.date | None:
        """The day the status in force began (the signing date while pending)."""
        if not self.in_force:
            return None
        return self.current.date if self.current else in_force_from(self.agreement, self.provision)

    @property
    def note(self) -> str | None:
        return self.current.note if self.current else None

    @property
    def sources(self) -> tuple[str, ...]:
        return self.current.sources if self.current else ()

    @property
    def superseded_by(self) -> tuple[Amendment, ...]:
        return tuple(a for a in self.amendments if a.change.action == "supersedes")


def known_on(day: dt.date, as_of: dt.date | None) -> bool:
    """Whether something dated ``day`` had happened by ``as_of`` (None: always)."""
    return as_of is None or day <= as_of


def in_force_from(agreement: models.Agreement, provision: models.Provision) -> dt.date:
    """The day a provision is in force from: its agreement's signing, or its own start if later (a
    :class:`~accordmap.models.dates.Moment`, which may carry a time of day)."""
    starts = provision.starts
    return starts if starts is not None and starts > agreement.date_signed else agreement.date_signed


# --- the chain of amendments ----------------------------------------------------------------


def amended(dataset: Dataset, agreement: models.Agreement) -> list[models.Agreement]:
    """The agreements this one amends: the one it names, then the one that amends, and so on."""
    chain, seen, current = [], {agreement.id}, agreement.amends
    while current in dataset.agreements and current not in seen:
        seen.add(current)
        chain.append(dataset.agreements[current])
        current = dataset.agreements[current].amends
    return chain


def amendments(dataset: Dataset, agreement: models.Agreement, as_of: dt.date | None = None) -> list[models.Agreement]:
    """The agreements that amend this one, directly or through another amendment, signed by ``as_of``,
    oldest first."""
    found: list[models.Agreement] = []
    todo, seen = [agreement.id], {agreement.id}
    while todo:
        target = todo.pop()
        for other in dataset.agreements.values():
            if other.amends == target and other.id not in seen and known_on(other.date_signed, as_of):
                seen.add(other.id)
                found.append(other)
                todo.append(other.id)
    return sorted(found, key=lambda a: (a.date_signed, a.id))


def changes_to(dataset: Dataset, agreement: models.Agreement, provision: models.Provision,
               as_of: dt.date | None = None) -> list[Amendment]:
    """What amendments signed by ``as_of`` (that amend this agreement directly) do to the provision."""
    return [Amendment(other, change)
            for other in amendments(dataset, agreement, as_of) if other.amends == agreement.id
            for change in other.changes if change.provision == provision.id]


# --- states ---------------------------------------------------------------------------------


def history(dataset: Dataset, agreement: models.Agreement, provision: models.Provision) -> list[Change]:
    """Every status change of the provision, recorded or derived from an amendment, oldest first."""
    changes = [Change(c.date, c.status, c.note, tuple(c.sources), tuple(c.discrepancies)) for c in provision.status]
    for amendment in changes_to(dataset, agreement, provision):
        if amendment.change.action != "supersedes":
            continue
        day = amendment.agreement.date_signed
        recorded = next((i for i, c in enumerate(changes) if c.date == day and c.status == "superseded"), None)
        if recorded is not None:  # the provision's own list says so too: keep its note, add by whom
            c = changes[recorded]
            changes[recorded] = Change(c.date, c.status, c.note, c.sources, c.discrepancies,
                                       amendment.agreement, tuple(amendment.change.by))
        else:
            changes.append(Change(day, "superseded", amendment.change.note, tuple(amendment.change.sources), (),
                                  amendment.agreement, tuple(amendment.change.by), derived=True))
    # stable: on one day, a derived supersession comes after the provision's own change
    return sorted(changes, key=lambda c: c.date)


def provision_state(dataset: Dataset, agreement: models.Agreement, provision: models.Provision,
                    as_of: dt.date | None = None) -> ProvisionState:
    starts = start_state(provision.starts, as_of)
    in_force = known_on(agreement.date_signed, as_of) and starts != "upcoming"
    past = tuple(c for c in history(dataset, agreement, provision) if known_on(c.date, as_of)) if in_force else ()
    current = past[-1] if past else None
    return ProvisionState(
        agreement=agreement, provision=provision, as_of=as_of, in_force=in_force,
        status=(current.status if current else "pending") if in_force else None,
        current=current, history=past, deadline=deadline_state(provision.deadline, as_of),
        amendments=tuple(changes_to(dataset, agreement, provision, as_of)), starts=starts,
    )


def states(dataset: Dataset, agreement: models.Agreement, as_of: dt.date | None = None) -> list[ProvisionState]:
    """Each provision's state on ``as_of``, in the agreement's order."""
    return [provision_state(dataset, agreement, p, as_of) for p in agreement.provisions]


def latest_change(dataset: Dataset, agreement: models.Agreement) -> tuple[Change, models.Provision] | None:
    """The most recent status change recorded for any provision of the agreement (derived ones included)."""
    found = [(c, p) for p in agreement.provisions for c in history(dataset, agreement, p)]
    return max(found, key=lambda item: item[0].date) if found else None


def provision_states(dataset: Dataset, agreement: models.Agreement | str, as_of: dt.date | str | None = None) -> pd.DataFrame:
    """One row per provision of ``agreement`` (a model or its id): its status on ``as_of`` (a date or
    'YYYY-MM-DD'; None: the latest), since when, why, its deadline and whether it has passed, and what
    amends it. The same states every report shows."""

    if isinstance(agreement, str):
        agreement = dataset.agreements[agreement]
    if isinstance(as_of, str):
        as_of = dt.date.fromisoformat(as_of)
    return pd.DataFrame([
        {
            "point": s.provision.number, "id": s.provision.id, "status": s.status, "since": s.since,
            "note": s.note or "", "sources": list(s.sources), "deadline": s.provision.deadline,
            "deadline_state": s.deadline, "starts": s.provision.starts, "starts_state": s.starts,
            "superseded_by": ", ".join(a.agreement.id for a in s.superseded_by),
            "changes": [(a.agreement.id, a.change.action, list(a.change.by)) for a in s.amendments],
            "changes_recorded": len(s.history),
        }
        for s in states(dataset, agreement, as_of)
    ], columns=["point", "id", "status", "since", "note", "sources", "deadline", "deadline_state", "starts",
                "starts_state", "superseded_by", "changes", "changes_recorded"])
