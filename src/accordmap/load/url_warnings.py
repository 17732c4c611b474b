"""Source and provenance URLs -> ``accordmap check`` warnings (not errors) for URLs on the mirror,
document-copy, aggregator and sanctioned domains listed in ``data/source_warnings.yaml``, and the same
for the URLs written in the cells of the provenance tables (``data/provenance/*.csv``).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit
from accordmap import models
from accordmap.errors import DataError
from accordmap.load.yamlfile import YamlDoc, field_name
from accordmap.models.sources import DomainGroup
from accordmap.models.sources import PUBLISHER_LABELS as LABELS


FILE = "source_warnings.yaml"  # in the data folder; optional


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
