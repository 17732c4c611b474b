"""Bad input: every broken fixture gives its exact message and exit code 2, and builds nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from helpers import FIXTURES

from accordmap.cli import main
CASES = yaml.safe_load((FIXTURES / "broken_cases.yaml").read_text(encoding="utf-8"))


def apply(data: Path, edit: dict) -> None:
    path = data / edit["file"] if "file" in edit else None
    if "delete" in edit:
        (data / edit["delete"]).unlink()
    elif "write" in edit:
        path.write_text(edit["write"], encoding="utf-8")
    else:
        text = path.read_text(encoding="utf-8")
        assert edit["find"] in text, f"{edit['find']!r} not in {path}"
        path.write_text(text.replace(edit["find"], edit["replace"], 1), encoding="utf-8")


def test_the_minimal_fixture_is_valid(minimal_data, capsys):
    assert main(["check", "--data", str(minimal_data)]) == 0


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_check_names_file_line_field_and_fix(case, minimal_data, capsys):
    data = minimal_data
    for edit in case["edits"]:
        apply(data, edit)
    assert main(["check", "--data", str(data)]) == 2
    lines = [line.strip() for line in capsys.readouterr().err.splitlines()[1:]]
    assert lines == case["expect"]


@pytest.mark.parametrize("case", CASES[:3], ids=[c["case"] for c in CASES[:3]])
def test_build_checks_first_and_builds_nothing(case, minimal_data, tmp_path, capsys):
    data = minimal_data
    for edit in case["edits"]:
        apply(data, edit)
    out = tmp_path / "reports"
    assert main(["build", "--data", str(data), "--out", str(out)]) == 2
    assert "nothing was built" in capsys.readouterr().err
    assert not out.exists()


LINK_CASES = {  # what to link out of the data folder -> the line check prints
    "yaml-file": ("sources.yaml", "data/sources.yaml: (file): is a link to a file outside the data folder, which "
                                  "accordmap never reads (expected the file itself inside data)"),
    "geojson-file": ("layers/towns.geojson", "data/layers/towns.geojson: (file): is a link to a file outside the data "
                                             "folder, which accordmap never reads (expected the file itself inside data)"),
    "folder": ("agreements", "data/agreements: (folder): is a link to a folder outside the data folder, which "
                             "accordmap never reads (expected the folder itself inside data)"),
}


@pytest.mark.parametrize("name", list(LINK_CASES))
def test_a_link_out_of_the_data_folder_is_refused_and_never_read(name, minimal_data, tmp_path, capsys):
    """The broken-case format cannot express a symlink, so these cases are written here."""
    relative, expected = LINK_CASES[name]
    inside = minimal_data / relative
    outside = tmp_path / "outside" / inside.name
    outside.parent.mkdir()
    inside.rename(outside)
    # what lies outside is broken: had it been read, check would list its problems too
    for path in [outside] if outside.is_file() else outside.iterdir():
        path.write_text("{not: [valid", encoding="utf-8")
    inside.symlink_to(outside)
    assert main(["check", "--data", str(minimal_data)]) == 2
    assert [line.strip() for line in capsys.readouterr().err.splitlines()[1:]] == [expected]


def test_a_link_that_stays_inside_the_data_folder_is_read(minimal_data, capsys):
    agreement = minimal_data / "agreements" / "test-accord.yaml"
    agreement.rename(minimal_data / "accord.yaml")
    agreement.symlink_to(Path("..") / "accord.yaml")
    assert main(["check", "--data", str(minimal_data)]) == 0
