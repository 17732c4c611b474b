"""HTML building blocks for report sections. Text from data is escaped here and only here.

A cell or fragment is either plain text (escaped on output) or :class:`markupsafe.Markup`
built by these helpers from escaped parts. URLs from data become links only when they are
http(s); anything else (``javascript:``, ``data:``) is shown as text.
"""

from __future__ import annotations

from typing import Iterable, Sequence
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from accordmap import models
from accordmap.load import Dataset

__all__ = ["Markup", "escape", "safe_url", "link", "cite", "table", "HTML"]


class HTML:
    """A fragment notebooks display as HTML (and nbconvert exports as such)."""

    def __init__(self, content: Markup | str):
        self.content = Markup(content)

    def _repr_html_(self) -> str:
        return str(self.content)

    def __str__(self) -> str:
        return str(self.content)


def safe_url(url: object) -> str | None:
    """The URL if it is http(s), else None."""
    text = str(url or "")
    return text if urlsplit(text).scheme in ("http", "https") else None


def link(text: object, url: object) -> Markup:
    href = safe_url(url)
    if href is None:
        return escape(text)
    return Markup('<a href="{}" rel="noopener noreferrer">{}</a>').format(href, text)


def source_anchor(source_id: str) -> str:
    return f"source-{source_id}"


def cite(dataset: Dataset, source_ids: Iterable[str]) -> Markup:
    """Citation marks linking to the report's Sources section, each with the title on hover."""
    parts = []
    for source_id in source_ids:
        source = dataset.sources[source_id]
        parts.append(Markup('<a class="cite" href="#{}" title="{}">[{}]</a>').format(
            source_anchor(source_id), f"{source.title} ({source.publisher})", source_id))
    return Markup(" ").join(parts)


def table(
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    css_class: str,
    caption: str | None = None,
    row_header: bool = False,
) -> Markup:
    """An accessible table: caption, <th scope=col> headers, optional row headers."""
    head = Markup("").join(Markup('<th scope="col">{}</th>').format(c) for c in columns)
    body = []
    for row in rows:
        cells = []
        for index, value in enumerate(row):
            tag = "th" if row_header and index == 0 else "td"
            scope = Markup(' scope="row"') if tag == "th" else Markup("")
            cells.append(Markup("<{0}{1}>{2}</{0}>").format(Markup(tag), scope, "" if value is None else value))
        body.append(Markup("<tr>{}</tr>").format(Markup("").join(cells)))
    caption_html = Markup("<caption>{}</caption>").format(caption) if caption else Markup("")
    return Markup('<table class="{}">{}<thead><tr>{}</tr></thead><tbody>{}</tbody></table>').format(
        css_class, caption_html, head, Markup("").join(body))


def source_entry(source: models.Source) -> Markup:
    date = models.partial_date_label(source.date) if source.date else "n.d."
    title = link(source.title, source.url) if source.url else escape(source.title)
    note = Markup(" <span class='note'>{}</span>").format(source.note) if source.note else Markup("")
    accessed = Markup(" Read {}.").format(models.partial_date_label(source.accessed)) if source.accessed else Markup("")
    return Markup('<li id="{}"><strong>[{}]</strong> {}. {}, {}.{}{}</li>').format(
        source_anchor(source.id), source.id, title, source.publisher, date, accessed, note)
