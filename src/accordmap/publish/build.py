"""The build: plan the jobs, decide which are out of date, check the data, the parameters and the
folders, run the jobs on workers, publish each page atomically, and rewrite the manifest and the index.

Every path is made absolute once, before anything runs; nothing here depends on the process's
working directory, and nothing changes it. Jobs (:mod:`accordmap.publish.jobs`) carry everything a worker
needs; the workers (:mod:`accordmap.publish.runner`: local processes, or a Dask cluster with ``scheduler``)
execute and render, and only this process, the coordinator, writes to the output folder.

**Incremental.** The manifest records the hashes of each report's inputs (:class:`accordmap.publish.jobs.Inputs`:
the code, the notebook, the parameter values and the data files it reads). A report whose inputs are
unchanged and whose file exists is skipped; the others are rebuilt, and the build says why
(``data/agreements/sochi-2018.yaml changed``, ``new report``, ``parameters changed``, ``code changed``,
``notebook ... changed``). ``force`` rebuilds everything, ``dry_run`` only reports the plan. The data
folder is checked (:func:`accordmap.load.load_dataset`) whenever something is rebuilt or the data
changed since its last check, so a build that has nothing to do reads no more than the files' bytes
and imports neither papermill, nbconvert nor geopandas.

The output folder is checked first (a folder, or creatable, and writable) and then locked for the
whole build (``.accordmap.lock`` inside it), so two builds into one folder take turns and neither
loses the other's entries in the manifest; the plan is made again under the lock. Scratch (the
kernels' working folders) lives in ``.accordmap-tmp/`` inside the output folder, never in the system
temp folder; scratch and temporary files left by a killed build are removed at start-up, under the
lock, and scratch again at the end.

Nothing half-written is ever published: each file is written to a temporary file beside its
target, synced, and moved into place only when complete. A failed notebook, or a report that
could not be written (a full disk), leaves the published report as it was; the executed copy of a
failed notebook (with the traceback) is kept under ``_failed/``. The manifest and the index list
only reports that exist.

**Files beside a report** (:mod:`accordmap.views.attachments`: zones as GeoJSON and GeoPackage, tables as
CSV) are published with their page, as one set: all are written to temporary files first, then moved
into place, the page last; if any cannot be written, the page and its previous files stay as they
were. The manifest lists each report's files; a rebuild removes those the new page no longer has, an
up-to-date report keeps them, and a missing one rebuilds its report. A file name is made by code
(``<report>.<key>.<extension>`` beside ``<report>.html``) and never lands outside ``--out``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from accordmap.views import attachments
from accordmap.publish import index as site_index
from accordmap.publish import jobs as joblib
from accordmap import params
from accordmap.dataset import data_version
from accordmap.publish.jobs import Job, jsonable
from accordmap.paths import DATA_DIR, NOTEBOOKS_DIR, REPORTS_DIR
from accordmap.publish.progress import Lines
from accordmap.errors import FolderError  # noqa: F401 - raised here; defined with every other error
from accordmap.publish.folder import (
    FAILED_DIR, SCRATCH_DIR, check_output_folder, locked, remove_leftovers, why, write_all_atomic,
    write_atomic,
)


MANIFEST = site_index.MANIFEST
INDEX = site_index.INDEX
DEFAULT_JOBS = min(os.cpu_count() or 1, 4)  # one worker process (and kernel) each; more than 4 rarely helps

__all__ = ["Job", "build", "BuildSummary", "Outcome", "Decision", "FolderError"]


@dataclass
class Outcome:
    job: Job
    ok: bool
    path: Path | None = None
    error: str | None = None
    failed_notebook: Path | None = None
    seconds: float = 0.0
    files: list[str] = field(default_factory=list)  # the files published beside the page, relative to --out


@dataclass
class Decision:
    job: Job
    reasons: list[str]  # why it is (re)built; [] if it is up to date


@dataclass
class BuildSummary:
    decisions: list[Decision] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    index: Path | None = None
    index_error: str | None = None  # why the manifest and index could not be updated
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return self.index_error is None and all(o.ok for o in self.outcomes)


def rebuild_command(job: Job) -> str:
    """The command that builds this report again (``--data`` only when it is not the project's data/).
    For a report of a sweep it names the parameter values; the file it writes has the plain name."""
    words = ["accordmap", "build", job.folder, "--report", job.report]
    if job.data_dir != DATA_DIR.resolve():
        words += ["--data", str(job.data_dir)]
    for name, value in job.values.items():
        if (name not in site_index.SUBJECT_PARAMETERS and not params.PARAMETERS[name].internal
                and value != params.PARAMETERS[name].default):
            words += ["-p", f"{name}={jsonable(value)}"]
    return shlex.join(words)


def read_manifest(out_dir: Path) -> dict[str, Any]:
    return site_index.read_manifest(out_dir)


def check_notebooks(jobs: list[Job], notebooks_dir: Path) -> None:
    """Every planned report's notebook exists. Raises FolderError."""
    missing = sorted({job.notebook.name for job in jobs if not job.notebook.is_file()})
    if missing:
        raise FolderError(f"--notebooks {notebooks_dir}: {', '.join(missing)} not found "
                          f"(expected a folder with the report notebooks: {', '.join(r['notebook'] for r in params.REPORTS.values())})")


def decide(planned: list[Job], manifest: dict[str, Any], current: dict[str, dict[str, str]], out_dir: Path, *,
           force: bool, data_label: str) -> list[Decision]:
    """For each job, why it must be built ([] if its recorded inputs equal the current ones and its file exists)."""
    decisions = []
    for job in planned:
        entry = manifest.get(job.output)
        if entry is not None and not (out_dir / job.output).is_file():
            why = ["its published file is missing"]
        elif entry is not None and (gone := [f for f in _recorded_files(entry, job.output) if not (out_dir / f).is_file()]):
            why = [f"its published file {gone[0]} is missing"]
        elif entry is not None and not isinstance(entry.get("inputs"), dict):
            why = ["no record of its inputs (built by an older accordmap)"]
        else:
            why = joblib.reasons(entry["inputs"] if entry else None, current[job.output], data_label=data_label,
                                 notebook=job.notebook)
        decisions.append(Decision(job, why or (["--force"] if force else [])))
    return decisions


def _siblings(job: Job, planned: set[str], out_dir: Path) -> list[dict[str, str]]:
    """Links to the other reports in the job's folder that this build makes or that are already published."""
    return [{"href": f"{report}.html", "title": entry["title"]} for report, entry in params.REPORTS.items()
            if report != job.report and (f"{job.folder}/{report}.html" in planned
                                         or (out_dir / job.folder / f"{report}.html").is_file())]


def _variant_label(job: Job) -> str:
    return ", ".join(f"{name} = {jsonable(value)}" for name, value in job.variant)


def _page(job: Job, dataset, planned: set[str], out_dir: Path) -> dict[str, Any]:
    """What the page shows besides the notebook: title, footer (parameters, data version, command), links."""
    title = f"{dataset.agreements[job.folder].short_title}: {params.REPORTS[job.report]['title']}"
    return {
        "title": title + (f" ({_variant_label(job)})" if job.variant else ""),
        "parameters": {k: ("default" if v is None else jsonable(v)) for k, v in job.values.items()
                       if not params.PARAMETERS[k].internal},  # data_dir names a folder on the building machine
        "data_version": dataset.version,
        "command": rebuild_command(job),
        "siblings": _siblings(job, planned, out_dir),
    }


def _recorded_files(entry: dict[str, Any] | None, output: str) -> list[str]:
    """The attached files a manifest entry lists for the report at ``output``; a name this build would not
    make for that report (a hand-edited manifest: ``../x``, another report's file) is ignored."""
    files = (entry or {}).get("files")
    return [f for f in files if attachments.belongs(f, output)] if isinstance(files, list) else []


def _entry(job: Job, dataset, inputs: dict[str, str], version: str, files: list[str] | None = None) -> dict[str, Any]:
    agreement = dataset.agreements[job.folder]
    registry = params.REPORTS[job.report]
    return {
        "agreement": job.folder, "report": job.report, "subject": list(job.subject),
        "parameters": job.public_values, "variant": {k: jsonable(v) for k, v in job.variant},
        "title": registry["title"] + (f" ({_variant_label(job)})" if job.variant else ""),
        "summary": registry.get("summary", ""),
        "agreement_short_title": agreement.short_title, "agreement_title": agreement.title,
        "agreement_date": str(agreement.date_signed), "agreement_amends": agreement.amends,
        "agreement_summary": agreement.summary,
        "generated": site_index.now(), "data_version": version, "checked": version, "inputs": inputs,
        "files": list(files or []),
    }


def write_index(out_dir: Path, manifest: dict[str, Any], data_version_now: str) -> Path:
    """Write the manifest, then index.html from it; both list only reports that exist.

    Call it with the output folder locked. The manifest is written first: if the index then cannot be
    written, the next build rewrites it from the manifest. Raises OSError if a file cannot be written
    (each stays whole: the old one or the new one)."""
    manifest = {k: v for k, v in manifest.items() if (out_dir / k).is_file()}
    index_html = site_index.render_index(site_index.index_sections(out_dir, manifest), site_index.now(), data_version_now)
    write_atomic(out_dir / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True))
    index = out_dir / INDEX
    write_atomic(index, index_html)
    return index


