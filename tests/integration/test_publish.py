"""Atomic publish: a failing notebook never costs the published report, and says where to look."""

from __future__ import annotations

import json
import shutil

import pytest

from accordmap.cli import main
from accordmap.paths import NOTEBOOKS_DIR


@pytest.fixture
def published(minimal_data, tmp_path):
    data = minimal_data
    out = tmp_path / "reports"
    assert main(["build", "--data", str(data), "--out", str(out)]) == 0
    return data, out


def break_notebook(tmp_path, name: str):
    """A copy of the notebooks with an analyst's edit that fails at run time: the last cell raises."""
    notebooks = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS_DIR, notebooks)
    path = notebooks / name
    nb = json.loads(path.read_text())
    nb["cells"].append({"cell_type": "code", "id": "analyst-edit", "metadata": {}, "execution_count": None, "outputs": [],
                        "source": ["raise RuntimeError('analyst typo')"]})
    path.write_text(json.dumps(nb))
    return notebooks


def test_failed_notebook_leaves_the_published_report_identical(published, tmp_path, capsys):
    data, out = published
    brief = out / "test-accord" / "brief.html"
    before = brief.read_bytes()
    timeline_inode = (out / "test-accord" / "timeline.html").stat().st_ino
    others = len(list((out / "test-accord").glob("*.html"))) - 1
    capsys.readouterr()
    notebooks = break_notebook(tmp_path, "brief.ipynb")

    # --force: the other notebooks are unchanged copies, so an incremental build would skip their reports
    assert main(["build", "--data", str(data), "--out", str(out), "--notebooks", str(notebooks), "--force"]) == 1

    assert brief.read_bytes() == before
    failed = out / "_failed" / "test-accord" / "brief.ipynb"
    assert "analyst typo" in failed.read_text()
    captured = capsys.readouterr()
    assert "FAILED test-accord/brief.html: RuntimeError: analyst typo" in captured.err
    assert str(failed) in captured.err and "left unchanged" in captured.err
    # the other reports were still built: a summary says so, and each was replaced by a new file
    assert f"{others} report(s) built, 1 failed" in captured.out
    assert (out / "test-accord" / "timeline.html").stat().st_ino != timeline_inode
    assert not list(out.rglob("*.tmp")), "a temporary file was left behind"
    assert 'href="test-accord/brief.html"' in (out / "index.html").read_text()
