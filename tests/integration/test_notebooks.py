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
        "import accordmap", "", f'report = accordmap.report("{report}", globals())']
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
    "zone_overrides": ({}, {"p3.max_km": 25.0}),
    "as_of": ({}, "2018-10-01"),
    "basemap": ({}, "osm"),
    "min_precision": ({}, 1),
    # "events": a second event set, added to a data copy by _second_event_set
    # the data hold one amendment pair: a data copy adds another (see _second_amendment, _second_pair)
    "amendment": lambda data: _second_amendment(data),
    "base": lambda data: _second_pair(data),
}


def _copy_agreement(data, source: str, new_id: str, amends: str | None = None) -> None:
    """A copy of an agreement under another id, its short title marked '(copy)'."""
    text = (data / "agreements" / f"{source}.yaml").read_text(encoding="utf-8")
    text = text.replace(f"id: {source}\n", f"id: {new_id}\n", 1)
    text = re.sub(r"^short_title: (.*)$", r"short_title: \1 (copy)", text, count=1, flags=re.M)
    if amends:
        text = text.replace("amends: sochi-2018\n", f"amends: {amends}\n", 1)
    (data / "agreements" / f"{new_id}.yaml").write_text(text, encoding="utf-8")


def _second_amendment(data):
    """A second amendment of sochi-2018 (the Moscow protocol copied): ``amendment`` changes alone."""
    _copy_agreement(data, "moscow-2020", "moscow-2020-copy")
    return {"data_dir": str(data)}, "moscow-2020-copy", {}


def _second_pair(data):
    """A second pair (both agreements copied, the copy amending the copy). An amendment amends one agreement,
    so ``base`` can only change with ``amendment`` (test_base_alone_is_refused shows the refusal)."""
    _copy_agreement(data, "sochi-2018", "sochi-2018-copy")
    _copy_agreement(data, "moscow-2020", "moscow-2020-copy", amends="sochi-2018-copy")
    return {"data_dir": str(data)}, "sochi-2018-copy", {"amendment": "moscow-2020-copy"}


def _second_event_set(data_dir) -> str:
    """Add the shipped UCDP rows of 2019 as a second event set of a data copy; return its id."""
    import copy

    import pandas as pd
    import yaml

    catalog_path = data_dir / "events" / "catalog.yaml"
    catalog = yaml.safe_load(catalog_path.read_text(encoding="utf-8"))
    entry = copy.deepcopy(catalog["event_sets"][0])  # a copy: yaml would write shared lists as aliases
    rows = pd.read_csv(data_dir / "events" / entry["file"], dtype=str, keep_default_na=False)
    rows[rows["date_start"].str.startswith("2019")].to_csv(data_dir / "events" / "ucdp_2019.csv", index=False)
    entry.update(id="ucdp-2019-only", file="ucdp_2019.csv", title=entry["title"] + ", 2019 rows only",
                 coverage_start="2019-01-01")
    catalog["event_sets"].append(entry)
    catalog_path.write_text(yaml.safe_dump(catalog, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return entry["id"]


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
    together: list[dict] = []  # parameters that can only change with this one
    if name == "data_dir":  # another data folder: the same data but for the agreement's title
        path = data_copy / "agreements" / "sochi-2018.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("short_title: Sochi memorandum",
                                                                 "short_title: Sochi memorandum (copy)"), encoding="utf-8")
        extra, value = {}, str(data_copy)
    elif name == "events":  # the same data folder with a second event set
        extra, value = {"data_dir": str(data_copy)}, _second_event_set(data_copy)
    else:
        extra, value, *together = CHANGED[name](data_copy) if callable(CHANGED[name]) else CHANGED[name]
    base.update(extra)
    before = _render(report, base)
    after = _render(report, {**base, name: value, **(together[0] if together else {})})
    assert before != after, f"{report}: {name}={value!r} changed nothing the report shows"
    if name == "base":  # the base's own title: what changed is the base, not only the amendment
        assert "Sochi memorandum (copy)" in after and "Sochi memorandum (copy)" not in before
    if name == "data_dir":
        assert "Sochi memorandum (copy)" in after and "Sochi memorandum (copy)" not in before


def test_base_alone_is_refused(data_copy):
    """Why ``base`` changes only with ``amendment``: a base the amendment does not amend is refused."""
    from accordmap.params import ParameterError

    _second_pair(data_copy)
    namespace = {**_defaults("comparison"), "data_dir": str(data_copy), "base": "sochi-2018-copy"}
    with pytest.raises(ParameterError, match="amendment 'moscow-2020' does not amend 'sochi-2018-copy' "
                                             r"\(expected one of: moscow-2020-copy\)"):
        _render("comparison", namespace)


@pytest.mark.parametrize("report", list(REPORTS))
def test_every_parameter_has_a_type_papermill_shows(report):
    """`papermill --help-notebook` shows each parameter's type (no 'Unknown type')."""
    found = papermill.inspect_notebook(str(NOTEBOOKS_DIR / REPORTS[report]["notebook"]))
    assert all(info["inferred_type_name"] != "None" for info in found.values()), found