def _as_lists(raw: dict[str, Any] | None) -> dict[str, list[str]]:
    return {k: [str(x) for x in v] if isinstance(v, (list, tuple)) else [str(v)] for k, v in (raw or {}).items()}


def build(
    agreements: list[str] | None = None,
    reports: list[str] | None = None,
    raw_parameters: dict[str, str | list[str]] | None = None,
    out_dir: Path | str = REPORTS_DIR,
    data_dir: Path | str = DATA_DIR,
    notebooks_dir: Path | str = NOTEBOOKS_DIR,
    progress: Callable[[str], None] | Lines = lambda message: None,
    jobs: int = DEFAULT_JOBS,
    *,
    sweep: list[dict[str, str]] | None = None,
    force: bool = False,
    dry_run: bool = False,
    scheduler: Any = None,
) -> BuildSummary:
    """Plan, decide and check everything first (raises DataErrors, ParameterError, FolderError or
    runner.SchedulerError before any notebook runs), then build what is out of date, ``jobs`` at a
    time on local worker processes, or on the Dask cluster at ``scheduler``.

    ``raw_parameters``: name -> a value or a list of values (a list sweeps); ``sweep``: parameter sets."""
    reporter = progress if isinstance(progress, Lines) else Lines(progress)
    try:  # relative paths are read against it
        os.getcwd()
    except FileNotFoundError:
        raise FolderError("the current folder no longer exists (expected to be run from an existing folder: "
                          "cd to one and run again)") from None
    out_dir, data_dir, notebooks_dir = (Path(p).resolve() for p in (out_dir, data_dir, notebooks_dir))
    data = joblib.scan(data_dir)
    planned = joblib.plan(data, agreements, reports, _as_lists(raw_parameters), sweep or [], notebooks_dir=notebooks_dir)
    check_notebooks(planned, notebooks_dir)
    version = data_version(data.files, data_dir)
    inputs = joblib.Inputs(data)
    current = {job.output: inputs.of(job) for job in planned}
    outputs = {job.output for job in planned}
    for job in planned:  # a page links the other reports of its folder: a report added or gone rebuilds it
        current[job.output]["siblings"] = " ".join(s["href"] for s in _siblings(job, outputs, out_dir))

    def plan_now() -> tuple[list[Decision], dict[str, Any]]:
        manifest = read_manifest(out_dir) if out_dir.is_dir() else {}
        return decide(planned, manifest, current, out_dir, force=force, data_label=data_dir.name), manifest

    checked: list[Any] = []  # the dataset, once loaded and checked with every planned job's parameters

    def check() -> Any:
        if not checked:
            from accordmap.load import load_dataset  # weight: pandas, geopandas: not for a no-op build

            dataset = load_dataset(data_dir)
            for job in planned:
                params.resolve(dataset, job.report, job.values)
            checked.append(dataset)
        return checked[0]

    decisions, manifest = plan_now()
    executor = None
    if not (dry_run or scheduler) and any(d.reasons for d in decisions):
        from accordmap.publish import runner  # weight: papermill: only when something is built

        # the worker processes start and warm up (imports, kernel, dataset) while this process checks the data
        executor = runner.LocalExecutor(jobs)
        executor.start(sum(1 for d in decisions if d.reasons), data_dir)
    try:
        if any(d.reasons for d in decisions) or any(manifest.get(j.output, {}).get("checked") != version for j in planned):
            try:
                check()
            except BaseException:
                if executor is not None:  # refused: as fast as `accordmap check`, not after the workers warmed up
                    executor.abort()
                    executor = None
                raise
        summary = BuildSummary(decisions=decisions, dry_run=dry_run)
        if dry_run:
            _say_plan(reporter, decisions, dry_run=True)
            return summary
        check_output_folder(out_dir)
        with locked(out_dir, reporter):
            remove_leftovers(out_dir)
            try:
                decisions, manifest = plan_now()  # again: another build may have published while this one waited
                summary.decisions = decisions
                todo = [d.job for d in decisions if d.reasons]
                if todo:
                    dataset = check()
                    if executor is None:
                        from accordmap.publish import runner  # weight: papermill: only when something is built

                        executor = runner.DaskExecutor(scheduler) if scheduler else runner.LocalExecutor(jobs)
                _say_plan(reporter, decisions, dry_run=False)
                before = json.dumps(manifest, sort_keys=True)
                if todo:
                    _run(todo, dataset, out_dir, executor, reporter, summary, manifest, current, version,
                         planned={j.output for j in planned})
                if checked:  # the data passed the check at this version
                    for entry in manifest.values():
                        entry["checked"] = version
                manifest = {k: v for k, v in manifest.items() if (out_dir / k).is_file()}
                if todo or json.dumps(manifest, sort_keys=True) != before or not (out_dir / INDEX).is_file():
                    try:
                        summary.index = write_index(out_dir, manifest, version)
                    except OSError as exc:
                        summary.index_error = f"could not update {out_dir / MANIFEST} and {out_dir / INDEX}: {why(exc)}"
                else:
                    summary.index = out_dir / INDEX
            finally:
                shutil.rmtree(out_dir / SCRATCH_DIR, ignore_errors=True)
    finally:
        if executor is not None:
            executor.close()
    return summary


