"""The build command's refusals and progress, through the real CLI entry point: each case starts a build
(the refused ones stop before any notebook runs) and one runs to the end."""

import errno
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from accordmap.cli import main



def test_build_refuses_unknown_parameter_before_running_anything(tmp_path, capsys):
    assert main(["build", "--out", str(tmp_path), "-p", "zone_depth=3"]) == 2
    err = capsys.readouterr().err
    assert "unknown parameter 'zone_depth'" in err and "zone_min_km" in err and "nothing was built" in err
    assert not any(tmp_path.iterdir())


def test_build_refuses_bad_data_before_running_anything(tmp_path, data_copy, capsys):
    (data_copy / "events.yaml").write_text("events: [", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", "--data", str(data_copy), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "data/events.yaml:1: (yaml): malformed YAML" in err and "nothing was built" in err
    assert not out.exists()


def _processes_with(marker: str) -> list[str]:
    """The command lines of the processes whose environment holds ``marker`` (the build's and its children's)."""
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if marker.encode() in environ.read_bytes():
                found.append((environ.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except OSError:  # gone, or not ours
            pass
    return found


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads the processes' environments in /proc")
def test_a_build_refused_for_bad_data_stops_its_workers_quietly(tmp_path, data_copy):
    """The workers warm up (kernels starting) while the data are checked; refused, the build stops them: the
    user sees the data's problem and nothing else, and no worker, kernel or kernel folder is left behind."""
    (data_copy / "events.yaml").write_text("events: [", encoding="utf-8")
    marker = f"accordmap-test-{uuid.uuid4().hex}"
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "ACCORDMAP_TEST_MARKER": marker, "TMPDIR": str(temp)}
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "accordmap", "build", "--data", str(data_copy), "--out", str(out),
                             "-j", "2"], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 2
    assert "data/events.yaml:1: (yaml): malformed YAML" in result.stderr and "nothing was built" in result.stderr
    assert "Traceback" not in result.stderr and "Exception" not in result.stderr, result.stderr
    deadline = time.monotonic() + 10  # a killed kernel may take a moment to be reaped
    while _processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _processes_with(marker) == []
    assert not list(temp.glob("accordmap-kernel-*")) and not out.exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["-p", "zone_min_km=wide"], "zone_min_km='wide' is not a valid number"),
        (["-p", "zone_min_km=30"], "zone_min_km (30) is larger than zone_max_km (20)"),
        (["-p", "corridor_half_width_km=-1"], "corridor_half_width_km=-1 is impossible"),
        (["-p", "as_of=1999-01-01"], "as_of 1999-01-01 is before the"),
        (["-p", "zone_max_km"], "is not NAME=VALUE"),
        (["nowhere-1999"], "agreement 'nowhere-1999' not found"),
    ],
)
def test_build_refuses_bad_values_with_the_valid_parameters(args, message, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", "--out", str(out), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "valid parameters: agreement" in err
    assert not out.exists()


def _refused_before_running(capsys, args, message):
    """The build exits 2 with ``message`` and runs no notebook."""
    assert main(["build", *args]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and "nothing was built" in captured.err
    assert "building " not in captured.out
    return captured


def test_build_refuses_a_file_as_out(tmp_path, minimal_data, capsys):
    out = tmp_path / "reports"
    out.write_text("not a folder")
    _refused_before_running(capsys, ["--data", str(minimal_data), "--out", str(out)],
                            f"--out {out}: is a file, not a folder (expected a folder, or a path where one can be created)")
    assert out.read_text() == "not a folder"


def test_build_refuses_an_out_that_cannot_be_created(tmp_path, minimal_data, capsys):
    (tmp_path / "file").write_text("")
    out = tmp_path / "file" / "reports"
    _refused_before_running(capsys, ["--data", str(minimal_data), "--out", str(out)],
                            f"--out {out}: cannot create the folder: Not a directory")


@pytest.fixture
def read_only_folder(tmp_path):
    """A folder no one can write to. Root ignores permissions, so there it is made immutable (chattr +i)."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    immutable = False
    if os.access(folder, os.W_OK) and shutil.which("chattr"):  # root
        immutable = subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0
    try:
        probe = folder / "probe"
        try:
            probe.write_text("")
        except OSError:
            yield folder
        else:
            probe.unlink()
            pytest.skip("cannot make a read-only folder here (root, and no chattr +i on this filesystem)")
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(0o755)


def test_build_refuses_a_read_only_out(read_only_folder, minimal_data, capsys):
    captured = _refused_before_running(capsys, ["--data", str(minimal_data), "--out", str(read_only_folder)],
                                       f"--out {read_only_folder}: cannot write there: ")
    assert "(expected a writable folder with free space)" in captured.err
    assert not any(read_only_folder.iterdir())


def test_build_refuses_a_full_disk_before_running_anything(tmp_path, minimal_data, monkeypatch, capsys):
    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    out = tmp_path / "reports"
    _refused_before_running(capsys, ["--data", str(minimal_data), "--out", str(out)],
                            f"--out {out}: cannot write there: No space left on device")
    assert not any(out.iterdir()), "the probe file was left behind"


def test_build_refuses_a_notebooks_folder_without_the_notebook(tmp_path, minimal_data, capsys):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    out = tmp_path / "out"
    _refused_before_running(capsys, ["--data", str(minimal_data), "--out", str(out), "--notebooks", str(notebooks),
                                     "--report", "brief"],
                            f"--notebooks {notebooks}: brief.ipynb not found (expected a folder with the report notebooks")
    assert not out.exists()


def test_build_refuses_to_run_from_a_deleted_folder(tmp_path, minimal_data, monkeypatch, capsys):
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    _refused_before_running(capsys, ["--data", str(minimal_data), "--out", str(tmp_path / "out")],
                            "the current folder no longer exists (expected to be run from an existing folder")
    assert not (tmp_path / "out").exists()


def test_progress_is_a_bar_on_a_terminal_and_whole_lines_otherwise(tmp_path):
    import pty

    from accordmap.publish.progress import Bar, Lines, for_stream

    master, slave = pty.openpty()
    with os.fdopen(slave, "w") as terminal:
        reporter = for_stream(terminal)
        assert isinstance(reporter, Bar)
        reporter.start(2, "2 local worker process(es)")
        reporter.finished("a/brief.html", True, 1.0)
        reporter.finished("a/timeline.html", False, 1.0, "RuntimeError: boom")
        reporter.close()
    shown = b""
    while True:  # a pty hands its output over in pieces; EIO once it is all read and the terminal is closed
        try:
            piece = os.read(master, 4096)
        except OSError:
            break
        if not piece:
            break
        shown += piece
    os.close(master)
    shown = shown.decode()
    assert "2/2" in shown and "\r" in shown and "FAILED a/timeline.html: RuntimeError: boom" in shown

    with open(tmp_path / "log", "w") as log:
        reporter = for_stream(log)
        assert type(reporter) is Lines
        reporter.start(1, "here")
        reporter.finished("a/brief.html", True, 1.25)
    assert (tmp_path / "log").read_text().splitlines() == ["building 1 report(s) on here ...",
                                                           "  [1/1] ok a/brief.html in 1.2 s"]
