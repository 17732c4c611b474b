"""The published set: ``manifest.json`` (what each report was built from) -> ``index.html``.

The manifest maps each published report's path (``<agreement>/<report>[--name=value...].html``) to
what the build recorded: the report, its subject and parameters, the titles the index shows, when it
was generated, the data version, and the hashes of its inputs (:class:`accordmap.publish.jobs.Inputs`), which
the next build compares to decide what to rebuild. The index is made from the manifest alone (with
jinja2, not the notebook stack), so a build that rebuilds nothing can still repair it.

The index lists each agreement (its title and summary, as its data file gives them) with its reports,
and under it the agreements that amend it, each with its own reports (comparison reports included); a sweep's reports are listed with the
parameters that make each one different, and the files published beside it (zones, tables as CSV).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path
from typing import Any
from accordmap.views import attachments
from accordmap import __version__, params
from accordmap.publish.jobs import OUTPUT_PATH, jsonable
from accordmap.paths import TEMPLATES_DIR


MANIFEST = "manifest.json"
INDEX = "index.html"
SUBJECT_PARAMETERS = ("agreement", "base", "amendment")  # the subject, shown by the index's sections


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def read_manifest(out_dir: Path) -> dict[str, dict[str, Any]]:
    """The recorded reports; an unreadable manifest, or an entry whose path is not one a build writes
    (``<agreement>/<report>[--name=value...].html``) or does not match its fields, counts as absent."""
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(manifest, dict):
        return {}
    return {path: entry for path, entry in manifest.items()
            if isinstance(entry, dict) and all(isinstance(entry.get(f), str) for f in ("agreement", "report", "generated"))
            and OUTPUT_PATH.fullmatch(path)
            and (path == f"{entry['agreement']}/{entry['report']}.html"
                 or path.startswith(f"{entry['agreement']}/{entry['report']}--"))}


def _shown_parameters(entry: dict[str, Any]) -> str:
    """The parameters that differ from the defaults, as ``name = value``; the subject is left out."""
    values = entry.get("parameters") if isinstance(entry.get("parameters"), dict) else {}
    shown = [f"{name} = {value}" for name, value in values.items()
             if name not in SUBJECT_PARAMETERS and name in params.PARAMETERS
             and value != jsonable(params.PARAMETERS[name].default)]
    return ", ".join(shown) or "defaults"


def _downloads(out_dir: Path, path: str, entry: dict[str, Any]) -> list[dict[str, str]]:
    """The files published beside the report (:mod:`accordmap.views.attachments`) that exist: href and 'key.extension'."""
    files = entry.get("files") if isinstance(entry.get("files"), list) else []
    stem = Path(path).stem
    return [{"href": f, "label": f.rsplit("/", 1)[1].removeprefix(f"{stem}.")} for f in files
            if attachments.belongs(f, path) and (out_dir / f).is_file()]


def _report_rows(out_dir: Path, entries: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    order = list(params.REPORTS)

    def key(item: tuple[str, dict[str, Any]]) -> tuple:
        path, entry = item
        return (order.index(entry["report"]) if entry["report"] in order else len(order), "--" in path, path)

    rows = []
    for path, entry in sorted(entries, key=key):
        registry = params.REPORTS.get(entry["report"], {})
        rows.append({
            "href": path, "title": str(entry.get("title") or registry.get("title") or entry["report"]),
            "summary": str(entry.get("summary") or registry.get("summary", "")),
            "parameters": _shown_parameters(entry),
            "generated": entry["generated"], "size": f"{(out_dir / path).stat().st_size / 1e6:.2f} MB",
            "downloads": _downloads(out_dir, path, entry),
        })
    return rows


def index_sections(out_dir: Path, manifest: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The index's sections: each agreement not amending another listed one, with its reports and, under
    it, the agreements that amend it (directly or not), each with its reports."""
    folders: dict[str, dict[str, Any]] = {}
    for path, entry in manifest.items():
        folder = folders.setdefault(entry["agreement"], {"id": entry["agreement"], "entries": []})
        folder["entries"].append((path, entry))
        for name in ("short_title", "title", "date", "amends", "summary"):
            if entry.get(f"agreement_{name}") is not None:
                folder[name] = str(entry[f"agreement_{name}"])

    def root(folder_id: str) -> str:
        seen = {folder_id}
        while (base := folders[folder_id].get("amends")) in folders and base not in seen:
            seen.add(base)
            folder_id = base
        return folder_id

    def section(folder: dict[str, Any]) -> dict[str, Any]:
        amends = folder.get("amends")
        return {
            "short_title": folder.get("short_title", folder["id"]),
            "title": folder.get("title", "(no longer in the data)"),
            "date": folder.get("date", ""),
            "amends": folders.get(amends, {}).get("short_title", amends) if amends else "",
            "summary": folder.get("summary", ""),  # the agreement's own summary, from its data file
            "reports": _report_rows(out_dir, folder["entries"]),
        }

    def by_date(folder_id: str) -> tuple[str, str]:
        return (folders[folder_id].get("date", ""), folder_id)

    sections = []
    for folder_id in sorted((f for f in folders if root(f) == f), key=by_date):
        top = section(folders[folder_id])
        top["amendments"] = [section(folders[f]) for f in sorted(folders, key=by_date)
                             if f != folder_id and root(f) == folder_id]
        sections.append(top)
    return sections


@functools.cache
def _css() -> str:
    return (TEMPLATES_DIR / "report.css").read_text(encoding="utf-8")


def render_index(sections: list[dict[str, Any]], generated: str, data_version: str) -> str:
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True)
    return env.get_template("index_page.html.j2").render(
        agreements=sections, generated=generated, data_version=data_version, version=__version__, css=_css())