def _say_plan(reporter: Lines, decisions: list[Decision], *, dry_run: bool) -> None:
    todo = [d for d in decisions if d.reasons]
    for decision in todo:
        reporter.line(f"{'would build' if dry_run else 'build'} {decision.job.output}: {'; '.join(decision.reasons)}")
    fresh = [d.job.output for d in decisions if not d.reasons]
    if dry_run:
        for output in fresh:
            reporter.line(f"skip {output}: up to date")
        reporter.line(f"dry run: {len(todo)} report(s) would be built, {len(fresh)} up to date; nothing was built.")
    elif fresh:
        reporter.line(f"{len(fresh)} report(s) up to date, not rebuilt (--force rebuilds them)")


def _run(todo: list[Job], dataset, out_dir: Path, executor, reporter: Lines, summary: BuildSummary,
         manifest: dict[str, Any], current: dict[str, dict[str, str]], version: str, planned: set[str]) -> None:
    """Run the jobs on the executor and publish each result as it arrives (only here: the coordinator)."""
    scratch = out_dir / SCRATCH_DIR
    scratch.mkdir(parents=True, exist_ok=True)
    ready = [replace(job, scratch=scratch, page=_page(job, dataset, planned, out_dir)) for job in todo]
    reporter.start(len(ready), executor.where)
    try:
        for job, result in executor.run(ready):
            outcome = _publish(job, result, out_dir, previous=_recorded_files(manifest.get(job.output), job.output))
            if outcome.ok:
                manifest[job.output] = _entry(job, dataset, current[job.output], version, outcome.files)
            summary.outcomes.append(outcome)
            reporter.finished(job.output, outcome.ok, outcome.seconds, outcome.error)
    finally:
        reporter.close()
    order = {job.output: i for i, job in enumerate(todo)}
    summary.outcomes.sort(key=lambda o: order[o.job.output])


