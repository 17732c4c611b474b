"""data/vocabularies.yaml -> the open lists of terms the data may use, and the label reports show for each.

Some fields of the data take a term from a list that depends on the conflict, not on the code: what
kind of actor a stakeholder is (``actor_kinds``), which side it is on (``sides``), the roles a party
has in an agreement (``party_roles``), the category of a provision (``provision_categories``) and who
held a sourced locality (``control_values``: the ``control`` property of the catalog's ``localities_series``,
listed by the comparison report; the term ``unknown`` means "not established" and such a locality is left
out of the changes).
Each list lives in ``data/vocabularies.yaml`` as ``[{id, label, description}]``: an agreement of
another conflict adds its own terms there (a UN command as a side, say), with no code.

The file is optional, and so is each list in it: a list it does not give is the built-in one
(:data:`DEFAULTS`, the terms of the shipped Idlib data). A list it gives replaces the built-in list.
:mod:`accordmap.models` checks each term against the lists handed to validation as its context
(:func:`context`), or the built-in ones without a context; an unknown term is an error naming the
allowed terms and the file to extend.
"""

from __future__ import annotations

from pydantic import (
    AfterValidator,
    Field,
    ValidationInfo,
)
# --- geography kinds: accordmap.models.geography (they build on the types above) --------------------

from dataclasses import dataclass, field
from typing import Any
from collections.abc import Mapping
from accordmap.models.base import Id, Strict, Text


def term_of(vocabulary: str) -> AfterValidator:
    """A term of one of the open vocabularies of data/vocabularies.yaml (see accordmap.models.terms)."""

    def check(value: str, info: ValidationInfo) -> str:

        return check_term(vocabulary, value, info)

    return AfterValidator(check)

FILE = "vocabularies.yaml"
CONTEXT_KEY = "vocabularies"


class Term(Strict):
    """One term of a vocabulary: its id (written in the data) and its label (shown in reports)."""

    id: Id
    label: Text = Field(description="what reports show for the term")
    description: str | None = Field(None, description="what the term means, for editors of the data")


#: vocabulary name -> (the noun an error uses for one of its terms, the fields that take it)
VOCABULARIES: dict[str, tuple[str, str]] = {
    "actor_kinds": ("actor kind", "kind of each actor in actors.yaml"),
    "sides": ("side", "side of each actor in actors.yaml"),
    "party_roles": ("party role", "roles of each party of an agreement"),
    "provision_categories": ("provision category", "category of each provision of an agreement"),
    "control_values": ("control value", "control property of each locality of the catalog's localities_series"),
}

UNKNOWN_CONTROL = "unknown"  # the control value of a locality whose holder is not established


def _terms(*items: tuple[str, str]) -> tuple[Term, ...]:
    return tuple(Term(id=term_id, label=label) for term_id, label in items)


#: the built-in lists: the terms of the shipped data, used where data/vocabularies.yaml gives none
DEFAULTS: dict[str, tuple[Term, ...]] = {
    "actor_kinds": _terms(("state", "state"), ("government", "government"), ("armed-group", "armed group"),
                          ("coalition", "coalition"), ("international-organisation", "international organisation"),
                          ("population", "population")),
    "sides": _terms(("government", "government"), ("opposition", "opposition"), ("neutral", "neutral")),
    "party_roles": _terms(("signatory", "signatory"), ("guarantor", "guarantor"), ("obligated", "obligated"),
                          ("affected", "affected"), ("mediator", "mediator")),
    "provision_categories": _terms(("status-quo", "status quo"), ("ceasefire", "ceasefire"), ("zone", "zone"),
                                   ("withdrawal", "withdrawal"), ("patrol", "patrol"), ("monitoring", "monitoring"),
                                   ("access", "access"), ("counter-terrorism", "counter-terrorism"),
                                   ("procedure", "procedure"), ("humanitarian", "humanitarian")),
    "control_values": _terms(("opposition", "opposition"), ("government", "government"),
                             ("turkey_sna", "Turkey and the SNA"), (UNKNOWN_CONTROL, "not established")),
}


class VocabulariesFile(Strict):
    """data/vocabularies.yaml: each list, when given, replaces the built-in one."""

    actor_kinds: list[Term] | None = Field(None, description="kinds of actor (actors.yaml: kind)")
    sides: list[Term] | None = Field(None, description="sides an actor may be on (actors.yaml: side)")
    party_roles: list[Term] | None = Field(None, description="roles of a party (agreements: parties[].roles)")
    provision_categories: list[Term] | None = Field(None, description="categories of provisions "
                                                                      "(agreements: provisions[].category)")
    control_values: list[Term] | None = Field(None, description="who held a locality (the 'control' property of the "
                                                                "layers of layers/catalog.yaml's localities_series)")


@dataclass(frozen=True)
class Vocabularies:
    """The terms in force for one data folder. A vocabulary mapped to None could not be read (its file's
    problem is reported): its terms are then not checked."""

    terms: Mapping[str, Mapping[str, Term] | None] = field(
        default_factory=lambda: {name: {t.id: t for t in terms} for name, terms in DEFAULTS.items()})
    file: str = f"data/{FILE}"  # where to extend them, as error messages name it

    def label(self, vocabulary: str, term: str) -> str:
        """What reports show for a term (the term itself if the vocabulary does not know it)."""
        known = self.terms.get(vocabulary) or {}
        return known[term].label if term in known else term

    def problem(self, vocabulary: str, term: str) -> str | None:
        """Why a term may not be used, or None."""
        known = self.terms.get(vocabulary)
        if known is None or term in known:
            return None
        noun = VOCABULARIES[vocabulary][0]
        article = "an" if noun[0] in "aeiou" else "a"
        return (f"{term!r} is not {article} {noun} (expected one of: {', '.join(known)}, or a term added to "
                f"{vocabulary} in {self.file})")


DEFAULT = Vocabularies()


def from_file(part: VocabulariesFile | None, file: str, readable: bool = True) -> Vocabularies:
    """The vocabularies of a (possibly partly valid) file: each list it gives whole and valid, the built-in
    one for each it does not give; a list with an invalid item, or an unreadable file, is not checked."""
    terms: dict[str, Mapping[str, Term] | None] = {}
    for name, default in DEFAULTS.items():
        given = getattr(part, name, None) if part is not None else None
        if not readable:
            terms[name] = None
        elif given is None:
            terms[name] = {t.id: t for t in default}
        elif any(item is None for item in given):
            terms[name] = None
        else:
            terms[name] = {t.id: t for t in given}
    return Vocabularies(terms, file)


def context(vocabularies: Vocabularies) -> dict[str, Any]:
    """The validation context that makes :mod:`accordmap.models` check terms against ``vocabularies``."""
    return {CONTEXT_KEY: vocabularies}


def check_term(vocabulary: str, value: str, info: ValidationInfo) -> str:
    """A pydantic validator: ``value`` is a term of the vocabulary in the validation context (else the built-in)."""
    found = info.context.get(CONTEXT_KEY) if isinstance(info.context, dict) else None
    problem = (found if isinstance(found, Vocabularies) else DEFAULT).problem(vocabulary, value)
    if problem:
        raise ValueError(problem)
    return value
