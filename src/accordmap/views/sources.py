"""The sources a report cites and the layers it draws -> its Sources section.

Every report ends with the same section, built here once: the legend of publisher kinds
(:func:`accordmap.views.reliability.kinds_legend`), the numbered list of documents
(:func:`accordmap.views.markup.source_entry`, whose anchors the citation chips link to), any
extra block a report adds (the event set's credit, citation and limits), the map data credits
of the layers drawn, and "Cite this report".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from markupsafe import Markup
from accordmap import models
from accordmap.models import dates
from accordmap.models.event_sets import EventSet
from accordmap.views import reliability
from accordmap.views.markup import isolate, link, source_entry

__all__ = ["sources_section", "layer_credits", "event_set_credit"]


def layer_credits(layers: Iterable[models.Layer]) -> Markup:
    """The map data credits: each layer's title, attribution and licence, in the order given."""
    return Markup("").join(Markup("<li>{}: {} — licence {}</li>").format(
        isolate(layer.title), isolate(layer.attribution), isolate(layer.licence)) for layer in layers)


def event_set_credit(event_set: EventSet) -> Markup:
    """The event set's block of a Sources section: who publishes it, its version, licence and credit, the
    period it covers, how to cite it, the copy read and its limits."""
    s = event_set
    citations = Markup("").join(Markup("<li>{}</li>").format(isolate(c)) for c in s.citation)
    limits = Markup("").join(Markup("<li>{}</li>").format(isolate(x)) for x in s.limits)
    return Markup(
        '<h3>Event data</h3><p class="credit"><strong>{}</strong> — {}, version {}, licence {}. '
        "Credit: {}. Covers {} to {}. {}</p><p>Cite:</p><ul>{}</ul><p>Copy read: {}</p>"
        "<p>Limits:</p><ul>{}</ul>"
    ).format(isolate(s.title), isolate(s.publisher), isolate(s.version), isolate(s.licence), isolate(s.credit),
             dates.day_label(s.coverage_start), dates.day_label(s.coverage_end), link(s.url, s.url),
             citations, isolate(s.read_from), limits)


def sources_section(sources: Sequence[models.Source], layers: Iterable[models.Layer], *,
                    extra: Markup | None = None, cite_this: Markup | None = None) -> Markup:
    """The Sources section: legend of publisher kinds, the documents in order, ``extra`` (e.g.
    :func:`event_set_credit`), the layers' credits and ``cite_this``."""
    items = Markup("").join(source_entry(source) for source in sources)
    return Markup('{}<ol class="sources">{}</ol>{}<h3>Map data credits</h3><ul class="credits">{}</ul>{}').format(
        reliability.kinds_legend(sources), items, extra or Markup(""), layer_credits(layers), cite_this or Markup(""))
