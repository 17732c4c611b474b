"""The notebooks: thin, stripped, and their parameters cells equal to the parameter registry.

(nbval runs every notebook top to bottom with its defaults: `pytest --nbval-lax notebooks`,
part of `make test`.)
"""

import ast
import json

import papermill
import pytest

from accordmap.params import PARAMETERS, REPORTS
from accordmap.paths import NOTEBOOKS_DIR


@pytest.mark.parametrize("report", list(REPORTS))
def test_parameters_cell_matches_the_registry(report):
    notebook = NOTEBOOKS_DIR / REPORTS[report]["notebook"]
    found = papermill.inspect_notebook(str(notebook))
    assert list(found) == REPORTS[report]["parameters"]
    for name, info in found.items():
        assert ast.literal_eval(info["default"]) == PARAMETERS[name].default


@pytest.mark.parametrize("report", list(REPORTS))
def test_notebook_is_committed_stripped_and_thin(report):
    cells = json.loads((NOTEBOOKS_DIR / REPORTS[report]["notebook"]).read_text())["cells"]
    assert not any(c.get("outputs") or c.get("execution_count") for c in cells)
    code = [c for c in cells if c["cell_type"] == "code"]
    assert "parameters" in code[0]["metadata"]["tags"]
    for cell in code[2:]:
        # one short call into src/ per section
        assert len("".join(cell["source"]).strip().splitlines()) == 1
        assert "".join(cell["source"]).startswith("report.")


def test_every_report_has_a_notebook():
    assert sorted(p.name for p in NOTEBOOKS_DIR.glob("*.ipynb")) == sorted(r["notebook"] for r in REPORTS.values())
