"""Job -> executed notebook -> HTML, in a worker; and the executors that run jobs: local worker
processes (the default) or an existing Dask distributed cluster.

A worker runs each job's notebook with papermill in a **kernel it keeps** for the next jobs (one per
worker thread): the kernel's imports (pandas, geopandas, folium ...) and the dataset it loaded
(:func:`accordmap.load.load_cached`, keyed by the data's hash) are reused, so only the first job of a
worker pays for them. Before each notebook the kernel's namespace is reset, so no value of one job
can reach the next. A kernel that died is replaced. The worker then takes the sections' attached files
out of the notebook (:func:`accordmap.views.attachments.extract`), renders the page and returns both (or the
error and the executed notebook) to the coordinator, which alone writes to ``--out``.

Workers need the package installed (the same version), and the notebooks and the data folder at the
paths the job names (the coordinator's absolute paths): on one machine that always holds; on a
cluster, use a shared file system mounted at the same path.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing import util as mp_util
from pathlib import Path
from typing import Any
from accordmap.publish.jobs import Job
from accordmap.errors import SchedulerError  # noqa: F401 - raised here; defined with every other error
from accordmap.publish.jobs import jsonable


# the first cell of every run on a reused kernel: forget the previous job's names, count cells from 1
_RESET = "get_ipython().reset(new_session=False)\nget_ipython().execution_count = 0"
_RESET_TAG = "accordmap-reset"


@dataclass
class Result:
    ok: bool
    html: str | None = None
    error: str | None = None
    executed: str | None = None  # the executed notebook (JSON) of a failure, to keep under _failed/
    files: dict[str, bytes] | None = None  # files to publish beside the page: name -> bytes (accordmap.views.attachments)
    seconds: float = 0.0
    worker: str = ""


class _Kernels:
    """The kernels of this process, one per thread, kept between jobs until :meth:`shutdown`."""

    def __init__(self) -> None:
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all: list[Any] = []
        self.folders: list[str] = []  # working folders made for kernels started by warm(), removed at shutdown

    def get(self):
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        km = getattr(self._local, "km", None)
        if km is not None and not run_sync(km.is_alive)():
            self._drop(km)
            km = None
        if km is None:  # started by the first notebook client that uses it, in that job's working folder
            km = AsyncKernelManager(kernel_name="python3")
            self._local.km = km
            with self._lock:
                self._all.append(km)
        return km

    def _drop(self, km) -> None:
        from jupyter_core.utils import run_sync

        with self._lock:
            if km in self._all:
                self._all.remove(km)
        self._local.km = None
        try:
            if km.has_kernel:
                run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 - a dead kernel is gone either way
            pass

    def kill(self) -> None:
        """Kill every kernel process of this one at once and remove their folders: no event loop, no
        import, nothing that could wait (what a worker stopped during its warm-up can still do)."""
        import shutil

        for km in list(self._all):
            process = getattr(getattr(km, "provisioner", None), "process", None)
            try:
                if process is not None and process.poll() is None:
                    process.kill()
            except OSError:  # gone already
                pass
        for folder in self.folders:
            shutil.rmtree(folder, ignore_errors=True)

    def shutdown(self) -> None:
        """Stop every kernel of this process (in a thread of its own: the caller may run an event loop)."""
        from jupyter_core.utils import run_sync

        def stop() -> None:
            with self._lock:
                kms, self._all[:] = list(self._all), []
            for km in kms:
                try:
                    if km.has_kernel:
                        run_sync(km.shutdown_kernel)()
                except Exception:  # noqa: BLE001 - best effort at exit
                    pass

        thread = threading.Thread(target=stop)
        thread.start()
        thread.join()
        self._local = threading.local()
        import shutil

        for folder in self.folders:
            shutil.rmtree(folder, ignore_errors=True)
        self.folders.clear()


KERNELS = _Kernels()  # this process's kernels: the reuse across jobs is the point (see the module docstring)
mp_util.Finalize(None, KERNELS.shutdown, exitpriority=10)  # a worker process stops its kernels when it exits


def shutdown_kernels() -> None:
    KERNELS.shutdown()


# the kernel's own log is noise here (see _execute); no input history: kernels running at once share IPython's
# history database, and its "Session/line number was not unique" errors would land in a report's cell output
_KERNEL_ARGS = ["--IPKernelApp.log_level=CRITICAL", "--HistoryManager.enabled=False"]


def _leave(signum: int, frame: Any) -> None:
    """SIGTERM during the warm-up: kill this worker's kernels and leave at once, silently. (Raising
    SystemExit here would surface as an "Exception in initializer" traceback on the user's terminal,
    printed by concurrent.futures, under a build refused for bad data.)"""
    KERNELS.kill()
    os._exit(128 + signum)


def warm(data_dir: str | None) -> None:
    """Make this worker ready before its first job, while the coordinator still checks the data: import the
    papermill/nbconvert stack, start this thread's kernel and, in it, import the report code and load the
    dataset (kept by :func:`accordmap.load.load_cached` for the jobs). Never raises: whatever fails here
    fails again, with its message, in the job that needs it."""
    import tempfile

    from jupyter_core.utils import run_sync

    # stopped by the coordinator (LocalExecutor.abort, a build refused while this worker warmed up): leave at
    # once, killing this process's kernels first (_leave)
    signal.signal(signal.SIGTERM, _leave)
    try:
        import papermill  # noqa: F401

        from accordmap.publish import page  # noqa: F401 - nbconvert, imported while the coordinator checks
        from accordmap.views import attachments  # noqa: F401

        km = KERNELS.get()
        if not km.has_kernel:
            # a folder of its own: no notebook reads or writes relative paths, and --out is not known here
            folder = tempfile.mkdtemp(prefix="accordmap-kernel-")
            KERNELS.folders.append(folder)
            run_sync(km.start_kernel)(extra_arguments=_KERNEL_ARGS, cwd=folder)
        code = "import accordmap.reports.open"
        if data_dir:
            code += f"\nfrom accordmap.load import load_cached\nload_cached({str(data_dir)!r})"
        client = km.client()
        client.start_channels()
        try:
            run_sync(client.wait_for_ready)(timeout=60)
            run_sync(client.execute_interactive)(code, silent=True, store_history=False, timeout=120,
                                                  output_hook=lambda message: None)  # nothing to show
        finally:
            client.stop_channels()
    except Exception:  # noqa: BLE001 - see the docstring
        pass


def _started() -> None:
    """A no-op job: submitting one per worker makes the pool start every worker (and its warm-up) now."""


def _engine():
    """papermill's nbclient engine, on a kernel this process keeps (``km``), with its client closed after."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger

    class ReusedKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                     start_timeout=60, execution_timeout=None, km=None, **kwargs):
            for unused in ("input_path", "timeout", "startup_timeout"):
                kwargs.pop(unused, None)
            client = PapermillNotebookClient(nb_man, km=km, timeout=execution_timeout, startup_timeout=start_timeout,
                                             kernel_name=kernel_name, log=logger, log_output=log_output,
                                             stdout_file=stdout_file, stderr_file=stderr_file, **kwargs)
            try:
                return client.execute()
            finally:
                if client.kc is not None:
                    client.kc.stop_channels()

    papermill_engines.register("accordmap", ReusedKernelEngine)
    return "accordmap"


