"""Section + files -> a display that carries them; executed notebook -> the files to publish beside the page.

A report section that offers files to take away returns :func:`attach` (``content``, ``*files``): an
:class:`Attached`, shown like :class:`accordmap.views.markup.HTML` (``.content``, ``str()``), whose display has
two parts:

- ``text/html``: the section, then a download link per file (``data:`` URLs, so the links work in
  JupyterLab and in a notebook saved with its outputs);
- :data:`MIME` (``application/vnd.accordmap.files+json``): the section's HTML and the files (base64).

In a build, the worker calls :func:`extract` on the executed notebook before rendering it: every
:data:`MIME` part is taken out, the file names are made from the report's file name (``brief.html``
-> ``brief.zones.geojson``; a sweep report ``zone-map--zone_max_km=25.html`` ->
``zone-map--zone_max_km=25.zones.geojson``), the section's links become relative links to those files,
and a *Downloads* section listing each file, its format and size is appended. The page stays one
self-contained HTML file; the files travel in :class:`accordmap.publish.runner.Result` to the coordinator,
which publishes them with the page (:mod:`accordmap.publish.build`).

File names are made by code only: a :class:`File` has a ``key`` (``zones``, ``places``: lower-case
words and hyphens, a literal in the code) and an extension from :data:`FORMATS`; nothing from data
reaches a file name, and a name with a path separator or a dot-dot is refused.

This module imports only markupsafe (the build reads manifests with it, and a no-op build must stay light).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from markupsafe import Markup
from accordmap.views import escape
from accordmap.errors import AttachmentError  # noqa: F401 - raised here; defined with every other error


MIME = "application/vnd.accordmap.files+json"
# extension -> (format shown to readers, media type)
FORMATS = {
    "geojson": ("GeoJSON", "application/geo+json"),
    "gpkg": ("GeoPackage", "application/geopackage+sqlite3"),
    "parquet": ("GeoParquet", "application/vnd.apache.parquet"),
    "csv": ("CSV", "text/csv"),
    "png": ("PNG image", "image/png"),
}
KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# a report's file stem, as accordmap.publish.jobs.output_path makes it: the report, then --name=value per swept parameter
# (a name scoped to a provision is <provision id>.<name>, e.g. zone-map--p3.max_km=25)
STEM = re.compile(r"[a-z0-9_-]+(?:--(?:[a-z0-9_-]+\.)?[a-z0-9_]+=[A-Za-z0-9._-]+)*")
_EXTENSIONS = "|".join(FORMATS)
FILE_NAME = re.compile(rf"(?P<stem>{STEM.pattern})\.(?P<key>{KEY.pattern})\.(?P<ext>{_EXTENSIONS})")

__all__ = ["FORMATS", "MIME", "Attached", "AttachmentError", "File", "attach", "extract", "file_name", "size_label"]


@dataclass(frozen=True)
class File:
    """One file a section offers: ``<report stem>.<key>.<extension>`` beside the report."""

    key: str  # e.g. "zones", "places": from code, never from data
    extension: str  # a key of FORMATS
    data: bytes
    title: str  # what it holds, shown in the Downloads list (escaped)

    def __post_init__(self) -> None:
        if not isinstance(self.key, str) or not KEY.fullmatch(self.key):
            raise AttachmentError(f"attachment key {self.key!r}: expected lower-case letters, digits and single "
                                  "hyphens, e.g. 'zones' (no path separator, no dot)")
        if self.extension not in FORMATS:
            raise AttachmentError(f"attachment {self.key!r}: extension {self.extension!r} (expected one of: "
                                  f"{', '.join(FORMATS)})")
        if not isinstance(self.data, bytes):
            raise AttachmentError(f"attachment {self.key}.{self.extension}: data must be bytes, not {type(self.data).__name__}")

    @property
    def suffix(self) -> str:
        return f"{self.key}.{self.extension}"

    @property
    def format(self) -> str:
        return FORMATS[self.extension][0]

    @property
    def media_type(self) -> str:
        return FORMATS[self.extension][1]

    def to_json(self) -> dict[str, str]:
        return {"key": self.key, "extension": self.extension, "title": self.title,
                "base64": base64.b64encode(self.data).decode("ascii")}

    @classmethod
    def from_json(cls, raw: Any) -> File:
        if not isinstance(raw, dict) or not all(isinstance(raw.get(k), str) for k in ("key", "extension", "title", "base64")):
            raise AttachmentError(f"{MIME}: a file entry is not {{key, extension, title, base64}} strings")
        return cls(raw["key"], raw["extension"], base64.b64decode(raw["base64"], validate=True), raw["title"])


def file_name(stem: str, file: File) -> str:
    """``<stem>.<key>.<extension>``; refuses anything that is not such a plain name (no folder, no ``..``)."""
    name = f"{stem}.{file.suffix}"
    if not FILE_NAME.fullmatch(name) or "/" in name or "\\" in name or ".." in name:
        raise AttachmentError(f"attachment name {name!r}: expected <report>.<key>.<extension> without a path separator")
    return name


def size_label(size: int) -> str:
    if size < 1000:
        return f"{size} B"
    if size < 1_000_000:
        return f"{size / 1000:.1f} kB"
    return f"{size / 1_000_000:.1f} MB"


def _link(href: str, name: str, file: File, size: int) -> Markup:
    return Markup('<a href="{}" download="{}" type="{}">{}</a> ({}, {})').format(
        escape.html_attr(href), escape.html_attr(name), escape.html_attr(file.media_type), name, file.format,
        size_label(size))


def _links(items: Iterable[tuple[str, str, File]]) -> Markup:
    """'Download: a (CSV, 2.0 kB) · b (GeoJSON, 40.1 kB)' for (href, name, file) items."""
    links = [_link(href, name, file, len(file.data)) for href, name, file in items]
    if not links:
        return Markup("")
    return Markup('<p class="attachments">Download: {}</p>').format(Markup(" · ").join(links))


class Attached:
    """A section's HTML with files attached (see the module docstring); ``content`` is the section alone."""

    def __init__(self, content: Any, files: Iterable[File]):
        self.content = Markup(getattr(content, "content", content))  # an accordmap.views.markup.HTML, Markup or str
        self.files = tuple(files)

    def __str__(self) -> str:
        return str(self.content)

    def _local_links(self) -> Markup:  # in a notebook the report's file name is unknown: data: URLs, named by key
        return _links((f"data:{f.media_type};base64,{base64.b64encode(f.data).decode('ascii')}", f.suffix, f)
                      for f in self.files)

    def _repr_html_(self) -> str:
        return str(self.content + self._local_links())

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        return {"text/html": self._repr_html_(),
                MIME: {"version": 1, "html": str(self.content), "files": [f.to_json() for f in self.files]}}


