"""The build: check the data, the parameters and the folders, run each report notebook with
papermill, publish its HTML atomically, and rewrite the manifest and the index.

Every path is made absolute once, before anything runs; nothing here depends on the process's
working directory, and nothing changes it: papermill is given notebook objects, not paths, and
each job's kernel starts in its own working folder and gets its data folder as the notebook
parameter ``data_dir`` (never through the environment).

The output folder is checked first (a folder, or creatable, and writable) and then locked for
the whole build (``.accordmap.lock`` inside it), so two builds into one folder take turns and
neither loses the other's entries in the manifest. Scratch (each kernel's working folder) lives
in ``.accordmap-tmp/`` inside the output folder, never in the system temp folder; scratch and
temporary files left by a killed build are removed at start-up, under the lock, and scratch again
at the end.

Nothing half-written is ever published: each file is written to a temporary file beside its
target, synced, and moved into place only when complete. A failed notebook, or a report that
could not be written (a full disk), leaves the published report as it was; the executed copy of a
failed notebook (with the traceback) is kept under ``_failed/``. The manifest and the index list
only reports that exist.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime as dt
import fcntl
import json
import os
import re
import shlex
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import papermill

from accordmap import params
from accordmap.load import Dataset, load_dataset
from accordmap.paths import DATA_DIR, NOTEBOOKS_DIR, REPORTS_DIR
from accordmap.render import render_index, render_report

MANIFEST = "manifest.json"
INDEX = "index.html"
FAILED_DIR = "_failed"
LOCK_FILE = ".accordmap.lock"
SCRATCH_DIR = ".accordmap-tmp"
_REPORT_PATH = re.compile(r"[a-z0-9_-]+/[a-z0-9_-]+\.html")  # <agreement>/<report>.html: ids as in the data
TMP_PATTERN = ".*.*.tmp"  # what _write_atomic names its temporary files: .<name>.<random>.tmp
DEFAULT_JOBS = min(os.cpu_count() or 1, 4)  # one kernel per job; more than 4 rarely helps

Progress = Callable[[str], None]


class FolderError(ValueError):
    """A folder given to the build (--out, --notebooks) cannot be used; nothing was built."""


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


@dataclass(frozen=True)
class Job:
    """One report to build: everything its kernel needs, as absolute paths."""

    agreement: str
    report: str
    values: dict[str, Any]  # typed, checked parameters
    notebook: Path
    data_dir: Path

    @property
    def relative_path(self) -> str:
        return f"{self.agreement}/{self.report}.html"


@dataclass
class Outcome:
    job: Job
    ok: bool
    path: Path | None = None
    error: str | None = None
    failed_notebook: Path | None = None
    seconds: float = 0.0


@dataclass
class BuildSummary:
    outcomes: list[Outcome] = field(default_factory=list)
    index: Path | None = None
    index_error: str | None = None  # why the manifest and index could not be updated

    @property
    def ok(self) -> bool:
        return self.index_error is None and all(o.ok for o in self.outcomes)


def plan(dataset: Dataset, agreements: list[str] | None, reports: list[str] | None, raw: dict[str, str], *,
         notebooks_dir: Path, data_dir: Path) -> list[Job]:
    """Every (agreement, report) to build, once each, with its parameters checked. Raises ParameterError."""
    reports = list(dict.fromkeys(reports or params.REPORTS))
    for report in reports:
        if report not in params.REPORTS:
            raise params.ParameterError(f"unknown report {report!r}; reports: {', '.join(params.REPORTS)}")
    agreements = list(dict.fromkeys(agreements or sorted(dataset.agreements)))
    for agreement in agreements:
        if agreement not in dataset.agreements:
            raise params.ParameterError(f"agreement {agreement!r} not found; known agreements: {', '.join(sorted(dataset.agreements))}")
    jobs = []
    for agreement in agreements:
        for report in reports:
            accepted = {k: v for k, v in raw.items() if k in params.REPORTS[report]["parameters"]}
            jobs.append(Job(agreement, report, params.resolve(dataset, report, {**accepted, "agreement": agreement, "data_dir": str(data_dir)}),
                            notebook=notebooks_dir / params.REPORTS[report]["notebook"], data_dir=data_dir))
    return jobs


def _notebook_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _write_atomic(path: Path, text: str) -> None:
    """Write ``path`` whole or not at all: a synced temporary file beside it, then an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())  # a full disk or a failing device is reported here, not after the rename
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a published page must be readable
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _why(error: OSError) -> str:
    return error.strerror or str(error)


