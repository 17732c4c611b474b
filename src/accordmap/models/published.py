"""data/published_counts.yaml -> checked counts that monitors and parties published about a zone.

These are the figures others put out (the Syrian Network for Human Rights, the Syrian
Observatory for Human Rights, the Russian defence ministry, ...): breaches, deaths, violations,
each counted its own way, over its own area and days. Reports cite them as context beside the
event counts, never as a validation of them. Values are kept as text, exactly as published.

The file is optional (a data folder without it has no published counts). ``accordmap check``
validates it with the other data files (:mod:`accordmap.load`), its ``sources`` and
``agreements`` checked as references like every other file's.
"""

from __future__ import annotations

from typing import Annotated
from pydantic import Field, model_validator
from accordmap import models
from accordmap.models import dates


FILE = "published_counts.yaml"  # inside the data folder


class PublishedCount(models.Strict):
    """One count as a monitor or a party published it."""

    id: models.Id
    agreements: Annotated[list[models.Id], Field(min_length=1, description="ids of the agreements it is about")]
    counted_by: models.Text = Field(description="who counted (the publisher of the figure, not of the article)")
    what: models.Text = Field(description="what was counted, in that publisher's terms")
    value: models.Text = Field(description="the figure as published (text: '>= 369', '773 in September')")
    period_start: models.PartialDate = Field(description="first day (or month) the count covers")
    period_end: models.PartialDate = Field(description="last day (or month) the count covers")
    area: models.Text | None = Field(None, description="the area counted, as the source gives it")
    sources: models.SourceRefs
    note: models.Text | None = Field(None, description="for readers: shown beside the count in the report")
    editor_note: models.Text | None = Field(None, description="for editors (where the row came from): never shown")

    @model_validator(mode="after")
    def _ordered(self) -> PublishedCount:
        if dates.start(self.period_end) < dates.start(self.period_start):
            raise ValueError(f"period_end {self.period_end} is before period_start {self.period_start} "
                             "(expected period_start <= period_end)")
        return self


class PublishedCountsFile(models.Strict):
    published_counts: list[PublishedCount]


def period_label(count: PublishedCount) -> str:
    """'17 Sep 2018 to 23 Dec 2018', or 'Sep 2018 to Oct 2018' for months."""
    start, end = dates.label(count.period_start), dates.label(count.period_end)
    return start if start == end else f"{start} to {end}"


def for_agreement(counts: list[PublishedCount], agreement_id: str) -> list[PublishedCount]:
    """The counts about one agreement, earliest period first."""
    chosen = [c for c in counts if agreement_id in c.agreements]
    return sorted(chosen, key=lambda c: (dates.start(c.period_start),
                                         dates.start(c.period_end), c.id))