def attach(content: Any, *files: File | None) -> Attached:
    """The section ``content`` with ``files`` attached (None entries are skipped; an :class:`Attached`
    given as content keeps its files, before the new ones)."""
    earlier = content.files if isinstance(content, Attached) else ()
    return Attached(content, [*earlier, *(f for f in files if f is not None)])


def published_path(output: str, name: str) -> str:
    """Where the file ``name`` of the report published at ``output`` goes, relative to ``--out``: beside it.
    Raises AttachmentError for a name that is not ``<the report's stem>.<key>.<extension>``."""
    if not belongs(f"{PurePosixPath(output).parent}/{name}", output):
        raise AttachmentError(f"attachment {name!r} of {output}: expected {PurePosixPath(output).stem}.<key>.<extension> "
                              f"(<key>: lower-case letters, digits, hyphens; <extension>: one of {', '.join(FORMATS)})")
    return f"{PurePosixPath(output).parent}/{name}"


def belongs(path: object, output: str) -> bool:
    """Whether ``path`` (relative to ``--out``, e.g. read back from the manifest) is a file name this
    module makes for the report at ``output``: in its folder, named after it. Anything else is never
    written or removed."""
    if not isinstance(path, str) or "\\" in path or "\x00" in path:
        return False
    folder, _, name = path.rpartition("/")
    match = FILE_NAME.fullmatch(name)
    output_path = PurePosixPath(output)
    return (match is not None and folder == str(output_path.parent) and "/" not in folder and folder not in ("", ".", "..")
            and match["stem"] == output_path.stem)


# --- in the worker: executed notebook -> files -------------------------------------------------------


def extract(nb, output: str) -> dict[str, bytes]:
    """Take the attached files out of an executed notebook (in place) for the report published at
    ``output`` (``<folder>/<stem>.html``): each section's links become relative links, and a Downloads
    section is appended when there is any file. Returns {file name beside the page: bytes}.
    Raises AttachmentError (a bad name, or two different files under one name)."""
    import nbformat

    stem = PurePosixPath(output).stem
    if not STEM.fullmatch(stem):
        raise AttachmentError(f"report file {output!r}: expected <folder>/<report>.html")
    found: dict[str, File] = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data")
            if not data or MIME not in data:
                continue
            payload = data.pop(MIME)
            out.get("metadata", {}).pop(MIME, None)
            if not isinstance(payload, dict) or not isinstance(payload.get("html"), str) or not isinstance(payload.get("files"), list):
                raise AttachmentError(f"{MIME}: expected {{html, files}}")
            items = []
            for file in map(File.from_json, payload["files"]):
                name = file_name(stem, file)
                if name in found and found[name].data != file.data:
                    raise AttachmentError(f"two sections attach {name} with different contents (expected one key per file)")
                found[name] = file
                items.append((name, name, file))
            data["text/html"] = str(Markup(payload["html"]) + _links(items))
    if found:
        nb.cells.append(nbformat.v4.new_markdown_cell("## Downloads"))
        cell = nbformat.v4.new_code_cell("")
        cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": str(downloads_html(found))})]
        nb.cells.append(cell)
    return {name: file.data for name, file in found.items()}


def downloads_html(files: dict[str, File]) -> Markup:
    """The Downloads list: each file (a relative link), what it holds, its format and size."""
    items = Markup("").join(
        Markup("<li>{}: {}</li>").format(_link(name, name, file, len(file.data)), file.title)
        for name, file in files.items())
    return Markup('<ul class="downloads">{}</ul><p class="muted">These files are published beside this report, in '
                  "the same folder; keep them together when you copy it.</p>").format(items)