def rebuild_command(job: Job) -> str:
    """The command that builds this report again (``--data`` only when it is not the project's data/)."""
    words = ["accordmap", "build", job.agreement, "--report", job.report]
    if job.data_dir != DATA_DIR.resolve():
        words += ["--data", str(job.data_dir)]
    for name, value in job.values.items():
        if name != "agreement" and not params.PARAMETERS[name].internal and value != params.PARAMETERS[name].default:
            words += ["-p", f"{name}={_notebook_value(value)}"]
    return shlex.join(words)


def _execute(job: Job, workdir: Path, executed: list[nbformat.NotebookNode]) -> nbformat.NotebookNode:
    """Run the job's notebook with papermill in its own kernel; ``executed`` gets the notebook being
    executed, so that it can be kept if execution fails.

    papermill gets and returns notebook objects, never paths: its file I/O and its ``cwd=`` change
    the working directory of this whole process while other jobs run. The kernel starts in
    ``workdir`` (nbclient's ``resources.metadata.path``); the data folder is the ``data_dir`` parameter.
    """
    def keep(notebook: nbformat.NotebookNode, **_: Any) -> None:  # the object the kernel's outputs go into
        notebook.metadata.papermill["input_path"] = str(job.notebook)  # papermill stored the input object
        executed.append(notebook)

    return papermill.execute_notebook(
        nbformat.read(job.notebook, as_version=4), None,
        parameters={k: _notebook_value(v) for k, v in job.values.items()},
        kernel_name="python3", progress_bar=False, log_output=False,
        # the kernel's own log is noise here: start-up warnings (its local TCP transport), and "KeyboardInterrupt
        # caught in kernel", as jupyter_client interrupts every kernel before shutting it down. Failures in the
        # notebook itself are reported from its cells' outputs.
        extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
        resources={"metadata": {"path": str(workdir)}},
        on_notebook_start=keep,
    )


def run_job(job: Job, dataset: Dataset, out_dir: Path, workdir: Path, siblings: list[dict[str, str]]) -> Outcome:
    """Execute (in a kernel working in ``workdir``) and render one report; publish it only if both
    succeed and it is written whole."""
    started = dt.datetime.now()
    kept = out_dir / FAILED_DIR / job.agreement / f"{job.report}.ipynb"
    executed: list[nbformat.NotebookNode] = []

    def seconds() -> float:
        return (dt.datetime.now() - started).total_seconds()

    def failed(error: str) -> Outcome:
        saved = None
        if executed:
            try:
                _write_atomic(kept, nbformat.writes(executed[-1]))
                saved = kept
            except OSError as exc:
                error += f" (the executed notebook could not be kept in {kept}: {_why(exc)})"
        return Outcome(job, False, error=error, failed_notebook=saved, seconds=seconds())

    try:
        workdir.mkdir(parents=True, exist_ok=True)
        nb = _execute(job, workdir, executed)
        agreement = dataset.agreements[job.agreement]
        html = render_report(nbformat.from_dict(nb), {
            "title": f"{agreement.short_title}: {params.REPORTS[job.report]['title']}",
            "generated": _now(),
            "parameters": {k: ("default" if v is None else _notebook_value(v)) for k, v in job.values.items()
                           if not params.PARAMETERS[k].internal},  # data_dir names a folder on the building machine
            "data_version": dataset.version,
            "command": rebuild_command(job),
            "siblings": siblings,
        })
    except papermill.PapermillExecutionError as exc:
        return failed(f"{exc.ename}: {exc.evalue} (cell {exc.exec_count})")
    except Exception as exc:  # noqa: BLE001 - a kernel or renderer failure fails this report only
        return failed(f"{type(exc).__name__}: {exc}")
    target = out_dir / job.relative_path
    try:
        _write_atomic(target, html)
    except OSError as exc:  # e.g. a full disk: the published report, if any, stays as it was
        return Outcome(job, False, error=f"could not write {target}: {_why(exc)}", seconds=seconds())
    with contextlib.suppress(OSError):  # a stale copy of a failure that is now fixed; harmless if it stays
        kept.unlink(missing_ok=True)
    return Outcome(job, True, path=target, seconds=seconds())


