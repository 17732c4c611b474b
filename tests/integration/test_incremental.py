"""The incremental build: what triggers which rebuild and what does not, --dry-run, --force, the
amendment subject and the index's grouping. Small synthetic dataset with three agreements: test-accord,
test-amendment (amends test-accord) and other-accord (unrelated); mostly the fast timeline report."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import FIXTURES

from accordmap.publish import jobs
from accordmap import params
from accordmap.cli import main
from accordmap.paths import NOTEBOOKS_DIR

AGREEMENTS = ["other-accord", "test-accord", "test-amendment"]


@pytest.fixture(autouse=True)
def code_as_it_was(monkeypatch):
    """The code hash as at the start of the test: other work on src/ must not count as a change here."""
    version = jobs.code_version()
    monkeypatch.setattr(jobs, "code_version", lambda: version)


@pytest.fixture
def three(minimal_data):
    """The small dataset with an amendment of test-accord and an unrelated agreement (copies of test-accord)."""
    text = (minimal_data / "agreements" / "test-accord.yaml").read_text(encoding="utf-8")
    amendment = (text.replace("id: test-accord", "id: test-amendment")
                 .replace("title: Test Accord on a Zone", "title: Test Amendment of the Accord")
                 .replace("short_title: Test accord", "short_title: Test amendment\namends: test-accord"))
    other = (text.replace("id: test-accord", "id: other-accord")
             .replace("short_title: Test accord", "short_title: Other accord"))
    (minimal_data / "agreements" / "test-amendment.yaml").write_text(amendment, encoding="utf-8")
    (minimal_data / "agreements" / "other-accord.yaml").write_text(other, encoding="utf-8")
    assert main(["check", "--data", str(minimal_data)]) == 0
    return minimal_data


def build(capsys, data: Path, out: Path, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["build", "--data", str(data), "--out", str(out), "-j", "2", *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def rebuilt(output: str) -> dict[str, str]:
    """report path -> the reasons the build printed for rebuilding it."""
    return dict(re.findall(r"^(?:would )?build (\S+\.html): (.*)$", output, flags=re.M))


def stamps(out: Path) -> dict[str, int]:
    """Each published file's inode: a rebuilt (atomically replaced) file gets a new one."""
    return {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*.html")} | {
        "manifest.json": (out / "manifest.json").stat().st_ino}


def append(path: Path, text: str = "\n# edited\n") -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_what_triggers_a_rebuild_and_what_does_not(three, tmp_path, capsys):
    out = tmp_path / "reports"
    timelines = {f"{a}/timeline.html" for a in AGREEMENTS}
    code, output = build(capsys, three, out, "--report", "timeline")
    assert code == 0 and rebuilt(output) == {path: "new report" for path in timelines}

    # no change, and a file touched without changing its content: nothing is rebuilt or rewritten
    before = stamps(out)
    (three / "agreements" / "test-accord.yaml").touch()
    code, output = build(capsys, three, out, "--report", "timeline")
    assert code == 0 and rebuilt(output) == {}
    assert "3 report(s) up to date, not rebuilt" in output and "0 report(s) built, 0 failed" in output
    assert stamps(out) == before

    # one agreement's file: its reports and those of the agreements it amends (and that amend it)
    append(three / "agreements" / "test-amendment.yaml")
    code, output = build(capsys, three, out, "--report", "timeline")
    assert code == 0 and rebuilt(output) == {
        "test-amendment/timeline.html": "data/agreements/test-amendment.yaml changed",
        "test-accord/timeline.html": "data/agreements/test-amendment.yaml changed"}
    after = stamps(out)
    assert after["other-accord/timeline.html"] == before["other-accord/timeline.html"]
    assert after["test-accord/timeline.html"] != before["test-accord/timeline.html"]

    append(three / "agreements" / "other-accord.yaml")
    code, output = build(capsys, three, out, "--report", "timeline")
    assert rebuilt(output) == {"other-accord/timeline.html": "data/agreements/other-accord.yaml changed"}

    # a shared file: every report
    append(three / "sources.yaml")
    code, output = build(capsys, three, out, "--report", "timeline")
    assert rebuilt(output) == {path: "data/sources.yaml changed" for path in timelines}

    # a parameter: that report only, and back
    code, output = build(capsys, three, out, "test-accord", "--report", "timeline", "-p", "as_of=2020-01-25")
    assert code == 0 and rebuilt(output) == {"test-accord/timeline.html": "parameters changed"}
    assert "as_of" in (out / "test-accord" / "timeline.html").read_text()
    code, output = build(capsys, three, out, "--report", "timeline")
    assert rebuilt(output) == {"test-accord/timeline.html": "parameters changed"}

    # the notebook: every report made from it
    notebooks = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS_DIR, notebooks)
    nb = json.loads((notebooks / "timeline.ipynb").read_text())
    nb["cells"].append({"cell_type": "markdown", "id": "analyst-note", "metadata": {}, "source": ["An analyst's note."]})
    (notebooks / "timeline.ipynb").write_text(json.dumps(nb))
    code, output = build(capsys, three, out, "--report", "timeline", "--notebooks", str(notebooks))
    assert rebuilt(output) == {path: "notebook timeline.ipynb changed" for path in timelines}
    assert "An analyst&#39;s note." in (out / "test-accord" / "timeline.html").read_text() or \
        "An analyst's note." in (out / "test-accord" / "timeline.html").read_text()

    # a published file deleted by hand
    (out / "other-accord" / "timeline.html").unlink()
    code, output = build(capsys, three, out, "--report", "timeline", "--notebooks", str(notebooks))
    assert rebuilt(output) == {"other-accord/timeline.html": "its published file is missing"}

    # --force: everything chosen, nothing else
    before = stamps(out)
    code, output = build(capsys, three, out, "--report", "timeline", "--notebooks", str(notebooks), "--force")
    assert code == 0 and rebuilt(output) == {path: "--force" for path in timelines}
    assert all(stamps(out)[path] != before[path] for path in timelines)


