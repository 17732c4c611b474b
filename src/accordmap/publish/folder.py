"""The published folder's safety: atomic writes, the output-folder lock, leftovers of a killed build.

A page and its files are written to temporary names and renamed into place; the lock keeps two builds
out of one folder; temporary files a killed build left are removed at the next build.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from accordmap.publish.progress import Lines
from accordmap.errors import FolderError
FAILED_DIR = "_failed"  # notebooks of failed reports, kept for reading
LOCK_FILE = ".accordmap.lock"
SCRATCH_DIR = ".accordmap-tmp"
TMP_PATTERN = ".*.*.tmp"  # what write_atomic names its temporary files: .<name>.<random>.tmp


def write_temp(path: Path, data: bytes) -> Path:
    """A synced, readable temporary file beside ``path`` holding ``data`` (removed again if that fails)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())  # a full disk or a failing device is reported here, not after the rename
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a published page must be readable
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write ``path`` whole or not at all: a synced temporary file beside it, then an atomic rename."""
    write_all_atomic({path: text})


def write_all_atomic(files: dict[Path, str | bytes]) -> None:
    """Write every file whole, or none: all are written to synced temporary files first, and moved into
    place (in the given order: put the page last) only when all of them are complete."""
    temps: dict[Path, Path] = {}
    try:
        for path, data in files.items():
            try:
                temps[path] = write_temp(path, data.encode("utf-8") if isinstance(data, str) else data)
            except OSError as exc:
                exc.filename = str(path)  # the file that could not be written, not its temporary name
                raise
        for path, tmp in temps.items():
            os.replace(tmp, path)
    except BaseException:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)
        raise


def why(error: OSError) -> str:
    return error.strerror or str(error)


def check_output_folder(out_dir: Path) -> None:
    """``out_dir`` is a folder (created if missing) where files can be written. Raises FolderError."""
    if out_dir.exists() and not out_dir.is_dir():
        raise FolderError(f"--out {out_dir}: is a file, not a folder (expected a folder, or a path where one can be created)")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FolderError(f"--out {out_dir}: cannot create the folder: {why(exc)} "
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
        raise FolderError(f"--out {out_dir}: cannot write there: {why(exc)} (expected a writable folder with free space)") from None


@contextlib.contextmanager
def locked(out_dir: Path, progress: Lines) -> Iterator[None]:
    """Hold the output folder's lock; say so if another build holds it, and wait for it."""
    try:
        handle = open(out_dir / LOCK_FILE, "a")  # noqa: SIM115 - held open for the whole build
    except OSError as exc:
        raise FolderError(f"--out {out_dir}: cannot create its lock file {LOCK_FILE}: {why(exc)} "
                          "(expected a writable folder)") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            progress.line(f"waiting for another build into {out_dir} to finish ...")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def remove_leftovers(out_dir: Path) -> None:
    """Scratch and temporary files a killed build left behind. Only with the folder locked."""
    shutil.rmtree(out_dir / SCRATCH_DIR, ignore_errors=True)
    for pattern in (TMP_PATTERN, f"*/{TMP_PATTERN}", f"{FAILED_DIR}/*/{TMP_PATTERN}"):
        for path in out_dir.glob(pattern):
            with contextlib.suppress(OSError):
                path.unlink()