def _execute(job: Job, executed: list) -> Any:
    import nbformat
    import papermill

    def keep(notebook, **_: Any) -> None:  # the object the kernel's outputs go into
        notebook.metadata.papermill["input_path"] = str(job.notebook)
        executed.append(notebook)

    nb = nbformat.read(job.notebook, as_version=4)
    reset = nbformat.v4.new_code_cell(_RESET, metadata={"tags": [_RESET_TAG, "remove-cell"]})
    nb.cells.insert(0, reset)
    workdir = Path(job.scratch or job.data_dir) / f"kernel-{os.getpid()}-{threading.get_ident()}"
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        nb = papermill.execute_notebook(
            nb, None, parameters={k: jsonable(v) for k, v in job.values.items()},
            engine_name=_engine(), km=KERNELS.get(),
            kernel_name="python3", progress_bar=False, log_output=False,
            # the kernel's own log is noise here (start-up warnings, "KeyboardInterrupt caught in kernel" at
            # shutdown); failures in the notebook are reported from its cells' outputs
            extra_arguments=_KERNEL_ARGS,
            resources={"metadata": {"path": str(workdir)}},
            on_notebook_start=keep,
        )
    finally:
        for notebook in [*executed, nb]:  # the same object, unless papermill copied it
            notebook.cells[:] = [c for c in notebook.cells if _RESET_TAG not in c.get("metadata", {}).get("tags", [])]
    return nb