def test_a_report_added_to_a_folder_rebuilds_the_pages_that_link_it(three, tmp_path, capsys):
    """Each page links the other reports of its folder: one built before a sibling existed is rebuilt
    with the link when it is next planned, and not otherwise."""
    out = tmp_path / "reports"
    code, output = build(capsys, three, out, "test-accord", "--report", "timeline")
    assert code == 0 and 'href="stakeholders.html"' not in (out / "test-accord" / "timeline.html").read_text()
    code, output = build(capsys, three, out, "test-accord", "--report", "timeline", "--report", "stakeholders")
    assert code == 0 and rebuilt(output) == {
        "test-accord/stakeholders.html": "new report",
        "test-accord/timeline.html": "its links to the other reports of its folder changed"}
    assert 'href="stakeholders.html"' in (out / "test-accord" / "timeline.html").read_text()
    code, output = build(capsys, three, out, "test-accord", "--report", "timeline", "--report", "stakeholders")
    assert code == 0 and rebuilt(output) == {}


def test_dry_run_prints_the_plan_and_builds_nothing(three, tmp_path, capsys):
    out = tmp_path / "reports"
    code, output = build(capsys, three, out, "--report", "timeline", "--dry-run")
    assert code == 0 and not out.exists()
    assert rebuilt(output) == {f"{a}/timeline.html": "new report" for a in AGREEMENTS}
    assert "dry run: 3 report(s) would be built, 0 up to date; nothing was built." in output

    assert build(capsys, three, out, "--report", "timeline", "test-accord")[0] == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    append(three / "agreements" / "test-accord.yaml")
    code, output = build(capsys, three, out, "--report", "timeline", "--dry-run")
    assert code == 0
    assert "would build test-accord/timeline.html: data/agreements/test-accord.yaml changed" in output
    assert "would build other-accord/timeline.html: new report" in output
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_a_code_change_rebuilds_everything(three, tmp_path, capsys, monkeypatch):
    out = tmp_path / "reports"
    assert build(capsys, three, out, "--report", "stakeholders", "other-accord")[0] == 0
    monkeypatch.setattr(jobs, "code_version", lambda: "a-new-version")
    code, output = build(capsys, three, out, "--report", "stakeholders", "other-accord")
    assert code == 0 and rebuilt(output) == {"other-accord/stakeholders.html": "code changed"}


def test_a_noop_build_imports_no_notebook_or_geo_stack(three, tmp_path):
    out = tmp_path / "reports"
    command = ["build", "--data", str(three), "--out", str(out), "--report", "stakeholders", "test-accord"]
    probe = ("import sys; from accordmap.cli import main; code = main(sys.argv[1:]); "
             "print(sorted(m for m in ('papermill', 'nbconvert', 'nbclient', 'geopandas', 'pandas', 'shapely') "
             "if m in sys.modules)); sys.exit(code)")
    first = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr
    again = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert "1 report(s) up to date" in again.stdout
    assert again.stdout.strip().splitlines()[-1] == "[]"


def test_amendment_subject_builds_one_report_per_amendment_and_the_index_groups_them(three, tmp_path, capsys,
                                                                                        monkeypatch):
    notebook = FIXTURES / "notebooks" / "amendment_compare.ipynb"
    monkeypatch.setitem(params.REPORTS, "compare-test", {
        "title": "Comparison (test)", "notebook": str(notebook), "subject": "amendment",
        "parameters": ["base", "amendment", "data_dir"], "summary": "what the amendment changed"})
    out = tmp_path / "reports"
    code, output = build(capsys, three, out, "--report", "compare-test", "--report", "timeline")
    assert code == 0, output
    page = (out / "test-amendment" / "compare-test.html").read_text()
    assert "Test amendment amends Test accord" in page
    assert not (out / "test-accord" / "compare-test.html").exists() and not (out / "other-accord").joinpath(
        "compare-test.html").exists()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["test-amendment/compare-test.html"]["subject"] == ["test-accord", "test-amendment"]

    index = (out / "index.html").read_text()
    # test-accord's section holds its amendment's section (h3) with both of its reports
    section = index[index.index("<bdi>Test accord</bdi>"):index.index("<bdi>Other accord</bdi>")] \
        if index.index("<bdi>Other accord</bdi>") > index.index("<bdi>Test accord</bdi>") else index[index.index("<bdi>Test accord</bdi>"):]
    assert '<h3><bdi>Test amendment</bdi>' in section
    assert 'href="test-amendment/compare-test.html"' in section and 'href="test-amendment/timeline.html"' in section
    assert index.count("<h2>") == 2  # other-accord and test-accord; the amendment is not a section of its own

    # the comparison depends on both agreements: editing the base rebuilds it
    append(three / "agreements" / "test-accord.yaml")
    code, output = build(capsys, three, out, "--report", "compare-test")
    assert rebuilt(output) == {"test-amendment/compare-test.html": "data/agreements/test-accord.yaml changed"}
