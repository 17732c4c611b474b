"""data/published_areas.yaml -> checked areas others published about ground that changed hands.

The comparison report sets each beside the area it computes from the control layers: a published
area of ground taken (``measure: changed-hands``) or of ground still held at the end
(``measure: held-later``). Each keeps the period and area its publisher measured, in that
publisher's words, since these rarely match the dates of the layers.

The file is optional (a data folder without it has no published areas). ``accordmap check``
validates it with the other data files (:mod:`accordmap.load`), its ``sources`` and ``agreements``
checked as references like every other file's.
"""

from __future__ import annotations

from typing import Annotated, Literal
from pydantic import Field
from accordmap import models


FILE = "published_areas.yaml"  # inside the data folder

Measure = Literal["changed-hands", "held-later"]
MEASURES: dict[str, str] = {"changed-hands": "ground that changed hands", "held-later": "ground still held at the end"}


class PublishedArea(models.Strict):
    """One area as a publisher gave it, with what and when it measured."""

    id: models.Id
    agreements: Annotated[list[models.Id], Field(min_length=1, description="the agreements whose ground it is about")]
    published_by: models.Text = Field(description="who measured it (not only who printed it)")
    what: models.Text = Field(description="what was measured, in the publisher's terms")
    km2: Annotated[float, Field(gt=0, description="the area in km², as published")]
    measure: Measure = Field(description="the computed figure it is set beside")
    period: models.Text = Field(description="the period it covers, as the source gives it")
    sources: models.SourceRefs
    note: models.Text | None = None


class PublishedAreasFile(models.Strict):
    published_areas: list[PublishedArea]


def for_agreements(areas: list[PublishedArea], agreement_ids: set[str]) -> list[PublishedArea]:
    """The published areas about any of the agreements, in file order."""
    return [area for area in areas if agreement_ids & set(area.agreements)]
