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

import csv
import re
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import urlsplit

from markupsafe import Markup
from pydantic import Field

from accordmap import escape, models
from accordmap.errors import DataError
from accordmap.yamlfile import YamlDoc, field_name

FILE = "source_warnings.yaml"  # in the data folder; optional

LABELS: dict[str, str] = {
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


# --- check: URLs on mirror, copy, aggregator and sanctioned domains ---------------------------


class DomainGroup(models.Strict):
    kind: models.Id = Field(description="e.g. wikipedia-mirror, document-copy, aggregator, sanctioned-outlet")
    what: models.Text = Field(description="what such a site is, as the warning says it: 'a Wikipedia mirror'")
    expected: models.Text = Field(description="what to do instead, as the warning says it")
    domains: list[models.Text] = Field(min_length=1, description="host names; subdomains match too")
    accepted_as: models.PublisherKind | None = Field(
        None, description="no warning for a source that already has this publisher_kind (kept knowingly)")


class SourceWarningsFile(models.Strict):
    warn_domains: list[DomainGroup]


def _host(url: object) -> str:
    try:
        return (urlsplit(str(url)).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def match_domain(url: object, groups: Iterable[DomainGroup]) -> tuple[str, DomainGroup] | None:
    """(listed domain, its group) if the URL's host is that domain or one of its subdomains."""
    host = _host(url)
    for group in groups:
        for domain in group.domains:
            domain = domain.lower().rstrip(".")
            if host == domain or host.endswith("." + domain):
                return domain, group
    return None


def url_warnings(file: str, doc: YamlDoc, sources: models.SourcesFile | None,
                 groups: Iterable[DomainGroup]) -> list[DataError]:
    """One warning per source whose url is on a listed domain: ``file:line: sources[i].url: ...``."""
    groups = list(groups)
    found = []
    for index, source in enumerate(getattr(sources, "sources", None) or []):
        if source is None or source.url is None:
            continue
        hit = match_domain(source.url, groups)
        if hit is None:
            continue
        domain, group = hit
        if group.accepted_as is not None and source.publisher_kind == group.accepted_as:
            continue
        loc = ("sources", index, "url")
        found.append(DataError(file, doc.line_of(loc), field_name(loc),
                               f"{source.url} is on {domain}, {group.what} (expected {group.expected})"))
    return found


PROVENANCE_GLOB = "provenance/*.csv"  # in the data folder
_URL = re.compile(r"https?://[^\s;,\"'<>|]+")


def _trim(url: str) -> str:
    """A URL found in prose without the sentence's closing '.' or ')' (a ')' it opened itself stays)."""
    url = url.rstrip(".")
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1].rstrip(".")
    return url


def _in_a_table(group: DomainGroup) -> str:
    """What to do about such a URL in a provenance table, which has no publisher_kind or editor_note."""
    if group.accepted_as is None:  # a copy of something that has a canonical address
        return "the canonical URL in the cell, with the copy read named beside it, e.g. '(read via mirror example.org)'"
    return ("another source for the same fact in the cell; if none is found, keep it and name its standing "
            f"({LABELS[group.accepted_as]}) in the row")


def _standing_named(cell: str, group: DomainGroup) -> bool:
    """The cell keeps a URL of a group it may keep (aggregator, sanctioned outlet) and says so: '(aggregator)'."""
    return group.accepted_as is not None and f"({LABELS[group.accepted_as]})" in cell.lower()


def provenance_url_warnings(data_dir: Path, rel: Callable[[Path], str], groups: Iterable[DomainGroup]) -> list[DataError]:
    """One warning per URL on a listed domain in a cell of ``data/provenance/*.csv`` (unless the group is one a
    source may be kept from and the cell names its standing, e.g. "(sanctioned outlet)"):
    ``data/provenance/x.csv:8: coord_source: https://... is on ..., a Wikipedia mirror (expected ...)``.

    Every cell is read (the evidence columns are free text holding several URLs each). A table the
    csv reader cannot read is left to the checks that own it; here it only yields no warning."""
    groups = list(groups)
    found = []
    for path in sorted(Path(data_dir).glob(PROVENANCE_GLOB)):
        try:
            with path.open(encoding="utf-8", newline="") as handle:
                reader = csv.reader(handle)
                header = next(reader, [])
                start = reader.line_num + 1  # the line a row starts on (a quoted cell may span lines)
                for row in reader:
                    for column, cell in zip(header, row):
                        for url in map(_trim, _URL.findall(cell)):
                            hit = match_domain(url, groups)
                            if hit is not None and not _standing_named(cell, hit[1]):
                                domain, group = hit
                                found.append(DataError(rel(path), start, column or "(column)",
                                                       f"{url} is on {domain}, {group.what} (expected {_in_a_table(group)})"))
                    start = reader.line_num + 1
        except (OSError, UnicodeDecodeError, csv.Error):
            continue
    return found
