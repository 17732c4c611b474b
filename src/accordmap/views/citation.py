"""A report and its sources -> "Cite this report": a suggested citation and CSL-JSON downloads.

CSL-JSON (https://citeproc-js.readthedocs.io/en/latest/csl-json/markup.html) is the format
Zotero, Pandoc and other reference managers read. Each report offers two files: the report
itself as one CSL item, and every source in its Sources list. Both are links whose target is a
``data:`` URL (``application/vnd.citationstyles.csl+json``, base64), so the page stays one
self-contained file and nothing is fetched. The reader-facing ``note`` of a source goes into its
item; its ``editor_note`` never does.

The suggested citation names the report, the accordmap version, the day the report was made and
the data version (a hash of ``data/``), and the parameters set to other than their defaults
("Parameters: as_of=2020-03-10"), which together say exactly what was cited and rebuild it. It
carries no URL: where a report is published is not known when it is built.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any
from collections.abc import Iterable
from markupsafe import Markup
from accordmap.views import escape
from accordmap import __version__, models, params
from accordmap.views import reliability
from accordmap.models import dates


MEDIA_TYPE = "application/vnd.citationstyles.csl+json"

# data/sources.yaml kind -> CSL item type
CSL_TYPES = {
    "agreement-text": "treaty",
    "official": "document",
    "news": "article-newspaper",
    "encyclopedia": "entry-encyclopedia",
    "dataset": "dataset",
    "database": "dataset",
    "analysis": "report",
}


def csl_date(value: str | dt.date) -> dict[str, Any]:
    """'2018-09-17' -> {'date-parts': [[2018, 9, 17]]}; '2019-12' -> {'date-parts': [[2019, 12]]}."""
    text = value.isoformat() if isinstance(value, dt.date) else value
    return {"date-parts": [[int(part) for part in text.split("-")]]}


def source_item(source: models.Source) -> dict[str, Any]:
    """One source as a CSL-JSON item (id = the source id used in the report's citations)."""
    item: dict[str, Any] = {"id": source.id, "type": CSL_TYPES[source.kind], "title": source.title,
                            "publisher": source.publisher}
    if source.kind == "news":
        item["container-title"] = source.publisher
    if source.date:
        item["issued"] = csl_date(source.date)
    if source.accessed:
        item["accessed"] = csl_date(source.accessed)
    if source.url is not None:
        item["URL"] = str(source.url)
    notes = []
    if kind := reliability.label(source.publisher_kind):
        notes.append(f"Publisher kind: {kind}.")
    if source.note:
        notes.append(source.note)
    if notes:
        item["note"] = " ".join(notes)
    return item


def sources_csl(sources: Iterable[models.Source]) -> list[dict[str, Any]]:
    return [source_item(s) for s in sources]


# parameters named by the citation's title and id already (the agreement, or the amendment and its base)
SUBJECT_PARAMETERS = ("agreement", "base", "amendment")


def chosen_parameters(report: str, values: dict[str, Any] | None) -> dict[str, Any]:
    """The parameters of ``report`` a user set to other than their defaults, in registry order: what a
    citation must name so the cited variant can be rebuilt. Internal ones (data_dir) and the subject are left out."""
    values = values or {}
    return {name: values[name] for name in params.public(report)
            if name not in SUBJECT_PARAMETERS and name in values and values[name] != params.PARAMETERS[name].default}


def _value(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def parameters_text(chosen: dict[str, Any]) -> str:
    """'Parameters: as_of=2020-03-10, zone_max_km=25.' (the -p values of accordmap build), or '' for defaults."""
    if not chosen:
        return ""
    return "Parameters: " + ", ".join(f"{name}={_value(value)}" for name, value in chosen.items()) + "."


def report_title(agreement: models.Agreement, report_kind: str) -> str:
    return f"{agreement.short_title}: {report_kind}"


def report_item(agreement: models.Agreement, report: str, report_kind: str, data_version: str,
                generated: dt.date, chosen: dict[str, Any] | None = None) -> dict[str, Any]:
    """The report as one CSL-JSON item; ``chosen``: its non-default parameters (:func:`chosen_parameters`),
    which go into its note and its id (one id per variant, as the build names the files of a sweep)."""
    chosen = chosen or {}
    suffix = "".join(f"--{name}={_value(value)}" for name, value in chosen.items())
    return {
        "id": f"accordmap-{agreement.id}-{report}{suffix}",
        "type": "report",
        "title": report_title(agreement, report_kind),
        "publisher": "accordmap",
        "genre": "accordmap report",
        "version": f"accordmap {__version__}, data version {data_version}",
        "issued": csl_date(generated),
        "note": (f"About the {agreement.title} ({dates.day_label(agreement.date_signed, long=True)}). Generated "
                 f"{dates.day_label(generated, long=True)} with accordmap {__version__} from data version "
                 f"{data_version}. " + (parameters_text(chosen) + " " if chosen else "")
                 + "Lines and zones on its maps are approximate."),
    }


def suggested_citation(agreement: models.Agreement, report_kind: str, data_version: str, generated: dt.date,
                       chosen: dict[str, Any] | None = None) -> str:
    """accordmap, "Sochi memorandum: Brief", report generated 26 November 2026 with accordmap 0.1.0, data version
    ... [Parameters: as_of=2020-03-10.]"""
    text = (f"accordmap, \u201c{report_title(agreement, report_kind)}\u201d, report generated "
            f"{dates.day_label(generated, long=True)} with accordmap {__version__}, data version {data_version}.")
    return f"{text} {parameters_text(chosen)}" if chosen else text


def data_url(items: list[dict[str, Any]]) -> str:
    """CSL-JSON in a ``data:`` URL (base64: only A-Z a-z 0-9 + / = after the comma)."""
    text = json.dumps(items, ensure_ascii=False, indent=1)
    return f"data:{MEDIA_TYPE};base64," + base64.b64encode(text.encode("utf-8")).decode("ascii")


def decode_data_url(url: str) -> list[dict[str, Any]]:
    """The CSL-JSON items in a URL made by :func:`data_url` (what a reader's download holds)."""
    head, _, body = url.partition(",")
    if head != f"data:{MEDIA_TYPE};base64":
        raise ValueError(f"not a CSL-JSON data URL: {head!r}")
    return json.loads(base64.b64decode(body, validate=True).decode("utf-8"))


def _download(text: str, items: list[dict[str, Any]], filename: str) -> Markup:
    return Markup('<a class="csl-download" download="{}" type="{}" href="{}">{}</a>').format(
        escape.html_attr(filename), escape.html_attr(MEDIA_TYPE), escape.html_attr(data_url(items)),
        escape.html_text(text))


def cite_block(agreement: models.Agreement, report: str, report_kind: str, data_version: str, generated: dt.date,
               sources: Iterable[models.Source], parameters: dict[str, Any] | None = None) -> Markup:
    """The "Cite this report" paragraph: suggested citation and the two CSL-JSON downloads.
    ``parameters``: the report's parameter values; those set to other than their defaults are cited."""
    chosen = chosen_parameters(report, parameters)
    sources = list(sources)
    stem = f"{agreement.id}-{report}"
    return Markup(
        '<div class="cite-this"><h3>Cite this report</h3><p class="suggested-citation">{}</p>'
        '<p class="csl-links">For reference managers (Zotero, Pandoc; CSL-JSON): {} · {}.</p></div>'
    ).format(
        Markup("<bdi>{}</bdi>").format(suggested_citation(agreement, report_kind, data_version, generated, chosen)),
        _download("this report", [report_item(agreement, report, report_kind, data_version, generated, chosen)],
                  f"{stem}-citation.json"),
        _download(f"its {len(sources)} sources", sources_csl(sources), f"{stem}-sources.json"),
    )
