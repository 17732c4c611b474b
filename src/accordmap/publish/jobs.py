"""Reports x subjects x parameter sets -> self-contained jobs; data files and code -> each job's inputs.

A :class:`Job` names everything one report needs: its notebook, its subject (one or more agreement
ids), its parameter values, its data folder and its output path. Nothing reaches it through globals
or the environment, and it pickles, so it runs as well in a worker process or on a Dask worker.

Its *subject* comes from the report's ``subject`` in :data:`accordmap.params.REPORTS`:

- ``"agreement"`` (the default): one job per agreement, written to ``<agreement>/<report>.html``;
- ``"amendment"``: one job per agreement that ``amends`` another, with the parameters ``base`` and
  ``amendment``, written to ``<amendment>/<report>.html``.

A *sweep* builds one report per parameter combination: ``-p name=v1,v2`` (several such ``-p`` make the
cross product) and ``--sweep FILE.yaml`` (a list of parameter sets). Each combination gets its own
file, :data:`OUTPUT_TEMPLATE`: the swept parameters follow the report name, ``--name=value`` each,
in the registry's order, e.g. ``sochi-2018/zone-map--zone_max_km=25.html``. A value that is not
made only of ``A-Z a-z 0-9 . _ -`` is written as ``x`` and 8 hex digits of its hash.

Planning reads the data folder lightly (file names, each agreement's ``amends`` and the layer
catalog, with a plain YAML read): the no-op build must not load the whole checked dataset.
:class:`Inputs` hashes what each job reads, for the incremental build (see :mod:`accordmap.publish.build`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
import yaml
from accordmap import __version__, params
from accordmap.dataset import data_files
from accordmap.paths import PACKAGE_DIR, TEMPLATES_DIR


OUTPUT_TEMPLATE = "{folder}/{report}{variant}.html"
SUBJECTS = ("agreement", "amendment")
_SAFE_VALUE = re.compile(r"[A-Za-z0-9._-]+")
OUTPUT_PATH = re.compile(r"[a-z0-9_-]+/[a-z0-9_-]+(--[a-z0-9_]+=[A-Za-z0-9._-]+)*\.html")  # what a job writes


def jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _digest(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Job:
    """One report to build: everything its worker needs, as absolute paths and plain values."""

    report: str
    subject: tuple[str, ...]  # agreement ids: (agreement,) or (base, amendment)
    values: dict[str, Any]  # typed parameters (data_dir among them, as the notebook gets it)
    notebook: Path
    data_dir: Path
    output: str  # relative to --out: OUTPUT_TEMPLATE filled in
    variant: tuple[tuple[str, Any], ...] = ()  # the swept parameters the file name shows
    scratch: Path | None = None  # where the worker's kernel works (set by the build)
    page: dict[str, Any] = field(default_factory=dict, compare=False)  # page title, footer, sibling links (set by the build)

    @property
    def folder(self) -> str:
        """The agreement whose folder holds the report (the amendment, for an amendment subject)."""
        return self.output.split("/", 1)[0]

    agreement = folder  # the name the CLI and older callers use
    relative_path = property(lambda self: self.output)

    @property
    def public_values(self) -> dict[str, Any]:
        return {k: jsonable(v) for k, v in self.values.items() if not params.PARAMETERS[k].internal}

    @property
    def identity(self) -> str:
        """Stable: the same report, subject and parameter values give the same identity on any machine."""
        return _digest(self.report, list(self.subject), self.public_values)

    @property
    def failed_copy(self) -> str:
        """Where the executed notebook of a failure is kept, relative to --out (under _failed/)."""
        return self.output[: -len(".html")] + ".ipynb"


# --- reading the data folder lightly ---------------------------------------------------------------


@dataclass
class Scan:
    """What planning needs of a data folder, read without checking it (``load_dataset`` checks)."""

    data_dir: Path
    files: list[Path]  # every file accordmap reads (dataset.data_files)
    agreements: dict[str, dict[str, Any]]  # id (file name) -> its YAML mapping ({} if it cannot be read)
    layers: list[dict[str, Any]] | None  # raw catalog entries; None if the catalog cannot be read
    places_layer: str | list[str] | None  # one id or a list (catalog places_layer)

    def amends(self, agreement: str) -> str | None:
        target = self.agreements.get(agreement, {}).get("amends")
        return target if isinstance(target, str) and target in self.agreements else None

    def related(self, agreement: str) -> set[str]:
        """The agreement, those it amends (transitively) and those that amend it (transitively)."""
        found, todo = {agreement}, [agreement]
        while todo:
            current = todo.pop()
            linked = {a for a in self.agreements if self.amends(a) == current}
            if self.amends(current):
                linked.add(self.amends(current))
            todo += sorted(linked - found)
            found |= linked
        return found


def _read_plain(path: Path) -> Any:
    try:
        return yaml.load(path.read_bytes(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - safe
    except (OSError, yaml.YAMLError, ValueError):
        return None


def scan(data_dir: Path) -> Scan:
    files = data_files(data_dir)
    agreements = {}
    for path in sorted(p for p in files if p.parent == data_dir / "agreements" and p.suffix == ".yaml"):
        raw = _read_plain(path)
        agreements[path.stem] = raw if isinstance(raw, dict) else {}
    catalog = _read_plain(data_dir / "layers" / "catalog.yaml")
    layers = catalog.get("layers") if isinstance(catalog, dict) else None
    layers = [entry for entry in layers if isinstance(entry, dict)] if isinstance(layers, list) else None
    places = catalog.get("places_layer") if isinstance(catalog, dict) else None
    places = [p for p in places if isinstance(p, str)] if isinstance(places, list) else places
    return Scan(data_dir, files, agreements, layers, places if isinstance(places, (str, list)) else None)


# --- planning ----------------------------------------------------------------------------------------


def read_sweep_file(path: Path, report_names: list[str]) -> list[dict[str, str]]:
    """A ``--sweep`` file: a YAML list of parameter sets (mappings of parameter name to value).
    Raises ParameterError naming the file, the line and the fix."""
    from accordmap.load.yamlfile import read_yaml# the project's YAML rules: line numbers, no tags or anchors

    doc, problems = read_yaml(path, str(path))
    if problems or doc is None:
        raise params.ParameterError("; ".join(str(p) for p in problems) or f"{path}: (file): cannot be read (expected a YAML file)")
    if not isinstance(doc.data, list) or not doc.data:
        raise params.ParameterError(f"{path}:{doc.line_of(()) or 1}: (sweep): expected a non-empty list of parameter sets, "
                                    "e.g. '- {zone_max_km: 25}'")
    sets = []
    for index, item in enumerate(doc.data):
        where = f"{path}:{doc.line_of((index,)) or 1}"
        if not isinstance(item, dict) or not item:
            raise params.ParameterError(f"{where}: [{index}]: expected a mapping of parameter names to values "
                                        "(e.g. {zone_max_km: 25, as_of: '2019-06-01'})")
        pairs = []
        for name, value in item.items():
            if isinstance(value, (list, dict)):
                raise params.ParameterError(f"{where}: [{index}].{name}: expected one value, not a "
                                            f"{type(value).__name__} (list each combination as its own set)")
            pairs.append(f"{name}={'' if value is None else jsonable(value)}")
        try:
            sets.append(params.parse_cli_values(pairs, report_names))
        except params.ParameterError as error:
            raise params.ParameterError(f"{where}: [{index}]: {error}") from None
    return sets


def _slug(value: Any) -> str:
    text = "none" if value is None else f"{value:g}" if isinstance(value, float) else str(jsonable(value))
    return text if _SAFE_VALUE.fullmatch(text) else "x" + hashlib.sha256(text.encode()).hexdigest()[:8]


def output_path(folder: str, report: str, variant: tuple[tuple[str, Any], ...]) -> str:
    return OUTPUT_TEMPLATE.format(folder=folder, report=report,
                                  variant="".join(f"--{name}={_slug(value)}" for name, value in variant))


def _combinations(report: str, lists: dict[str, list[str]], sets: list[dict[str, str]]) -> list[tuple[dict[str, str], list[str]]]:
    """The raw parameter sets of one report, and the names its file names show (the swept ones)."""
    lists = {k: v for k, v in lists.items() if params.accepts(report, k)}  # p3.max_km: if it takes zone_overrides
    sets = [{k: v for k, v in s.items() if params.accepts(report, k)} for s in sets] or [{}]
    swept = {k for k, v in lists.items() if len(v) > 1} | {k for s in sets for k in s}
    combos, seen = [], set()
    for values in itertools.product(*lists.values()):
        for extra in sets:
            raw = {**dict(zip(lists, values)), **extra}
            key = json.dumps(raw, sort_keys=True)
            if key not in seen:
                seen.add(key)
                combos.append(raw)
    return [(raw, params.ordered(report, swept)) for raw in combos]


def plan(data: Scan, agreements: list[str] | None, reports: list[str] | None, lists: dict[str, list[str]],
         sets: list[dict[str, str]], *, notebooks_dir: Path) -> list[Job]:
    """Every job to consider, once each, with typed parameters (checked against the data later, by
    :func:`accordmap.params.resolve`). Raises ParameterError."""
    reports = list(dict.fromkeys(reports or params.REPORTS))
    for report in reports:
        if report not in params.REPORTS:
            raise params.ParameterError(f"unknown report {report!r}; reports: {', '.join(params.REPORTS)}")
    overlap = sorted({k for s in sets for k in s} & set(lists))
    if overlap:
        raise params.ParameterError(f"{', '.join(overlap)} given both with -p and in --sweep (expected each parameter in one place)")
    chosen = list(dict.fromkeys(agreements or sorted(data.agreements)))
    for agreement in chosen:
        if agreement not in data.agreements:
            raise params.ParameterError(f"agreement {agreement!r} not found; known agreements: {', '.join(sorted(data.agreements))}")
    jobs: dict[str, Job] = {}
    for report in reports:
        entry = params.REPORTS[report]
        subject_kind = entry.get("subject", "agreement")
        if subject_kind not in SUBJECTS:
            raise params.ParameterError(f"report {report!r} has subject {subject_kind!r} (expected one of: {', '.join(SUBJECTS)})")
        if subject_kind == "agreement":
            subjects = [((a,), a, {"agreement": a}) for a in chosen]
        else:
            subjects = [((data.amends(a), a), a, {"base": data.amends(a), "amendment": a}) for a in chosen if data.amends(a)]
        for raw, swept in _combinations(report, lists, sets):
            for subject, folder, fixed in subjects:
                values = params.typed(report, {**raw, **fixed, "data_dir": str(data.data_dir)})
                variant = tuple((name, params.value_of(values, name)) for name in swept)
                output = output_path(folder, report, variant)
                jobs.setdefault(output, Job(report, subject, values, notebooks_dir / entry["notebook"], data.data_dir,
                                            output, variant))
    return list(jobs.values())


# --- inputs: what each job reads, hashed -------------------------------------------------------------


def _strings(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*(_strings(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_strings(v) for v in value)) if value else set()
    return set()


def code_version() -> str:
    """A hash of the package's code and templates, and its version: a change to either rebuilds every report."""
    digest = hashlib.sha256(__version__.encode())
    files = sorted(p for p in [*PACKAGE_DIR.rglob("*.py"), *TEMPLATES_DIR.rglob("*")]
                   if p.is_file() and "__pycache__" not in p.parts)
    for path in files:
        digest.update(str(path.relative_to(PACKAGE_DIR)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class Inputs:
    """Each job's inputs as ``{name: hash}``: ``code``, ``notebook``, ``parameters`` and one ``data:<file>``
    per data file it reads:

    - the YAML of its subject's agreements, of those they amend and of those that amend them;
    - the layers those agreements name (by layer or series id), and the places layer;
    - every other data file (sources, actors, events, the layer catalog, event sets, ...).

    Each file is read and hashed once per build."""

    def __init__(self, data: Scan):
        self.data = data
        self._hashes: dict[Path, str] = {}
        self._code: str | None = None

    def _hash(self, path: Path) -> str:
        if path not in self._hashes:
            self._hashes[path] = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        return self._hashes[path]

    def data_files(self, subject: tuple[str, ...]) -> list[Path]:
        root = self.data.data_dir
        group = set().union(*(self.data.related(a) for a in subject if a in self.data.agreements))
        agreement_dir, layer_dir = root / "agreements", root / "layers"
        names = set().union(*(_strings(self.data.agreements.get(a, {})) for a in group)) | set(
            [self.data.places_layer] if not isinstance(self.data.places_layer, list) else self.data.places_layer)
        if self.data.layers is None:
            layer_files = None  # the catalog cannot be read: every layer counts
        else:
            layer_files = {entry.get("file") for entry in self.data.layers
                           if entry.get("id") in names or entry.get("series") in names}
        chosen = []
        for path in self.data.files:
            if path.parent == agreement_dir and path.suffix == ".yaml":
                if path.stem in group:
                    chosen.append(path)
            elif path.parent == layer_dir and path.suffix == ".geojson":
                if layer_files is None or path.name in layer_files:
                    chosen.append(path)
            else:
                chosen.append(path)
        return chosen

    def of(self, job: Job) -> dict[str, str]:
        if self._code is None:
            self._code = code_version()
        found = {"code": self._code, "notebook": self._hash(job.notebook), "parameters": job.identity}
        for path in self.data_files(job.subject):
            found["data:" + path.relative_to(self.data.data_dir).as_posix()] = self._hash(path)
        return found


def reasons(recorded: dict[str, str] | None, current: dict[str, str], *, data_label: str, notebook: Path) -> list[str]:
    """Why a job must be rebuilt, comparing the inputs recorded when it was last built with the current
    ones; [] if it is up to date."""
    if recorded is None:
        return ["new report"]
    why = []
    if recorded.get("code") != current["code"]:
        why.append("code changed")
    if recorded.get("notebook") != current["notebook"]:
        why.append(f"notebook {notebook.name} changed")
    if recorded.get("parameters") != current["parameters"]:
        why.append("parameters changed")
    if "siblings" in current and recorded.get("siblings") != current["siblings"]:
        why.append("its links to the other reports of its folder changed")
    for name in sorted(set(recorded) | set(current)):
        if not name.startswith("data:") or recorded.get(name) == current.get(name):
            continue
        what = "added" if name not in recorded else "removed" if name not in current else "changed"
        why.append(f"{data_label}/{name[len('data:'):]} {what}")
    return why
