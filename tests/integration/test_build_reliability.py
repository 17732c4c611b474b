"""The build under hostile conditions: a relative --out with parallel jobs, a disk that fills up while
publishing, two builds into one folder, and a build killed half-way. Small synthetic dataset only."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from accordmap.cli import main
from accordmap.paths import PROJECT_ROOT
from accordmap.publish import build

ALL_TMP = ".*.tmp"


def published_files(out: Path) -> set[str]:
    return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}


def assert_index_and_manifest_consistent(out: Path) -> set[str]:
    """Everything the manifest and the index link exists; returns the linked reports."""
    manifest = json.loads((out / "manifest.json").read_text())
    hrefs = set(re.findall(r'href="([^"#]+\.html)"', (out / "index.html").read_text()))
    assert set(manifest) == hrefs
    for path in manifest:
        assert (out / path).is_file(), f"the manifest and index link {path}, which does not exist"
    return hrefs


def full_disk_for(monkeypatch, out: Path, names: list[str]) -> None:
    """Writes of these files under ``out`` fail with ENOSPC when synced, as on a full disk."""
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        path = Path(os.readlink(f"/proc/self/fd/{fd}"))
        if out in path.parents and any(path.name.startswith(f".{name}.") for name in names):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)


def test_relative_out_from_another_directory_with_two_jobs(minimal_data, tmp_path, monkeypatch, capsys):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("ACCORDMAP_DATA_DIR", str(tmp_path / "elsewhere"))  # kernels get --data, not this
    relative = Path("relative-out-check") / "reports"
    assert not (PROJECT_ROOT / relative.parts[0]).exists()
    seen, building = set(), threading.Event()

    def watch_working_directory() -> None:  # the build must never change it, even for a moment
        while not building.is_set():
            seen.add(os.getcwd())
            time.sleep(0.005)

    watcher = threading.Thread(target=watch_working_directory)
    watcher.start()
    try:
        code = main(["build", "--data", str(minimal_data), "--out", str(relative), "-j", "2",
                     "--report", "brief", "--report", "timeline"])
    finally:
        building.set()
        watcher.join()

    assert code == 0
    assert seen == {str(work)}

    out = work / relative
    beside = {f for entry in json.loads((out / "manifest.json").read_text()).values() for f in entry["files"]}  # CSV ...
    assert published_files(out) == {"test-accord/brief.html", "test-accord/timeline.html", "index.html",
                                    "manifest.json", ".accordmap.lock"} | beside
    assert [p.name for p in work.iterdir()] == [relative.parts[0]], "something was written beside --out"
    assert not (PROJECT_ROOT / relative.parts[0]).exists(), "something was written under the project root"
    assert assert_index_and_manifest_consistent(out) == {"test-accord/brief.html", "test-accord/timeline.html"}
    assert f"index: {out / 'index.html'}" in capsys.readouterr().out


def test_a_report_that_cannot_be_written_fails_and_the_rest_stays_consistent(minimal_data, tmp_path, monkeypatch,
                                                                              capsys):
    out = tmp_path / "reports"
    assert main(["build", "--data", str(minimal_data), "--out", str(out), "--report", "brief", "--report", "timeline"]) == 0
    timeline = out / "test-accord" / "timeline.html"
    timeline_before = timeline.read_bytes()
    brief_inode = (out / "test-accord" / "brief.html").stat().st_ino
    capsys.readouterr()
    full_disk_for(monkeypatch, out, ["timeline.html", "stakeholders.html"])

    assert main(["build", "--data", str(minimal_data), "--out", str(out), "--force",  # brief and timeline too
                 "--report", "brief", "--report", "timeline", "--report", "stakeholders"]) == 1

    captured = capsys.readouterr()
    assert "1 report(s) built, 2 failed" in captured.out
    for report in ["timeline", "stakeholders"]:
        assert (f"FAILED test-accord/{report}.html: could not write {out}/test-accord/{report}.html: "
                "No space left on device") in captured.err
    assert timeline.read_bytes() == timeline_before, "the published report was changed"
    assert (out / "test-accord" / "brief.html").stat().st_ino != brief_inode, "the writable report was not published"
    assert not (out / "test-accord" / "stakeholders.html").exists()
    assert assert_index_and_manifest_consistent(out) == {"test-accord/brief.html", "test-accord/timeline.html"}
    assert not list(out.rglob(ALL_TMP)) and not (out / ".accordmap-tmp").exists()


def test_a_full_disk_while_publishing_keeps_the_previous_publication_whole(minimal_data, tmp_path, monkeypatch, capsys):
    out = tmp_path / "reports"
    assert main(["build", "--data", str(minimal_data), "--out", str(out), "--report", "brief"]) == 0
    before = {name: (out / name).read_bytes() for name in published_files(out)}
    capsys.readouterr()
    # the disk fills up after the start-up check: every report, the manifest and the index fail
    full_disk_for(monkeypatch, out, ["brief.html", "timeline.html", "manifest.json", "index.html"])

    assert main(["build", "--data", str(minimal_data), "--out", str(out), "--force",
                 "--report", "brief", "--report", "timeline"]) == 1

    captured = capsys.readouterr()
    assert "0 report(s) built, 2 failed; index: not updated" in captured.out
    assert f"accordmap: could not update {out}/manifest.json and {out}/index.html: No space left on device" in captured.err
    assert "Run the build again once the problem is fixed." in captured.err
    assert {name: (out / name).read_bytes() for name in published_files(out)} == before
    assert not list(out.rglob(ALL_TMP)) and not (out / ".accordmap-tmp").exists()


def test_an_index_that_cannot_be_written_is_rebuilt_by_the_next_build(minimal_data, tmp_path, monkeypatch, capsys):
    out = tmp_path / "reports"
    full_disk_for(monkeypatch, out, ["index.html"])
    assert main(["build", "--data", str(minimal_data), "--out", str(out), "--report", "brief"]) == 1
    assert "index: not updated" in capsys.readouterr().out
    assert not (out / "index.html").exists()
    assert json.loads((out / "manifest.json").read_text()).keys() == {"test-accord/brief.html"}

    monkeypatch.undo()
    assert main(["build", "--data", str(minimal_data), "--out", str(out), "--report", "timeline"]) == 0
    assert assert_index_and_manifest_consistent(out) == {"test-accord/brief.html", "test-accord/timeline.html"}


def test_two_builds_into_one_folder_keep_both_sets_of_entries(minimal_data, tmp_path, monkeypatch):
    out = tmp_path / "reports"
    read_manifest = build.read_manifest

    def slow_read_manifest(folder):  # widen the read-modify-write window a lost update would need
        manifest = read_manifest(folder)
        time.sleep(1.5)
        return manifest

    monkeypatch.setattr(build, "read_manifest", slow_read_manifest)
    results, errors = {}, []

    def run(report: str) -> None:
        try:
            results[report] = build.build(reports=[report], out_dir=out, data_dir=minimal_data, jobs=1)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(report,)) for report in ("brief", "timeline")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)

    assert not errors and all(summary.ok for summary in results.values()) and len(results) == 2
    assert assert_index_and_manifest_consistent(out) == {"test-accord/brief.html", "test-accord/timeline.html"}


def test_a_build_waits_for_the_lock_on_its_output_folder(minimal_data, tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    log = tmp_path / "build.log"
    with open(out / ".accordmap.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as another build would
        with open(log, "w") as stdout:
            build = subprocess.Popen([sys.executable, "-m", "accordmap", "build", "--data", str(minimal_data),
                                      "--out", str(out), "--report", "brief"], stdout=stdout, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 120
            while f"waiting for another build into {out} to finish" not in log.read_text():
                assert build.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
            time.sleep(1)
            assert not (out / "test-accord").exists() and not (out / ".accordmap-tmp").exists()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
        assert build.wait(timeout=300) == 0, log.read_text()
    assert (out / "test-accord" / "brief.html").is_file()


def test_leftovers_of_a_killed_build_are_removed_and_nothing_goes_to_the_system_temp(minimal_data, tmp_path,
                                                                                        monkeypatch):
    out = tmp_path / "reports"
    planted = [out / "test-accord" / ".brief.html.123.tmp", out / ".index.html.abc.tmp",
               out / "_failed" / "test-accord" / ".brief.ipynb.x1.tmp",
               out / ".accordmap-tmp" / "test-accord" / "brief" / "brief.ipynb"]
    for path in planted:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("stale")
    (out / "notes.txt").write_text("the user's own file")
    (tmp_path / "outside.html").write_text("not a report")
    (out / "manifest.json").write_text(json.dumps({  # damaged by hand: entries the index must not link
        "../outside.html": {"agreement": "..", "report": "outside", "generated": "x"},
        "notes.txt": {"agreement": "test-accord", "report": "notes", "generated": "x"},
        "test-accord/timeline.html": "junk"}))
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(system_tmp))  # what the kernels inherit
    monkeypatch.setattr(tempfile, "tempdir", str(system_tmp))

    assert main(["build", "--data", str(minimal_data), "--out", str(out), "--report", "brief"]) == 0

    assert not [path for path in planted if path.exists()]
    assert not (out / ".accordmap-tmp").exists()
    assert (out / "notes.txt").read_text() == "the user's own file"
    assert assert_index_and_manifest_consistent(out) == {"test-accord/brief.html"}
    assert not list(system_tmp.iterdir()), "scratch files were written to the system temp folder"


def test_a_build_killed_while_running_leaves_nothing_that_blocks_or_stays(minimal_data, tmp_path):
    out = tmp_path / "reports"
    command = [sys.executable, "-m", "accordmap", "build", "--data", str(minimal_data), "--out", str(out)]
    killed = subprocess.Popen([*command, "--report", "brief"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)  # its own process group: the build and its kernel
    try:
        deadline = time.monotonic() + 120
        while not (out / ".accordmap-tmp").exists():
            assert killed.poll() is None and time.monotonic() < deadline, "the build ended before it could be killed"
            time.sleep(0.05)
    finally:
        if killed.poll() is None:
            os.killpg(killed.pid, signal.SIGKILL)
        killed.wait()

    again = subprocess.run([*command, "--report", "timeline"], capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "waiting for another build" not in again.stdout
    assert not (out / ".accordmap-tmp").exists() and not list(out.rglob(ALL_TMP))
    assert_index_and_manifest_consistent(out)
