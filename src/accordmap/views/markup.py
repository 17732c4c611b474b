"""HTML building blocks for report sections, escaped by :mod:`accordmap.views.escape`.

A cell or fragment is either plain text (escaped on output) or :class:`markupsafe.Markup`
built by these helpers from escaped parts. URLs from data become links only when they are
http(s) (:func:`accordmap.views.escape.url`); anything else (``javascript:``, ``data:``) is shown as text.

Right-to-left text from data (Arabic, Hebrew names) is isolated so it cannot reorder the
sentence around it: :func:`isolate` wraps a value that sits inside other text in ``<bdi>``,
and :func:`table` gives cells holding one plain value ``dir="auto"``. A value written wholly in
one right-to-left script also gets its language and direction (:func:`script_lang`: Arabic script
``lang="ar" dir="rtl"``, Hebrew ``lang="he" dir="rtl"``), so screen readers switch voice.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from collections.abc import Iterable, Sequence
from markupsafe import Markup
from accordmap.views import escape
from accordmap import models
from accordmap.dataset import Dataset
from accordmap.models import dates
from accordmap.views import reliability


if TYPE_CHECKING:
    from accordmap.geometry import Zone

__all__ = ["Markup", "HTML", "isolate", "zone_name", "safe_url", "link", "cite", "table", "source_entry"]


class HTML:
    """A fragment notebooks display as HTML (and nbconvert exports as such)."""

    def __init__(self, content: Markup | str):
        self.content = Markup(content)

    def _repr_html_(self) -> str:
        return str(self.content)

    def __str__(self) -> str:
        return str(self.content)


_SCRIPTS = {  # letters of a right-to-left script -> (lang, dir) of a text written in it alone
    "ar": re.compile("[\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc]"),
    "he": re.compile("[\u05d0-\u05ea\u05f0-\u05f2\ufb1d-\ufb4f]"),
}
_LETTER = re.compile(r"[^\W\d_]")


def script_lang(value: object) -> str | None:
    """'ar' or 'he' when every letter of ``value`` is of that script (e.g. an Arabic place name), else None.
    The script names the language only as a best guess (Persian is written in Arabic script too)."""
    if isinstance(value, Markup) or not isinstance(value, str):
        return None
    letters = _LETTER.findall(value)
    for lang, script in _SCRIPTS.items():
        if letters and all(script.match(letter) for letter in letters):
            return lang
    return None


def _lang_attributes(value: object) -> Markup:
    lang = script_lang(value)
    return Markup(' lang="{}" dir="rtl"').format(lang) if lang else Markup("")


def isolate(value: object) -> Markup:
    """Text from data inside other text: escaped, in ``<bdi>`` (its direction is its own; text wholly in
    Arabic or Hebrew script also gets ``lang`` and ``dir="rtl"``, see :func:`script_lang`)."""
    return Markup("<bdi{}>{}</bdi>").format(_lang_attributes(value), escape.html_text(value))


def zone_name(zone: Zone) -> Markup:
    """A computed zone's name with its label from data isolated: 'Demilitarised zone, 15 km deep'."""
    # Zone.name is the label followed by the depth or width the build computed
    return Markup("{}{}").format(isolate(zone.label), zone.name.removeprefix(zone.label))


def safe_url(url: object) -> str | None:
    """The URL if it is http(s), else None."""
    return escape.url(url)


def link(text: object, url: object) -> Markup:
    """A link to an http(s) URL; any other URL gives the text alone."""
    href = escape.url(url)
    if href is None:
        return escape.html_text(text)
    return Markup('<a href="{}" rel="noopener noreferrer">{}</a>').format(escape.html_attr(href), escape.html_text(text))


def source_anchor(source_id: str) -> str:
    return f"source-{source_id}"


def cite(dataset: Dataset, source_ids: Iterable[str]) -> Markup:
    """Citation marks linking to the report's Sources section, each with the title on hover; then a
    caution mark if every one of them is state-affiliated, sanctioned or an aggregator (:mod:`accordmap.views.reliability`)."""
    parts = []
    source_ids = list(source_ids)
    for source_id in source_ids:
        source = dataset.sources[source_id]
        parts.append(Markup('<a class="cite" href="#{}" title="{}">[{}]</a>').format(
            escape.html_attr(source_anchor(source_id)), escape.html_attr(f"{source.title} ({source.publisher})"),
            escape.html_text(source_id)))
    return Markup(" ").join(parts) + reliability.caution(dataset.sources[i] for i in source_ids)


def _cell(tag: str, value: object, scope: str | None = None) -> Markup:
    """One cell. A plain string is one value, maybe from data: ``dir="auto"`` isolates it."""
    attributes = Markup("")
    if scope:
        attributes += Markup(' scope="{}"').format(scope)
    if isinstance(value, str) and not isinstance(value, Markup):
        lang = script_lang(value)
        attributes += Markup(' lang="{}" dir="rtl"').format(lang) if lang else Markup(' dir="auto"')
    return Markup("<{0}{1}>{2}</{0}>").format(Markup(tag), attributes, escape.html_text(value))


def table(
    columns: Sequence[object],
    rows: Iterable[Sequence[object]],
    css_class: str,
    caption: object | None = None,
    row_header: bool = False,
) -> Markup:
    """An accessible table: caption, <th scope=col> headers, optional row headers.

    Cells are plain values (escaped; strings get ``dir="auto"``) or :class:`Markup` built with
    :func:`isolate` around the parts from data.
    """
    head = Markup("").join(_cell("th", c, scope="col") for c in columns)
    body = []
    for row in rows:
        cells = [_cell("th", value, scope="row") if row_header and index == 0 else _cell("td", value)
                 for index, value in enumerate(row)]
        body.append(Markup("<tr>{}</tr>").format(Markup("").join(cells)))
    caption_html = Markup("<caption>{}</caption>").format(escape.html_text(caption)) if caption else Markup("")
    return Markup('<table class="{}">{}<thead><tr>{}</tr></thead><tbody>{}</tbody></table>').format(
        escape.html_attr(css_class), caption_html, head, Markup("").join(body))


def source_entry(source: models.Source) -> Markup:
    """One item of a Sources list: id, linked title, publisher [publisher kind], date, when read, reader note.
    The source's ``editor_note`` is never shown. Each part ends with one full stop: a title that ends
    with its own punctuation, or a date label such as 'n.d.', gets no second one."""
    date = dates.sentence_end(dates.label(source.date) if source.date else "undated")
    title = link(isolate(source.title), source.url) if source.url else isolate(source.title)
    note = Markup(" <span class='note'>{}</span>").format(isolate(source.note)) if source.note else Markup("")
    accessed = Markup(" Read {}.").format(dates.label(source.accessed)) if source.accessed else Markup("")
    kind = reliability.label(source.publisher_kind)
    kind = Markup(' <span class="publisher-kind">[{}]</span>').format(kind) if kind else Markup("")
    stop = "" if source.title.endswith((".", "?", "!")) else "."
    return Markup('<li id="{}"><strong>[{}]</strong> {}{} {}{}, {}{}{}</li>').format(
        escape.html_attr(source_anchor(source.id)), source.id, title, stop, isolate(source.publisher), kind, date,
        accessed, note)