def _read_manifest(out_dir: Path) -> dict[str, Any]:
    """The recorded reports; an unreadable manifest, or an entry that is not ``<agreement>/<report>.html``
    with its fields, counts as absent (the next write drops it)."""
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(manifest, dict):
        return {}
    return {path: entry for path, entry in manifest.items()
            if isinstance(entry, dict) and all(isinstance(entry.get(f), str) for f in ("agreement", "report", "generated"))
            and _REPORT_PATH.fullmatch(path) and path == f"{entry['agreement']}/{entry['report']}.html"}


def write_index(dataset: Dataset, out_dir: Path, outcomes: list[Outcome]) -> Path:
    """Record the new reports in the manifest and rewrite index.html from every published report.

    Call it with the output folder locked. The manifest is written first: if the index then cannot be
    written, the next build rewrites it from the manifest. Both list only reports that exist.
    Raises OSError if a file cannot be written (each stays whole: the old one or the new one)."""
    manifest = _read_manifest(out_dir)
    for outcome in outcomes:
        if outcome.ok and outcome.path:
            manifest[outcome.job.relative_path] = {
                "agreement": outcome.job.agreement, "report": outcome.job.report,
                "generated": _now(),
                "data_version": dataset.version,
            }
    manifest = {k: v for k, v in manifest.items() if (out_dir / k).is_file()}
    agreements = []
    for agreement_id in sorted({v["agreement"] for v in manifest.values()}):
        agreement = dataset.agreements.get(agreement_id)
        entries = [(k, v) for k, v in manifest.items() if v["agreement"] == agreement_id]
        order = list(params.REPORTS)
        entries.sort(key=lambda kv: order.index(kv[1]["report"]) if kv[1]["report"] in order else len(order))
        agreements.append({
            "short_title": agreement.short_title if agreement else agreement_id,
            "title": agreement.title if agreement else "(no longer in the data)",
            "date": str(agreement.date_signed) if agreement else "",
            "reports": [{
                "href": path, "title": params.REPORTS.get(entry["report"], {}).get("title", entry["report"]),
                "summary": params.REPORTS.get(entry["report"], {}).get("summary", ""),
                "generated": entry["generated"], "size": f"{(out_dir / path).stat().st_size / 1e6:.2f} MB",
            } for path, entry in entries],
        })
    index_html = render_index(agreements, _now(), dataset.version)
    _write_atomic(out_dir / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True))
    index = out_dir / INDEX
    _write_atomic(index, index_html)
    return index


def check_notebooks(jobs: list[Job], notebooks_dir: Path) -> None:
    """Every planned report's notebook exists. Raises FolderError."""
    missing = sorted({job.notebook.name for job in jobs if not job.notebook.is_file()})
    if missing:
        raise FolderError(f"--notebooks {notebooks_dir}: {', '.join(missing)} not found "
                          f"(expected a folder with the report notebooks: {', '.join(r['notebook'] for r in params.REPORTS.values())})")


def check_output_folder(out_dir: Path) -> None:
    """``out_dir`` is a folder (created if missing) where files can be written. Raises FolderError."""
    if out_dir.exists() and not out_dir.is_dir():
        raise FolderError(f"--out {out_dir}: is a file, not a folder (expected a folder, or a path where one can be created)")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FolderError(f"--out {out_dir}: cannot create the folder: {_why(exc)} "
                          "(expected a folder, or a path where one can be created)") from None
    try:  # a real write, synced: the only reliable test of permissions, read-only mounts and free space
        fd, probe = tempfile.mkstemp(dir=out_dir, prefix=".accordmap-probe.", suffix=".tmp")  # as TMP_PATTERN
        try:
            os.write(fd, b"x" * 4096)
            os.fsync(fd)
        finally:
            os.close(fd)
            Path(probe).unlink(missing_ok=True)
    except OSError as exc:
        raise FolderError(f"--out {out_dir}: cannot write there: {_why(exc)} (expected a writable folder with free space)") from None


