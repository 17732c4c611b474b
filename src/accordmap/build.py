"""The build: check the data and parameters, run each report notebook with papermill, publish
its HTML atomically, and rewrite the index.

Nothing half-written is ever published: a report is written to a temporary file beside its
target and moved into place only when complete. A failed notebook leaves the published report
as it was, and its executed copy (with the traceback) is kept under ``_failed/``.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime as dt
import json
import os
import shlex
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import papermill

from accordmap import params
from accordmap.load import Dataset, load_dataset
from accordmap.paths import DATA_DIR, NOTEBOOKS_DIR, PROJECT_ROOT, REPORTS_DIR
from accordmap.render import render_index, render_report

MANIFEST = "manifest.json"
DEFAULT_JOBS = min(os.cpu_count() or 1, 4)  # one kernel per job; more than 4 rarely helps


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


@dataclass
class Job:
    agreement: str
    report: str
    values: dict[str, Any]  # typed, checked parameters

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

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes)


def plan(dataset: Dataset, agreements: list[str] | None, reports: list[str] | None, raw: dict[str, str]) -> list[Job]:
    """Every (agreement, report) to build, with its parameters checked. Raises ParameterError."""
    reports = reports or list(params.REPORTS)
    for report in reports:
        if report not in params.REPORTS:
            raise params.ParameterError(f"unknown report {report!r}; reports: {', '.join(params.REPORTS)}")
    agreements = agreements or sorted(dataset.agreements)
    for agreement in agreements:
        if agreement not in dataset.agreements:
            raise params.ParameterError(f"agreement {agreement!r} not found; known agreements: {', '.join(sorted(dataset.agreements))}")
    jobs = []
    for agreement in agreements:
        for report in reports:
            accepted = {k: v for k, v in raw.items() if k in params.REPORTS[report]["parameters"]}
            jobs.append(Job(agreement, report, params.resolve(dataset, report, {**accepted, "agreement": agreement})))
    return jobs


def _notebook_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a published page must be readable
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def rebuild_command(job: Job) -> str:
    words = ["accordmap", "build", job.agreement, "--report", job.report]
    for name, value in job.values.items():
        if name != "agreement" and value != params.PARAMETERS[name].default:
            words += ["-p", f"{name}={_notebook_value(value)}"]
    return shlex.join(words)


def run_job(job: Job, dataset: Dataset, out_dir: Path, siblings: list[dict[str, str]]) -> Outcome:
    """Execute and render one report; publish it only if both succeed."""
    started = dt.datetime.now()
    notebook = NOTEBOOKS_DIR / params.REPORTS[job.report]["notebook"]

    def failed(error: str, executed: Path | None) -> Outcome:
        kept = None
        if executed is not None and executed.exists():
            kept = out_dir / "_failed" / job.agreement / f"{job.report}.ipynb"
            kept.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(executed, kept)
        return Outcome(job, False, error=error, failed_notebook=kept,
                       seconds=(dt.datetime.now() - started).total_seconds())

    with tempfile.TemporaryDirectory(prefix="accordmap-") as tmp:
        executed = Path(tmp) / f"{job.agreement}-{job.report}.ipynb"
        try:
            nb = papermill.execute_notebook(
                str(notebook), str(executed),
                parameters={k: _notebook_value(v) for k, v in job.values.items()},
                kernel_name="python3", cwd=str(PROJECT_ROOT), progress_bar=False, log_output=False,
                # the kernel's own start-up warnings (e.g. about its local TCP transport) are noise here
                extra_arguments=["--IPKernelApp.log_level=ERROR"],
            )
            agreement = dataset.agreements[job.agreement]
            html = render_report(nbformat.from_dict(nb), {
                "title": f"{agreement.short_title}: {params.REPORTS[job.report]['title']}",
                "generated": _now(),
                "parameters": {k: ("default" if v is None else _notebook_value(v)) for k, v in job.values.items()},
                "data_version": dataset.version,
                "command": rebuild_command(job),
                "siblings": siblings,
            })
        except papermill.PapermillExecutionError as exc:
            return failed(f"{exc.ename}: {exc.evalue} (cell {exc.exec_count})", executed)
        except Exception as exc:  # noqa: BLE001 - a kernel or renderer failure fails this report only
            return failed(f"{type(exc).__name__}: {exc}", executed)
    target = out_dir / job.relative_path
    _write_atomic(target, html)
    (out_dir / "_failed" / job.agreement / f"{job.report}.ipynb").unlink(missing_ok=True)  # fixed since
    return Outcome(job, True, path=target, seconds=(dt.datetime.now() - started).total_seconds())


def _read_manifest(out_dir: Path) -> dict[str, Any]:
    try:
        return json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_index(dataset: Dataset, out_dir: Path, outcomes: list[Outcome]) -> Path:
    """Record the new reports in the manifest and rewrite index.html from every published report."""
    manifest = _read_manifest(out_dir)
    for outcome in outcomes:
        if outcome.ok and outcome.path:
            manifest[outcome.job.relative_path] = {
                "agreement": outcome.job.agreement, "report": outcome.job.report,
                "generated": _now(),
                "data_version": dataset.version,
            }
    manifest = {k: v for k, v in manifest.items() if (out_dir / k).exists()}
    _write_atomic(out_dir / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True))
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
    index = out_dir / "index.html"
    _write_atomic(index, render_index(agreements, _now(),
                                      dataset.version))
    return index


def build(
    agreements: list[str] | None = None,
    reports: list[str] | None = None,
    raw_parameters: dict[str, str] | None = None,
    out_dir: Path | str = REPORTS_DIR,
    data_dir: Path | str = DATA_DIR,
    progress=lambda message: None,
    jobs: int = DEFAULT_JOBS,
) -> BuildSummary:
    """Check everything first (raises DataErrors / ParameterError before any notebook runs), then build
    ``jobs`` reports at a time."""
    dataset = load_dataset(data_dir)
    planned = plan(dataset, agreements, reports, raw_parameters or {})
    out_dir = Path(out_dir)
    summary = BuildSummary()
    with _kernel_data_dir(Path(data_dir)):
        _run_jobs(planned, dataset, out_dir, summary, progress, jobs)
    summary.index = write_index(dataset, out_dir, summary.outcomes)
    return summary


@contextlib.contextmanager
def _kernel_data_dir(data_dir: Path):
    """Notebook kernels inherit the environment: point them at the data folder being built."""
    previous = os.environ.get("ACCORDMAP_DATA_DIR")
    os.environ["ACCORDMAP_DATA_DIR"] = str(data_dir.resolve())
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("ACCORDMAP_DATA_DIR", None)
        else:
            os.environ["ACCORDMAP_DATA_DIR"] = previous


def _run_jobs(jobs: list[Job], dataset: Dataset, out_dir: Path, summary: BuildSummary, progress, workers: int) -> None:
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
        outcome = run_job(job, dataset, out_dir, siblings)
        say(f"  {'ok' if outcome.ok else 'FAILED'} {job.relative_path} in {outcome.seconds:.1f} s"
                 + (f": {outcome.error}" if outcome.error else ""))
        return outcome

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        summary.outcomes.extend(pool.map(one, jobs))