def _publish(job: Job, result, out_dir: Path, previous: list[str] = ()) -> Outcome:
    """Write a worker's page and the files beside it (or keep its failed notebook) atomically: the
    published page and files stay as they were unless all the new ones are written whole. Files of the
    previous publication (``previous``) that the new one no longer has are then removed."""
    kept = out_dir / FAILED_DIR / job.failed_copy
    if not result.ok:
        saved, error = None, result.error or "failed"
        if result.executed:
            try:
                write_atomic(kept, result.executed)
                saved = kept
            except OSError as exc:
                error += f" (the executed notebook could not be kept in {kept}: {why(exc)})"
        return Outcome(job, False, error=error, failed_notebook=saved, seconds=result.seconds)
    target = out_dir / job.output
    try:
        files = {attachments.published_path(job.output, name): data for name, data in (result.files or {}).items()}
    except attachments.AttachmentError as exc:
        return Outcome(job, False, error=str(exc), seconds=result.seconds)
    root = out_dir.resolve()
    if any(root not in (out_dir / path).resolve().parents for path in files):  # e.g. the report's folder is a link out
        return Outcome(job, False, error=f"{job.folder}: the files beside the report would land outside {out_dir}",
                       seconds=result.seconds)
    try:  # the files first, the page last: the page never links a file that is not there
        write_all_atomic({**{out_dir / path: data for path, data in files.items()}, target: result.html})
    except OSError as exc:  # e.g. a full disk: the published report and its files, if any, stay as they were
        return Outcome(job, False, error=f"could not write {exc.filename or target}: {why(exc)}", seconds=result.seconds)
    for stale in set(previous) - set(files):  # files the new page no longer has
        with contextlib.suppress(OSError):
            (out_dir / stale).unlink(missing_ok=True)
    with contextlib.suppress(OSError):  # a stale copy of a failure that is now fixed; harmless if it stays
        kept.unlink(missing_ok=True)
    return Outcome(job, True, path=target, seconds=result.seconds, files=sorted(files))