@contextlib.contextmanager
def _locked(out_dir: Path, progress: Progress) -> Iterator[None]:
    """Hold the output folder's lock; say so if another build holds it, and wait for it."""
    try:
        handle = open(out_dir / LOCK_FILE, "a")  # noqa: SIM115 - held open for the whole build
    except OSError as exc:
        raise FolderError(f"--out {out_dir}: cannot create its lock file {LOCK_FILE}: {_why(exc)} "
                          "(expected a writable folder)") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            progress(f"waiting for another build into {out_dir} to finish ...")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_leftovers(out_dir: Path) -> None:
    """Scratch and temporary files a killed build left behind. Only with the folder locked."""
    shutil.rmtree(out_dir / SCRATCH_DIR, ignore_errors=True)
    for pattern in (TMP_PATTERN, f"*/{TMP_PATTERN}", f"{FAILED_DIR}/*/{TMP_PATTERN}"):
        for path in out_dir.glob(pattern):
            with contextlib.suppress(OSError):
                path.unlink()


def build(
    agreements: list[str] | None = None,
    reports: list[str] | None = None,
    raw_parameters: dict[str, str] | None = None,
    out_dir: Path | str = REPORTS_DIR,
    data_dir: Path | str = DATA_DIR,
    notebooks_dir: Path | str = NOTEBOOKS_DIR,
    progress: Progress = lambda message: None,
    jobs: int = DEFAULT_JOBS,
) -> BuildSummary:
    """Check everything first (raises DataErrors, ParameterError or FolderError before any notebook
    runs), then build ``jobs`` reports at a time with the output folder locked."""
    try:  # relative paths are read against it, and papermill asks for it (it does not use it here)
        os.getcwd()
    except FileNotFoundError:
        raise FolderError("the current folder no longer exists (expected to be run from an existing folder: "
                          "cd to one and run again)") from None
    out_dir, data_dir, notebooks_dir = (Path(p).resolve() for p in (out_dir, data_dir, notebooks_dir))
    dataset = load_dataset(data_dir)
    planned = plan(dataset, agreements, reports, raw_parameters or {}, notebooks_dir=notebooks_dir, data_dir=data_dir)
    check_notebooks(planned, notebooks_dir)
    check_output_folder(out_dir)
    summary = BuildSummary()
    with _locked(out_dir, progress):
        _remove_leftovers(out_dir)
        try:
            _run_jobs(planned, dataset, out_dir, summary, progress, jobs)
            try:
                summary.index = write_index(dataset, out_dir, summary.outcomes)
            except OSError as exc:
                summary.index_error = f"could not update {out_dir / MANIFEST} and {out_dir / INDEX}: {_why(exc)}"
        finally:
            shutil.rmtree(out_dir / SCRATCH_DIR, ignore_errors=True)
    return summary


def _run_jobs(jobs: list[Job], dataset: Dataset, out_dir: Path, summary: BuildSummary, progress: Progress,
              workers: int) -> None:
    """Run the jobs, ``workers`` at a time: each is a separate kernel, so threads only wait on them."""
    planned = {(job.agreement, job.report) for job in jobs}
    lock = threading.Lock()

    def say(message: str) -> None:
        with lock:  # one whole line at a time from the worker threads
            progress(message)

    def one(job: Job) -> Outcome:
        # link the agreement's other reports that this build makes or that are already published
        siblings = [{"href": f"{r}.html", "title": params.REPORTS[r]["title"]}
                    for r in params.REPORTS if r != job.report
                    and ((job.agreement, r) in planned or (out_dir / job.agreement / f"{r}.html").exists())]
        say(f"building {job.relative_path} ...")
        outcome = run_job(job, dataset, out_dir, out_dir / SCRATCH_DIR / job.agreement / job.report, siblings)
        say(f"  {'ok' if outcome.ok else 'FAILED'} {job.relative_path} in {outcome.seconds:.1f} s"
            + (f": {outcome.error}" if outcome.error else ""))
        return outcome

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        summary.outcomes.extend(pool.map(one, jobs))