def run(job: Job) -> Result:
    """Execute and render one job (in a worker); never raises: a failure is in the result."""
    import datetime as dt

    import nbformat
    import papermill

    from accordmap.views import attachments  # weight: in the worker, after the kernel starts
    from accordmap.publish.page import render_report  # weight: nbconvert: in the worker only

    started = time.perf_counter()
    executed: list = []
    worker = f"{os.uname().nodename}:{os.getpid()}"

    def failed(error: str) -> Result:
        return Result(False, error=error, executed=nbformat.writes(executed[-1]) if executed else None,
                      seconds=time.perf_counter() - started, worker=worker)

    try:
        nb = _execute(job, executed)
        files = attachments.extract(nb, job.output)  # out of the notebook: the page links them, never embeds them
        html = render_report(nbformat.from_dict(nb), {
            **job.page, "generated": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")})
    except papermill.PapermillExecutionError as exc:
        cells = [c for c in (executed[-1].cells if executed else []) if c.cell_type == "code"]
        number = next((i for i, c in enumerate(cells, 1)
                       if any(o.get("output_type") == "error" for o in c.get("outputs", []))), exc.exec_count)
        return failed(f"{exc.ename}: {exc.evalue} (code cell {number})")
    except Exception as exc:  # noqa: BLE001 - a kernel or renderer failure fails this report only
        return failed(f"{type(exc).__name__}: {exc}")
    return Result(True, html=html, files=files, seconds=time.perf_counter() - started, worker=worker)


# --- executors ---------------------------------------------------------------------------------------


class LocalExecutor:
    """``workers`` local worker processes (spawned: a clean interpreter, as a Dask worker would be), each
    keeping its imports and its kernel across the jobs it runs. :meth:`start` starts them early, warming
    each one (:func:`warm`) while the caller goes on."""

    def __init__(self, workers: int):
        self.workers = max(1, workers)
        self.where = f"{self.workers} local worker process(es)"
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None

    def start(self, jobs: int, data_dir: Path | str | None = None) -> None:
        """Start the worker processes for ``jobs`` jobs (no more than ``workers``), each warming up on
        ``data_dir``; :meth:`run` uses them. Returns at once.

        Only as many start now as leave one processor to the caller, which checks the data meanwhile (on
        2 cores: one), so a build refused for bad data takes about as long as ``accordmap check``; the
        others start with the first jobs (:meth:`run`)."""
        if self._pool is not None or jobs < 1:
            return
        count = min(self.workers, jobs)
        self._pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=count, mp_context=multiprocessing.get_context("spawn"),
            initializer=warm, initargs=(str(data_dir) if data_dir else None,))
        early = max(1, min(count, (os.cpu_count() or 1) - 1))
        for _ in range(early):  # a spawn-context pool starts a process per submit while none is idle
            self._pool.submit(_started)

    def run(self, jobs: Iterable[Job]) -> Iterator[tuple[Job, Result]]:
        jobs = list(jobs)
        if not jobs:
            return
        self.start(len(jobs))
        futures = {self._pool.submit(run, job): job for job in jobs}
        for future in concurrent.futures.as_completed(futures):
            job = futures[future]
            try:
                yield job, future.result()
            except Exception as exc:  # noqa: BLE001 - e.g. a worker process that was killed
                yield job, Result(False, error=f"the worker failed: {type(exc).__name__}: {exc}")

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def abort(self) -> None:
        """Stop the workers now, without waiting for their warm-up (a build refused after :meth:`start`):
        each leaves through its exit path, which stops its kernel and removes its folder."""
        if self._pool is None:
            return
        # ProcessPoolExecutor has no public way to stop its processes before Python 3.14 (terminate_workers)
        for process in list(getattr(self._pool, "_processes", {}).values()):
            if process.is_alive():
                process.terminate()
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = None


class DaskExecutor:
    """The jobs on an existing Dask distributed cluster (``distributed.Client(address)``); results come
    back to this process, which publishes them."""

    def __init__(self, address: Any, timeout: float = 20):
        try:
            from distributed import Client
        except ImportError:
            raise SchedulerError("--scheduler needs the 'distributed' package (pip install distributed)") from None
        try:
            self.client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise SchedulerError(f"--scheduler {address}: cannot connect: {exc} (expected the address of a running "
                                 "Dask scheduler, e.g. tcp://127.0.0.1:8786)") from None
        self.where = f"the Dask cluster at {self.client.scheduler.address}"

    def start(self, jobs: int, data_dir: Path | str | None = None) -> None:
        """Nothing to start: the cluster's workers are already running (their kernels start with the first job)."""

    def run(self, jobs: Iterable[Job]) -> Iterator[tuple[Job, Result]]:
        from distributed import as_completed

        futures = {self.client.submit(run, job, pure=False, key=f"accordmap-{job.identity}-{os.getpid()}-{i}"): job
                   for i, job in enumerate(jobs)}
        for future in as_completed(list(futures), loop=self.client.loop):
            job = futures[future]
            try:
                yield job, future.result()
            except Exception as exc:  # noqa: BLE001 - a lost worker, a job that could not be unpickled ...
                yield job, Result(False, error=f"the Dask worker failed: {type(exc).__name__}: {exc}")

    def close(self) -> None:
        try:
            self.client.run(shutdown_kernels)  # the kernels this build started on the workers
        finally:
            self.client.close()
