"""The notebooks: thin, stripped, and their parameters cells equal to the parameter registry.

(nbval runs every notebook top to bottom with its defaults: `pytest --nbval-lax notebooks`,
part of `make test`.)
"""

import ast
import json
import re

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
    # the parameters reach the report as a whole: no name is re-typed, so none can be dropped
    assert "".join(code[1]["source"]).splitlines()[:3] == [
        "from accordmap.sections import Report", "", f'report = Report.from_parameters("{report}", globals())']
    for cell in code[2:]:
        # one short call into src/ per section
        assert len("".join(cell["source"]).strip().splitlines()) == 1
        assert "".join(cell["source"]).startswith("report.")


def test_every_report_has_a_notebook():
    assert sorted(p.name for p in NOTEBOOKS_DIR.glob("*.ipynb")) == sorted(r["notebook"] for r in REPORTS.values())


# One value per parameter that must change what the report shows (with the agreement it needs).
CHANGED = {
    "agreement": ({}, "moscow-2020"),
    "zone_min_km": ({}, 10.0),
    "zone_max_km": ({}, 25.0),
    "corridor_half_width_km": ({"agreement": "moscow-2020"}, 3.0),
    "as_of": ({}, "2018-10-01"),
    "basemap": ({}, "osm"),
}


def _render(report: str, namespace: dict) -> str:
    """Run the notebook's own cells after the parameters cell in-process, as a kernel would, and
    return everything its sections display."""
    cells = json.loads((NOTEBOOKS_DIR / REPORTS[report]["notebook"]).read_text())["cells"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"][1:]
    shown = []
    scope = dict(namespace)
    for source in code:
        *body, last = source.strip().splitlines()
        exec("\n".join(body), scope)  # noqa: S102 - the project's own notebooks
        shown.append(str(eval(last, scope)))  # noqa: S307
    # folium names each map element with a random hex id: the same map must compare equal
    return re.sub(r"_[0-9a-f]{32}(?![0-9a-f])", "_ID", "\n".join(shown))


def _defaults(report: str) -> dict:
    return {name: ast.literal_eval(info["default"])
            for name, info in papermill.inspect_notebook(str(NOTEBOOKS_DIR / REPORTS[report]["notebook"])).items()}


@pytest.mark.parametrize("report, name", [(r, n) for r in REPORTS for n in REPORTS[r]["parameters"]])
def test_every_parameter_reaches_the_report_and_changes_what_it_shows(report, name, data_copy):
    base = _defaults(report)
    if name == "data_dir":  # another data folder: the same data but for the agreement's title
        path = data_copy / "agreements" / "sochi-2018.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("short_title: Sochi memorandum",
                                                                 "short_title: Sochi memorandum (copy)"), encoding="utf-8")
        extra, value = {}, str(data_copy)
    else:
        extra, value = CHANGED[name]
    base.update(extra)
    before = _render(report, base)
    after = _render(report, {**base, name: value})
    assert before != after, f"{report}: {name}={value!r} changed nothing the report shows"
    if name == "data_dir":
        assert "Sochi memorandum (copy)" in after and "Sochi memorandum (copy)" not in before
