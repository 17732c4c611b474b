"""Who published each source -> labels, cautions and warnings a reader or an editor can act on.

- :data:`LABELS`: the reader's words for each ``publisher_kind`` of ``data/sources.yaml``
  (``wire``, ``state-affiliated media`` ...), shown in every Sources list;
- :func:`caution`: the small mark put after a group of citations when *every* source in it is
  state-affiliated media, a sanctioned outlet or an aggregator (:data:`WEAK`), so the fact it
  supports is flagged where it appears, in print too (the mark is text, not an icon);
- :func:`url_warnings`: ``accordmap check`` warnings (not errors) for source URLs on the mirror,
  document-copy, aggregator and sanctioned domains listed in ``data/source_warnings.yaml``;
- :func:`provenance_url_warnings`: the same warnings for the URLs written in the cells of the
  provenance tables (``data/provenance/*.csv``), which carry each locality's and post's evidence.
"""

from __future__ import annotations

from collections.abc import Iterable
from markupsafe import Markup
from accordmap.views import escape
from accordmap.models.sources import PUBLISHER_LABELS as LABELS  # the reader's words for each publisher_kind
from accordmap import models



# kinds that cannot carry a fact alone: the fact is marked when all its sources are of these kinds
WEAK = ("state-affiliated-media", "sanctioned-outlet", "aggregator")

CAUTION_TITLE = ("Every source cited here is state-affiliated media, a sanctioned outlet or an aggregator "
                 "that reposts others' reports: confirm it from another source before relying on it.")


def label(kind: str | None) -> str | None:
    return LABELS.get(kind) if kind else None


def weak_kinds(sources: Iterable[models.Source]) -> list[str]:
    """The publisher kinds of ``sources`` if every one of them is weak (:data:`WEAK`), else []."""
    kinds = [s.publisher_kind for s in sources]
    if not kinds or any(k not in WEAK for k in kinds):
        return []
    return [k for k in WEAK if k in kinds]


def caution(sources: Iterable[models.Source]) -> Markup:
    """' <span class="source-caution">only state-affiliated media sources</span>' after a citation group, or ''."""
    kinds = weak_kinds(sources)
    if not kinds:
        return Markup("")
    words = [LABELS[k] for k in kinds]
    text = "only " + (words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]) + " sources"
    return Markup(' <span class="source-caution" title="{}">{}</span>').format(escape.html_attr(CAUTION_TITLE),
                                                                             escape.html_text(text))


def kinds_legend(sources: Iterable[models.Source]) -> Markup:
    """A paragraph for the Sources list: what the publisher kinds mean, and the caution mark."""
    shown = {s.publisher_kind for s in sources if s.publisher_kind}
    if not shown:
        return Markup("")
    weak = [LABELS[k] for k in WEAK if k in shown]
    text = Markup('<p class="source-kinds muted">After each publisher, in brackets: the kind of publisher ({}).').format(
        ", ".join(LABELS[k] for k in LABELS if k in shown))
    if weak:
        text += Markup(" A statement whose every source is {} is marked <span class=\"source-caution\">only … sources</span> "
                       "where it is cited: confirm it elsewhere before relying on it.").format(
            weak[0] if len(weak) == 1 else ", ".join(weak[:-1]) + " or " + weak[-1])
    return text + Markup("</p>")
