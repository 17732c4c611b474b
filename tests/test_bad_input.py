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
